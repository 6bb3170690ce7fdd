"""The MAX adapter: connect (who am I), long-poll updates into neutral events, close.

Delivery is GET /updates with a marker; the marker after a batch is the position the runtime
stores with the batch, so a restart resumes where the stored updates end (MAX keeps undelivered
updates for a day). Long polling and a webhook subscription exclude each other on MAX: an active
subscription is NoUpdatesAccess, not something the bot silently deletes.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator
from typing import Any

from maxapi.enums.update import UpdateType

from bot.config import MaxConfig
from bot.logs import error_without_content
from bot.max.api import REQUEST_TIMEOUT, ApiClosed, Identity, MaxApi, MaxRefused
from bot.max.directory import Directory
from bot.max.gateway import MaxGateway
from bot.max.updates import UPDATE_TYPES, learn, parse_update, translate
from bot.port.adapter import BadToken, Batch, NoUpdatesAccess
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
                webhook = await self.api.webhook_active()
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
        if webhook:
            raise NoUpdatesAccess("a MAX webhook subscription is active: long polling is unavailable "
                                  "until it is removed (DELETE /subscriptions)")
        log.info("connected to MAX as bot %s (@%s)", identity.user_id, identity.username)

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
