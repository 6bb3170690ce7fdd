"""How broadcasts and files travel: the rate limiter's capped bulk share, bulk lanes and priorities,
stored files released once sent, activity counted once per update and kept as personal data."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.port.effects import BULK, NORMAL, Send, SendFile, conversation_of, lane_of, load_effect, priority_of
from bot.port.gateway import Problem
from bot.port.ids import ChatId, PersonId
from bot.port.ratelimit import RateLimiter, default_bulk_cap, working_at
from bot.privacy import Mode, plan_lookups, retention_for
from bot.services import Repos
from storage.db import Database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CHAT = ChatId("vk:2000000007")
PARENT = PersonId("vk:21")


async def test_bulk_requests_never_take_more_than_their_cap_and_everyday_ones_pass_them() -> None:
    limiter = RateLimiter(rate=4, period=0.2, bulk_cap=2)
    loop = asyncio.get_running_loop()
    seen: list[tuple[str, float]] = []

    async def one(name: str, priority: int | None) -> None:
        async with limiter.slot(priority):
            seen.append((name, loop.time()))

    async def bulk(n: int) -> None:
        with working_at(BULK):  # the outbox runs a broadcast's effect so: its requests are bulk
            await one(f"bulk{n}", None)

    broadcast = [asyncio.create_task(bulk(n)) for n in range(8)]
    await asyncio.sleep(0.01)
    replies = [asyncio.create_task(one(f"reply{n}", NORMAL)) for n in range(2)]
    await asyncio.gather(*broadcast, *replies)
    first_window = [name for name, at in seen if at - seen[0][1] < 0.19]
    assert sorted(first_window) == ["bulk0", "bulk1", "reply0", "reply1"]  # the replies did not wait a window
    bulk_times = sorted(at for name, at in seen if name.startswith("bulk"))
    for i in range(len(bulk_times) - 2):
        assert bulk_times[i + 2] - bulk_times[i] >= 0.2 - 1e-3  # never three bulk requests within one period
    assert default_bulk_cap(20) == 10 and default_bulk_cap(30) == 15 and default_bulk_cap(1) == 1


async def test_without_a_cap_bulk_requests_just_come_last() -> None:
    limiter = RateLimiter(rate=2, period=0.05)
    order: list[str] = []

    async def one(name: str, priority: int) -> None:
        async with limiter.slot(priority):
            order.append(name)

    await asyncio.gather(*(one(f"b{n}", BULK) for n in range(4)))
    assert order == ["b0", "b1", "b2", "b3"]


def test_a_broadcast_has_lanes_of_its_own_and_the_bulk_priority() -> None:
    plain = Send(to=CHAT, text="Ответ")
    bulk = Send(to=CHAT, text="Объявление", bulk=True)
    picture = SendFile(to=CHAT, file=3, file_kind="photo", filename="a.png", caption="", bulk=True)
    assert (lane_of(plain), priority_of(plain)) == (CHAT, NORMAL)
    assert (lane_of(bulk), priority_of(bulk)) == (f"bulk:{CHAT}", BULK)
    assert lane_of(picture) == f"bulk:{CHAT}" and conversation_of(picture) == CHAT == conversation_of(bulk)
    assert load_effect(picture.model_dump_json()) == picture
    assert load_effect('{"kind": "send", "to": "vk:1", "text": "старое"}') == Send(to="vk:1", text="старое")


async def test_a_stored_file_goes_once_its_effects_are_done_and_nothing_holds_it(db: Database) -> None:
    repos = Repos.over(db)
    file = await repos.files.store(b"png", NOW)
    first, second = await repos.outbox.add(
        [SendFile(to=CHAT, file=file, file_kind="photo", filename="a.png", caption="x", tag="t"),
         SendFile(to=PARENT, file=file, file_kind="photo", filename="a.png", caption="x")], NOW)
    await repos.outbox.mark_sent(first, NOW, tag="t", lane=CHAT, message_ref="5")
    assert await repos.files.data(file) == b"png"  # the second send still needs it
    await repos.outbox.fail(second, Problem.BLOCKED, NOW)
    assert await repos.files.data(file) is None and await repos.files.count() == 0
    assert await repos.outbox.message_of("t", CHAT) == "5"

    held = await repos.files.store(b"draft", NOW, held=True)
    assert await repos.files.purge_orphans(NOW + timedelta(days=2)) == 0  # an unconfirmed announcement keeps it
    await repos.files.release(held)
    assert await repos.files.count() == 0


async def test_a_bulk_attempt_is_recorded_before_the_platform_is_called(db: Database) -> None:
    repos = Repos.over(db)
    [item_id] = await repos.outbox.add([Send(to=CHAT, text="Объявление", bulk=True, tag="ann:1")], NOW)
    await repos.outbox.mark_tried(item_id, NOW)
    await repos.outbox.mark_tried(item_id, NOW + timedelta(minutes=1))  # the first attempt's moment stays
    [item] = await repos.outbox.heads(set(), NOW + timedelta(minutes=2), 10)
    assert (item.lane, item.priority, item.tried_at) == (f"bulk:{CHAT}", BULK, NOW)
    assert await repos.announcements.outbox_states(1) == {CHAT: ("pending", None)}


async def test_activity_is_the_persons_data_shown_and_erased_by_their_own_commands(db: Database) -> None:
    repos = Repos.over(db)
    for _ in range(3):
        await repos.activity.bump(PARENT, CHAT, date(2026, 11, 28))
    await repos.activity.bump(PersonId("vk:22"), CHAT, date(2026, 11, 28))
    lookups = {lookup.table: lookup for lookup in plan_lookups(await repos.personal_data.schema())}
    assert lookups["activity"].mode is Mode.ROWS and lookups["announcement_reads"].mode is Mode.ROWS
    assert lookups["announcements"].mode is Mode.COUNT  # the school's broadcasts a staff member sent: kept
    assert "chat_activity" not in lookups and "outgoing_files" not in lookups
    found = {f.lookup.table: f for f in await repos.personal_data.collect(PARENT)}
    assert found["activity"].count == 1 and found["activity"].rows[0]["count"] == 3
    result = await repos.personal_data.forget(PARENT, NOW)
    assert result.deleted["activity"] == 1
    assert [tuple(r) for r in await db.fetch_all("SELECT person_id FROM activity")] == [("vk:22",)]
    assert "35 дней" in retention_for("activity").period and retention_for("activity").erasable
