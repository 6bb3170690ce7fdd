"""Bots Long Poll: the a_check loop from a stored position, failed 1/2/3, growing pauses.

Only a bad token (error 5) or a community that cannot use Long Poll ends it; VK's passing
trouble (errors 1, 6, 9, 10, 29, 5xx, timeouts, a dropped network) only delays it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from vkbottle import VKAPIError

from bot.port.adapter import BadToken, NoUpdatesAccess
from bot.vk.api import NETWORK_ERRORS, VkApi, VkNetworkError

log = logging.getLogger(__name__)

BAD_TOKEN = 5
# Access denied, method unavailable with this token, Long Poll disabled: a person must act.
NO_ACCESS = frozenset({15, 27, 100})


class LongPoll:
    def __init__(self, api: VkApi, group_id: int, *, wait: int = 25, max_backoff: float = 60.0) -> None:
        self._api = api
        self._group_id = group_id
        self._wait = wait
        self._max_backoff = max_backoff
        self._server = ""
        self._key = ""
        self._ts = ""
        self.connected = asyncio.Event()
        """Set once the first long-poll server is known: events from then on are not missed."""

    async def batches(self, ts: str | None) -> AsyncIterator[tuple[list[dict[str, Any]], str]]:
        """(updates, the ts to poll from next) forever, from `ts` (a stored one) or from now."""
        self._ts = ts or ""
        await self._connect(keep_ts=bool(ts))
        failures = 0
        while True:
            try:
                batch = await self._check()
            except NETWORK_ERRORS as error:
                failures += 1
                log.warning("long poll: network error %s, retrying", type(error).__name__)
                await asyncio.sleep(self._backoff(failures))
                continue
            failures = 0
            if "failed" in batch:
                await self._recover(batch)
                continue
            self._ts = str(batch.get("ts", self._ts))
            updates = [u for u in batch.get("updates", []) if isinstance(u, dict)]
            yield updates, self._ts

    async def _recover(self, batch: dict[str, Any]) -> None:
        failed = batch.get("failed")
        if failed == 1:
            log.warning("long poll: history lost (failed 1); some events may be missing")
            self._ts = str(batch.get("ts", self._ts))
        elif failed == 2:
            await self._connect(keep_ts=True)
        else:
            # 3 (and anything unknown): new key and ts; events in between are lost.
            log.warning("long poll: key and position expired (failed %s)", failed)
            await self._connect(keep_ts=False)

    async def _connect(self, *, keep_ts: bool) -> None:
        """groups.getLongPollServer, retried with growing pauses on anything but a hopeless answer."""
        failures = 0
        while True:
            try:
                server = await self._api.request("groups.getLongPollServer", {"group_id": self._group_id})
                break
            except VKAPIError as error:
                if error.code == BAD_TOKEN:
                    raise BadToken(error.error_msg) from None
                if error.code in NO_ACCESS:
                    raise NoUpdatesAccess(f"VK error {error.code}: {error.error_msg}") from None
                failures += 1
                log.warning("long poll: VK error %s at connect, retrying", error.code)
            except VkNetworkError as error:
                failures += 1
                log.warning("long poll: cannot reach VK (%s), retrying", error)
            await asyncio.sleep(self._backoff(failures))
        body = server["response"]
        self._server, self._key = body["server"], body["key"]
        if not keep_ts or not self._ts:
            self._ts = str(body["ts"])
        self.connected.set()

    async def _check(self) -> dict[str, Any]:
        text = await self._api.http_client.request_text(
            self._server,
            method="GET",
            params={"act": "a_check", "key": self._key, "ts": self._ts, "wait": self._wait},
        )
        try:
            parsed = json.loads(text)
        except ValueError:
            raise ConnectionError("long poll server answered with non-JSON") from None
        if not isinstance(parsed, dict):
            raise ConnectionError("long poll server answered with a non-object")
        return parsed

    def _backoff(self, failures: int) -> float:
        return min(self._max_backoff, 0.5 * 2 ** min(failures, 10))
