"""What the emulators' webhook senders (VK's Callback API, MAX's subscriptions) record of their deliveries,
and how a test waits for them: both retry the same way, so both keep the same log."""

from __future__ import annotations

import asyncio
from typing import Generic, Protocol, TypeVar


class Delivery(Protocol):
    attempts: list[int | str]  # HTTP statuses, or the network error's name
    delivered: bool


D = TypeVar("D", bound=Delivery)


class DeliveryLog(Generic[D]):
    def __init__(self, retry_delays: tuple[float, ...]) -> None:
        self.retry_delays = retry_delays
        self.deliveries: list[D] = []
        self._changed = asyncio.Event()

    async def wait_for(self, count: int, timeout: float) -> list[D]:
        """Until `count` deliveries have finished (delivered or given up)."""
        async with asyncio.timeout(timeout):
            while sum(1 for d in self.deliveries if d.delivered or self._given_up(d)) < count:
                changed = self._changed
                await changed.wait()
        return list(self.deliveries)

    def _given_up(self, delivery: D) -> bool:
        return len(delivery.attempts) > len(self.retry_delays)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()
