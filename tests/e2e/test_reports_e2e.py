"""Stolen accounts and abuse reports, end to end: staff cards, steps, rate limit, handling."""

import asyncio

from bot.reports import EXCERPT_LIMIT, ReportKind, ReportStatus
from bot.sandbox.world import SandboxWorld
from storage.reports import ReportsRepo
from tests.e2e.conftest import WorldFactory

ADMIN, TEACHER, PARENT, STUDENT = 1001, 1002, 1003, 1004


async def say(world: SandboxWorld, user: int, text: str, peer: str | None = None, reply_to: int | None = None) -> dict:
    peer_id = world.chat_peers[peer] if peer else user
    return await world.emulator.user_writes(user, text, peer_id=None if peer is None else peer_id,
                                            reply_to_cmid=reply_to)


async def ask(world: SandboxWorld, user: int, text: str, peer: str | None = None, reply_to: int | None = None) -> str:
    await say(world, user, text, peer, reply_to)
    return (await world.emulator.wait_for_bot_message(world.chat_peers[peer] if peer else user))["text"]


async def bind_staff(world: SandboxWorld) -> int:
    await ask(world, ADMIN, "/привязать учительская", "staff")
    return world.chat_peers["staff"]


async def staff_card(world: SandboxWorld, marker: str) -> str:
    message = await world.emulator.wait_for_bot_message(world.chat_peers["staff"], predicate=lambda m: marker in m["text"])
    return message["text"]


def repo(world: SandboxWorld) -> ReportsRepo:
    return world.repos.reports


async def quiet(world: SandboxWorld, user: int, text: str, peer: str | None = None, reply_to: int | None = None) -> None:
    """Send and wait until the bot has handled it (for asserting that nothing was sent)."""
    before = world.handled
    await say(world, user, text, peer, reply_to)
    await world.settle(before)


async def test_hacked_command_alerts_staff_and_guides_the_person(world: SandboxWorld) -> None:
    await bind_staff(world)
    steps = await ask(world, PARENT, "/взлом")
    assert "обращение №1" in steps and "завершите все сеансы" in steps and "коды" in steps
    card = await staff_card(world, "Взлом аккаунта")
    assert "Ольга Иванова (vk.com/id1003), родитель" in card and "/закрыть 1" in card
    report = await repo(world).get(1)
    assert report is not None and (report.kind, report.status) == (ReportKind.HACKED, ReportStatus.OPEN)


async def test_natural_phrase_reports_once_while_open(world: SandboxWorld) -> None:
    await bind_staff(world)
    assert "обращение №1" in await ask(world, PARENT, "у меня украли аккаунт!")
    repeat = await ask(world, PARENT, "Мой аккаунт взломали")
    assert "уже знает" in repeat and "№1" in repeat
    await asyncio.sleep(0.2)
    cards = [m for m in world.emulator.bot_messages(world.chat_peers["staff"]) if "Взлом аккаунта" in m["text"]]
    assert len(cards) == 1


async def test_button_asks_first_then_reports(world: SandboxWorld) -> None:
    await bind_staff(world)
    await say(world, STUDENT, "Сообщить о взломе")
    asked = await world.emulator.wait_for_bot_message(STUDENT)
    assert "Точно сообщить администрации о взломе?" in asked["text"] and await repo(world).list_open() == []
    yes = next(b["action"]["payload"] for b in asked["keyboard"]["buttons"][0] if b["action"]["label"] == "Да, сообщить")
    before = world.handled
    await world.emulator.press_button(STUDENT, STUDENT, asked["conversation_message_id"], yes)
    await world.settle(before)
    assert "Петя Иванов" in await staff_card(world, "Взлом аккаунта")


async def test_a_question_about_protection_gets_advice_not_a_report(world: SandboxWorld) -> None:
    await bind_staff(world)
    advice = await ask(world, PARENT, "Как защитить аккаунт от взлома?")
    assert "Как защитить аккаунт" in advice and "/взлом" in advice
    assert await repo(world).list_open() == []


async def test_without_a_staff_chat_the_administrators_get_the_card_by_dm(world: SandboxWorld) -> None:
    await ask(world, PARENT, "/hacked")
    card = await world.emulator.wait_for_bot_message(ADMIN, predicate=lambda m: "Взлом аккаунта" in m["text"])
    assert "id1003" in card["text"]


async def test_hacked_in_a_chat_sends_the_steps_privately(world: SandboxWorld) -> None:
    await bind_staff(world)
    note = await ask(world, PARENT, "/взлом", "5a-parents")
    assert "в личные сообщения" in note
    assert "завершите все сеансы" in (await world.emulator.wait_for_bot_message(PARENT))["text"]


async def test_plain_text_in_a_chat_is_not_answered(world: SandboxWorld) -> None:
    await quiet(world, PARENT, "мой аккаунт взломали", "5a-parents")
    assert world.emulator.bot_messages(world.chat_peers["5a-parents"]) == []
    assert await repo(world).list_open() == []


LONG_RUDE = "Вы все дураки, звоните мне +7 912 345-67-89, " + "бла-бла " * 60


