"""/моиданные and /удалить end to end, including forged confirmation buttons."""

import json

from bot.port.ids import SYSTEM, PersonId
from bot.roles import Role
from bot.sandbox.world import SandboxWorld

ADMIN, TEACHER, PARENT, STUDENT, STRANGER = 1001, 1002, 1003, 1004, 1005


async def ask(world: SandboxWorld, user: int, text: str, peer: str | None = None) -> dict:
    peer_id = world.chat_peers[peer] if peer else user
    await world.emulator.user_writes(user, text, peer_id=None if peer is None else peer_id)
    return await world.emulator.wait_for_bot_message(peer_id)


def button_payload(message: dict, label: str) -> dict:
    keyboard = message["keyboard"]
    keyboard = json.loads(keyboard) if isinstance(keyboard, str) else keyboard
    for row in keyboard["buttons"]:
        for button in row:
            if button["action"]["label"] == label:
                payload = button["action"]["payload"]
                return json.loads(payload) if isinstance(payload, str) else payload
    raise AssertionError(f"no button {label}")


async def press(world: SandboxWorld, user: int, peer_id: int, cmid: int, payload: dict) -> str:
    """Press a callback button; returns the snackbar text the bot answered with."""
    answered = len(world.emulator.event_answers)
    before = world.handled
    await world.emulator.press_button(user, peer_id, cmid, payload)
    await world.settle(before)
    assert len(world.emulator.event_answers) > answered, "the press was not answered"
    return json.loads(world.emulator.event_answers[-1]["event_data"])["text"]


async def roles_of(world: SandboxWorld, vk_id: int) -> frozenset:
    return await world.repos.people.roles_of(PersonId(f"vk:{vk_id}"))


async def test_mydata_shows_what_is_stored_and_for_how_long(world: SandboxWorld) -> None:
    await ask(world, PARENT, "/взлом")
    text = (await ask(world, PARENT, "/моиданные"))["text"]
    for part in ("Вот что я храню о вас", "Вы — родитель в 5А", "ребёнок: Иванов Петя", "сообщение о взломе аккаунта",
                 "Сроки хранения", "/удалить"):
        assert part in text, part
    for dump in ("vk:", "2000000", "решил:", "выдал:", "меры:", "system"):
        assert dump not in text, dump


async def test_mydata_in_a_chat_goes_to_the_dm(world: SandboxWorld) -> None:
    assert "в личные сообщения" in (await ask(world, PARENT, "/mydata", "5a-parents"))["text"]
    assert "Вот что я храню о вас" in (await world.emulator.wait_for_bot_message(PARENT))["text"]


async def test_forget_after_confirmation_erases_own_data(world: SandboxWorld) -> None:
    await ask(world, PARENT, "/взлом")
    confirm = await ask(world, PARENT, "/удалить")
    assert "Удалить ваши данные?" in confirm["text"] and "новое приглашение" in confirm["text"]
    payload = button_payload(confirm, "Да, удалить")
    assert await press(world, PARENT, PARENT, confirm["conversation_message_id"], payload) == "Готово."
    done = (await world.emulator.wait_for_bot_message(PARENT))["text"]
    assert "Я больше ничего о вас не храню" in done
    assert await roles_of(world, PARENT) == frozenset()
    assert "удалять нечего" in (await ask(world, PARENT, "/удалить"))["text"]
    again = await press(world, PARENT, PARENT, confirm["conversation_message_id"], payload)
    assert "уже нет" in again


async def test_cancel_keeps_everything(world: SandboxWorld) -> None:
    confirm = await ask(world, PARENT, "/удалить")
    answer = await press(world, PARENT, PARENT, confirm["conversation_message_id"], button_payload(confirm, "Отмена"))
    assert "ничего не удаляю" in answer and await roles_of(world, PARENT)


