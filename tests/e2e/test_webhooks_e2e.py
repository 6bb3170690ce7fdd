"""Webhooks: VK's Callback API and MAX's webhook, each emulator POSTing to the bot's own server.

The same school path as by long poll; a redelivered update handled once; forged requests (a
wrong secret, another community, not JSON) refused with 403/400 and a log line that carries no
secret; MAX's subscription made by the bot; GET /health; the database read-only for a while.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.port.ids import Platform
from bot.runtime import inbox_worker, intake
from bot.sandbox.world import CALLBACK_SECRET, GROUP_ID, SandboxWorld
from bot.storage_trouble import STORAGE_APOLOGY

ADMIN, PARENT = 1001, 1003
OBSCENE = "да это п.и.з.д.е.ц какой-то, а не расписание"


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    world = SandboxWorld(platforms=[request.param], webhooks=True)
    await world.start()
    try:
        yield world
    finally:
        await world.stop()


def duplicate_next(world: SandboxWorld) -> None:
    if world.vk is not None:
        world.vk.duplicate_next_event()
    else:
        assert world.max is not None
        world.max.duplicate_next_update()


def deliveries(world: SandboxWorld) -> list[list[int | str]]:
    found = world.vk.callback_deliveries if world.vk is not None else world.max.webhook_deliveries  # type: ignore[union-attr]
    return [d.attempts for d in found]


async def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers or {}) as response:
        return response.status, await response.text()


async def test_the_school_runs_on_webhooks_without_long_polling(world: SandboxWorld) -> None:
    people = world.driver
    await people.write(ADMIN, "/привязать учительская", "staff")
    assert "Учительская" in (await people.next_bot_message(ADMIN, "staff", predicate=lambda m: bool(m.text))).text
    await people.write(ADMIN, "/привязать 5А родители", "5a-parents")
    await people.next_bot_message(ADMIN, "5a-parents", predicate=lambda m: bool(m.text))
    await people.write(PARENT, "/помощь")
    assert "/правила" in (await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))).text
    ref = await people.write(PARENT, OBSCENE, "5a-parents")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Модерация" in m.text)
    assert people.is_deleted("5a-parents", ref)
    # Every update came by webhook and was answered 200 the first time; nothing was polled.
    assert deliveries(world) and all(attempts == [200] for attempts in deliveries(world))
    if world.vk is not None:
        assert world.vk.calls("groups.getLongPollServer") == []
    else:
        assert world.max is not None
        assert not any(r.key == "GET /updates" for r in world.max.requests)


async def test_a_redelivered_update_is_handled_once(world: SandboxWorld) -> None:
    people = world.driver
    before = world.handled
    duplicate_next(world)
    await people.write(PARENT, "/правила")
    await world.settle(before)
    await asyncio.sleep(0.3)
    assert len(deliveries(world)) == 2 and deliveries(world) == [[200], [200]]
    answers = [m for m in people.bot_messages(PARENT) if "4.5" in m.text]
    assert len(answers) == 1


async def test_forged_requests_are_refused_and_logged_without_the_secret(
        world: SandboxWorld, caplog: pytest.LogCaptureFixture) -> None:
    assert world.settings is not None
    caplog.set_level(logging.WARNING)
    before = await world.repos.inbox.backlog()
    if world.vk is not None:
        url = world.server_url + world.settings.vk.callback_path
        event = {"type": "message_new", "group_id": GROUP_ID, "event_id": "forged-1", "v": "5.199",
                 "object": {"message": {"from_id": PARENT, "peer_id": PARENT, "text": "/помощь", "id": 1,
                                        "conversation_message_id": 1, "date": 1}}}
        assert await post(url, json.dumps({**event, "secret": "guessed-secret"}).encode()) == (403, "forbidden")
        assert (await post(url, json.dumps(event).encode()))[0] == 403
        other = {**event, "group_id": GROUP_ID + 1, "secret": CALLBACK_SECRET}
        assert (await post(url, json.dumps(other).encode()))[0] == 403
        assert (await post(url, b"{not json"))[0] == 400
        assert (await post(url, json.dumps({"type": "confirmation", "group_id": GROUP_ID + 1}).encode()))[0] == 403
        code = await post(url, json.dumps({"type": "confirmation", "group_id": GROUP_ID}).encode())
        assert code == (200, world.vk.callback_confirmation_code)
        secret = CALLBACK_SECRET
    else:
        assert world.max is not None and world.max.subscription is not None
        url = world.server_url + world.settings.max.webhook_path
        update = {"update_type": "bot_started", "timestamp": 1, "chat_id": 5, "user": {"user_id": PARENT}}
        assert (await post(url, json.dumps(update).encode()))[0] == 403
        assert (await post(url, json.dumps(update).encode(), {"X-Max-Bot-Api-Secret": "guessed"}))[0] == 403
        secret = world.max.subscription["secret"]
        assert (await post(url, b"[]", {"X-Max-Bot-Api-Secret": secret}))[0] == 400
    assert await world.repos.inbox.backlog() == before
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) >= 3
    assert not any(secret in r.getMessage() or "guessed" in r.getMessage() for r in caplog.records)


async def test_max_subscription_is_made_by_the_bot() -> None:
    world = SandboxWorld(platforms=["max"], webhooks=True)
    await world.start()
    try:
        assert world.max is not None and world.settings is not None
        subscription = world.max.subscription
        assert subscription is not None
        assert subscription["url"] == world.settings.max.webhook_url
        assert set(subscription["update_types"]) >= {"message_created", "message_callback", "bot_started"}
        assert len(subscription["secret"]) >= 32  # none configured: a random one for this run
    finally:
        await world.stop()


async def test_health_answers_while_well_and_says_what_is_wrong(
        world: SandboxWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "LONGEST_PAUSE", 0.2)
    monkeypatch.setattr(inbox_worker, "STORAGE_PAUSE", 0.2)
    async with aiohttp.ClientSession() as session:
        async with session.get(world.server_url + "/health") as response:
            assert response.status == 200
            healthy = await response.json()
        platform = world.platforms[0].value
        assert healthy["storage"] == "ok" and healthy["healthy"] is True and healthy["problems"] == []
        assert healthy["platforms"][platform] | {"last_update_at": None, "last_poll_at": None} == {
            "configured": True, "connected": True, "mode": "webhook", "waiting_in_memory": 0,
            "last_update_at": None, "last_poll_at": None}
        assert healthy["schema_version"] == healthy["code_schema_version"]

        db = world.app.db  # type: ignore[union-attr]
        await db.pragma("PRAGMA query_only = 1")
        people = world.driver
        await people.write(PARENT, "/помощь")
        assert (await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))).text == STORAGE_APOLOGY
        async with session.get(world.server_url + "/health") as response:
            assert response.status == 503
            sick = await response.json()
        assert sick["storage"] == "read_only" and sick["healthy"] is False
        assert sick["platforms"][platform]["waiting_in_memory"] == 1
        if world.platforms[0] is Platform.MAX:
            # MAX retries for hours: it is asked to, while the update is held in memory as well.
            assert deliveries(world)[-1][0] == 503
        else:
            assert deliveries(world)[-1] == [200]  # VK pauses a failing server: told ok once held
        before = world.handled
        await db.pragma("PRAGMA query_only = 0")
        await people.next_bot_message(ADMIN, predicate=lambda m: "снова работает" in m.text)
        await world.settle(before)
        assert await world.repos.inbox.backlog() == 0
        assert not any("/правила" in m.text for m in people.bot_messages(PARENT))  # answered, not carried out