async def test_abuse_report_sends_a_card_thanks_the_reporter_and_keeps_no_full_text(world: SandboxWorld) -> None:
    await bind_staff(world)
    rude = await say(world, PARENT, LONG_RUDE, "5a-parents")
    command = await say(world, TEACHER, "/жалоба", "5a-parents", reply_to=rude["conversation_message_id"])
    # No administration chat is bound: the card goes to the order's administrator, never the staff room.
    card = (await world.emulator.wait_for_bot_message(ADMIN, predicate=lambda m: "Жалоба на сообщение" in m["text"]))["text"]
    assert "«5А — родители»" in card and f"Сообщение №{rude['conversation_message_id']}" in card
    assert "Автор сообщения: Ольга Иванова (vk.com/id1003)" in card and "Пожаловалась: Мария Петрова" in card
    assert not [m for m in world.emulator.bot_messages(world.chat_peers["staff"]) if "Жалоба" in m["text"]]
    assert "345-67-89" not in card and "[id" not in card
    thanks = await world.emulator.wait_for_bot_message(TEACHER)
    assert "Спасибо" in thanks["text"]
    stored = await repo(world).get(1)
    assert stored is not None and stored.excerpt is not None and len(stored.excerpt) <= EXCERPT_LIMIT
    chat = world.emulator.messages(world.chat_peers["5a-parents"])
    hidden = next(m for m in chat if m["conversation_message_id"] == command["conversation_message_id"])
    assert hidden.get("deleted")  # the author does not see who complained
    assert not [m for m in world.emulator.bot_messages(world.chat_peers["5a-parents"]) if "Спасибо" in m["text"]]


async def test_report_without_a_reply_explains_how_by_dm(world: SandboxWorld) -> None:
    await say(world, TEACHER, "/жалоба", "5a-parents")
    assert "ответьте на него" in (await world.emulator.wait_for_bot_message(TEACHER))["text"]
    assert "перешлите мне сообщение" in await ask(world, TEACHER, "/report")
    assert world.emulator.bot_messages(world.chat_peers["5a-parents"]) == []


async def dm_after(world: SandboxWorld, user: int, text: str, peer: str, reply_to: int | None = None) -> str:
    """`user` writes in a chat; the bot's answer comes to their DM."""
    await say(world, user, text, peer, reply_to)
    return (await world.emulator.wait_for_bot_message(user))["text"]


async def test_reporting_twice_own_or_the_bots_message(world: SandboxWorld) -> None:
    rude = await say(world, PARENT, "грубость", "5a-parents")
    cmid = rude["conversation_message_id"]
    await say(world, TEACHER, "/жалоба", "5a-parents", reply_to=cmid)
    await world.emulator.wait_for_bot_message(TEACHER)
    assert "уже пожаловались" in await dm_after(world, TEACHER, "/жалоба", "5a-parents", reply_to=cmid)
    assert "ваше собственное" in await dm_after(world, PARENT, "/жалоба", "5a-parents", reply_to=cmid)
    bot_says = await ask(world, PARENT, "/правила", "5a-parents")
    bot_cmid = world.emulator.bot_messages(world.chat_peers["5a-parents"])[-1]["conversation_message_id"]
    assert bot_says and "бота" in await dm_after(world, PARENT, "/жалоба", "5a-parents", reply_to=bot_cmid)


async def test_reports_are_limited_per_hour(make_world: WorldFactory) -> None:
    world = await make_world(reports={"max_per_hour": 2})
    await bind_staff(world)
    messages = [await say(world, PARENT, f"сообщение {n}", "5a-parents") for n in range(3)]
    for message in messages[:2]:
        await say(world, TEACHER, "/жалоба", "5a-parents", reply_to=message["conversation_message_id"])
        await world.emulator.wait_for_bot_message(TEACHER)
    refused = await dm_after(world, TEACHER, "/жалоба", "5a-parents", reply_to=messages[2]["conversation_message_id"])
    assert "не больше 2 обращений" in refused
    await asyncio.sleep(0.2)
    cards = [m for m in world.emulator.bot_messages(ADMIN) if "Жалоба на сообщение" in m["text"]]
    assert len(cards) == 2


async def test_staff_list_and_close_reports_and_closing_is_audited(world: SandboxWorld) -> None:
    await bind_staff(world)
    await ask(world, PARENT, "/взлом")
    await staff_card(world, "Взлом аккаунта")
    listed = await ask(world, ADMIN, "/обращения")
    assert "№1 — взлом аккаунта" in listed and "id1003" in listed
    assert "закрыто" in await ask(world, ADMIN, "/закрыть 1", "staff")
    assert "рассмотрела ваше обращение №1" in (await world.emulator.wait_for_bot_message(PARENT))["text"]
    assert "уже закрыто" in await ask(world, ADMIN, "/закрыть №1")
    assert "Открытых обращений нет" in await ask(world, ADMIN, "/обращения", "staff")
    entry = (await world.repos.audit.recent(1, action="report_closed"))[0]
    assert (entry.actor_id, entry.details) == (f"vk:{ADMIN}", {"kind": "hacked", "report": 1})


async def test_close_with_a_bad_number(world: SandboxWorld) -> None:
    for args in ("", "abc", "0", "-3", "99999999999999"):
        assert "/закрыть 7" in await ask(world, ADMIN, f"/закрыть {args}")
    assert "Обращения №42 нет" in await ask(world, ADMIN, "/закрыть 42")


async def test_reports_are_for_staff_and_only_in_staff_places(world: SandboxWorld) -> None:
    await bind_staff(world)
    assert "администраторы и руководство" in await ask(world, PARENT, "/обращения")
    assert "администраторы и руководство" in await ask(world, TEACHER, "/закрыть 1", "staff")
    assert "«Учительской»" in await ask(world, ADMIN, "/обращения", "5a-parents")
