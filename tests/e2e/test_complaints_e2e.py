"""Confidential complaints, the stolen-account confirmation, appeals and the conversation, end to end
on both messengers: the accused never receives a card or a reply; the complainant hears only by DM."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable

import pytest

from bot.reports import ReportKind
from bot.sandbox.drivers import Driver, Seen
from bot.sandbox.world import SandboxWorld

ADMIN, TEACHER, PARENT, STUDENT, STRANGER, CLASSTEACHER, DEPUTY = 1001, 1002, 1003, 1004, 1005, 1006, 1007
CHATS = ("staff", "5a-parents", "5a-students", "management", "5a-math")


@pytest.fixture(params=["vk", "max"])
async def school(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    """Both messengers, chats bound as a school binds them (the management chat too)."""
    world = SandboxWorld(platforms=[request.param])
    await world.start()
    people = world.driver
    try:
        for chat, binding in (("staff", "учительская"), ("5a-parents", "5А родители"),
                              ("5a-students", "5А ученики"), ("management", "руководство")):
            await people.write(ADMIN, f"/привязать {binding}", chat)
            await people.next_bot_message(ADMIN, chat, predicate=lambda m: "Готово" in m.text)
        await world.quiesce()
        BOUND[id(world)] = {chat: len(people.bot_messages(0, chat)) for chat in CHATS}
        yield world
    finally:
        await world.stop()


async def settled(world: SandboxWorld, action: Awaitable[object]) -> None:
    before = world.handled
    await action
    await world.settle(before)


def everything_seen_by(world: SandboxWorld, user: int) -> list[str]:
    """Every bot message this person can read: their DM and every chat they are in."""
    people = world.driver
    seen = [m.text for m in people.bot_messages(user)]
    for chat in CHATS:
        if user in people.members(chat):
            seen += [m.text for m in people.bot_messages(user, chat)]
    return seen


BOUND: dict[int, dict[str, int]] = {}
"""How many bot messages each chat had once bound (the binding's own replies), per world."""


def chat_texts(world: SandboxWorld, chat: str) -> list[str]:
    """What the bot said in a chat after the school was set up."""
    return [m.text for m in world.driver.bot_messages(0, chat)[BOUND[id(world)][chat]:]]


async def test_a_complaint_about_a_teacher_goes_to_the_management_chat_and_only_by_dm_to_the_complainant(
    school: SandboxWorld,
) -> None:
    people = school.driver
    rude = await people.write(TEACHER, "Родители, вы меня достали своими вопросами, звоните мне +7 912 345-67-89", "5a-parents")
    command = await people.write(PARENT, "/жалоба грубит родителям, звонит мне +7 999 000-11-22", "5a-parents",
                                 reply_to=rude)
    card = await people.next_bot_message(ADMIN, "management", predicate=lambda m: "Жалоба на сообщение" in m.text)
    for part in ("«5А — родители»", "Автор сообщения: Мария Петрова", "Пожаловалась: Ольга Иванова",
                 "Со слов жалующегося: «грубит родителям", "только для администраторов"):
        assert part in card.text, part
    assert "345-67-89" not in card.text and "000-11-22" not in card.text  # phones are masked
    thanks = await people.next_bot_message(PARENT, predicate=lambda m: "Жалоба №" in m.text)
    assert "Ваше имя видят только администраторы" in thanks.text
    notice = await people.next_bot_message(CLASSTEACHER, predicate=lambda m: "пожаловались" in m.text)
    assert "Ольга" not in notice.text  # the class teacher learns of it, never who complained
    await school.quiesce()
    assert people.is_deleted("5a-parents", command)  # the chat never sees who complained
    # The accused teacher sits in the staff room and the parents' chat: nothing reaches them.
    assert not [t for t in everything_seen_by(school, TEACHER) if "Жалоб" in t or "жалоб" in t]
    assert chat_texts(school, "5a-parents") == []
    assert not [t for t in chat_texts(school, "staff") if "Жалоба" in t]
    report = (await school.repos.reports.list_open())[0]
    assert report.kind is ReportKind.ABUSE and report.reason is not None and "000-11-22" not in report.reason


async def test_a_complaint_about_a_member_of_the_management_goes_to_the_administrators_dms(
    school: SandboxWorld,
) -> None:
    people = school.driver
    rude = await people.write(DEPUTY, "коллеги, опять вы со своими отчётами", "staff")
    await settled(school, people.write(TEACHER, "жалоба", "staff", reply_to=rude))  # a bare word in reply
    card = await people.next_bot_message(ADMIN, predicate=lambda m: "Жалоба на сообщение" in m.text)
    assert "Автор сообщения: Сергей Орлов" in card.text and "Пожаловалась: Мария Петрова" in card.text
    assert not [t for t in everything_seen_by(school, DEPUTY) if "Жалоба" in t]
    assert not [t for t in chat_texts(school, "management") if "Жалоба" in t]


async def test_every_answer_to_the_complainant_goes_by_dm_and_the_command_is_always_removed(
    school: SandboxWorld,
) -> None:
    people = school.driver
    lonely = await people.write(PARENT, "/жалоба", "5a-parents")  # not a reply
    usage = await people.next_bot_message(PARENT, predicate=lambda m: "ответьте на него" in m.text)
    assert "«жалоба»" in usage.text
    own = await people.write(PARENT, "моё сообщение", "5a-parents")
    self_report = await people.write(PARENT, "/жалоба", "5a-parents", reply_to=own)
    assert "ваше собственное" in (await people.next_bot_message(
        PARENT, predicate=lambda m: "собственное" in m.text)).text
    rude = await people.write(STUDENT, "ты опять списал", "5a-students")
    first = await people.write(TEACHER, "/жалоба", "5a-students", reply_to=rude)
    await people.next_bot_message(TEACHER, predicate=lambda m: "Жалоба №" in m.text)
    again = await people.write(TEACHER, "/жалоба", "5a-students", reply_to=rude)
    assert "уже пожаловались" in (await people.next_bot_message(
        TEACHER, predicate=lambda m: "уже пожаловались" in m.text)).text
    await school.quiesce()
    for chat, ref in (("5a-parents", lonely), ("5a-parents", self_report), ("5a-students", first),
                      ("5a-students", again)):
        assert people.is_deleted(chat, ref), (chat, ref)
    assert chat_texts(school, "5a-parents") == [] and chat_texts(school, "5a-students") == []


async def test_the_rate_limit_is_said_by_dm(school: SandboxWorld) -> None:
    people = school.driver
    messages = [await people.write(STUDENT, f"глупость {n}", "5a-students") for n in range(4)]
    for ref in messages[:3]:
        await people.write(TEACHER, "/жалоба", "5a-students", reply_to=ref)
        await people.next_bot_message(TEACHER, predicate=lambda m: "Жалоба №" in m.text)
    await settled(school, people.write(TEACHER, "/жалоба", "5a-students", reply_to=messages[3]))
    refusal = await people.next_bot_message(TEACHER, predicate=lambda m: "не больше 3 обращений" in m.text)
    assert refusal.text
    assert chat_texts(school, "5a-students") == []


async def test_talking_about_a_complaint_is_not_one(school: SandboxWorld) -> None:
    people = school.driver
    said = await people.write(PARENT, "завтра собрание", "5a-parents")
    chat_reply = await people.write(TEACHER, "жалоба на погоду не принимается", "5a-parents", reply_to=said)
    await settled(school, people.write(TEACHER, "Пожаловаться можно классному руководителю", "5a-parents"))
    assert not people.is_deleted("5a-parents", chat_reply)
    assert await school.repos.reports.list_open() == []


async def test_a_complaint_made_in_a_dm_by_forwarding_or_describing(school: SandboxWorld) -> None:
    people = school.driver
    rude = await people.write(TEACHER, "Иванова, ваш сын опять без формы, сколько можно", "5a-parents")
    await people.forward(PARENT, "5a-parents", rude, "жалоба")
    card = await people.next_bot_message(ADMIN, "management", predicate=lambda m: "переслано" in m.text)
    assert "Автор сообщения: Мария Петрова" in card.text and "без формы" in card.text
    assert "Жалоба №1" in (await people.next_bot_message(PARENT, predicate=lambda m: "Жалоба №1" in m.text)).text
    await people.write(PARENT, "/жалоба в чате 5А родителей грубят")
    described = await people.next_bot_message(ADMIN, predicate=lambda m: "описана словами" in m.text)
    assert "грубят" in described.text
    await settled(school, people.forward(PARENT, "5a-parents", rude))  # a forward without words: a hint
    assert "с подписью «жалоба»" in people.bot_messages(PARENT)[-1].text
    assert "с подписью" in (await _reply(people, PARENT, "жалоба")).text  # nothing forwarded, nothing said
    assert not [t for t in everything_seen_by(school, TEACHER) if "Жалоба" in t]


async def _reply(people: Driver, user: int, text: str) -> Seen:
    """`user` writes to the bot; the first bot message in their DM that was not there before."""
    old = {m.ref for m in people.bot_messages(user)}
    await people.write(user, text)
    return await people.next_bot_message(user, predicate=lambda m: m.ref not in old)


async def test_the_stolen_account_button_asks_first_and_tells_the_class_teacher(school: SandboxWorld) -> None:
    people = school.driver
    asked = await _reply(people, STUDENT, "Сообщить о взломе")
    assert asked.text.startswith("Точно сообщить администрации о взломе?")
    assert "Хорошо" in await people.press(STUDENT, None, asked, asked.button("Нет, не надо"))
    assert await school.repos.reports.list_open() == []
    answer = await people.press(STUDENT, None, asked, asked.button("Да, сообщить"))
    assert "обращение №1" in answer
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Взлом аккаунта" in m.text)
    assert "Сообщил: Петя Иванов" in card.text
    told = await people.next_bot_message(CLASSTEACHER, predicate=lambda m: "взломе" in m.text)
    assert "Петя Иванов" in told.text and "сообщил о взломе" in told.text
    steps = await people.next_bot_message(STUDENT, predicate=lambda m: "завершите все сеансы" in m.text)
    assert "обращение №1" in steps.text


async def test_an_appeal_shows_the_explanation_and_a_kept_warning_cannot_be_appealed_again(
    school: SandboxWorld,
) -> None:
    people = school.driver
    await people.write(PARENT, "ну ты и дура", "5a-parents")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Модерация" in m.text)
    await people.write(PARENT, "обжаловать это была цитата из книги, +7 912 345-67-89")
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Обжалование №1" in m.text)
    assert "Пояснение: «это была цитата из книги" in card.text and "345-67-89" not in card.text
    assert "Ольга Иванова" in card.text and "Фрагмент:" in card.text
    answer = await people.press(ADMIN, "staff", card, card.button("Оставить"))
    assert "оставлено" in answer
    await school.quiesce()
    edited = next(m for m in people.bot_messages(ADMIN, "staff") if m.ref == card.ref)  # the card itself changed
    assert "Решение: предупреждение оставлено — Анна Смирнова" in edited.text and not edited.buttons
    told = await people.next_bot_message(PARENT, predicate=lambda m: "рассмотрел" in m.text)
    assert "ещё раз нельзя" in told.text
    again = await _reply(people, PARENT, "/обжаловать ну пожалуйста")
    assert "ещё раз нельзя" in again.text and "перестанет действовать" in again.text


async def test_warnings_name_people_in_the_genitive(school: SandboxWorld) -> None:
    people = school.driver
    await people.write(PARENT, "ну ты и дура", "5a-parents")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Модерация" in m.text)
    await people.write(ADMIN, f"/предупреждения id{PARENT}", "staff")
    listed = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "предупрежд" in m.text
                                           and "Модерация" not in m.text)
    assert listed.text.startswith("У Ольги Ивановой (") and "1 предупреждение" in listed.text


