"""The MAX adapter: connect (who am I), updates into neutral events by long poll or webhook, close.

Long poll: GET /updates with a marker; the marker after a batch is the position the runtime
stores with the batch, so a restart resumes where the stored updates end (MAX keeps undelivered
updates for a day). Webhook: the bot subscribes its own URL at start (POST /subscriptions) and
keeps the subscription over a restart, since MAX retries a delivery for up to 8 hours. The two
exclude each other on MAX: starting in long-poll mode removes the bot's own subscription (the
configured webhook_url); someone else's is NoUpdatesAccess, not something the bot deletes.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
from collections.abc import AsyncIterator, Mapping
from typing import Any

from maxapi.enums.http_method import HTTPMethod
from maxapi.enums.update import UpdateType

from bot.config import MaxConfig
from bot.logs import error_without_content
from bot.max.api import REQUEST_TIMEOUT, ApiClosed, Identity, MaxApi, MaxRefused
from bot.max.directory import Directory
from bot.max.gateway import MaxGateway
from bot.max.updates import UPDATE_TYPES, learn, parse_update, translate
from bot.max.webhook import read_webhook
from bot.port.adapter import BadToken, Batch, NoUpdatesAccess, WebhookReply
from bot.port.events import Incoming
from bot.port.ids import Platform

log = logging.getLogger(__name__)

POLL_TYPES: list[UpdateType] = [UpdateType(kind) for kind in UPDATE_TYPES]
POLL_LIMIT = 100  # MAX's largest batch
MIN_POLL_INTERVAL = 0.5
"""MAX allows long polls at 2 requests a second (and no closer than 300 ms)."""
MAX_PAUSE = 60.0


class MaxAdapter:
    """What the runtime needs for MAX: `connect()`, then `poll(position)`; `gateway` for effects."""

    platform = Platform.MAX
    redelivers = True  # MAX retries a webhook delivery for up to 8 hours

    def __init__(
        self,
        config: MaxConfig,
        *,
        api_url: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
        min_poll_interval: float = MIN_POLL_INTERVAL,
    ) -> None:
        self._base_delay = config.retry_base_delay
        self._min_poll_interval = min_poll_interval
        self.api = MaxApi(config, api_url=api_url, ssl_context=ssl_context, request_timeout=request_timeout)
        self.directory = Directory()
        self.gateway = MaxGateway(self.api, self.directory)
        self._closed = False
        self._mode = config.mode
        self._webhook_url = config.webhook_url
        self.webhook_path = config.webhook_path
        # A secret nobody configured is made up at each start: it only has to match the subscription.
        self._webhook_secret = config.webhook_secret.get_secret_value() or secrets.token_urlsafe(32)
        self.connected = asyncio.Event()
        """Set once updates are being received (the first long poll, or the subscription made)."""

    def __repr__(self) -> str:
        return f"<MaxAdapter {self.api!r}>"

    @property
    def identity(self) -> Identity | None:
        return self.api.identity

    def _pause(self, failures: int) -> float:
        return min(MAX_PAUSE, self._base_delay * 2 ** min(failures, 12))

    async def connect(self) -> None:
        """GET /me, retried forever on network trouble, 5xx and 429 with growing pauses.

        BadToken on 401 (or no token at all); NoUpdatesAccess when MAX refuses otherwise or a
        webhook subscription is active (long polling is then unavailable).
        """
        if not self.api.has_token:
            raise BadToken("no MAX token configured (max.token or max.token_file)")
        failures = 0
        while True:
            try:
                identity = await self.api.identify()
                subscribed = await self._subscriptions()
                break
            except MaxRefused as error:
                if error.status == 401:
                    raise BadToken("MAX rejected the token") from None
                if not error.transient:
                    raise NoUpdatesAccess(f"MAX refused at start: {error}") from None
                failures += 1
                delay = self._pause(failures)
                log.warning("cannot reach MAX at start (%s); retrying in %.1f s", error, delay)
                await asyncio.sleep(delay)
        if self._mode == "longpoll" and subscribed:
            await self._leave_webhook(subscribed)
        log.info("connected to MAX as bot %s (@%s)", identity.user_id, identity.username)

    async def _subscriptions(self) -> list[str]:
        answer = await self.api.raw(HTTPMethod.GET, "/subscriptions", what="GET /subscriptions")
        found = answer.get("subscriptions")
        return [str(s.get("url")) for s in found if isinstance(s, dict)] if isinstance(found, list) else []

    async def _leave_webhook(self, subscribed: list[str]) -> None:
        """Long polling works only without a subscription: remove ours; never someone else's."""
        if self._webhook_url not in subscribed:
            raise NoUpdatesAccess("a MAX webhook subscription is active: long polling is unavailable until it is "
                                  "removed (set max.webhook_url to it and the bot removes it, or DELETE /subscriptions)")
        await self.api.raw(HTTPMethod.DELETE, "/subscriptions", what="DELETE /subscriptions",
                           params={"url": self._webhook_url})
        log.warning("MAX: the bot's webhook subscription removed: mode is longpoll now")

    # --- webhook -----------------------------------------------------------------------------
    async def open_webhook(self) -> None:
        """Subscribe the configured URL (a new subscription replaces an older one)."""
        body = {"url": self._webhook_url, "update_types": list(UPDATE_TYPES), "secret": self._webhook_secret}
        failures = 0
        while True:
            try:
                await self.api.raw(HTTPMethod.POST, "/subscriptions", what="POST /subscriptions", json=body)
                break
            except MaxRefused as error:
                if error.status == 401:
                    raise BadToken("MAX rejected the token") from None
                if not error.transient:
                    raise NoUpdatesAccess(f"MAX refused the webhook subscription: {error}") from None
                failures += 1
                await asyncio.sleep(self._pause(failures))
        self.connected.set()
        log.info("MAX: subscribed to webhook deliveries")

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookReply:
        request = read_webhook(headers, body, secret=self._webhook_secret)
        identity = self.api.identity
        if request.update is None or identity is None:
            return WebhookReply(status=request.status if request.update is None else 503, text="",
                                refused=request.refused or "not connected yet")
        return WebhookReply(status=200, text="ok",
                            batch=Batch(updates=self._translate([request.update], identity), position=None))

    async def poll(self, position: str | None) -> AsyncIterator[Batch]:
        """Batches forever from `position`; network trouble only delays them.

        A batch is yielded when updates came or the marker moved (skipped update types move it
        too); its position is the marker to poll from next.
        """
        identity = self.api.identity
        if identity is None:
            raise RuntimeError("connect() first")
        marker = _marker(position)
        failures = 0
        self.connected.set()
        loop = asyncio.get_running_loop()
        last_start = -self._min_poll_interval
        while not self._closed:
            wait = last_start + self._min_poll_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            last_start = loop.time()
            try:
                answer = await self.api.get_updates(marker, POLL_TYPES, POLL_LIMIT)
            except ApiClosed:
                return
            except MaxRefused as error:
                if error.status == 401:
                    raise BadToken("MAX rejected the token") from None
                if error.status == 405:
                    raise NoUpdatesAccess("long polling refused: a MAX webhook subscription is active") from None
                failures += 1
                delay = self._pause(failures)
                log.warning("MAX long poll failed (%s); retrying in %.1f s", error, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            updates = answer.get("updates")
            incoming = self._translate(updates if isinstance(updates, list) else [], identity)
            new_marker = _marker(answer.get("marker"))
            moved = new_marker is not None and new_marker != marker
            if incoming or moved:
                yield Batch(updates=incoming, position=str(new_marker) if new_marker is not None else None)
            if new_marker is not None:
                marker = new_marker

    def _translate(self, updates: list[Any], identity: Identity) -> list[Incoming]:
        found: list[Incoming] = []
        for raw in updates:
            try:
                update = parse_update(raw)
                if update is None:
                    continue
                learn(update, self.directory, identity.user_id)
                incoming = translate(update, raw, me=identity, directory=self.directory)
            except Exception as error:  # one broken update must not stop the others
                log.error("MAX update skipped: %s", error_without_content(error))
                continue
            if incoming is not None:
                found.append(incoming)
        return found

    async def close(self) -> None:
        self._closed = True
        await self.api.close()


def _marker(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
