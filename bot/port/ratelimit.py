"""One outgoing queue per token: never more than N requests in any one-second window at the platform.

The platform counts a request when it arrives, which is some time after we send it. So a slot is
held from the moment a request is let through until one period after its response came back:
then, whatever the network delay, no `rate + 1` requests can arrive within one period (the last
of them would have found all `rate` slots still held).

Waiting requests are served by priority, then in arrival order: a moderation delete or the answer
to a button press does not wait behind a queue of notices and broadcasts. Broadcasts (BULK) also
have a cap of their own: at most `bulk_cap` of the slots in any window, so a burst of everyday
replies always finds room even in the middle of an announcement to a hundred chats.

A request's priority is given explicitly or taken from the work it runs for: the outbox worker
runs a broadcast's effect under `working_at(BULK)`, and every request it makes is bulk.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar

URGENT, NORMAL, BULK = 0, 1, 2

_ambient: ContextVar[int] = ContextVar("schoolbot_request_priority", default=NORMAL)


@contextmanager
def working_at(priority: int) -> Iterator[None]:
    """Requests made inside (without an explicit priority) go at `priority`."""
    token = _ambient.set(priority)
    try:
        yield
    finally:
        _ambient.reset(token)


def ambient_priority() -> int:
    return _ambient.get()


def default_bulk_cap(rate: int) -> int:
    """Half of a platform's rate for broadcasts: the other half stays free for everyday replies."""
    return max(1, rate // 2)


class RateLimiter:
    def __init__(self, rate: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic, *,
                 bulk_cap: int | None = None) -> None:
        if rate < 1:
            raise ValueError("rate must be positive")
        if bulk_cap is not None and not 1 <= bulk_cap <= rate:
            raise ValueError("bulk_cap must be between 1 and rate")
        self._rate = rate
        self._period = period
        self._clock = clock
        self._bulk_cap = bulk_cap
        self._in_flight = 0
        self._finished: deque[float] = deque()  # completion times within the last period
        self._bulk_in_flight = 0
        self._bulk_finished: deque[float] = deque()
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []  # (priority, arrival, future)
        self._arrivals = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    @asynccontextmanager
    async def slot(self, priority: int | None = None) -> AsyncIterator[None]:
        """Hold one of the `rate` slots for the duration of one request (priority: given, or the work's)."""
        level = ambient_priority() if priority is None else priority
        await self._acquire(level)
        try:
            yield
        finally:
            self._release(level)

    def _take(self, priority: int) -> None:
        self._in_flight += 1
        if priority >= BULK:
            self._bulk_in_flight += 1

    def _release(self, priority: int) -> None:
        now = self._clock()
        self._in_flight -= 1
        self._finished.append(now)
        if priority >= BULK:
            self._bulk_in_flight -= 1
            self._bulk_finished.append(now)
        self._dispatch()

    async def _acquire(self, priority: int) -> None:
        if not self._waiting and self._free() and self._bulk_allows(priority):
            self._take(priority)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (priority, next(self._arrivals), future)
        heapq.heappush(self._waiting, entry)
        self._dispatch()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release(priority)  # granted just as we were cancelled: give the slot back
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise

    def _free(self) -> bool:
        now = self._clock()
        while self._finished and now - self._finished[0] >= self._period:
            self._finished.popleft()
        return self._in_flight + len(self._finished) < self._rate

    def _bulk_allows(self, priority: int) -> bool:
        if priority < BULK or self._bulk_cap is None:
            return True
        now = self._clock()
        while self._bulk_finished and now - self._bulk_finished[0] >= self._period:
            self._bulk_finished.popleft()
        return self._bulk_in_flight + len(self._bulk_finished) < self._bulk_cap

    def _dispatch(self) -> None:
        """Hand free slots to the most urgent waiters; wake up again when a finished slot ages out.

        Bulk is the lowest priority, so a bulk waiter at the head held back by its cap means only
        bulk waiters are left: they wait for the next window.
        """
        while self._waiting and self._free():
            priority, _, future = self._waiting[0]
            if future.done():
                heapq.heappop(self._waiting)
                continue
            if not self._bulk_allows(priority):
                break
            heapq.heappop(self._waiting)
            self._take(priority)
            future.set_result(None)
        if self._waiting and self._timer is None and self._finished:
            delay = max(0.0, self._finished[0] + self._period - self._clock())
            self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._dispatch()
