"""Webhook delivery of the MAX emulator: each update POSTed as JSON to the subscribed URL.

MAX retries a delivery until it gets `200 OK` (for up to 8 hours, with growing intervals); the
emulator retries a few times with short delays so tests stay fast. Deliveries go out one at a time
in update order; every attempt is recorded for tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.sandbox.delivery_log import DeliveryLog
from bot.sandbox.max_emulator_state import MaxState, Subscription

SECRET_HEADER = "X-Max-Bot-Api-Secret"
RETRY_DELAYS = (0.05, 0.2, 0.5)


@dataclass
class WebhookDelivery:
    url: str
    update: dict[str, Any]
    attempts: list[int | str] = field(default_factory=list)  # HTTP statuses, or the network error's name
    delivered: bool = False


class WebhookSender(DeliveryLog[WebhookDelivery]):
    def __init__(
        self, state: MaxState, *, retry_delays: tuple[float, ...] = RETRY_DELAYS, timeout: float = 10.0
    ) -> None:
        self._state = state
        super().__init__(retry_delays)
        self.timeout = timeout
        self._queue: asyncio.Queue[tuple[Subscription, dict[str, Any]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def hook(self, update: dict[str, Any]) -> None:
        """Called for every update the bot gets; queues it while a subscription exists."""
        sub = self._state.subscription
        if sub is None:
            return
        self._state.updates.commit_all()  # a webhook-delivered update is not served to long polls later
        if sub.update_types is None or update["update_type"] in sub.update_types:
            self._queue.put_nowait((copy.copy(sub), update))

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            sub, update = await self._queue.get()
            delivery = WebhookDelivery(sub.url, update)
            self.deliveries.append(delivery)
            await self._deliver(sub, delivery)

    async def _deliver(self, sub: Subscription, delivery: WebhookDelivery) -> None:
        headers = {SECRET_HEADER: sub.secret} if sub.secret else {}
        for attempt in range(len(self.retry_delays) + 1):
            if attempt:
                await asyncio.sleep(self.retry_delays[attempt - 1])
            assert self._session is not None
            try:
                async with self._session.post(sub.url, json=delivery.update, headers=headers) as resp:
                    await resp.read()
                    delivery.attempts.append(resp.status)
                    delivery.delivered = resp.status == 200  # any other status counts as a failure
            except (TimeoutError, aiohttp.ClientError) as err:
                delivery.attempts.append(type(err).__name__)
            self._notify()
            if delivery.delivered:
                return
