"""Callback API delivery of the VK emulator: each event POSTed as JSON to the community's server.

As on VK: first a `confirmation` request, whose answer must be the configured code; then every
event with the `secret` field, retried a few times unless the answer is exactly `ok` (VK retries
too, and pauses delivery after repeated errors). Deliveries go out one at a time, in order, and
every attempt is recorded for tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.sandbox.delivery_log import DeliveryLog

RETRY_DELAYS = (0.05, 0.2, 0.5)


@dataclass
class CallbackServer:
    url: str
    secret: str
    confirmation: str
    """The code VK shows in the community's settings; the server must answer it to a confirmation."""
    confirmed: bool = False


@dataclass
class CallbackDelivery:
    update: dict[str, Any]
    attempts: list[int | str] = field(default_factory=list)  # HTTP statuses, or the network error's name
    delivered: bool = False


class CallbackSender(DeliveryLog[CallbackDelivery]):
    def __init__(self, group_id: int, *, retry_delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self._group_id = group_id
        super().__init__(retry_delays)
        self.server: CallbackServer | None = None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def hook(self, update: dict[str, Any]) -> None:
        """Called for every event; queued while a confirmed callback server is set."""
        if self.server is not None and self.server.confirmed:
            self._queue.put_nowait(copy.deepcopy(update))

    async def set_server(self, url: str, secret: str, confirmation: str) -> bool:
        """Like pressing «Подтвердить» in the community's settings: the server must answer the code."""
        self.server = CallbackServer(url=url, secret=secret, confirmation=confirmation)
        session = self._ensure_started()
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.post(url, json={"type": "confirmation", "group_id": self._group_id}) as response:
                answer = (await response.text()).strip()
                self.server.confirmed = response.status == 200 and answer == confirmation
        return self.server.confirmed

    def remove_server(self) -> None:
        self.server = None

    def _ensure_started(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
            self._task = asyncio.create_task(self._run())
        return self._session

    async def _run(self) -> None:
        while True:
            update = await self._queue.get()
            delivery = CallbackDelivery(update=update)
            self.deliveries.append(delivery)
            await self._deliver(delivery)

    async def _deliver(self, delivery: CallbackDelivery) -> None:
        assert self._session is not None
        for attempt in range(len(self.retry_delays) + 1):
            if attempt:
                await asyncio.sleep(self.retry_delays[attempt - 1])
            server = self.server
            if server is None:  # removed while retrying: VK stops too
                return
            body = {**delivery.update, "secret": server.secret}
            try:
                async with self._session.post(server.url, json=body) as response:
                    answer = (await response.text()).strip()
                    delivery.attempts.append(response.status)
                    delivery.delivered = response.status == 200 and answer == "ok"
            except (aiohttp.ClientError, TimeoutError) as error:
                delivery.attempts.append(type(error).__name__)
            self._notify()
            if delivery.delivered:
                return

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
