"""Class teachers' tools on both messengers: their pupils' warnings, their class chats' links, copies of
hack reports about their class; /классрук убрать, a replacement asked about, everyone concerned told."""

from __future__ import annotations

from bot.membership.groups import SchoolClass
from bot.roles import Role
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import (
    ADMIN,
    CLASSTEACHER,
    PARENT,
    STUDENT,
    TEACHER,
    bind_all,
    press,
    say,
    world,
)

__all__ = ["world"]


async def test_a_class_teacher_sees_and_pardons_own_pupils_warnings_only(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await people.write(STUDENT, "ты дебил))", "5a-students")
    await people.next_bot_message(STUDENT, None, predicate=lambda m: "предупреждение" in m.text.lower())
    listed = await say(people, CLASSTEACHER, f"/предупреждения id{STUDENT}")
    assert "1 предупреждение:" in listed.text and "оскорбление" in listed.text
    refused = await say(people, CLASSTEACHER, f"/предупреждения id{PARENT}")
    assert "только у учеников своего класса (5А)" in refused.text
    assert "классные руководители" in (await say(people, TEACHER, f"/простить id{STUDENT}")).text
    pardoned = await say(people, CLASSTEACHER, f"/простить id{STUDENT}")
    assert "Снято предупреждение" in pardoned.text and pardoned.text.endswith(": 0.")
    told = await people.next_bot_message(STUDENT, None, predicate=lambda m: "снял одно" in m.text)
    assert told.text.startswith("Классный руководитель")
    help_text = (await say(people, CLASSTEACHER, "/помощь")).text
    assert "/предупреждения <ученик>" in help_text and "/простить <ученик>" in help_text
    assert "/журнал" not in help_text  # the declarations say exactly who may run what


async def test_a_class_teacher_resets_own_class_chats_links_only(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    done = "вручную" if world.max is not None else "сбрасываю"  # MAX gives bots no link reset
    assert done in (await say(people, CLASSTEACHER, "/сбросить_ссылку", "5a-parents")).text
    assert done in (await say(people, CLASSTEACHER, "/сбросить ссылку 5А ученики")).text
    refused = await say(people, CLASSTEACHER, "/сбросить_ссылку учительская")
    assert "только своего класса (5А)" in refused.text


async def test_a_hack_report_of_a_pupil_reaches_the_class_teacher_too(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await say(people, STUDENT, "/взлом")
    staff = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Взлом" in m.text)
    copy = await people.next_bot_message(CLASSTEACHER, None, predicate=lambda m: "о взломе" in m.text)
    assert "Администрация школы уже знает" in copy.text and "свяжитесь с семьёй" in copy.text
    assert copy.text != staff.text  # the class teacher is told what to do, not handed the staff card


async def test_class_teachers_are_replaced_after_a_question_and_removed(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    teacher = f"id{TEACHER}"
    question = await say(people, ADMIN, f"/классрук {teacher} 5А", "staff")
    assert "Сейчас классный руководитель 5А — Елена Соколова" in question.text and "Мария Петрова" in question.text
    c5a = SchoolClass(5, "А")
    assert await world.repos.memberships.class_teacher(c5a) == people.person(CLASSTEACHER)
    assert "Готово" in await press(people, ADMIN, question, "Заменить", "staff")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "— классный руководитель 5А" in m.text)
    assert await world.repos.memberships.class_teacher(c5a) == people.person(TEACHER)
    new = await people.next_bot_message(TEACHER, None, predicate=lambda m: "классным руководителем" in m.text)
    assert "5А" in new.text
    old = await people.next_bot_message(CLASSTEACHER, None, predicate=lambda m: "другой учитель" in m.text)
    assert "Мария Петрова" in old.text
    assert Role.CLASS_TEACHER not in await world.repos.people.roles_of(people.person(CLASSTEACHER))

    removed = await say(people, ADMIN, "/классрук убрать 5А", "staff")
    assert "больше нет классного руководителя" in removed.text
    assert await world.repos.memberships.class_teacher(c5a) is None
    gone = await people.next_bot_message(TEACHER, None, predicate=lambda m: "больше не классный" in m.text)
    assert "5А" in gone.text
    assert "нет классного руководителя" in (await say(people, ADMIN, "/классрук убрать 5А", "staff")).text
    assert "Формат" in (await say(people, ADMIN, "/классрук убрать", "staff")).text


async def test_people_are_told_when_verified_and_made_admin(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await say(people, ADMIN, f"/подтвердить id{TEACHER}", "staff")
    assert "подтвердил ваш статус" in (await people.next_bot_message(TEACHER, None)).text
    await say(people, ADMIN, f"/админ добавить id{TEACHER}", "staff")
    made = await people.next_bot_message(TEACHER, None, predicate=lambda m: "администратором" in m.text)
    assert "дополнительным администратором" in made.text
