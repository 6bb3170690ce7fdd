"""Helpers for the end-to-end scenarios of issue 11, run on both emulators through the drivers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.sandbox.drivers import Driver, Seen
from bot.sandbox.world import SandboxWorld

ADMIN, TEACHER, PARENT, STUDENT, STRANGER, CLASSTEACHER = 1001, 1002, 1003, 1004, 1005, 1006
NEWCOMER = 1010
CODE = re.compile(r"/вступить ([A-Z0-9]{4}-[A-Z0-9]{4})")
CHAT_LINK = re.compile(r"https://(?:vk\.me/join|max\.ru/join)/\S+")

CLASS_5A = (
    "Класс;Фамилия;Имя;Отчество;Дата рождения\r\n"
    "5А;Иванов;Пётр;Сергеевич;05.03.2015\r\n"
    "5А;Сидорова;Анна;Игоревна;17.11.2014\r\n"
    "5А;Орлов;Михаил;;02.02.2015\r\n"
)


class Clock:
    """A Wednesday morning in Moscow (08:00 UTC = 11:00 MSK)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def school_world(platform: str, **options: Any) -> AsyncIterator[SandboxWorld]:
    """The sandbox school on one messenger, with a newcomer the bot does not know yet."""
    world = SandboxWorld(platforms=[platform], **options)
    await world.start()
    for emulator in (world.vk, world.max):
        if emulator is not None:
            emulator.add_user(NEWCOMER, "Светлана", "Орлова")
    try:
        yield world
    finally:
        await world.stop()


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    async with school_world(request.param, clock=Clock()) as started:
        yield started


async def say(people: Driver, user: int, text: str, chat: str | None = None) -> Seen:
    """`user` writes; returns the bot's next message with text there."""
    await people.write(user, text, chat)
    return await people.next_bot_message(user, chat, predicate=lambda m: bool(m.text))


async def send_file(people: Driver, user: int, name: str, data: bytes, text: str, chat: str | None = None) -> Seen:
    await people.write_with_file(user, text, chat, kind="doc", data=data, filename=name)
    return await people.next_bot_message(user, chat, predicate=lambda m: bool(m.text))


async def press(people: Driver, user: int, seen: Seen, label: str, chat: str | None = None) -> str:
    return await people.press(user, chat, seen, seen.button(label))


async def bind(people: Driver, chat: str, purpose: str) -> Seen:
    return await say(people, ADMIN, f"/привязать {purpose}", chat)


async def bind_all(people: Driver) -> None:
    for chat, purpose in (("staff", "учительская"), ("5a-parents", "5А родители"), ("5a-students", "5А ученики")):
        assert "Готово" in (await bind(people, chat, purpose)).text


async def invite_code(people: Driver, text: str, user: int = ADMIN, chat: str | None = "staff") -> str:
    reply = await say(people, user, text, chat)
    found = CODE.search(reply.text)
    assert found is not None, reply.text
    return found[1]


async def join_as_parent(people: Driver, user: int, code: str, child: str) -> Seen:
    """Open the link, agree to the consent, name the child; returns the bot's answer to the name."""
    await people.open_link(user, code)
    consent = await people.next_bot_message(user, predicate=lambda m: "Согласен" in [b[0] for b in m.buttons])
    assert "СОГЛАСИЕ" in consent.text
    await press(people, user, consent, "Согласен")
    await people.next_bot_message(user, predicate=lambda m: "ребёнка" in m.text and not m.buttons)
    return await say(people, user, child)
