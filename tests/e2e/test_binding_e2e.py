"""Binding that cannot leak, on both messengers: no staff room among families, a replacement asked about,
/чаты and /отвязать, Russian forms; staff notices reach the order's administrators without a staff room."""

from __future__ import annotations

import asyncio

from bot.chats import ChatPurpose
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import ADMIN, CLASSTEACHER, PARENT, STRANGER, TEACHER, bind, press, say, world

__all__ = ["world"]


async def test_a_staff_room_is_refused_while_parents_are_in_the_chat(world: SandboxWorld) -> None:
    people = world.driver
    refused = await bind(people, "5a-parents", "учительская")
    assert "Не привязываю" in refused.text and "Ольга Иванова" in refused.text and "родитель" in refused.text
    assert await world.repos.chats.staff_chats() == []
    also = await bind(people, "5a-students", "руководство")
    assert "Петя Иванов" in also.text and "ученик" in also.text
    # the real staff room (teachers only) binds at once, in the accusative too
    assert "Готово: этот чат теперь — Учительская." in (await bind(people, "staff", "учительскую")).text


async def test_replacing_a_binding_is_asked_about_and_done_only_on_the_press(world: SandboxWorld) -> None:
    people = world.driver
    assert "чат родителей 5А" in (await bind(people, "5a-parents", "чат родителей 5А")).text
    question = await bind(people, "5a-parents", "5А ученики")  # a slip: it would turn the parents' chat over
    assert "Сейчас он привязан как чат родителей 5А" in question.text
    assert [label for label, _, _ in question.buttons] == ["Привязать", "Отмена"]
    chat = people.chat_key("5a-parents")
    assert (await world.repos.chats.get(chat)).binding.purpose is ChatPurpose.CLASS_PARENTS  # type: ignore[union-attr]
    assert "только тот, кто начал" in await people.press(TEACHER, "5a-parents", question, question.button("Привязать"))
    assert "Отменено" in await press(people, ADMIN, question, "Отмена", "5a-parents")
    assert (await world.repos.chats.get(chat)).binding.purpose is ChatPurpose.CLASS_PARENTS  # type: ignore[union-attr]

    # the students' chat takes the purpose away from the parents' chat only after «Привязать»
    assert "чат учеников 5А" in (await bind(people, "5a-students", "5А ученики")).text
    moved = await bind(people, "5a-parents", "ученики 5А")
    assert "другой чат" in moved.text and "будет отвязан" in moved.text
    assert "Готово" in await press(people, ADMIN, moved, "Привязать", "5a-parents")
    done = await people.next_bot_message(ADMIN, "5a-parents", predicate=lambda m: "Готово" in m.text)
    assert "Прежний чат с этой ролью отвязан" in done.text
    assert await world.repos.chats.get(people.chat_key("5a-students")) is None
    assert "уже привязан" in (await bind(people, "5a-parents", "5А ученики")).text


async def test_chats_are_listed_and_unbound_with_a_confirmation(world: SandboxWorld) -> None:
    people = world.driver
    await bind(people, "staff", "учительская")
    await bind(people, "5a-parents", "5А родители")
    listed = await say(people, ADMIN, "/чаты", "staff")
    assert "• Учительская — " in listed.text and "• чат родителей 5А — " in listed.text
    assert "«5А — родители»" in listed.text  # the chat's own title, read once and remembered
    assert "только администраторы" in (await say(people, TEACHER, "/чаты", "staff")).text

    question = await say(people, ADMIN, "/отвязать", "5a-parents")
    assert "Отвязать: чат родителей 5А" in question.text
    assert await world.repos.chats.get(people.chat_key("5a-parents")) is not None
    assert "Готово" in await press(people, ADMIN, question, "Отвязать", "5a-parents")
    assert await world.repos.chats.get(people.chat_key("5a-parents")) is None
    assert "не привязан" in (await say(people, ADMIN, "/отвязать 5А родители", "staff")).text
    assert "Этот чат не привязан" in (await say(people, ADMIN, "/отвязать", "5a-students")).text
    assert "только администраторы" in (await say(people, TEACHER, "/отвязать", "staff")).text
    by_name = await say(people, ADMIN, "/отвязать учительскую", "staff")
    assert "Отвязать: Учительская" in by_name.text


async def test_without_a_staff_room_notices_go_to_the_order_administrators(world: SandboxWorld) -> None:
    people = world.driver
    await bind(people, "5a-parents", "5А родители")
    before = world.handled
    await people.add("5a-parents", STRANGER, by=PARENT)
    await world.settle(before)
    notice = await people.next_bot_message(ADMIN, None, predicate=lambda m: "без одобренной" in m.text)
    assert "Игорь Незнакомов" in notice.text and "«чат родителей 5А»" in notice.text
    # the class teacher of 5А gets a copy of an alert about their class (3.3)
    copy = await people.next_bot_message(CLASSTEACHER, None, predicate=lambda m: "без одобренной" in m.text)
    assert "Игорь Незнакомов" in copy.text
    await asyncio.sleep(0.1)
    assert not any("без одобренной" in m.text for m in people.bot_messages(TEACHER))
