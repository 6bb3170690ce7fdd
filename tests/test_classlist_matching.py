"""Matching what a parent wrote against the class list; the plan and texts of an import; card checks."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.classlist.checks import Applicant, card_checks
from bot.classlist.csvfile import PupilRow, RowProblem
from bot.classlist.matching import (
    DIMINUTIVES,
    find_pupils,
    is_full_name,
    matches,
    names_overlap,
    same_first_name,
    same_surname,
)
from bot.classlist.model import Connection, NewPupil, Pupil, plan_import, preview_text, problems_text, roster_text
from bot.membership.groups import Group, SchoolClass
from bot.membership.roster import Membership
from bot.port.ids import PersonId
from bot.roles import Role

C5A, C6A = SchoolClass(5, "А"), SchoolClass(6, "А")
PETR = Pupil(id=1, school_class=C5A, surname="Иванов", name="Пётр", patronymic="Сергеевич")
ANNA = Pupil(id=2, school_class=C5A, surname="Сидорова", name="Анна")
SASHA_M = Pupil(id=3, school_class=C5A, surname="Котов", name="Александр")
SASHA_F = Pupil(id=4, school_class=C5A, surname="Котова", name="Александра")
CLASS = [PETR, ANNA, SASHA_M, SASHA_F]


@pytest.mark.parametrize(("written", "found"), [
    ("Иванов Пётр", [PETR]),
    ("иванов петр", [PETR]),  # ё as е, any case
    ("Петя Иванов", [PETR]),  # any order, a short form
    ("Ивонов Петя", [PETR]),  # one slip of the keyboard
    ("Иванов Пётр Сергеевич", [PETR]),
    ("Сидорова Аня", [ANNA]),
    ("Котов Саша", [SASHA_M]),  # «Саша» is both, the surname tells which
    ("Котова Саша", [SASHA_F]),
    ("Котов Александра", []),
    ("Иванова Петя", []),  # a sister is not her brother
    ("Петров Пётр", []),
    ("Пётр", []),  # a name and a surname are needed
])
def test_names_are_found_through_typos_forms_and_order(written: str, found: list[Pupil]) -> None:
    assert find_pupils(written, CLASS) == found


def test_short_names_need_an_exact_spelling_and_every_short_form_leads_home() -> None:
    assert not same_first_name("Иван", "Иона") and same_first_name("Алена", "Алёна")
    assert same_surname("Кузнецов", "Кузнецоф") and not same_surname("Ли", "Лю")
    for full, forms in DIMINUTIVES.items():
        for form in forms:
            assert same_first_name(form, full) and same_first_name(full, form), (form, full)
    assert not same_first_name("Александр", "Александра") and not same_first_name("Евгений", "Евгения")
    assert is_full_name("Иванов Пётр") and not is_full_name("Петя")
    assert names_overlap("Иванов Петя", "Пётр Иванов") and not names_overlap("Иванов Петя", "Иванова Катя")


_WORD = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщэюя", min_size=2, max_size=14).map(str.capitalize)


@given(surname=_WORD, name=_WORD, reverse=st.booleans())
def test_a_pupil_is_always_found_by_their_own_name_in_either_order(surname: str, name: str, reverse: bool) -> None:
    pupil = Pupil(id=9, school_class=C5A, surname=surname, name=name)
    written = f"{name} {surname}" if reverse else f"{surname} {name}"
    assert matches(written, pupil) and find_pupils(written.upper(), [pupil]) == [pupil]
    assert not matches(surname, pupil)  # one word is never enough


def row(surname: str, name: str, school_class: SchoolClass = C5A, **extra: object) -> NewPupil:
    return NewPupil(school_class=school_class, surname=surname, name=name, **extra)  # type: ignore[arg-type]


def test_an_import_adds_removes_moves_and_fills_in_details() -> None:
    stored = [PETR, ANNA, Pupil(id=7, school_class=C6A, surname="Орлов", name="Михаил"),
              Pupil(id=8, school_class=C5A, surname="Котов", name="Илья", birth_date=date(2015, 1, 1))]
    incoming = [row("Иванов", "Пётр", birth_date=date(2015, 3, 5)), row("Орлов", "Михаил"), row("Новиков", "Лев"),
                row("Котов", "Илья", birth_date=date(2014, 2, 2))]  # another Илья Котов: other birthday
    plan = plan_import(incoming, stored, classes=[C5A])
    assert [p.full for p in plan.added] == ["Новиков Лев", "Котов Илья"]
    assert [p.id for p in plan.removed] == [2, 8]  # Анна left 5А; the old Илья Котов is someone else
    assert [(old.id, str(new.school_class)) for old, new in plan.moved] == [(7, "5А")]
    assert [old.id for old, _ in plan.updated] == [1] and plan.unchanged == 0
    text = preview_text(plan, source="5А.csv", total=4)
    assert "Добавятся (2)" in text and "Уйдут из списка (2)" in text and "Орлов Михаил: 6А → 5А" in text
    assert "Уточнятся отчество или дата рождения (1)" in text and "ничего не меняется" in text
    same = plan_import([row("Иванов", "Пётр", patronymic="Сергеевич"), row("Сидорова", "Анна")], [PETR, ANNA])
    assert same.changes == 0 and "уже такой" in preview_text(same, source="f", total=2)
    assert NewPupil.from_json(incoming[0].to_json()) == incoming[0]
    assert NewPupil.of(PupilRow(line=2, school_class=C5A, surname="А", name="Б")).full == "А Б"


def test_texts_of_problems_and_of_the_list() -> None:
    problems = [RowProblem(line=n, text="нет имени") for n in range(2, 50)]
    text = problems_text(problems, source="5А.csv")
    assert "Строка 2: нет имени." in text and "…и ещё ошибок: 8" in text and "ничего не изменено" in text
    listed = roster_text(C5A, [PETR, ANNA], {1: Connection(pupil=True, parents=2)})
    assert "подключились сами — 1, с родителями в боте — 1" in listed
    assert "1. Иванов Пётр — ученик ✓, родители: 2" in listed and "2. Сидорова Анна — ученик —, родители: нет" in listed
    assert "ещё не загружен" in roster_text(C5A, [], {})


NOW = datetime(2026, 9, 1, tzinfo=UTC)


def membership(role: Role, group: Group) -> Membership:
    return Membership(id=1, person_id=PersonId("vk:4"), role=role, group=group, since=NOW)


def test_card_checks_say_what_the_list_says_and_flag_a_pupil_applying_as_an_adult() -> None:
    nobody = Applicant(name="Ольга Иванова", roles=frozenset())
    lines = card_checks(role=Role.PARENT, group=Group.of_class(C5A), child_name="Иванов Петя", applicant=nobody,
                        class_pupils=CLASS, school_pupils=CLASS)
    assert lines == ("Ребёнок в списке 5А: найден — Иванов Пётр",)
    assert card_checks(role=Role.PARENT, group=Group.of_class(C5A), child_name="Иванов Вова", applicant=nobody,
                       class_pupils=CLASS, school_pupils=CLASS) == ("Ребёнок в списке 5А: не найден",)
    assert "не загружен" in card_checks(role=Role.PARENT, group=Group.of_class(C6A), child_name="Иванов Петя",
                                        applicant=nobody, class_pupils=[], school_pupils=CLASS)[0]

    pupil = Applicant(name="Петя Иванов", roles=frozenset({Role.STUDENT}),
                      memberships=(membership(Role.STUDENT, Group.of_class(C5A)),))
    flagged = card_checks(role=Role.PARENT, group=Group.of_class(C5A), child_name="Сидорова Аня", applicant=pupil,
                          class_pupils=CLASS, school_pupils=CLASS)
    assert "Сейчас: ученик 5А" in flagged and any(line.startswith("⚠️ Заявитель — ученик (5А)") for line in flagged)
    own = card_checks(role=Role.PARENT, group=Group.of_class(C5A), child_name="Иванов Пётр", applicant=pupil,
                      class_pupils=CLASS, school_pupils=CLASS)
    assert any("назван так же, как заявитель" in line for line in own)
    unknown_pupil = Applicant(name="Пётр Иванов", roles=frozenset())
    teacher = card_checks(role=Role.TEACHER, group=Group.staff(), child_name=None, applicant=unknown_pupil,
                          class_pupils=[], school_pupils=CLASS)
    assert teacher == ("⚠️ Имя заявителя совпадает с учеником из списка: Иванов Пётр (5А); заявка на роль «учитель». "
                       "Проверьте.",)
    student = card_checks(role=Role.STUDENT, group=Group.of_class(C5A), child_name=None, applicant=unknown_pupil,
                          class_pupils=CLASS, school_pupils=CLASS)
    assert student == ("Ученик в списке 5А: найден — Иванов Пётр",)
