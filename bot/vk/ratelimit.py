"""One outgoing queue per token: never more than N requests in any one-second window at VK.

VK counts a request when it arrives, which is some time after we send it. So a slot is
held from the moment a request is let through until one period after its response came
back: then, whatever the network delay, no `rate + 1` requests can arrive at VK within
one period (the last of them would have found all `rate` slots still held).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class RateLimiter:
    def __init__(self, rate: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._period = period
        self._clock = clock
        self._in_flight = 0
        self._finished: deque[float] = deque()  # completion times within the last period
        # asyncio.Lock wakes waiters in FIFO order: that is the queue.
        self._queue = asyncio.Lock()
        self._freed = asyncio.Event()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `rate` slots for the duration of one request."""
        await self._acquire()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._finished.append(self._clock())
            self._freed.set()

    async def _acquire(self) -> None:
        async with self._queue:
            while True:
                now = self._clock()
                while self._finished and now - self._finished[0] >= self._period:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) < self._rate:
                    self._in_flight += 1
                    return
                await self._wait_for_a_slot(now)

    async def _wait_for_a_slot(self, now: float) -> None:
        # Either a finished slot ages out, or an in-flight request finishes (and then ages out).
        self._freed.clear()
        timeout = self._finished[0] + self._period - now if self._finished else None
        try:
            await asyncio.wait_for(self._freed.wait(), timeout)
        except TimeoutError:
            pass
