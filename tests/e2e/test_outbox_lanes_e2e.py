"""The outbox worker reads the queue only when something may wait, and never misses what does."""

from __future__ import annotations

import asyncio

from bot.sandbox.world import SandboxWorld
from tests.waiting import eventually

PARENT = 4242


async def test_a_reply_queued_behind_one_being_sent_goes_out_at_once(world: SandboxWorld) -> None:
    emulator = world.emulator
    emulator.add_user(PARENT, "Ольга", "Тестова")
    emulator.delay_next("messages.send", 1.5)  # the first reply stays in flight for a while
    await emulator.user_writes(PARENT, "/правила")
    await asyncio.sleep(0.6)
    await emulator.user_writes(PARENT, "/права")  # its reply is committed behind the one in flight

    first = await emulator.wait_for_bot_message(PARENT, timeout=10)
    # The worker's idle check is 5 s: a reply that waited for it would miss this.
    second = await emulator.wait_for_bot_message(PARENT, timeout=3.5)
    assert "Правила" in first["text"] or "правил" in first["text"]
    assert "прав" in second["text"] and second["id"] > first["id"]


async def test_replies_to_many_people_at_once_all_go_out(world: SandboxWorld) -> None:
    people = list(range(5000, 5040))
    for person in people:
        emulator = world.emulator
        emulator.add_user(person, "Родитель", str(person))
    await asyncio.gather(*(world.emulator.user_writes(p, "/помощь") for p in people))
    for person in people:
        await world.emulator.wait_for_bot_message(person, timeout=20)


async def test_a_chat_message_that_asks_nothing_is_counted_once_and_does_not_wake_the_outbox(
        world: SandboxWorld) -> None:
    peer = world.chat_peers["5a-parents"]
    await world.emulator.user_writes(1001, "/привязать 5А родители", peer_id=peer)
    await world.emulator.wait_for_bot_message(peer, timeout=5)
    app = world.app
    assert app is not None and app.outbox_worker is not None and app.inbox_worker is not None
    wakes = app.outbox_worker._wakes
    handled = app.inbox_worker.handled
    for text in ("Добрый вечер! Завтра экскурсия", "Спасибо, поняла"):
        await world.emulator.user_writes(1003, text, peer_id=peer)
    await eventually(lambda: app.inbox_worker.handled >= handled + 2)  # type: ignore[union-attr]
    assert app.outbox_worker._wakes == wakes  # nothing was owed: no read of the outbox
    [row] = await world.app.db.fetch_all("SELECT count FROM activity WHERE person_id = 'vk:1003'")
    assert row["count"] == 2

    await world.emulator.user_writes(1003, "/правила")  # a reply is owed: the worker is told
    await world.emulator.wait_for_bot_message(1003, timeout=5)
    assert app.outbox_worker._wakes > wakes


async def test_a_reply_committed_as_the_last_step_is_sent_without_reading_the_queue(world: SandboxWorld) -> None:
    app = world.app
    assert app is not None and app.outbox_worker is not None
    outbox = app.outbox_worker._outbox
    reads = 0
    original = outbox.heads

    async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        return await original(*args, **kwargs)

    world.emulator.add_user(PARENT, "Ольга", "Тестова")
    await world.emulator.user_writes(PARENT, "/правила")  # the worker learns the queue is empty
    await world.emulator.wait_for_bot_message(PARENT, timeout=5)
    await asyncio.sleep(0.5)
    outbox.heads = counted  # type: ignore[method-assign]
    worker = app.outbox_worker
    for text in ("/права", "/поддержка", "/помощь"):
        done = worker.done
        await world.emulator.user_writes(PARENT, text)
        await world.emulator.wait_for_bot_message(PARENT, timeout=2.5)
        # Recorded, its lane free: the next reply is not behind it.
        await eventually(lambda done=done: worker.done > done, timeout=2.5)  # type: ignore[misc]
    assert reads == 0


async def test_a_flow_that_commits_midway_still_gets_its_replies_out_at_once(world: SandboxWorld) -> None:
    peer = world.chat_peers["staff"]
    await world.emulator.user_writes(1001, "/привязать учительская", peer_id=peer)  # a commit block, then replies
    reply = await world.emulator.wait_for_bot_message(peer, timeout=3.5)
    assert "Учительская" in reply["text"] or "учительск" in reply["text"]
