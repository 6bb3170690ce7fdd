"""Event dispatch: drop duplicates, keep each chat's order, isolate failures.

Events of one conversation are handled one after another (so replies keep their
order); different conversations run concurrently up to a cap.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from bot.logs import error_without_content

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class RecentIds:
    """A bounded set of the last `capacity` event ids."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def claim(self, event_id: str) -> bool:
        """True the first time an id is seen."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True


def conversation_key(event: dict[str, Any]) -> int:
    """The peer an event belongs to, for ordering; 0 when it has none."""
    obj = event.get("object") or {}
    message = obj.get("message") if isinstance(obj.get("message"), dict) else obj
    for key in ("peer_id", "user_id", "from_id"):
        value = message.get(key) if isinstance(message, dict) else None
        if isinstance(value, int):
            return value
    return 0


class _Chain:
    """The lock that orders one conversation, and how many events still need it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.pending = 0


class Dispatcher:
    def __init__(self, handler: Handler, *, max_concurrency: int = 64) -> None:
        self._handler = handler
        self._seen = RecentIds()
        self._slots = asyncio.Semaphore(max_concurrency)
        self._chains: dict[int, _Chain] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.handled = 0
        """Events handled so far (duplicates excluded); the sandbox waits on it."""
        self.failed = 0

    def submit(self, event: dict[str, Any]) -> bool:
        """Schedule one update; False when it is a duplicate."""
        event_id = event.get("event_id")
        if isinstance(event_id, str) and not self._seen.claim(event_id):
            log.info("duplicate event %s dropped", event_id)
            return False
        key = conversation_key(event)
        chain = self._chains.setdefault(key, _Chain())
        chain.pending += 1
        task = asyncio.create_task(self._run(chain, key, event))
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return True

    async def _run(self, chain: _Chain, key: int, event: dict[str, Any]) -> None:
        # Tasks start in creation order and Lock is FIFO, so one peer's events keep their order.
        try:
            async with chain.lock, self._slots:
                try:
                    await self._handler(event)
                except Exception as error:
                    self.failed += 1
                    log.error("handler failed for event type %s: %s", event.get("type"), error_without_content(error))
                finally:
                    self.handled += 1
        finally:
            chain.pending -= 1
            if chain.pending == 0 and self._chains.get(key) is chain:
                del self._chains[key]

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
