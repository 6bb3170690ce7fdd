"""Wiring: storage, the VK adapter, the labelers, and the polling loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from vkbottle import ErrorHandler, VKAPIError
from vkbottle.bot import Bot, BotLabeler

from bot.config import Settings
from bot.housekeeping import tidy_forever
from bot.logs import error_without_content
from bot.registry import load_registry
from bot.services import Community, Services, utc_now
from bot.vk.api import RetryPolicy, VkApi, VkNetworkError
from bot.vk.dispatch import Dispatcher
from bot.vk.longpoll import AccessDenied, BadToken, LongPoll
from bot.vk.ratelimit import RateLimiter
from storage.audit import AuditLog
from storage.chats import ChatsRepo
from storage.db import Database
from storage.people import PeopleRepo

log = logging.getLogger(__name__)

LabelerFactory = Callable[[Services], BotLabeler]


def feature_labelers() -> list[LabelerFactory]:
    """Every feature's labeler, in matching order; the fallback hint stays last."""
    from handlers.binding import binding_labeler
    from handlers.buttons import stale_button_labeler
    from handlers.fallback import fallback_labeler
    from handlers.help import help_labeler
    from handlers.invites import invites_labeler
    from handlers.join import join_labeler
    from handlers.moderation import moderation_labeler
    from handlers.mydata import mydata_labeler
    from handlers.people_admin import people_admin_labeler
    from handlers.registry import registry_labeler
    from handlers.reports import reports_labeler
    from handlers.requests import requests_labeler
    from handlers.roster import roster_labeler
    from handlers.rules import rules_labeler

    features: list[LabelerFactory] = [
        moderation_labeler,  # sees every chat message first and never blocks the rest
        roster_labeler,  # early: service messages of people entering chats must reach it
        join_labeler,  # before help: a vk.me link's first message is often «Начать»
        help_labeler,
        binding_labeler,
        invites_labeler,
        requests_labeler,
        people_admin_labeler,
        registry_labeler,
        rules_labeler,
        reports_labeler,
        mydata_labeler,
    ]
    return [*features, fallback_labeler, stale_button_labeler]


def content_free_error_handler() -> ErrorHandler:
    """vkbottle would log str(error), which for a malformed event quotes what people wrote."""
    handler = ErrorHandler()

    async def log_without_content(error: Exception) -> None:
        log.error("unhandled error in a handler: %s", error_without_content(error))

    handler.register_undefined_error_handler(log_without_content)
    return handler


class BotApp:
    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self._clock = clock
        self.services: Services | None = None
        self.dispatcher: Dispatcher | None = None
        self._db: Database | None = None
        self._api: VkApi | None = None
        self._vk_bot: Bot | None = None
        self.polling = asyncio.Event()
        """Set when the long poll is connected (tests and the sandbox wait for it)."""

    async def start(self) -> None:
        """Open storage, reach VK (retrying a bad network), build the handlers."""
        vk = self.settings.vk
        # A broken registry file stops the start with every problem listed (RegistryFileError).
        load_registry(self.settings.registry.path)
        self._db = await Database.open(self.settings.storage.path)
        await self._db.migrate()
        self._api = VkApi(
            vk.resolved_token().get_secret_value(),
            api_url=vk.api_url,
            api_version=vk.api_version,
            limiter=RateLimiter(vk.rate_limit),
            retry=RetryPolicy(attempts=vk.retry_attempts, base_delay=vk.retry_base_delay),
        )
        community = await self._fetch_community()
        self.services = Services(
            config=self.settings, db=self._db, api=self._api, community=community,
            people=PeopleRepo(self._db), chats=ChatsRepo(self._db), audit=AuditLog(self._db), clock=self._clock,
        )
        labeler = BotLabeler()
        for factory in feature_labelers():
            labeler.load(factory(self.services))
        self._vk_bot = Bot(api=self._api, labeler=labeler, error_handler=content_free_error_handler())
        self.dispatcher = Dispatcher(self._handle)
        log.info("connected to VK as community %s (%s)", community.id, community.screen_name)

    async def _fetch_community(self) -> Community:
        assert self._api is not None
        params = {"group_id": self.settings.vk.group_id} if self.settings.vk.group_id else {}
        failures = 0
        while True:
            try:
                response = await self._api.request("groups.getById", params)
                break
            except VKAPIError as error:
                if error.code == 5:
                    raise BadToken(error.error_msg) from None
                raise AccessDenied(f"VK error {error.code}: {error.error_msg}") from None
            except VkNetworkError as error:
                failures += 1
                delay = min(60.0, 0.5 * 2 ** min(failures, 10))
                log.warning("cannot reach VK at start (%s); retrying in %.1f s", error, delay)
                await asyncio.sleep(delay)
        body = response["response"]
        group = (body["groups"] if isinstance(body, dict) else body)[0]
        return Community(id=group["id"], screen_name=group.get("screen_name") or f"club{group['id']}",
                         name=group.get("name", ""))

    async def _handle(self, event: dict) -> None:
        assert self._vk_bot is not None
        await self._vk_bot.process_event(event)

    async def run(self) -> None:
        """Poll forever (until cancelled)."""
        assert self.services is not None and self.dispatcher is not None and self._api is not None
        poll = LongPoll(self._api, self.services.community.id, wait=self.settings.vk.longpoll_wait)
        poll.connected = self.polling
        upkeep = asyncio.create_task(tidy_forever(self.services))
        try:
            async for update in poll.updates():
                self.dispatcher.submit(update)
        finally:
            upkeep.cancel()

    async def stop(self) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.drain()
        if self._api is not None:
            await self._api.http_client.close()
        if self._db is not None:
            await self._db.close()
