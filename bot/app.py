"""Wiring: storage, the platform adapters, the inbox and outbox workers, housekeeping; start and stop.

One process serves every platform whose token is set, over one database. A platform in long-poll
mode has a poller; one in webhook mode a path on the bot's HTTP server. Either way what arrives is
stored first (Intake, with the poll position); the inbox worker hands the updates to the handlers;
the outbox worker carries out what their decisions owe. While the database cannot be written the
bot keeps answering (DegradedMode) and stores what arrived once it can.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from bot.backups import backups_forever
from bot.config import Settings
from bot.features import Features
from bot.housekeeping import tidy_forever
from bot.logs import error_without_content
from bot.port.adapter import Adapter, BadToken, NoUpdatesAccess, WebhookAdapter
from bot.port.gateway import Gateway
from bot.port.ids import Platform
from bot.registry import load_registry
from bot.runtime.degraded import DegradedMode
from bot.runtime.inbox_worker import InboxWorker
from bot.runtime.intake import Intake
from bot.runtime.outbox_worker import OutboxWorker
from bot.runtime.scheduler import Scheduler
from bot.runtime.webhook_server import WebhookRoute, WebhookServer
from bot.services import Repos, Services, utc_now
from bot.status import assess, status_json
from handlers.dispatch import Dispatcher
from storage.db import Database
from storage.lock import DatabaseInUse, DatabaseLock
from storage.status import collect
from storage.trouble import STORAGE_ERRORS, StorageCause, storage_cause

log = logging.getLogger(__name__)

STOP_FINISH_SECONDS = 10.0
STOP_FLUSH_SECONDS = 10.0
LOCK_ATTEMPTS = 10


class NoPlatform(Exception):
    """Neither a VK nor a MAX token is set: nothing to serve."""


class StorageUnwritable(Exception):
    """The database cannot be written at the start: say so at once instead of looking healthy."""

    def __init__(self, cause: StorageCause, path: Path) -> None:
        super().__init__(f"{path}: {cause.value}")
        self.cause = cause
        self.path = path


def webhook_mode(settings: Settings, adapter: Adapter) -> bool:
    mode = settings.vk.mode if adapter.platform is Platform.VK else settings.max.mode
    return mode == "webhook"


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
        self.degraded: DegradedMode | None = None
        self.intakes: dict[Platform, Intake] = {}
        self.server: WebhookServer | None = None
        self._db: Database | None = None
        self._lock = DatabaseLock(Path(settings.storage.path))
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
        await self._hold_database()
        self._db = await self._open_storage(self.settings.storage.path)
        for adapter in self.adapters:
            await adapter.connect()
        gateways: dict[Platform, Gateway] = {a.platform: a.gateway for a in self.adapters}
        repos = Repos.over(self._db)
        self.services = Services(config=self.settings, repos=repos, gateways=gateways,
                                 features=Features.build(self.settings, repos.moderation), clock=self._clock,
                                 transaction_open=self._db.in_transaction)
        self.outbox_worker = OutboxWorker(self.services)
        self.degraded = DegradedMode(self.services)
        self.outbox_worker.on_storage_trouble = self.degraded.storage_failed
        dispatcher = Dispatcher(self.services, self._db, committed=self.outbox_worker.take, degraded=self.degraded)
        self.inbox_worker = InboxWorker(repos.inbox, dispatcher)
        self.intakes = {a.platform: Intake(a.platform, repos.inbox, self.degraded, stored=self.inbox_worker.take,
                                           clock=self.services.now) for a in self.adapters}
        if self.settings.serves_http:
            routes = [WebhookRoute(cast(WebhookAdapter, a), self.intakes[a.platform])
                      for a in self.adapters if webhook_mode(self.settings, a)]
            self.server = WebhookServer(self.settings.server, routes, self.health)

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("start() first")
        return self._db

    @staticmethod
    async def _open_storage(path: Path) -> Database:
        """Open, migrate and prove the database writable; StorageUnwritable names the cause."""
        db: Database | None = None
        try:
            db = await Database.open(path)
            await db.migrate()
            await db.probe_write()
        except STORAGE_ERRORS as error:
            if db is not None:
                await db.close()
            cause = storage_cause(error)
            if cause is None:
                raise
            raise StorageUnwritable(cause, path) from None
        return db

    async def _hold_database(self) -> None:
        """One bot per database (DatabaseInUse otherwise); a restore waits until it stops.

        `schoolbot status` takes the lock for an instant to see whether it is free, so a start that
        meets it tries again for a second before it concludes that another bot runs.
        """
        for attempt in range(LOCK_ATTEMPTS):
            try:
                self._lock.acquire()
                return
            except DatabaseInUse:
                if attempt == LOCK_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.1)
            except OSError as error:  # a read-only folder: the database itself will say more
                log.warning("cannot lock the database: %s", error.strerror or type(error).__name__)
                return

    async def run(self) -> None:
        """Serve until stop() is asked for; BadToken or NoUpdatesAccess from a platform ends it."""
        assert self.services is not None and self.inbox_worker is not None and self.outbox_worker is not None
        tasks = [
            asyncio.create_task(self.inbox_worker.run(), name="inbox"),
            asyncio.create_task(self.outbox_worker.run(), name="outbox"),
            asyncio.create_task(tidy_forever(self.services, self.outbox_worker.wake), name="housekeeping"),
            asyncio.create_task(backups_forever(self.services, Path(self.settings.storage.path)), name="backups"),
            asyncio.create_task(Scheduler(self.services, self.outbox_worker.wake).run(), name="scheduler"),
        ]
        if self.server is not None:
            await self.server.start()
        for adapter in self.adapters:
            if webhook_mode(self.settings, adapter):
                await cast(WebhookAdapter, adapter).open_webhook()
        pollers = [asyncio.create_task(self._poll(adapter), name=f"poll-{adapter.platform}")
                   for adapter in self.adapters if not webhook_mode(self.settings, adapter)]
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
        """Fetch, store with the new position (or hold in memory while storage fails), forever."""
        assert self.services is not None
        intake = self.intakes[adapter.platform]
        position = await self._stored_position(adapter.platform)
        async for batch in adapter.poll(position):
            await intake.accept(batch)
            await intake.room()

    async def _stored_position(self, platform: Platform) -> str | None:
        """Reading the position waits out storage trouble: polling from a wrong one could skip updates."""
        assert self.services is not None
        failures = 0
        while True:
            try:
                return await self.services.repos.inbox.position(platform)
            except STORAGE_ERRORS as error:
                failures += 1
                log.error("cannot read the poll position of %s: %s", platform, storage_cause(error) or type(error).__name__)
                await asyncio.sleep(min(30.0, 0.5 * 2**failures))

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """For GET /health: what `schoolbot status --json` says, from inside the bot (connections
        known for sure), plus whether storage can be written and what waits in memory."""
        trouble = self.degraded.cause if self.degraded is not None else None
        connected = {a.platform: _is_connected(a) for a in self.adapters}
        details: dict[str, Any] = {"healthy": False, "storage": trouble.value if trouble else "ok"}
        try:
            snapshot = await collect(self.db, self.settings, connected=connected)
            verdict = assess(snapshot, self._clock())
            details |= status_json(snapshot, verdict)
        except STORAGE_ERRORS as error:
            details["storage"] = (storage_cause(error) or "unreadable").__str__()
            details["platforms"] = {p.value: {"connected": c} for p, c in connected.items()}
            verdict = None
        for adapter in self.adapters:
            own = details.setdefault("platforms", {}).setdefault(adapter.platform.value, {})
            own["mode"] = "webhook" if webhook_mode(self.settings, adapter) else "longpoll"
            own["waiting_in_memory"] = self.intakes[adapter.platform].waiting if self.intakes else 0
        healthy = verdict is not None and verdict.healthy and details["storage"] == "ok"
        details["healthy"] = healthy
        return healthy, details

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
        for intake in self.intakes.values():
            await intake.close()
        if self.server is not None:
            await self.server.stop()
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
        self._lock.release()


def _is_connected(adapter: Adapter) -> bool:
    connected = getattr(adapter, "connected", None)
    return connected.is_set() if isinstance(connected, asyncio.Event) else True


__all__ = ["BadToken", "BotApp", "DatabaseInUse", "NoPlatform", "NoUpdatesAccess", "StorageUnwritable"]
