"""The outbox worker reads the queue only when something may wait, and never misses what does."""

from __future__ import annotations

import asyncio

from bot.sandbox.world import SandboxWorld

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
    second = await emulator.wait_for_bot_message(PARENT, timeout=2.5)
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
