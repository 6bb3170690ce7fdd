"""Class lists on both messengers: a CSV attached to /список, the preview, «Применить» (also after a
restart), bad files, the list with who is connected, and join cards checked against the list."""

from __future__ import annotations

from bot.membership.groups import SchoolClass
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import (
    ADMIN,
    CLASS_5A,
    CLASSTEACHER,
    NEWCOMER,
    STUDENT,
    bind,
    bind_all,
    invite_code,
    join_as_parent,
    press,
    say,
    send_file,
    world,
)

__all__ = ["world"]


async def test_a_class_list_is_loaded_after_a_preview_and_shows_who_is_connected(world: SandboxWorld) -> None:
    people = world.driver
    await bind(people, "staff", "учительская")
    await bind(people, "5a-students", "5А ученики")
    preview = await send_file(people, ADMIN, "5А.csv", CLASS_5A.encode("cp1251"), "/список 5А", "staff")
    assert "Добавятся (3)" in preview.text and "Иванов Пётр Сергеевич (5А)" in preview.text
    assert [label for label, _, _ in preview.buttons] == ["Применить", "Отмена"]
    assert await world.repos.classlists.of_class(SchoolClass(5, "А")) == []  # nothing before the press

    await world.restart()  # the staged list is stored, not kept in memory
    assert "загружен" in await press(people, ADMIN, preview, "Применить", "staff")
    done = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "загружен" in m.text)
    assert "добавлено 3" in done.text
    pupils = await world.repos.classlists.of_class(SchoolClass(5, "А"))
    assert [p.full for p in pupils] == ["Иванов Пётр Сергеевич", "Орлов Михаил", "Сидорова Анна Игоревна"]
    again = await people.press(ADMIN, "staff", preview, preview.button("Применить"))
    assert "уже решено" in again  # a second press changes nothing

    shown = await say(people, CLASSTEACHER, "/список 5А")
    # the seeded pupil «Петя Иванов» and the parent who named «Иванов Петя» are matched to «Иванов Пётр»
    assert "Иванов Пётр — ученик ✓, родители: 1" in shown.text
    assert "Сидорова Анна — ученик —, родители: нет" in shown.text

    # a second file moves one pupil away and adds one: the preview says so
    changed = CLASS_5A.replace("5А;Орлов;Михаил;;02.02.2015\r\n", "5А;Котов;Илья;;01.01.2015\r\n")
    second = await send_file(people, ADMIN, "5А.csv", changed.encode("utf-8-sig"), "/список 5А", "staff")
    assert "Добавятся (1)" in second.text and "Уйдут из списка (1)" in second.text and "Орлов Михаил" in second.text
    assert "Отменено" in await press(people, ADMIN, second, "Отмена", "staff")
    assert len(await world.repos.classlists.of_class(SchoolClass(5, "А"))) == 3


async def test_bad_class_list_files_are_refused_with_reasons(world: SandboxWorld) -> None:
    people = world.driver
    await bind(people, "staff", "учительская")
    broken = "Фамилия,Имя,Дата рождения\nИванов,Пётр,31.02.2015\nСидорова,,01.01.2015\nПетров,Иван,01.01.2015\n"
    reply = await send_file(people, ADMIN, "list.csv", broken.encode(), "/список 5А", "staff")
    assert "не загружен" in reply.text and "Строка 2: дата рождения" in reply.text and "Строка 3: нет имени" in reply.text
    assert not reply.buttons  # nothing to apply until the rows are fixed

    no_columns = await send_file(people, ADMIN, "list.csv", "ФИО;Телефон\n".encode(), "/список 5А", "staff")
    assert "в «ФИО» нужны" not in no_columns.text  # the header alone: no pupils at all
    missing = await send_file(people, ADMIN, "list.csv", "Имя;Телефон\nПётр;123\n".encode(), "/список 5А", "staff")
    assert "не нашёл" in missing.text and "«Фамилия» и «Имя»" in missing.text

    koi8 = "Фамилия;Имя\nИванов;Пётр\n".encode("koi8_r")
    wrong = await send_file(people, ADMIN, "list.csv", koi8, "/список 5А", "staff")
    assert "UTF-8" in wrong.text and "не нашёл" in wrong.text
    excel = await send_file(people, ADMIN, "list.xlsx", b"PK\x03\x04" + b"\0" * 64, "/список 5А", "staff")
    assert "файл Excel" in excel.text
    other = await send_file(people, ADMIN, "5Б.csv", CLASS_5A.encode(), "/список 5Б", "staff")
    assert "Строка 2: класс 5А, а загружается список 5Б" in other.text

    assert "Класса «12Я» нет" in (await say(people, ADMIN, "/список 12Я", "staff")).text
    assert "только своего класса (5А)" in (await say(people, CLASSTEACHER, "/список 6Б")).text
    assert "ещё не загружен" in (await say(people, ADMIN, "/список 7В", "staff")).text


async def test_join_cards_are_checked_against_the_list_and_flag_a_pupil_applying_as_a_parent(
        world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    preview = await send_file(people, ADMIN, "5А.csv", CLASS_5A.encode(), "/список 5А", "staff")
    await press(people, ADMIN, preview, "Применить", "staff")
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "загружен" in m.text)
    code = await invite_code(people, "/пригласить родителя 5А на неделю")

    await join_as_parent(people, NEWCOMER, code, "Орлов Миша")  # «Миша» is Михаил
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Заявка №" in m.text)
    assert "Ребёнок в списке 5А: найден — Орлов Михаил" in card.text
    assert "⚠️" not in card.text

    await join_as_parent(people, STUDENT, code, "Сидорова Аня")  # the pupil applies as a parent
    flagged = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Заявка №" in m.text)
    assert "Ребёнок в списке 5А: найден — Сидорова Анна" in flagged.text
    assert "Сейчас: ученик 5А" in flagged.text and "⚠️ Заявитель — ученик (5А" in flagged.text

    unknown = await invite_code(people, "/пригласить родитель 5А")
    await join_as_parent(people, 1005, unknown, "Незнаков Вова")
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Незнаков" in m.text)
    assert "Ребёнок в списке 5А: не найден" in card.text


async def test_a_childs_name_must_be_a_name_and_a_surname(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    code = await invite_code(people, "/пригласить родитель 5А")
    await people.open_link(NEWCOMER, code)
    consent = await people.next_bot_message(NEWCOMER, predicate=lambda m: bool(m.buttons))
    await press(people, NEWCOMER, consent, "Согласен")
    await people.next_bot_message(NEWCOMER, predicate=lambda m: "ребёнка" in m.text and not m.buttons)
    await people.write(NEWCOMER, "/вступить " + code)
    hint = await people.next_bot_message(NEWCOMER, predicate=lambda m: "фамилию и имя" in m.text)
    assert "Иванов Пётр" in hint.text
