"""Wiring: storage, the platform adapters, the inbox and outbox workers, housekeeping; start and stop.

One process serves every platform whose token is set, over one database. Each adapter's poller
stores what it fetches (with its new position) before fetching more; the inbox worker hands the
updates to the handlers; the outbox worker carries out what their decisions owe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import cast

from bot.config import Settings
from bot.features import Features
from bot.housekeeping import tidy_forever
from bot.logs import error_without_content
from bot.port.adapter import Adapter, BadToken, NoUpdatesAccess
from bot.port.gateway import Gateway
from bot.port.ids import Platform
from bot.registry import load_registry
from bot.runtime.inbox_worker import InboxWorker
from bot.runtime.outbox_worker import OutboxWorker
from bot.runtime.scheduler import Scheduler
from bot.services import Repos, Services, utc_now
from handlers.dispatch import STORAGE_ERRORS, Dispatcher
from storage.db import Database

log = logging.getLogger(__name__)

STOP_FINISH_SECONDS = 10.0
STOP_FLUSH_SECONDS = 10.0


class NoPlatform(Exception):
    """Neither a VK nor a MAX token is set: nothing to serve."""


def configured_adapters(settings: Settings) -> list[Adapter]:
    """An adapter for every platform whose token is set."""
    adapters: list[Adapter] = []
    if settings.vk.resolved_token().get_secret_value():
        from bot.vk.adapter import VkAdapter

        adapters.append(cast(Adapter, VkAdapter(settings.vk)))
    if settings.max.resolved_token().get_secret_value():
        from bot.max.adapter import MaxAdapter

        adapters.append(cast(Adapter, MaxAdapter(settings.max, min_poll_interval=settings.max.poll_interval)))
    return adapters


class BotApp:
    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self._clock = clock
        self.adapters: list[Adapter] = []
        self.services: Services | None = None
        self.inbox_worker: InboxWorker | None = None
        self.outbox_worker: OutboxWorker | None = None
        self._db: Database | None = None
        self._stopping = asyncio.Event()
        self.polling = asyncio.Event()
        """Set once every platform's updates are being fetched (tests and the sandbox wait for it)."""

    async def start(self) -> None:
        """Open storage, reach the platforms (retrying a bad network), build the workers."""
        # A broken registry file stops the start with every problem listed (RegistryFileError).
        load_registry(self.settings.registry.path)
        self.adapters = configured_adapters(self.settings)
        if not self.adapters:
            raise NoPlatform("no token")
        self._db = await Database.open(self.settings.storage.path)
        await self._db.migrate()
        for adapter in self.adapters:
            await adapter.connect()
        gateways: dict[Platform, Gateway] = {a.platform: a.gateway for a in self.adapters}
        repos = Repos.over(self._db)
        self.services = Services(config=self.settings, repos=repos, gateways=gateways,
                                 features=Features.build(self.settings, repos.moderation), clock=self._clock,
                                 transaction_open=self._db.in_transaction)
        self.outbox_worker = OutboxWorker(self.services)
        dispatcher = Dispatcher(self.services, self._db, committed=self.outbox_worker.wake)
        self.inbox_worker = InboxWorker(repos.inbox, dispatcher)

    async def run(self) -> None:
        """Serve until stop() is asked for; BadToken or NoUpdatesAccess from a platform ends it."""
        assert self.services is not None and self.inbox_worker is not None and self.outbox_worker is not None
        tasks = [
            asyncio.create_task(self.inbox_worker.run(), name="inbox"),
            asyncio.create_task(self.outbox_worker.run(), name="outbox"),
            asyncio.create_task(tidy_forever(self.services, self.outbox_worker.wake), name="housekeeping"),
            asyncio.create_task(Scheduler(self.services, self.outbox_worker.wake).run(), name="scheduler"),
            asyncio.create_task(_warm_up_charts(), name="charts"),
        ]
        pollers = [asyncio.create_task(self._poll(adapter), name=f"poll-{adapter.platform}")
                   for adapter in self.adapters]
        tasks.append(asyncio.create_task(self._mark_polling(), name="polling-mark"))
        stop = asyncio.create_task(self._stopping.wait())
        try:
            done, _ = await asyncio.wait({stop, *pollers}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not stop and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            for task in [*pollers, stop]:
                task.cancel()
            await asyncio.gather(*pollers, return_exceptions=True)
            await self._finish(tasks)

    async def _mark_polling(self) -> None:
        events = [getattr(a, "connected", None) for a in self.adapters]
        await asyncio.gather(*(e.wait() for e in events if isinstance(e, asyncio.Event)))
        self.polling.set()

    async def _poll(self, adapter: Adapter) -> None:
        """Fetch, store with the new position (retrying storage trouble), wake the worker; forever."""
        assert self.services is not None and self.inbox_worker is not None
        inbox = self.services.repos.inbox
        position = await inbox.position(adapter.platform)
        async for batch in adapter.poll(position):
            failures = 0
            while True:
                try:
                    await inbox.store(adapter.platform, batch.updates, batch.position, self.services.now())
                    break
                except STORAGE_ERRORS as error:  # nothing fetched is dropped: the poll waits for the disk
                    failures += 1
                    log.error("cannot store updates from %s: %s", adapter.platform, type(error).__name__)
                    await asyncio.sleep(min(30.0, 0.5 * 2**failures))
            if batch.updates:
                self.inbox_worker.wake()

    def request_stop(self) -> None:
        """SIGTERM: stop fetching, finish what is in flight, flush the outbox for a while, exit."""
        self._stopping.set()

    async def _finish(self, tasks: list[asyncio.Task[None]]) -> None:
        assert self.inbox_worker is not None and self.outbox_worker is not None
        try:
            if not await self.inbox_worker.stop(STOP_FINISH_SECONDS):
                log.warning("stopping: some updates were still being handled; they will be handled after restart")
            if not await self.outbox_worker.flush(STOP_FLUSH_SECONDS):
                log.warning("stopping: some messages are still owed; they will be sent after restart")
        except Exception as error:
            log.error("stopping: %s", error_without_content(error))
        await self.outbox_worker.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def stop(self) -> None:
        for adapter in self.adapters:
            try:
                await adapter.close()
            except Exception as error:
                log.warning("closing %s: %s", adapter.platform, type(error).__name__)
        if self._db is not None:
            await self._db.close()
            self._db = None


async def _warm_up_charts() -> None:
    """matplotlib's first import takes seconds: pay it at start, not on the first /статистика."""
    from bot.director.chart import warm_up

    try:
        await asyncio.to_thread(warm_up)
    except Exception as error:
        log.warning("charts unavailable: %s", type(error).__name__)


__all__ = ["BadToken", "BotApp", "NoPlatform", "NoUpdatesAccess"]
