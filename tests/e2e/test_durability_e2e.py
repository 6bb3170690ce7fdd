"""Nothing lost, nothing twice: the bot killed (SIGKILL) at random moments during a burst of join
requests and decisions, stopped with SIGTERM, and down while people write — then restarted.

The bot runs as a real process (`schoolbot run`) against the VK emulator over HTTP; the emulator,
like VK, drops a repeated send with the same random_id, and the test counts what people saw.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.emulator import VkEmulator
from tests.e2e.botprocess import BotProcess

ADMIN = 1001
FAMILIES = list(range(3001, 3041))
LATE = list(range(3101, 3111))
CODE = re.compile(r"ref=([A-Z0-9]{4}-[A-Z0-9]{4})")
REQUEST = re.compile(r"Заявка №(\d+) на вступление")


@pytest.fixture
async def school(tmp_path: Path) -> AsyncIterator[tuple[VkEmulator, BotProcess, Path]]:
    emulator = VkEmulator(group_id=56, screen_name="school56", token="tok-durable")
    await emulator.start()
    emulator.add_user(ADMIN, "Анна", "Смирнова")
    for user in FAMILIES + LATE:
        emulator.add_user(user, "Ученик", str(user))
    staff = emulator.add_chat("Учительская", [ADMIN], admins=[ADMIN])
    students = emulator.add_chat("5А — ученики", [ADMIN], admins=[ADMIN])
    database = tmp_path / "bot.sqlite3"
    env = {"SCHOOLBOT_VK__TOKEN": "tok-durable", "SCHOOLBOT_VK__API_URL": emulator.api_url,
           "SCHOOLBOT_VK__GROUP_ID": "56", "SCHOOLBOT_VK__LONGPOLL_WAIT": "1",
           "SCHOOLBOT_VK__RETRY_BASE_DELAY": "0.05", "SCHOOLBOT_STORAGE__PATH": str(database),
           "SCHOOLBOT_SCHOOL__ADMINS": f"[{ADMIN}]", "SCHOOLBOT_LOGGING__LEVEL": "WARNING"}
    bot = BotProcess(env, lambda: len(emulator.calls("groups.getLongPollServer")), tmp_path / "bot.log")
    await bot.start()
    for chat, purpose in ((staff, "учительская"), (students, "5А ученики")):
        await emulator.user_writes(ADMIN, f"/привязать {purpose}", peer_id=chat)
        await emulator.wait_for_bot_message(chat, timeout=10)
    try:
        yield emulator, bot, database
    finally:
        await bot.stop_quietly()
        await emulator.stop()


async def eventually(check, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.1)


def texts(emulator: VkEmulator, peer: int) -> list[str]:
    return [m["text"] for m in emulator.bot_messages(peer)]


async def kill_now_and_then(bot: BotProcess, rng: random.Random, kills: int, done: asyncio.Event) -> None:
    """SIGKILL the bot at random moments while the burst goes on, restarting it each time."""
    for _ in range(kills):
        await asyncio.sleep(rng.uniform(0.05, 0.6))
        if done.is_set():
            return
        await bot.kill()
        await asyncio.sleep(rng.uniform(0.0, 0.3))  # people keep writing while it is down
        await bot.start()


async def test_sigkill_during_a_burst_of_joins_and_decisions_loses_nothing_and_repeats_nothing(
    school: tuple[VkEmulator, BotProcess, Path],
) -> None:
    emulator, bot, database = school
    staff = next(p for p in (2000000001, 2000000002) if "Учительская" in emulator._state.chat(p).title)
    await emulator.user_writes(ADMIN, "/пригласить ученик 5А", peer_id=staff)
    invite = await emulator.wait_for_bot_message(staff, predicate=lambda m: "ref=" in m["text"], timeout=10)
    code = CODE.search(invite["text"])[1]  # type: ignore[index]
    rng = random.Random(20261129)

    # 40 families follow the link while the bot is killed three times.
    done = asyncio.Event()
    killer = asyncio.create_task(kill_now_and_then(bot, rng, 3, done))
    for user in FAMILIES:
        await emulator.user_writes(user, f"/вступить {code}")
        await asyncio.sleep(rng.uniform(0.0, 0.02))
    await killer
    await eventually(lambda: all(any("Заявка №" in t for t in texts(emulator, u)) for u in FAMILIES))
    await eventually(lambda: len({int(REQUEST.search(t)[1]) for t in texts(emulator, staff)  # type: ignore[index]
                                  if REQUEST.search(t)}) == len(FAMILIES))

    # Every card is accepted by its button while the bot is killed twice more.
    cards = [m for m in emulator.bot_messages(staff) if REQUEST.search(m["text"])]
    done = asyncio.Event()
    killer = asyncio.create_task(kill_now_and_then(bot, rng, 2, done))
    for card in cards:
        payload = next(b["action"]["payload"] for row in card["keyboard"]["buttons"] for b in row
                       if b["action"]["label"] == "Принять")
        await emulator.press_button(ADMIN, staff, card["conversation_message_id"], payload)
        await asyncio.sleep(rng.uniform(0.0, 0.03))
    await killer
    await eventually(lambda: all(any("принята" in t for t in texts(emulator, u)) for u in FAMILIES))

    # Down for a while: what people write meanwhile is answered after the restart.
    await bot.kill()
    for user in LATE:
        await emulator.user_writes(user, "/помощь")
    await bot.start()
    await eventually(lambda: all(texts(emulator, u) for u in LATE))
    assert await bot.terminate() == 0

    for user in FAMILIES:
        seen = Counter(t.split(".")[0] for t in texts(emulator, user))
        assert [n for n in seen.values() if n > 1] == [], (user, seen)  # nothing said twice
        assert sum("отправлена" in t for t in texts(emulator, user)) == 1
        assert sum("принята" in t for t in texts(emulator, user)) == 1
    card_numbers = Counter(int(REQUEST.search(t)[1]) for t in texts(emulator, staff) if REQUEST.search(t))  # type: ignore[index]
    assert set(card_numbers.values()) == {1} and len(card_numbers) == len(FAMILIES)
    for user in LATE:
        assert len(texts(emulator, user)) == 1
    with sqlite3.connect(database) as db:
        requests = db.execute("SELECT person_id, state FROM join_requests").fetchall()
        assert sorted(requests) == sorted((f"vk:{u}", "approved") for u in FAMILIES)
        assert db.execute("SELECT COUNT(*) FROM inbox WHERE state = 'pending'").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM inbox WHERE state = 'done' AND event IS NOT NULL").fetchone() == (0,)
    assert bot.starts >= 7


async def test_sigterm_finishes_what_is_in_flight_and_exits_zero(school: tuple[VkEmulator, BotProcess, Path]) -> None:
    emulator, bot, _ = school
    for user in FAMILIES[:15]:
        await emulator.user_writes(user, "/помощь")
    await asyncio.sleep(0.3)
    assert await bot.terminate() == 0
    await bot.start()
    await eventually(lambda: all(texts(emulator, u) for u in FAMILIES[:15]))
    for user in FAMILIES[:15]:
        assert len(texts(emulator, user)) == 1
