"""The school year on both messengers: a whole class moves up with a preview and a choice for its chats,
a class graduates, a leaving pupil's parents are asked about, a returning member gets the link back."""

from __future__ import annotations

import asyncio

from bot.chats import ChatPurpose
from bot.membership.groups import Group, SchoolClass
from bot.roles import Role
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import (
    ADMIN,
    CHAT_LINK,
    CLASS_5A,
    CLASSTEACHER,
    PARENT,
    STUDENT,
    bind_all,
    invite_code,
    press,
    say,
    send_file,
    world,
)

__all__ = ["world"]
C5A, C6A = SchoolClass(5, "А"), SchoolClass(6, "А")


async def _load_list(world: SandboxWorld) -> None:
    people = world.driver
    preview = await send_file(people, ADMIN, "5А.csv", CLASS_5A.encode(), "/список 5А", "staff")
    await press(people, ADMIN, preview, "Применить", "staff")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "загружен" in m.text)


async def test_a_whole_class_moves_up_with_its_chats_after_a_preview(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await _load_list(world)
    preview = await say(people, ADMIN, "/перевести класс 5А 6А", "staff")
    assert "Перевод класса 5А → 6А" in preview.text and "учеников: 1, родителей: 1" in preview.text
    assert "Елена Соколова" in preview.text and "в списке класса: 3" in preview.text
    labels = [label for label, _, _ in preview.buttons]
    assert labels == ["Перевести, чаты станут 6А", "Перевести, чаты отвязать", "Отмена"]
    repo = world.repos.memberships
    before = ["5А", "5А математика"]  # the sandbox pupil also learns in a mathematics group
    assert [str(m.group) for m in await repo.of_person(people.person(STUDENT))] == before  # not before the press

    assert "переведён" in await press(people, ADMIN, preview, "Перевести, чаты станут 6А", "staff")
    done = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "переведён" in m.text)
    assert "переименуйте их в мессенджере" in done.text
    assert [str(m.group) for m in await repo.of_person(people.person(STUDENT))] == ["6А", "6А математика"]
    assert [str(c.school_class) for c in await repo.children_of(people.person(PARENT))] == ["6А"]
    assert await repo.class_teacher(C6A) == people.person(CLASSTEACHER)
    assert len(await world.repos.classlists.of_class(C6A)) == 3
    parents_chat = await world.repos.chats.get(people.chat_key("5a-parents"))
    assert parents_chat is not None and parents_chat.binding.class_label == "6А"
    told = await people.next_bot_message(CLASSTEACHER, None, predicate=lambda m: "переведён" in m.text)
    assert "классный руководитель 6А" in told.text
    # the old memberships stay on record as ended (movement of students, 3.2)
    rows = await world.app.services.repos.memberships.of_class(C5A)  # type: ignore[union-attr]
    assert rows == []

    refused = await say(people, ADMIN, "/перевести класс 5А 6А", "staff")
    assert "никого нет" in refused.text
    other = CLASS_5A.replace("5А;", "7Б;")
    preview = await send_file(people, ADMIN, "7Б.csv", other.encode(), "/список 7Б", "staff")
    assert "Переходят из другого класса (3)" in preview.text  # the same pupils: a move, not new ones
    assert "Отменено" in await press(people, ADMIN, preview, "Отмена", "staff")
    teacher = "id1002" if world.vk is not None else people.person(1002)
    await say(people, ADMIN, f"/классрук {teacher} 7Б", "staff")
    busy = await say(people, ADMIN, "/перевести класс 6А 7Б", "staff")
    assert "В 7Б уже есть" in busy.text and "/выпуск 7Б" in busy.text


async def test_a_class_moves_with_its_chats_unbound_when_the_administrator_chooses(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    preview = await say(people, ADMIN, "/перевести класс 5А 6А", "staff")
    await press(people, ADMIN, preview, "Перевести, чаты отвязать", "staff")
    done = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "переведён" in m.text)
    assert "отвязаны" in done.text
    assert await world.repos.chats.of_class("5А") == [] and await world.repos.chats.of_class("6А") == []
    assert (await world.repos.chats.staff_chats())[0].binding.purpose is ChatPurpose.STAFF


async def test_a_class_graduates_leaves_its_chats_and_the_list_but_the_audit_stays(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await _load_list(world)
    preview = await say(people, ADMIN, "/выпуск 5А", "staff")
    assert "Выпуск 5А" in preview.text and "Журнал решений сохранится" in preview.text
    assert "только администраторам" in (await say(people, CLASSTEACHER, "/выпуск 5А")).text
    assert "выпущен" in await press(people, ADMIN, preview, "Выпустить 5А", "staff")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "выпущен" in m.text)
    for _ in range(100):
        if STUDENT not in people.members("5a-students") and PARENT not in people.members("5a-parents"):
            break
        await asyncio.sleep(0.05)
    assert STUDENT not in people.members("5a-students") and PARENT not in people.members("5a-parents")
    assert CLASSTEACHER in people.members("5a-students")  # teachers stay
    assert await world.repos.classlists.of_class(C5A) == []
    assert await world.repos.memberships.of_class(C5A) == []
    assert await world.repos.memberships.class_teacher(C5A) is None
    assert Role.STUDENT not in await world.repos.people.roles_of(people.person(STUDENT))
    assert await world.repos.chats.of_class("5А") == []
    assert (await world.repos.audit.recent(1, action="class_graduated"))
    assert "никого нет" in (await say(people, ADMIN, "/выпуск 5А", "staff")).text


async def test_a_leaving_pupils_parents_are_asked_about(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await _load_list(world)
    ref = f"id{STUDENT}" if world.vk is not None else people.person(STUDENT)
    removed = await say(people, ADMIN, f"/исключить {ref}", "staff")
    assert "из школы" in removed.text  # «исключён», or «Исключение из школы:» when the name is unknown
    question = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Ребёнок выбыл" in m.text)
    assert "(ребёнок: Иванов Петя, 5А)" in question.text  # MAX names people only once they wrote or were listed
    assert await world.repos.classlists.of_person(people.person(STUDENT)) == []
    assert "исключено из класса — 1" in (await _pressed(people, question, "Исключить родителей"))
    assert await world.repos.memberships.children_of(people.person(PARENT)) == []
    assert Group.of_class(C5A) not in [m.group for m in await world.repos.memberships.of_person(people.person(PARENT))]
    for _ in range(100):
        if PARENT not in people.members("5a-parents"):
            break
        await asyncio.sleep(0.05)
    assert PARENT not in people.members("5a-parents")
    told = await people.next_bot_message(PARENT, None, predicate=lambda m: "выбыл" in m.text)
    assert "5А" in told.text


async def _pressed(people, question, label: str) -> str:  # type: ignore[no-untyped-def]
    await press(people, ADMIN, question, label, "staff")
    return (await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Родители выбывшего" in m.text)).text


async def test_someone_who_left_a_chat_gets_its_link_back_with_a_new_invitation(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await people.leave("5a-students", STUDENT)
    code = await invite_code(people, "/пригласить ученик 5А")
    await people.open_link(STUDENT, code)
    back = await people.next_bot_message(STUDENT, predicate=lambda m: "уже состоите" in m.text)
    link = CHAT_LINK.search(back.text)
    assert link is not None
    await people.join_by_link(STUDENT, link[0])
    assert STUDENT in people.members("5a-students")
    invite = await world.repos.invites.get(code)
    assert invite is not None and invite.uses == 0
