"""Intake: what a platform delivers is stored before anything else happens to it.

A polled batch (with its new poll position) or a webhook's update goes into the inbox in one
transaction. When the database cannot be written, the batch waits in memory, in order, behind any
earlier ones: people still get an answer (DegradedMode), and the batches are stored as soon as
writes work again, so the poll position never moves past an update that is not stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from datetime import datetime

from bot.port.adapter import Batch
from bot.port.ids import Platform
from bot.runtime.degraded import DegradedMode
from storage.inbox import Inbox, InboxItem
from storage.trouble import STORAGE_ERRORS, storage_cause

log = logging.getLogger(__name__)

WAITING_LIMIT = 20_000
"""Updates kept in memory at most; beyond it polling pauses and webhooks answer 503."""
LONGEST_PAUSE = 30.0


def pause_after(failures: int) -> float:
    return min(LONGEST_PAUSE, 0.25 * 2 ** min(failures, 8))


class Intake:
    def __init__(self, platform: Platform, inbox: Inbox, degraded: DegradedMode, *,
                 stored: Callable[[list[InboxItem]], None], clock: Callable[[], datetime]) -> None:
        self.platform = platform
        self._inbox = inbox
        self._degraded = degraded
        self._stored = stored
        self._clock = clock
        self._waiting: deque[Batch] = deque()
        self._retrying: asyncio.Task[None] | None = None
        self._room = asyncio.Event()
        self._room.set()

    @property
    def waiting(self) -> int:
        """Updates held in memory because they could not be stored yet."""
        return sum(len(batch.updates) for batch in self._waiting)

    @property
    def full(self) -> bool:
        return self.waiting >= WAITING_LIMIT

    async def accept(self, batch: Batch) -> bool:
        """True once the batch is stored; False when it waits in memory (or, past the limit, was refused)."""
        if not self._waiting:
            try:
                await self._store(batch)
                return True
            except STORAGE_ERRORS as error:
                await self._failed(error)
        if self.full:
            return False
        self._waiting.append(batch)
        if self.full:
            self._room.clear()
        for incoming in batch.updates:
            await self._degraded.react(self.platform, incoming)
        if self._retrying is None or self._retrying.done():
            self._retrying = asyncio.create_task(self._store_waiting(), name=f"intake-{self.platform}")
        return False

    async def room(self) -> None:
        """Until fewer than WAITING_LIMIT updates wait in memory (a poller fetches no more before)."""
        await self._room.wait()

    async def _store(self, batch: Batch) -> None:
        new = await self._inbox.store(self.platform, batch.updates, batch.position, self._clock())
        if new:
            self._stored(new)
        await self._degraded.storage_works()

    async def _failed(self, error: BaseException) -> None:
        cause = storage_cause(error)
        log.error("cannot store updates from %s: %s", self.platform, cause or type(error).__name__)
        if cause is not None:
            await self._degraded.storage_failed(cause)

    async def _store_waiting(self) -> None:
        """Store the waiting batches in order, pausing longer after each failure; never gives up."""
        failures = 0
        while self._waiting:
            await asyncio.sleep(pause_after(failures))
            try:
                while self._waiting:
                    await self._store(self._waiting[0])
                    self._waiting.popleft()
                    if not self.full:
                        self._room.set()
            except STORAGE_ERRORS as error:
                failures += 1
                if failures == 1 or failures % 20 == 0:
                    await self._failed(error)
        self._room.set()

    async def close(self) -> None:
        """On stop: what still waits is not stored (the platform delivers it again after a restart)."""
        if self.waiting:
            log.warning("stopping with %d updates from %s not stored; they come again after restart",
                        self.waiting, self.platform)
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.gather(self._retrying, return_exceptions=True)