@pytest.mark.parametrize(("text", "expected"), [
    ("Привет!", "Здравствуйте, Ольга!"),
    ("спасибо", "Пожалуйста!"),
    ("👍", "Пожалуйста!"),
    ("какие у меня права?", "Ваши права"),
    ("как связаться с администратором", "Анна Смирнова, кабинет 12"),
    ("куда писать, если не работает сферум", "info@sferum.ru"),
    ("учи.ру", "«Учи.ру» не входит в реестр школы"),
    ("где демоверсии огэ", "https://fipi.ru/"),
])
async def test_the_conversation_understands_people(school: SandboxWorld, text: str, expected: str) -> None:
    answer = await _reply(school.driver, PARENT, text)
    assert expected in answer.text
    if expected in ("Здравствуйте, Ольга!", "Пожалуйста!"):
        assert [label for label, _, _ in answer.buttons][:2] == ["Реестр сервисов", "Правила"]  # the menu


async def test_the_accused_never_learns_who_complained_even_from_the_lists(school: SandboxWorld) -> None:
    """/обращения in the staff room (where the accused may sit) names no complainant."""
    people = school.driver
    rude = await people.write(TEACHER, "вы все опять опоздали", "5a-parents")
    await people.write(PARENT, "/жалоба", "5a-parents", reply_to=rude)
    await people.next_bot_message(PARENT, predicate=lambda m: "Жалоба №" in m.text)
    await people.write(ADMIN, "/обращения", "staff")
    listed = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Открытые обращения" in m.text)
    assert "Ольг" not in listed.text and "в личные сообщения" in listed.text
    private = await _reply(people, ADMIN, "/обращения")
    assert "от Ольги Ивановой" in private.text and str(people.person(PARENT)) not in private.text
