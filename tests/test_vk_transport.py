"""Rate limiter and dispatcher: behaviour with a fake clock or real tasks, no network."""

import asyncio

from bot.vk.dispatch import Dispatcher, RecentIds, conversation_key
from bot.vk.ratelimit import RateLimiter


async def test_rate_limiter_never_exceeds_the_window_whatever_the_delay() -> None:
    limiter = RateLimiter(rate=5, period=0.2)
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []

    async def one(n: int) -> None:
        async with limiter.slot():
            # The "server" sees the request after a varying network delay.
            await asyncio.sleep(0.001 * (n % 7))
            arrivals.append(loop.time())
            await asyncio.sleep(0.001 * (n % 3))

    await asyncio.gather(*(one(n) for n in range(23)))
    arrivals.sort()
    assert len(arrivals) == 23
    for i in range(len(arrivals) - 5):
        assert arrivals[i + 5] - arrivals[i] >= 0.2 - 1e-3  # any 6 arrivals span at least one period


def test_recent_ids_are_bounded() -> None:
    ids = RecentIds(capacity=3)
    assert ids.claim("a") and not ids.claim("a")
    for key in "bcd":
        ids.claim(key)
    assert ids.claim("a")  # forgotten after 3 newer ids


def test_conversation_key() -> None:
    assert conversation_key({"object": {"message": {"peer_id": 5, "from_id": 7}}}) == 5
    assert conversation_key({"object": {"user_id": 9, "peer_id": 2000000001}}) == 2000000001
    assert conversation_key({"object": {"user_id": 9}}) == 9
    assert conversation_key({}) == 0


async def test_dispatcher_drops_duplicates_and_keeps_order_per_peer() -> None:
    seen: list[tuple[int, int]] = []

    async def handle(event: dict) -> None:
        peer, n = event["object"]["message"]["peer_id"], event["n"]
        await asyncio.sleep(0.01 if n % 2 else 0)
        seen.append((peer, n))

    dispatcher = Dispatcher(handle)
    for n in range(10):
        event = {"event_id": f"e{n}", "n": n, "object": {"message": {"peer_id": n % 2}}}
        assert dispatcher.submit(event)
    assert not dispatcher.submit({"event_id": "e3", "n": 3, "object": {"message": {"peer_id": 1}}})
    await dispatcher.drain()
    assert [n for peer, n in seen if peer == 0] == [0, 2, 4, 6, 8]
    assert [n for peer, n in seen if peer == 1] == [1, 3, 5, 7, 9]
    assert dispatcher.handled == 10


async def test_one_failing_handler_does_not_stop_others() -> None:
    done: list[int] = []

    async def handle(event: dict) -> None:
        if event["n"] == 0:
            raise RuntimeError("boom")
        done.append(event["n"])

    dispatcher = Dispatcher(handle)
    for n in range(3):
        dispatcher.submit({"event_id": str(n), "n": n, "object": {"message": {"peer_id": 1}}})
    await dispatcher.drain()
    assert done == [1, 2]
    assert dispatcher.failed == 1
