"""The inbox worker: hands stored updates to the handlers, in order per conversation.

On start it takes every update a crash or a stop left pending; then the intake hands it each batch
it stores, so an update costs no read of the inbox (a read every few seconds is the safety net).
The handler marks an update done in the transaction of its decision. An update that met storage
trouble (the disk full, the file read-only) waits, however long it takes, without counting attempts
(counting would need the disk too); one the database refused for another reason is tried again a
few times, then given up, so one bad update cannot block a chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from enum import Enum

from bot.logs import error_without_content
from bot.runtime.lanes import Lanes
from storage.inbox import MAX_ATTEMPTS, Inbox, InboxItem

log = logging.getLogger(__name__)

BATCH = 500
IDLE_CHECK = 5.0
STORAGE_PAUSE = 30.0


class Handled(Enum):
    DONE = "done"  # marked done (or failed) by the handler
    RETRY = "retry"  # the database refused this update (a bug, not the disk): a few more tries, then given up
    STORAGE = "storage"  # the database cannot be written (full, read-only, locked): wait as long as it takes


Handler = Callable[[InboxItem], Awaitable[Handled]]


class InboxWorker:
    def __init__(self, inbox: Inbox, handler: Handler, *, concurrency: int = 32) -> None:
        self._inbox = inbox
        self._handler = handler
        self._lanes = Lanes(max_concurrency=concurrency)
        self._wake = asyncio.Event()
        self._accepting = True
        self._reading = False
        self._last_id = 0
        self.handled = 0
        """Updates finished so far; the sandbox and tests wait on it."""

    def take(self, items: Sequence[InboxItem]) -> None:
        """Updates just stored, handed over in memory.

        Stores finish in the order their rows are numbered, and their results come back in that order,
        so what is handed here always follows what the worker has seen. While a read is under way it
        may or may not see them: then the worker reads once more instead.
        """
        if not self._accepting:
            return  # stopping: they stay pending for the next start
        if self._reading:
            self._wake.set()
            return
        self._submit(items)

    def _submit(self, items: Sequence[InboxItem]) -> None:
        for item in items:
            if item.id > self._last_id:  # one already read is not handed twice
                self._last_id = item.id
                self._lanes.submit(item.lane, lambda item=item: self._handle(item))  # type: ignore[misc]

    async def run(self) -> None:
        while self._accepting:
            self._wake.clear()
            self._reading = True
            try:
                items = await self._inbox.pending(self._last_id, BATCH)
            except Exception as error:
                log.error("inbox: cannot read pending updates: %s", error_without_content(error))
                items = []
                await asyncio.sleep(1.0)
            finally:
                self._reading = False
            self._submit(items)
            if len(items) == BATCH:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), IDLE_CHECK)
            except TimeoutError:
                pass

    async def _handle(self, item: InboxItem) -> None:
        attempts = item.attempts
        waits = 0
        try:
            while True:
                handled = await self._handler(item)
                if handled is Handled.DONE:
                    return
                if handled is Handled.STORAGE:
                    waits += 1
                    await asyncio.sleep(min(STORAGE_PAUSE, 0.5 * 2 ** min(waits, 8)))
                    continue
                attempts = await self._safe_count(item, attempts)
                if attempts >= MAX_ATTEMPTS:
                    log.error("inbox: update %s given up after %d attempts", item.id, attempts)
                    await self._safe_fail(item)
                    return
                await asyncio.sleep(min(30.0, 0.5 * 2**attempts))
        finally:
            self.handled += 1

    async def _safe_count(self, item: InboxItem, attempts: int) -> int:
        try:
            return await self._inbox.count_attempt(item.id)
        except Exception:  # the database is still unwell: count in memory
            return attempts + 1

    async def _safe_fail(self, item: InboxItem) -> None:
        try:
            await self._inbox.mark_failed(item.id, datetime.now(UTC))
        except Exception as error:
            log.error("inbox: update %s could not be marked failed: %s", item.id, error_without_content(error))

    @property
    def in_flight(self) -> int:
        return self._lanes.busy

    async def wait_idle(self) -> None:
        await self._lanes.wait_idle()

    async def stop(self, timeout: float) -> bool:
        """Take nothing new; finish what is in flight within `timeout` (the rest stays pending)."""
        self._accepting = False
        self._wake.set()
        finished = await self._lanes.drain(timeout)
        if not finished:
            self._lanes.cancel()
        return finished
