"""Malformed events reach the real bot on each messenger: broken attachments and forwards, updates
of unknown or broken shape, 100,000-character messages, odd Unicode. Every person still gets an
answer, nothing is given up in the inbox, and the bot goes on answering."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.sandbox.world import SandboxWorld

ADMIN, PARENT = 1001, 1003
BROKEN_VK_ATTACHMENTS: list[Any] = [
    {"type": "photo", "photo": "not an object"}, {"type": "doc", "doc": {"size": "много", "url": ["x"]}},
    {"type": None}, 42, [], {"type": "wall", "wall": {"from_id": "x" * 10_000}},
]
BROKEN_MAX_ATTACHMENTS: list[Any] = [
    {"type": "image", "payload": "not an object"}, {"type": "file", "payload": {"url": 5}, "size": "много"},
    {"type": None}, {"payload": {}}, {"type": "share", "payload": [1, 2, 3]},
]


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    world = SandboxWorld(platforms=[request.param])
    await world.start()
    try:
        yield world
    finally:
        await world.stop()


async def write_raw(world: SandboxWorld, text: str, broken: dict[str, Any]) -> None:
    """The parent writes to the bot, the message carrying parts of the wrong shape."""
    if world.vk is not None:
        await world.vk.user_writes(PARENT, text, raw_fields=broken)
    else:
        assert world.max is not None
        await world.max.user_writes(PARENT, text, attachments=broken.get("attachments"))


async def failed_in_inbox(world: SandboxWorld) -> int:
    row = await world.app.db.fetch_one("SELECT COUNT(*) AS n FROM inbox WHERE state = 'failed'")  # type: ignore[union-attr]
    return int(row["n"]) if row is not None else -1


async def test_broken_parts_of_a_message_still_get_an_answer(world: SandboxWorld) -> None:
    people = world.driver
    attachments = BROKEN_VK_ATTACHMENTS if world.vk is not None else BROKEN_MAX_ATTACHMENTS
    broken = {"attachments": attachments, "fwd_messages": [{"from_id": {}, "text": None}, "x"],
              "reply_message": {"text": ["a"]}, "geo": "here"}
    await write_raw(world, "/правила", broken)
    assert "4.5" in (await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))).text
    await write_raw(world, "", broken)  # nothing readable at all: the person is asked to write in words
    unreadable = await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))
    # a forward that cannot be read is still answered: how to complain about a forwarded message
    assert any(word in unreadable.text.lower() for word in ("вложение", "не понял", "переслали"))
    assert await failed_in_inbox(world) == 0


async def test_updates_of_unknown_or_broken_shape_are_skipped_and_the_bot_goes_on(world: SandboxWorld) -> None:
    people = world.driver
    if world.vk is not None:
        world.vk.push_raw_event("message_new", {"message": "not an object"})
        world.vk.push_raw_event("message_new", {"message": {"from_id": "кто-то", "peer_id": None, "text": 5}})
        world.vk.push_raw_event("message_event", {"user_id": PARENT, "payload": {"a": ["x"]}})
        world.vk.push_raw_event("wall_post_new", {"id": 1})
        world.vk.push_raw_event("message_new", {})
    else:
        assert world.max is not None
        world.max.push_raw_update({"update_type": "message_created", "timestamp": "вчера", "message": "x"})
        world.max.push_raw_update({"update_type": "message_callback", "callback": {"user": 5}})
        world.max.push_raw_update({"update_type": "dialog_muted", "timestamp": 1})
        world.max.push_raw_update({"update_type": "bot_started", "user": {"user_id": "x"}, "chat_id": []})
        world.max.push_raw_update({"update_type": "message_created"})
    await people.write(PARENT, "/правила")
    assert "4.5" in (await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))).text
    assert await failed_in_inbox(world) == 0


@pytest.mark.parametrize("text", [
    "а" * 100_000,
    "/пригласить " + "родитель 5А " * 8_000,
    "‮/помощь\u200b\u200d" + "\U0010ffff" * 50,
    "[id1|x] " * 3_000,
])
async def test_huge_and_odd_messages_get_a_short_answer(world: SandboxWorld, text: str) -> None:
    people = world.driver
    before = world.handled
    await people.write(PARENT, text)
    answer = await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))
    assert 0 < len(answer.text) < 4000  # an answer, never the text echoed back
    assert text[:200] not in answer.text
    await world.settle(before)
    assert await failed_in_inbox(world) == 0
