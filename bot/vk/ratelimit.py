"""One outgoing queue per token: at most N requests in any sliding one-second window."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """FIFO admission: callers are let through in the order they asked, never more than
    `rate` within any `period` seconds (VK answers error 6 beyond 20/s per token)."""

    def __init__(self, rate: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._period = period
        self._clock = clock
        self._sent: deque[float] = deque()
        # asyncio.Lock wakes waiters in FIFO order: that is the queue.
        self._queue = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._queue:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self._period:
                    self._sent.popleft()
                if len(self._sent) < self._rate:
                    self._sent.append(now)
                    return
                # A small margin keeps us clear of the server's own window boundary.
                await asyncio.sleep(self._sent[0] + self._period - now + 0.005)
