"""What the outbox worker is handed next: each lane's first pending effect, due, not busy, most urgent
first — found without reading the whole queue (a burst of a thousand replies asks a thousand times)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.port.effects import Delete, Send
from storage.db import Database
from storage.outbox import HEADS_SQL, Outbox

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_each_lane_gives_its_first_pending_effect_most_urgent_first(db: Database) -> None:
    outbox = Outbox(db)
    first_a, second_a = await outbox.add([Send(to="vk:1", text="раз"), Send(to="vk:1", text="два")], NOW)
    [only_b] = await outbox.add([Send(to="vk:2", text="три")], NOW)
    [delete_c] = await outbox.add([Delete(chat="vk:2000000001", message="5")], NOW)

    heads = await outbox.heads(set(), NOW, 10)

    assert [h.id for h in heads] == [delete_c, first_a, only_b]  # the delete is urgent; vk:1's second waits
    assert second_a not in [h.id for h in heads]

    await outbox.mark_sent(first_a, NOW)
    assert [h.id for h in await outbox.heads(set(), NOW, 10)] == [delete_c, second_a, only_b]


async def test_busy_lanes_postponed_effects_and_the_limit_are_respected(db: Database) -> None:
    outbox = Outbox(db)
    ids = await outbox.add([Send(to=f"vk:{n}", text="привет") for n in range(1, 6)], NOW)
    await outbox.postpone(ids[1], NOW + timedelta(minutes=5))

    heads = await outbox.heads({"vk:1"}, NOW, 2)
    assert [h.id for h in heads] == [ids[2], ids[3]]  # vk:1 is busy, vk:2 postponed, then two by the limit

    later = await outbox.heads({"vk:1"}, NOW + timedelta(minutes=6), 10)
    assert [h.id for h in later] == ids[1:]


async def test_a_postponed_head_holds_its_lane(db: Database) -> None:
    outbox = Outbox(db)
    first, _ = await outbox.add([Send(to="vk:1", text="раз"), Send(to="vk:1", text="два")], NOW)
    await outbox.postpone(first, NOW + timedelta(minutes=5))
    assert await outbox.heads(set(), NOW, 10) == []  # the second must not overtake the first


async def test_heads_walk_an_index_in_order_and_stop_early(db: Database) -> None:
    sql = HEADS_SQL.format(exclude=" AND o.lane NOT IN (?, ?)")
    steps = [row["detail"] for row in await db.fetch_all("EXPLAIN QUERY PLAN " + sql, ("x", "vk:1", "vk:2", 4))]
    assert any("outbox_due" in step for step in steps), steps
    assert any(step.startswith("SEARCH") and "outbox_pending" in step for step in steps), steps
    # No grouping of the whole queue and no sort of it: the LIMIT ends the walk.
    assert not any("TEMP B-TREE" in step or "MATERIALIZE" in step for step in steps), steps
