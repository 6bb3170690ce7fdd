"""The same school on VK and on MAX: one scenario, parametrized over both emulators, and one
process serving both messengers over one database."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

import pytest

from bot.port.ids import Platform
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import say, school_world

ADMIN, TEACHER, PARENT, STUDENT, STRANGER = 1001, 1002, 1003, 1004, 1005
NEWCOMER = 1010
CODE = re.compile(r"([A-Z0-9]{4}-[A-Z0-9]{4})")
DEEP_LINK = {Platform.VK: re.compile(r"https://vk\.me/school56\?ref=([A-Z0-9]{4}-[A-Z0-9]{4})"),
             Platform.MAX: re.compile(r"https://max\.ru/school56_bot\?start=([A-Z0-9]{4}-[A-Z0-9]{4})")}
CHAT_LINK = re.compile(r"https://\S+")


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    async with school_world(request.param, settings_overrides={"invites": {"remove_strangers": True}}) as started:
        yield started


async def test_the_school_path_on_each_messenger(world: SandboxWorld) -> None:
    people = world.driver
    # The administrator named in the config binds the staff room and the parents' chat.
    assert "Учительская" in (await say(people, ADMIN, "/bind staff", "staff")).text
    assert "чат родителей 5А" in (await say(people, ADMIN, "/привязать 5А родители", "5a-parents")).text
    refused = await say(people, TEACHER, "/привязать учительская", "5a-students")
    assert "только администраторы" in refused.text

    # An invitation: a deep link of this messenger and the code.
    invite = await say(people, ADMIN, "/пригласить родитель 5А", "staff")
    link = DEEP_LINK[people.platform].search(invite.text)
    assert link is not None and f"/вступить {link[1]}" in invite.text

    # A new parent starts the bot through the link and names the child; a card appears.
    await people.open_link(NEWCOMER, link[1])
    consent = await people.next_bot_message(NEWCOMER)  # 152-ФЗ: the consent comes before anything is stored
    assert "СОГЛАСИЕ" in consent.text and [label for label, _, _ in consent.buttons] == ["Согласен", "Не согласен"]
    assert "записано" in await people.press(NEWCOMER, None, consent, consent.button("Согласен"))
    asked = await people.next_bot_message(NEWCOMER, predicate=lambda m: not m.buttons)
    assert "ребёнка" in asked.text
    assert "Заявка №" in (await say(people, NEWCOMER, "Орлов Миша")).text
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Заявка №" in m.text)
    assert "Орлов Миша" in card.text and [label for label, _, _ in card.buttons] == ["Принять", "Отклонить"]

    # A forged payload decides nothing; «Принять» answers the press and sends the chat's link.
    forged = json.dumps({"a": "req_approve", "id": 9999})
    assert "нет" in await people.press(ADMIN, "staff", card, forged)
    assert "устарела" in await people.press(ADMIN, "staff", card, '{"a": "req_approve", "id": "1 OR 1"}')
    answer = await people.press(ADMIN, "staff", card, card.button("Принять"))
    assert "принята" in answer
    welcome = await people.next_bot_message(NEWCOMER, predicate=lambda m: "принята" in m.text)
    chat_link = CHAT_LINK.search(welcome.text.split("Чат родителей 5А:", 1)[1])
    assert chat_link is not None
    await people.join_by_link(NEWCOMER, chat_link[0])

    # A stranger who joins by the same (leaked) link is reported and removed.
    await people.join_by_link(STRANGER, chat_link[0])
    report = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "без одобренной" in m.text)
    assert "Игорь Незнакомов" in report.text and "Удаляю" in report.text
    for _ in range(100):
        if STRANGER not in people.members("5a-parents"):
            break
        await asyncio.sleep(0.05)
    assert STRANGER not in people.members("5a-parents") and NEWCOMER in people.members("5a-parents")

    # Мат in the parents' chat is deleted; an innocent message is not.
    innocent = await people.write(PARENT, "Команда 5А выиграла!", "5a-parents")
    rude = await people.write(PARENT, "да это п.и.з.д.е.ц, а не расписание", "5a-parents")
    notice = await people.next_bot_message(PARENT, "5a-parents", predicate=lambda m: "удалено" in m.text)
    assert "4.5" in notice.text and "п.и.з.д" not in notice.text
    assert people.is_deleted("5a-parents", rude) and not people.is_deleted("5a-parents", innocent)


async def test_help_answers_by_role_on_each_messenger(world: SandboxWorld) -> None:
    people = world.driver
    parent = await say(people, PARENT, "/помощь")
    assert "родитель" in parent.text and "/привязать" not in parent.text.split("В групповых чатах")[0]
    assert "/привязать" in (await say(people, ADMIN, "/help", "staff")).text


async def test_a_link_reset_is_done_or_asked_for_as_the_messenger_allows(world: SandboxWorld) -> None:
    people = world.driver
    await say(people, ADMIN, "/привязать учительская", "staff")
    await say(people, ADMIN, "/привязать 5А родители", "5a-parents")
    reply = await say(people, ADMIN, "/сбросить_ссылку 5А родители", "staff")
    if people.platform is Platform.VK:
        assert "сбрасываю" in reply.text
    else:
        assert "вручную" in reply.text and "MAX" in reply.text


async def test_one_process_serves_both_messengers_over_one_database() -> None:
    world = SandboxWorld(platforms=["vk", "max"])
    await world.start()
    try:
        vk, max_ = world.drivers[Platform.VK], world.drivers[Platform.MAX]
        assert "Учительская" in (await say(vk, ADMIN, "/привязать учительская", "staff")).text
        assert "Учительская" in (await say(max_, ADMIN, "/привязать учительская", "staff")).text
        invite = await say(max_, ADMIN, "/пригласить ученик 5А", "staff")
        assert "ВКонтакте: https://vk.me/school56?ref=" in invite.text
        assert "MAX: https://max.ru/school56_bot?start=" in invite.text
        code = DEEP_LINK[Platform.MAX].search(invite.text)[1]  # type: ignore[index]
        # The same code works on the other messenger, typed.
        world.emulator.add_user(NEWCOMER, "Светлана", "Орлова")
        thanks = await say(vk, NEWCOMER, f"/вступить {code}")
        assert "Заявка №" in thanks.text
        for people in (vk, max_):  # both staff rooms get the card
            card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Заявка №" in m.text)
            assert "vk.com/id1010" in card.text
        staff_rooms = await world.repos.chats.staff_chats()
        assert {chat.id.split(":")[0] for chat in staff_rooms} == {"vk", "max"}
    finally:
        await world.stop()


async def test_missing_rights_are_told_once_with_the_steps(world: SandboxWorld) -> None:
    from bot.housekeeping import check_rights

    people = world.driver
    if world.max is not None:  # without read_all_messages MAX would not even show it /привязать
        world.max.set_bot_permissions(people.chats["5a-parents"], ["read_all_messages", "write"])
    else:
        world.emulator.set_bot_admin(people.chats["5a-parents"], False)
    await say(people, ADMIN, "/привязать учительская", "staff")
    bound = await say(people, ADMIN, "/привязать 5А родители", "5a-parents")
    assert "нет прав" in bound.text and "удалять сообщения" in bound.text
    assert world.app is not None and world.app.services is not None
    assert await check_rights(world.app.services) == 0  # already said when it was bound
    if world.max is not None:
        world.max.set_bot_permissions(people.chats["5a-parents"], ["read_all_messages", "write", "delete",
                                                                    "add_remove_members"])
    else:
        world.emulator.set_bot_admin(people.chats["5a-parents"], True)
    assert await check_rights(world.app.services) == 0  # granted: the notice is forgotten
    if world.max is not None:
        world.max.set_bot_permissions(people.chats["5a-parents"], [])
    else:
        world.emulator.set_bot_admin(people.chats["5a-parents"], False)
    assert await check_rights(world.app.services) == 1
    world.app.outbox_worker.wake()  # type: ignore[union-attr]
    told = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "нет прав" in m.text)
    assert "чат родителей 5А" in told.text


async def test_the_bot_added_to_a_chat_says_how_to_put_it_to_work() -> None:
    world = SandboxWorld(platforms=["max"])
    await world.start()
    try:
        assert world.max is not None
        people = world.drivers[Platform.MAX]
        chat = world.max.add_chat("7Б — родители", [ADMIN, PARENT], admins=[ADMIN], owner=ADMIN, bot_member=False)
        people.chats["7b"] = chat
        await world.max.bot_added_to_chat(chat, ADMIN)
        hello = await people.next_bot_message(ADMIN, "7b")
        assert "/привязать" in hello.text and "администратором" in hello.text
    finally:
        await world.stop()


async def test_schoolbot_run_serves_max_and_a_bad_max_token_exits_3(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import sys

    from bot.sandbox.max_emulator import MaxEmulator

    async with MaxEmulator(token="max-token-123456") as emulator:
        emulator.add_user(77, "Ольга", "Иванова")
        base = {"SCHOOLBOT_VK__TOKEN": "", "SCHOOLBOT_MAX__API_URL": emulator.api_url,
                "SCHOOLBOT_MAX__POLL_INTERVAL": "0.1", "SCHOOLBOT_MAX__LONGPOLL_TIMEOUT": "1",
                "SCHOOLBOT_STORAGE__PATH": str(tmp_path / "db.sqlite3")}
        bad = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env={**os.environ, **base, "SCHOOLBOT_MAX__TOKEN": "wrong-token-9"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(bad.communicate(), 60)
        assert bad.returncode == 3 and b"wrong-token-9" not in stderr
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env={**os.environ, **base, "SCHOOLBOT_MAX__TOKEN": "max-token-123456"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            for _ in range(200):
                if emulator.calls("GET /updates"):
                    break
                await asyncio.sleep(0.1)
            await emulator.user_writes(77, "/помощь")
            reply = await emulator.wait_for_bot_message(77, timeout=15)
            assert "Команды" in reply["body"]["text"]
        finally:
            process.terminate()
            _, stderr = await process.communicate()
        assert process.returncode == 0 and b"max-token-123456" not in stderr