async def test_a_forged_payload_with_someone_elses_id_erases_nothing(world: SandboxWorld) -> None:
    confirm = await ask(world, PARENT, "/удалить")
    cmid = confirm["conversation_message_id"]
    assert "не для вас" in await press(world, PARENT, PARENT, cmid, {"a": "forget_me", "who": f"vk:{STUDENT}"})
    assert "не для вас" in await press(world, PARENT, PARENT, cmid, {"a": "forget_me"})
    denied = await press(world, PARENT, PARENT, cmid, {"a": "forget_user", "who": f"vk:{STUDENT}"})
    assert "администратор" in denied
    assert await roles_of(world, STUDENT) and await roles_of(world, PARENT)


async def test_forget_with_no_data_says_nothing_is_stored(world: SandboxWorld) -> None:
    assert "удалять нечего" in (await ask(world, STRANGER, "/удалить"))["text"]
    assert "удалять нечего" in (await ask(world, STRANGER, "/forget всё про меня"))["text"]


async def test_admin_forgets_a_leaver_and_it_is_audited(world: SandboxWorld) -> None:
    for ref in ("[id1004|Петя]", "vk.com/id1004"):  # still a student: roles go only through their commands
        assert "/исключить" in (await ask(world, ADMIN, f"/удалить {ref}"))["text"]
    await ask(world, ADMIN, "/привязать учительская", "staff")
    assert "Петя Иванов (vk.com/id1004) исключён из школы" in (await ask(world, ADMIN, "/исключить id1004", "staff"))["text"]
    parents = await world.emulator.wait_for_bot_message(world.chat_peers["staff"],
                                                        predicate=lambda m: "Ребёнок выбыл" in m["text"])
    assert "Родители Пети Иванова" in parents["text"] and "Ольга Иванова" in parents["text"]
    for ref in ("[id1004|Петя]", "vk.com/id1004"):
        assert "Петя Иванов (vk.com/id1004)" in (await ask(world, ADMIN, f"/удалить {ref}"))["text"]
    staff = world.chat_peers["staff"]
    confirm = await ask(world, ADMIN, "/удалить id1004", "staff")
    assert "Удалить данные о человеке" in confirm["text"]
    cmid, payload = confirm["conversation_message_id"], button_payload(confirm, "Да, удалить")
    # A teacher in the same chat presses the administrator's button: the presser is checked.
    assert "администратор" in await press(world, TEACHER, staff, cmid, payload)
    assert await world.repos.personal_data.collect(PersonId(f"vk:{STUDENT}"))
    assert await press(world, ADMIN, staff, cmid, payload) == "Готово."
    assert await world.emulator.wait_for_bot_message(staff, predicate=lambda m: "больше ничего не храню" in m["text"])
    assert not [f for f in await world.repos.personal_data.collect(PersonId(f"vk:{STUDENT}"))
                if f.lookup.mode.value == "rows" and f.count]
    entry = (await world.repos.audit.recent(1, action="forget_person"))[0]
    assert (entry.actor_id, entry.target_id) == (f"vk:{ADMIN}", f"vk:{STUDENT}")
    told = await world.emulator.wait_for_bot_message(STUDENT, predicate=lambda m: "удалил ваши данные" in m["text"])
    assert "журнал решений" in told["text"]
    assert "нет данных" in (await ask(world, ADMIN, "/удалить id1004"))["text"]


async def test_forgetting_others_needs_an_admin_and_a_valid_reference(world: SandboxWorld) -> None:
    assert "только администратор" in (await ask(world, PARENT, "/удалить id1004"))["text"]
    assert "id123" in (await ask(world, ADMIN, "/удалить [club1|Школа]"))["text"]
    assert "«Учительской»" in (await ask(world, ADMIN, "/удалить id1003", "5a-parents"))["text"]
    assert await roles_of(world, PARENT)


async def test_an_additional_admin_cannot_erase_someone_elses_data(world: SandboxWorld) -> None:
    await world.repos.people.grant(PersonId(f"vk:{TEACHER}"), Role.EXTRA_ADMIN, SYSTEM, world.app.services.now())
    refused = (await ask(world, TEACHER, "/удалить id1005"))["text"]
    assert "назначенный приказом директора" in refused
