"""The VK adapter: who the community is, its Long Poll or Callback API as neutral events, its gateway."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping

from vkbottle import VKAPIError

from bot.config import VkConfig
from bot.port.adapter import BadToken, Batch, NoUpdatesAccess, WebhookReply
from bot.port.ids import Platform
from bot.port.ratelimit import RateLimiter, default_bulk_cap
from bot.vk.api import RetryPolicy, VkApi, VkNetworkError
from bot.vk.callback import read_callback
from bot.vk.gateway import VkGateway
from bot.vk.longpoll import BAD_TOKEN, NO_ACCESS, LongPoll
from bot.vk.translate import translate

log = logging.getLogger(__name__)


class VkAdapter:
    platform = Platform.VK
    redelivers = False  # VK pauses delivery to a callback server that keeps failing

    def __init__(self, config: VkConfig) -> None:
        self._config = config
        self._api = VkApi(
            config.resolved_token().get_secret_value(),
            api_url=config.api_url,
            api_version=config.api_version,
            limiter=RateLimiter(config.rate_limit, bulk_cap=default_bulk_cap(config.rate_limit)),
            retry=RetryPolicy(attempts=config.retry_attempts, base_delay=config.retry_base_delay),
        )
        self._group_id = config.group_id
        self._gateway: VkGateway | None = None
        self.connected = asyncio.Event()
        """Set once the long poll is connected (tests and the sandbox wait for it)."""
        self.webhook_path = config.callback_path
        self._confirmation = config.callback_confirmation

    @property
    def gateway(self) -> VkGateway:
        if self._gateway is None:
            raise RuntimeError("connect() first")
        return self._gateway

    async def connect(self) -> None:
        """groups.getById, retried with growing pauses through any passing trouble."""
        params = {"group_id": self._group_id} if self._group_id else {}
        failures = 0
        while True:
            try:
                response = await self._api.request("groups.getById", params)
                break
            except VKAPIError as error:
                if error.code == BAD_TOKEN:
                    raise BadToken(error.error_msg) from None
                if error.code in NO_ACCESS:
                    raise NoUpdatesAccess(f"VK error {error.code}: {error.error_msg}") from None
                failures += 1
                log.warning("VK error %s at start; retrying", error.code)
            except VkNetworkError as error:
                failures += 1
                log.warning("cannot reach VK at start (%s); retrying", error)
            await asyncio.sleep(min(60.0, 0.5 * 2 ** min(failures, 10)))
        body = response["response"]
        group = (body["groups"] if isinstance(body, dict) else body)[0]
        self._group_id = int(group["id"])
        screen_name = group.get("screen_name") or f"club{self._group_id}"
        self._gateway = VkGateway(self._api, group_id=self._group_id, screen_name=screen_name)
        log.info("connected to VK as community %s (%s)", self._group_id, screen_name)

    async def poll(self, position: str | None) -> AsyncIterator[Batch]:
        poll = LongPoll(self._api, self._group_id, wait=self._config.longpoll_wait)
        poll.connected = self.connected
        async for updates, ts in poll.batches(position):
            incoming = [found for found in (translate(u, self._group_id) for u in updates) if found is not None]
            yield Batch(updates=incoming, position=ts)

    # --- Callback API ---------------------------------------------------------------------------
    async def open_webhook(self) -> None:
        """Learn the confirmation code from VK unless the config gives it (retrying passing trouble)."""
        failures = 0
        while not self._confirmation:
            try:
                answer = await self._api.request("groups.getCallbackConfirmationCode", {"group_id": self._group_id})
                self._confirmation = str(answer["response"]["code"])
            except VKAPIError as error:
                if error.code in NO_ACCESS or error.code == BAD_TOKEN:
                    raise NoUpdatesAccess(f"VK error {error.code}: cannot read the Callback API confirmation code; "
                                          "set vk.callback_confirmation") from None
                failures += 1
                log.warning("VK error %s reading the confirmation code; retrying", error.code)
                await asyncio.sleep(min(60.0, 0.5 * 2 ** min(failures, 10)))
            except VkNetworkError as error:
                failures += 1
                log.warning("cannot reach VK for the confirmation code (%s); retrying", error)
                await asyncio.sleep(min(60.0, 0.5 * 2 ** min(failures, 10)))
        self.connected.set()

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookReply:
        request = read_callback(body, group_id=self._group_id, confirmation=self._confirmation,
                                secret=self._config.callback_secret.get_secret_value())
        if request.update is None:
            return WebhookReply(status=request.status, text=request.text, refused=request.refused)
        found = translate(request.update, self._group_id)
        return WebhookReply(status=200, text="ok", batch=Batch(updates=[found] if found else [], position=None))

    async def close(self) -> None:
        await self._api.http_client.close()
