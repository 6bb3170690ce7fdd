"""Moderation end to end: the real bot deletes, notices, warns, escalates, and leaves innocents alone."""

import asyncio

import pytest

from bot.port.ids import PersonId
from bot.sandbox.world import SandboxWorld
from storage.moderation import ModerationRepo

ADMIN, TEACHER, PARENT, STUDENT, STRANGER, CLASS_TEACHER = 1001, 1002, 1003, 1004, 1005, 1006


async def bind_chats(world: SandboxWorld) -> None:
    for chat, purpose in (("staff", "учительская"), ("5a-parents", "5А родители"), ("5a-students", "5А ученики")):
        await world.emulator.user_writes(ADMIN, f"/привязать {purpose}", peer_id=world.chat_peers[chat])
        await world.emulator.wait_for_bot_message(world.chat_peers[chat], timeout=5)


@pytest.fixture
async def school(world: SandboxWorld) -> SandboxWorld:
    await bind_chats(world)
    return world


async def say(world: SandboxWorld, user: int, chat: str, text: str) -> dict:
    return await world.emulator.user_writes(user, text, peer_id=world.chat_peers[chat])


async def staff_line(world: SandboxWorld, contains: str) -> dict:
    return await world.emulator.wait_for_bot_message(
        world.chat_peers["staff"], predicate=lambda m: contains in m["text"], timeout=5)


def repo(world: SandboxWorld) -> ModerationRepo:
    return world.repos.moderation


def vk(raw: int) -> PersonId:
    return PersonId(f"vk:{raw}")


