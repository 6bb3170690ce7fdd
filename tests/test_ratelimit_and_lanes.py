"""The rate limiter (shared by the adapters) and ordered lanes (the inbox and outbox workers)."""

import asyncio

from bot.port.ratelimit import BULK, NORMAL, URGENT, RateLimiter
from bot.runtime.lanes import Lanes


async def test_rate_limiter_never_exceeds_the_window_whatever_the_delay() -> None:
    limiter = RateLimiter(rate=5, period=0.2)
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []

    async def one(n: int) -> None:
        async with limiter.slot(priority=n % 3):
            # The "server" sees the request after a varying network delay.
            await asyncio.sleep(0.001 * (n % 7))
            arrivals.append(loop.time())
            await asyncio.sleep(0.001 * (n % 3))

    await asyncio.gather(*(one(n) for n in range(23)))
    arrivals.sort()
    assert len(arrivals) == 23
    for i in range(len(arrivals) - 5):
        assert arrivals[i + 5] - arrivals[i] >= 0.2 - 1e-3  # any 6 arrivals span at least one period


async def test_urgent_requests_overtake_a_queue_of_notices() -> None:
    limiter = RateLimiter(rate=2, period=0.05)
    order: list[str] = []

    async def one(name: str, priority: int) -> None:
        async with limiter.slot(priority):
            order.append(name)

    queue = [asyncio.create_task(one(f"bulk{n}", BULK)) for n in range(6)]
    await asyncio.sleep(0)
    urgent = [asyncio.create_task(one(f"delete{n}", URGENT)) for n in range(2)]
    normal = asyncio.create_task(one("notice", NORMAL))
    await asyncio.gather(*queue, *urgent, normal)
    assert order[:2] == ["bulk0", "bulk1"]  # let through before anyone else waited
    assert order[2:4] == ["delete0", "delete1"] and order[4] == "notice"


async def test_a_cancelled_waiter_gives_its_place_back() -> None:
    limiter = RateLimiter(rate=1, period=0.05)
    async with limiter.slot():
        waiter = asyncio.create_task(limiter.slot().__aenter__())
        await asyncio.sleep(0.01)
        waiter.cancel()
    async with limiter.slot():  # would hang if the cancelled waiter had kept the slot
        pass


async def test_lanes_keep_order_within_a_lane_and_run_lanes_concurrently() -> None:
    lanes = Lanes(max_concurrency=8)
    seen: list[tuple[str, int]] = []

    def work(lane: str, n: int, pause: float):  # type: ignore[no-untyped-def]
        async def run() -> None:
            await asyncio.sleep(pause)
            seen.append((lane, n))
        return run

    for n in range(5):
        lanes.submit("a", work("a", n, 0.02 - 0.004 * n))  # later items are quicker: order must hold anyway
    lanes.submit("b", work("b", 0, 0.0))
    assert await lanes.drain(5)
    assert [n for lane, n in seen if lane == "a"] == [0, 1, 2, 3, 4]
    assert seen[0] == ("b", 0)  # not stuck behind lane a


async def test_a_failing_item_does_not_stop_its_lane() -> None:
    lanes = Lanes()
    done: list[int] = []

    async def boom() -> None:
        raise RuntimeError("a bug")

    async def fine() -> None:
        done.append(1)

    lanes.submit("x", boom)
    lanes.submit("x", fine)
    assert await lanes.drain(5)
    assert done == [1]
