"""Ordered lanes: work items of one lane run one after another, different lanes concurrently.

Used by the inbox (a lane is a conversation: replies keep their order) and the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.logs import error_without_content

log = logging.getLogger(__name__)


class _Chain:
    """The lock that orders one lane, and how many items still need it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.pending = 0


class Lanes:
    def __init__(self, *, max_concurrency: int = 32) -> None:
        self._slots = asyncio.Semaphore(max_concurrency)
        self._chains: dict[str, _Chain] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, lane: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` after everything submitted to `lane` before it."""
        chain = self._chains.setdefault(lane, _Chain())
        chain.pending += 1
        task = asyncio.create_task(self._run(chain, lane, work))
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)

    async def _run(self, chain: _Chain, lane: str, work: Callable[[], Awaitable[None]]) -> None:
        # Tasks start in creation order and Lock is FIFO, so one lane keeps its order.
        try:
            async with chain.lock, self._slots:
                try:
                    await work()
                except Exception as error:  # a bug in one item must not stop the lane
                    log.error("work item failed: %s", error_without_content(error))
        finally:
            chain.pending -= 1
            if chain.pending == 0 and self._chains.get(lane) is chain:
                del self._chains[lane]

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait for everything submitted; False if `timeout` passed first."""
        if not self._tasks:
            return True
        await asyncio.wait(set(self._tasks), timeout=timeout)
        return not self._tasks

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
