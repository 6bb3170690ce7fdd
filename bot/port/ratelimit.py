"""One outgoing queue per token: never more than N requests in any one-second window at the platform.

The platform counts a request when it arrives, which is some time after we send it. So a slot is
held from the moment a request is let through until one period after its response came back:
then, whatever the network delay, no `rate + 1` requests can arrive within one period (the last
of them would have found all `rate` slots still held).

Waiting requests are served by priority, then in arrival order: a moderation delete or the answer
to a button press does not wait behind a queue of notices and broadcasts.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

URGENT, NORMAL, BULK = 0, 1, 2


class RateLimiter:
    def __init__(self, rate: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._period = period
        self._clock = clock
        self._in_flight = 0
        self._finished: deque[float] = deque()  # completion times within the last period
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []  # (priority, arrival, future)
        self._arrivals = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    @asynccontextmanager
    async def slot(self, priority: int = NORMAL) -> AsyncIterator[None]:
        """Hold one of the `rate` slots for the duration of one request."""
        await self._acquire(priority)
        try:
            yield
        finally:
            self._in_flight -= 1
            self._finished.append(self._clock())
            self._dispatch()

    async def _acquire(self, priority: int) -> None:
        if not self._waiting and self._free():
            self._in_flight += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (priority, next(self._arrivals), future)
        heapq.heappush(self._waiting, entry)
        self._dispatch()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._in_flight -= 1  # granted just as we were cancelled: give the slot back
                self._finished.append(self._clock())
                self._dispatch()
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise

    def _free(self) -> bool:
        now = self._clock()
        while self._finished and now - self._finished[0] >= self._period:
            self._finished.popleft()
        return self._in_flight + len(self._finished) < self._rate

    def _dispatch(self) -> None:
        """Hand free slots to the most urgent waiters; wake up again when a finished slot ages out."""
        while self._waiting and self._free():
            _, _, future = heapq.heappop(self._waiting)
            if future.done():
                continue
            self._in_flight += 1
            future.set_result(None)
        if self._waiting and self._timer is None and self._finished:
            delay = max(0.0, self._finished[0] + self._period - self._clock())
            self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._dispatch()