async def eventually(check, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Effects run from the outbox a moment after the reply that announces them."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


async def test_profanity_is_deleted_noticed_warned_and_logged(school: SandboxWorld) -> None:
    peer = school.chat_peers["5a-parents"]
    sent = await say(school, PARENT, "5a-parents", "да это п.и.з.д.е.ц какой-то, а не расписание")
    notice = await school.emulator.wait_for_bot_message(peer, timeout=5)
    assert notice["text"].startswith("Сообщение удалено: п. 4.5")
    assert "п.и.з.д" not in notice["text"]
    (delete,) = school.emulator.calls("messages.delete")
    assert delete.params["cmids"] == str(sent["conversation_message_id"])
    assert delete.params["delete_for_all"] == "1"
    assert next(m for m in school.emulator.messages(peer) if m["conversation_message_id"] == sent["conversation_message_id"])["deleted"]
    log_line = await staff_line(school, "Модерация")
    assert "нецензурная лексика" in log_line["text"] and "п.и.з.д.е.ц" not in log_line["text"]
    dm = await school.emulator.wait_for_bot_message(PARENT, timeout=5)
    assert "4.5" in dm["text"] and "1 из 3" in dm["text"]
    assert len(await repo(school).active_warnings(vk(PARENT), school.app.services.now())) == 1


@pytest.mark.parametrize("text", [
    "Команда 5А заняла первое место, поздравляем!",
    "Сдаём по 300 рублей, застрахуйте детей до пятницы",
    "Купите хлеба и мандарины к празднику",
    "психиатр придёт на классный час, небеса ясные",
])
async def test_innocent_trap_words_are_left_alone(school: SandboxWorld, text: str) -> None:
    before = school.handled
    await say(school, PARENT, "5a-parents", text)
    await school.settle(before)
    assert school.emulator.calls("messages.delete") == []
    assert school.emulator.bot_messages(school.chat_peers["5a-parents"])[-1]["text"].startswith("Готово")


async def test_personal_data_is_deleted_and_the_author_told_what_to_do(school: SandboxWorld) -> None:
    await say(school, PARENT, "5a-parents", "Паспорт Иванова: серия 4512 номер 345678, передайте в бухгалтерию")
    await school.emulator.wait_for_bot_message(school.chat_peers["5a-parents"], timeout=5)
    dm = await school.emulator.wait_for_bot_message(PARENT, timeout=5)
    assert "4.6" in dm["text"] and "классному руководителю" in dm["text"]
    log_line = await staff_line(school, "персональные данные")
    assert "345678" not in log_line["text"] and "4512" not in log_line["text"]
    (event,) = await repo(school).recent_events(1)
    assert "345678" not in event.excerpt


async def violate(world: SandboxWorld, user: int, chat: str, text: str) -> None:
    before = world.handled
    await say(world, user, chat, text)
    await world.settle(before)


async def test_student_escalates_to_class_teacher_and_is_never_removed(school: SandboxWorld) -> None:
    for n in range(3):
        await violate(school, STUDENT, "5a-students", f"бл*ть, опять контрольная {n}")
    alert = await staff_line(school, "⚠️")
    assert "3 предупреждения" in alert["text"]
    to_teacher = await school.emulator.wait_for_bot_message(CLASS_TEACHER, timeout=5)
    assert "не исключаю" in to_teacher["text"]
    assert STUDENT in school.emulator.chat_members(school.chat_peers["5a-students"])
    assert school.emulator.calls("messages.removeChatUser") == []
    # Three violations in a row: three deletes, but one notice in the chat, edited as they came.
    chat = [m for m in school.emulator.bot_messages(school.chat_peers["5a-students"]) if "Готово" not in m["text"]]
    assert len(chat) == 1 and chat[0]["text"].startswith("Удалено 3 сообщения одного автора подряд")
    assert len(school.emulator.calls("messages.delete")) == 3
    # More violations the same day: no more alerts to the staff or the class teacher.
    for n in range(3):
        await violate(school, STUDENT, "5a-students", f"бл*ть, ещё одна {n}")
    staff = [m["text"] for m in school.emulator.bot_messages(school.chat_peers["staff"])]
    assert sum("⚠️" in t for t in staff) == 1
    assert sum("не исключаю" in m["text"] for m in school.emulator.bot_messages(CLASS_TEACHER)) == 1
    assert school.emulator.bot_messages(school.chat_peers["5a-students"])[-1]["text"].startswith("Удалено 6 сообщений")


async def test_adult_removed_at_threshold_when_configured(make_world) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(moderation={"warn_threshold": 2, "remove_adults_at_threshold": True})
    await bind_chats(world)
    for _ in range(2):
        await violate(world, PARENT, "5a-parents", "ты дебил, учитель")
    await staff_line(world, "Исключаю автора из чата")
    await eventually(lambda: PARENT not in world.emulator.chat_members(world.chat_peers["5a-parents"]))


async def test_not_admin_is_said_once_and_logging_goes_on(school: SandboxWorld) -> None:
    school.emulator.set_bot_admin(school.chat_peers["5a-parents"], False)
    for text in ("сука, опять", "ну ты и урод"):
        await violate(school, PARENT, "5a-parents", text)
    staff = [m["text"] for m in school.emulator.bot_messages(school.chat_peers["staff"])]
    assert sum("не могу удалять" in t for t in staff) == 1
    log_lines = [t for t in staff if "Модерация" in t]  # one line for the run, edited: the log goes on
    assert len(log_lines) == 1 and "Подряд от этого автора здесь: 2 нарушения" in log_lines[0]
    notices = school.emulator.bot_messages(school.chat_peers["5a-parents"])
    assert notices[-1]["text"].startswith("Напоминание")
    assert len(await repo(school).recent_events(10)) == 2


async def test_edited_message_is_checked(school: SandboxWorld) -> None:
    sent = await say(school, PARENT, "5a-parents", "всё хорошо")
    await school.emulator.user_edits(PARENT, school.chat_peers["5a-parents"], sent["conversation_message_id"],
                                     "всё х*ево, н@хуй такую школу")
    notice = await school.emulator.wait_for_bot_message(
        school.chat_peers["5a-parents"], predicate=lambda m: "удалено" in m["text"], timeout=5)
    assert "4.5" in notice["text"]


async def test_admin_commands_pardon_warns_modlog_filter(school: SandboxWorld) -> None:
    staff = school.chat_peers["staff"]
    await say(school, PARENT, "5a-parents", "ну ты и дура")
    await staff_line(school, "Модерация")

    async def admin(text: str) -> str:
        await school.emulator.user_writes(ADMIN, text, peer_id=staff)
        return (await school.emulator.wait_for_bot_message(staff, predicate=lambda m: "Модерация" not in m["text"], timeout=5))["text"]

    warns = await admin(f"/предупреждения id{PARENT}")
    assert "У Ольги Ивановой (vk.com/id1003) 1 предупреждение" in warns and "действует до" in warns
    assert "«" in await admin("/журнал 5")
    assert "Осталось у Ольги Ивановой (vk.com/id1003): 0" in await admin(f"/простить [id{PARENT}|Ольга]")
    assert "нечего" in await admin(f"/простить id{PARENT}")
    assert "Формат" in await admin("/фильтр съешь слово")
    assert "добавлено" in await admin("/фильтр добавить жопа")
    await violate(school, PARENT, "5a-parents", "сидим на жопе ровно")
    assert any("Подряд от этого автора" in m["text"] for m in school.emulator.bot_messages(staff))
    assert "больше не" in await admin("/разрешить жопа")
    audit = [e.action for e in await school.repos.audit.recent(10)]
    assert {"pardon", "filter_add", "filter_allow"} <= set(audit)


async def test_non_admin_cannot_pardon(school: SandboxWorld) -> None:
    await school.emulator.user_writes(TEACHER, f"/простить id{PARENT}", peer_id=school.chat_peers["staff"])
    reply = await school.emulator.wait_for_bot_message(school.chat_peers["staff"], timeout=5)
    assert "администратор" in reply["text"]


async def test_appeal_card_lifts_the_warning(school: SandboxWorld) -> None:
    await say(school, PARENT, "5a-parents", "вы все идиоты")
    await staff_line(school, "Модерация")
    await school.emulator.user_writes(PARENT, "/обжаловать")
    await school.emulator.wait_for_bot_message(PARENT, predicate=lambda m: "передано" in m["text"], timeout=5)
    card = await staff_line(school, "Обжалование")
    button = card["keyboard"]["buttons"][0][0]["action"]
    await school.emulator.press_button(ADMIN, school.chat_peers["staff"], card["conversation_message_id"],
                                       button["payload"])
    outcome = await school.emulator.wait_for_bot_message(PARENT, predicate=lambda m: "рассмотрел" in m["text"], timeout=5)
    assert "снято" in outcome["text"]
    assert await repo(school).active_warnings(vk(PARENT), school.app.services.now()) == []
    # a second press (or a forged one) changes nothing
    answered = len(school.emulator.event_answers)
    await school.emulator.press_button(ADMIN, school.chat_peers["staff"], card["conversation_message_id"],
                                       button["payload"])
    for _ in range(200):  # wait for the answer to this press, however busy the machine is
        if len(school.emulator.event_answers) > answered:
            break
        await asyncio.sleep(0.05)
    assert "уже рассмотрено" in str(school.emulator.event_answers[-1])


async def test_commands_and_unbound_chats_are_not_moderated(world: SandboxWorld) -> None:
    before = world.handled
    await say(world, PARENT, "5a-parents", "п*здец")  # chats are not bound in this world
    await world.settle(before)
    assert world.emulator.calls("messages.delete") == []


async def test_filter_list_and_allowing_an_obscene_looking_word_needs_a_confirmation(school: SandboxWorld) -> None:
    staff = school.chat_peers["staff"]

    async def admin(text: str) -> dict:
        await school.emulator.user_writes(ADMIN, text, peer_id=staff)
        return await school.emulator.wait_for_bot_message(staff, timeout=5)

    await admin("/фильтр добавить шмурдяк")
    listed = (await admin("/фильтр список"))["text"]
    assert "Отмечать: шмурдяк" in listed and "Не отмечать никогда: нет" in listed
    asked = await admin("/разрешить блядский")
    assert "похоже на нецензурное" in asked["text"]
    assert await repo(school).words() == (["шмурдяк"], [])  # nothing allowed before the confirmation
    buttons = asked["keyboard"]["buttons"][0]
    yes = next(b["action"]["payload"] for b in buttons if b["action"]["label"] == "Да, разрешить")
    before = school.handled
    await school.emulator.press_button(TEACHER, staff, asked["conversation_message_id"], yes)  # not an admin
    await school.settle(before)
    assert await repo(school).words() == (["шмурдяк"], [])
    before = school.handled
    await school.emulator.press_button(ADMIN, staff, asked["conversation_message_id"], yes)
    await school.settle(before)
    assert await repo(school).words() == (["шмурдяк"], ["блядский"])
    assert "больше не будет" in (await admin("/разрешить ёлки"))["text"]  # an innocent word: no question


async def test_forgetting_own_data_keeps_warnings_in_force(school: SandboxWorld) -> None:
    await violate(school, PARENT, "5a-parents", "ну ты и дура")
    await school.emulator.user_writes(PARENT, "/удалить")
    confirm = await school.emulator.wait_for_bot_message(PARENT, predicate=lambda m: "Удалить" in m["text"])
    assert "действующие предупреждения" in confirm["text"]
    payload = next(b["action"]["payload"] for b in confirm["keyboard"]["buttons"][0]
                   if b["action"]["label"] == "Да, удалить")
    before = school.handled
    await school.emulator.press_button(PARENT, PARENT, confirm["conversation_message_id"], payload)
    await school.settle(before)
    done = await school.emulator.wait_for_bot_message(PARENT, predicate=lambda m: "Готово" in m["text"])
    assert "кроме" in done["text"] and "действующих предупреждений: 1" in done["text"]
    assert len(await repo(school).active_warnings(vk(PARENT), school.app.services.now())) == 1  # type: ignore[union-attr]
