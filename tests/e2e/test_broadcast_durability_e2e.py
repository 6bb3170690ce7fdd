"""A broadcast to 101 chats survives SIGKILL: every chat gets the announcement exactly once and the
author one report, on VK and on MAX.

The bot runs as a real process (`schoolbot run`). The nasty case is forced: the first send of the
broadcast is held by the emulator, the bot is killed while it waits, and the emulator then stores
the message — so the restarted bot holds a send that went through without its knowing (VK drops
the repeat by random_id; on MAX the bot must look before sending again). Then more kills at random
moments while the rest goes out.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox.drivers import Driver, MaxDriver, VkDriver
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.max_emulator import MaxEmulator
from tests.e2e.botprocess import BotProcess

ADMIN = 1001
CLASSES = [f"{grade}{letter}" for grade in range(1, 11) for letter in "АБВГД"]  # 50 classes, 100 chats
TEXT = "Важное: завтра линейка в 9:00"


@dataclass
class School:
    people: Driver
    bot: BotProcess
    database: Path
    sends: Callable[[], int]
    """How many sends the emulator has received."""
    hold_next_send: Callable[[float], None]


@pytest.fixture(params=["vk", "max"])
async def school(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[School]:
    database = tmp_path / "bot.sqlite3"
    env = {"SCHOOLBOT_STORAGE__PATH": str(database), "SCHOOLBOT_SCHOOL__ADMINS": f'["{request.param}:{ADMIN}"]',
           "SCHOOLBOT_LOGGING__LEVEL": "WARNING", "SCHOOLBOT_DIRECTOR__DIGEST_ENABLED": "false"}
    emulator: VkEmulator | MaxEmulator
    people: Driver
    if request.param == "vk":
        emulator = VkEmulator(group_id=56, screen_name="school56", token="tok-broadcast")
        await emulator.start()
        people = VkDriver(emulator)
        env |= {"SCHOOLBOT_VK__TOKEN": "tok-broadcast", "SCHOOLBOT_VK__API_URL": emulator.api_url,
                "SCHOOLBOT_VK__GROUP_ID": "56", "SCHOOLBOT_VK__LONGPOLL_WAIT": "1",
                "SCHOOLBOT_VK__RETRY_BASE_DELAY": "0.05", "SCHOOLBOT_MAX__TOKEN": ""}
        vk = emulator

        def connected() -> int:
            return len(vk.calls("groups.getLongPollServer"))

        def sends() -> int:
            return len(vk.calls("messages.send"))

        def hold(seconds: float) -> None:
            vk.delay_next("messages.send", seconds)
    else:
        emulator = MaxEmulator(token="tok-broadcast-max")
        await emulator.start()
        people = MaxDriver(emulator)
        env |= {"SCHOOLBOT_MAX__TOKEN": "tok-broadcast-max", "SCHOOLBOT_MAX__API_URL": emulator.api_url,
                "SCHOOLBOT_MAX__POLL_INTERVAL": "0.05", "SCHOOLBOT_MAX__LONGPOLL_TIMEOUT": "1",
                "SCHOOLBOT_MAX__RETRY_BASE_DELAY": "0.05", "SCHOOLBOT_VK__TOKEN": ""}
        mx = emulator

        def connected() -> int:
            return len(mx.calls("GET /updates"))

        def sends() -> int:
            return len(mx.calls("POST /messages"))

        def hold(seconds: float) -> None:
            mx.delay_next("POST /messages", seconds)
    emulator.add_user(ADMIN, "Анна", "Смирнова")
    if isinstance(emulator, MaxEmulator):
        people.chats["staff"] = emulator.add_chat("Учительская", [ADMIN], admins=[ADMIN], owner=ADMIN)
        for label in CLASSES:
            for who in ("родители", "ученики"):
                people.chats[f"{label} {who}"] = emulator.add_chat(f"{label} — {who}", [ADMIN], admins=[ADMIN],
                                                                   owner=ADMIN)
    else:
        people.chats["staff"] = emulator.add_chat("Учительская", [ADMIN], admins=[ADMIN])
        for label in CLASSES:
            for who in ("родители", "ученики"):
                people.chats[f"{label} {who}"] = emulator.add_chat(f"{label} — {who}", [ADMIN], admins=[ADMIN])
    bot = BotProcess(env, connected, tmp_path / "bot.log")
    await bot.start()
    await people.write(ADMIN, "/привязать учительская", "staff")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Готово" in m.text, timeout=15)
    with sqlite3.connect(database, timeout=10) as db:  # the class chats bound as /привязать would
        for label in CLASSES:
            for who, purpose in (("родители", "class_parents"), ("ученики", "class_students")):
                chat = people.chat_key(f"{label} {who}")
                db.execute("INSERT INTO chats (chat_id, platform, purpose, class_label, bound_by, bound_at) "
                           "VALUES (?, ?, ?, ?, 'system', '2026-11-28T10:00:00+00:00')",
                           (chat, request.param, purpose, label))
    try:
        yield School(people=people, bot=bot, database=database, sends=sends, hold_next_send=hold)
    finally:
        await bot.stop_quietly()
        await emulator.stop()


async def eventually(check: Callable[[], bool], timeout: float = 120.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.1)


def copies(people: Driver, chat: str) -> int:
    return sum(TEXT in m.text for m in people.bot_messages(ADMIN, chat))


async def test_a_broadcast_killed_mid_way_serves_every_chat_exactly_once(school: School) -> None:
    people, bot = school.people, school.bot
    await people.write(ADMIN, f"/объявление все {TEXT}", "staff")
    preview = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "предпросмотр" in m.text, timeout=15)
    assert "Чаты (101)" in preview.text

    school.hold_next_send(2.0)  # the first send is held by the platform while the bot dies
    before = school.sends()
    await people.press(ADMIN, "staff", preview, preview.button("Отправить"))
    await eventually(lambda: school.sends() > before, 15)
    await bot.kill()
    await asyncio.sleep(2.5)  # the platform finishes the held send: it went out, the bot never heard
    assert sum(copies(people, chat) for chat in people.chats) >= 1  # the held one among them
    await bot.start()

    rng = random.Random(20261130)
    for _ in range(2):  # and killed again at random moments while the rest goes out
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        await bot.kill()
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        await bot.start()

    targets = [chat for chat in people.chats if chat != "staff"]
    await eventually(lambda: all(copies(people, chat) for chat in targets) and copies(people, "staff") > 0)
    await eventually(lambda: any("доставлено в" in m.text for m in people.bot_messages(ADMIN, "staff")))
    assert await bot.terminate() == 0

    assert {chat: copies(people, chat) for chat in people.chats} == dict.fromkeys(people.chats, 1)
    reports = [m.text for m in people.bot_messages(ADMIN, "staff") if "доставлено в" in m.text]
    assert reports == ["Объявление №1 доставлено в 101 из 101 чата."]
    with sqlite3.connect(school.database) as db:
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone() == (0,)
        assert db.execute("SELECT state FROM announcements").fetchall() == [("sent",)]
        assert db.execute("SELECT COUNT(*) FROM announcement_chats WHERE state = 'sent'").fetchone() == (101,)
    assert bot.starts >= 4
