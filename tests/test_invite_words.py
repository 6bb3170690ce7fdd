"""/пригласить in natural Russian: phrases, deadlines, leftovers refused; property tests of the parser."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadCommand
from bot.membership.commands import parse_invite_args
from bot.membership.groups import Group, GroupKind, SchoolClass
from bot.membership.invite_words import Deadline, deadline_ttl, take_phrases
from bot.roles import Role

MOSCOW = ZoneInfo("Europe/Moscow")
WEDNESDAY = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 11:00 in Moscow
C5A = Group.of_class(SchoolClass(5, "А"))


@pytest.mark.parametrize(("args", "role", "ttl", "uses", "approve"), [
    ("родителя 5А на 3 дня", Role.PARENT, timedelta(days=3), None, None),
    ("родители 5А на неделю", Role.PARENT, timedelta(weeks=1), None, None),
    ("родителей 5а на два дня на одно использование", Role.PARENT, timedelta(days=2), 1, None),
    ("ученика 5 А на 12 часов без одобрения", Role.STUDENT, timedelta(hours=12), None, False),
    ("ученики в 5А класса на 30 человек с одобрением", Role.STUDENT, None, 30, True),
    ("одноразовая ссылка для родителя 5А", Role.PARENT, None, 1, None),
    ("родитель 5А uses=5 ttl=1h approve=no", Role.PARENT, timedelta(hours=1), 5, False),
])
def test_natural_russian_is_understood(args: str, role: Role, ttl: timedelta | None, uses: int | None,
                                       approve: bool | None) -> None:
    parsed = parse_invite_args(args)
    assert (parsed.role, parsed.group, parsed.ttl, parsed.uses, parsed.approve) == (role, C5A, ttl, uses, approve)


def test_staff_roles_in_their_forms() -> None:
    assert parse_invite_args("учителя").group == Group.staff()
    teacher = parse_invite_args("классного руководителя 5А на неделю")
    assert (teacher.role, teacher.group) == (Role.CLASS_TEACHER, C5A)
    assert parse_invite_args("администрацию").group == Group.administration()
    physics = parse_invite_args("ученика 7Б физика до пятницы")
    assert physics.group is not None and physics.group.kind is GroupKind.SUBJECT and physics.until is not None


@pytest.mark.parametrize(("args", "says"), [
    ("родитель 5а на 3 дня 2026", "Не понял: «2026»"),
    ("родитель 5а на 3 дня срочно!", "Не понял: «срочно!»"),
    ("родитель 5А на 3", "Не понял: «на 3»"),
    ("родитель 5А 3", "Не понял: «3»"),
    ("родитель 5А на 3 дня до пятницы", "Срок указан дважды"),
    ("родитель 5А на 3 дня ttl=2d", "Срок указан дважды"),
    ("родитель 5А на неделю на месяц", "уже сказано"),
    ("родитель 5А на 200 дней", "90 дней"),
    ("родитель 5А на 5000 человек", "от 1 до 1000"),
    ("учитель 5А на день", "подходит группа"),
    ("родителей пятого", "Не понял: «пятого»"),
])
def test_words_it_does_not_understand_are_refused_with_a_hint(args: str, says: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_invite_args(args)
    assert says in caught.value.text and "Пример: /пригласить" in caught.value.text


def test_deadlines_run_to_the_end_of_the_named_day_in_the_school_time_zone() -> None:
    friday = Deadline(weekday=4, said="пятницы")
    assert friday.resolve(WEDNESDAY, MOSCOW) == datetime(2026, 12, 4, 23, 59, tzinfo=MOSCOW)
    assert Deadline(weekday=2, said="среды").last_day(date(2026, 12, 2)) == date(2026, 12, 9)  # a week on
    assert Deadline(days_ahead=1, said="завтра").last_day(date(2026, 12, 31)) == date(2027, 1, 1)
    assert Deadline(day=15, month=12, said="15.12").last_day(date(2026, 12, 2)) == date(2026, 12, 15)
    assert Deadline(day=1, month=9, said="1.09").last_day(date(2026, 12, 2)) == date(2027, 9, 1)
    assert deadline_ttl(friday, WEDNESDAY, MOSCOW) == timedelta(days=2, hours=12, minutes=59)
    with pytest.raises(BadCommand) as far:
        deadline_ttl(Deadline(day=1, month=9, said="1.09"), WEDNESDAY, MOSCOW)
    assert "90 дней" in far.value.text
    with pytest.raises(BadCommand) as caught:
        deadline_ttl(Deadline(day=31, month=2, said="31.02"), WEDNESDAY, MOSCOW)
    assert "Даты «31.02» нет" in caught.value.text
    with pytest.raises(BadCommand):
        deadline_ttl(Deadline(day=1, month=12, year=2026, said="1.12.2026"), WEDNESDAY, MOSCOW)
    said = take_phrases("до 15 декабря".split())
    assert said.until is not None and (said.until.day, said.until.month) == (15, 12) and said.rest == []


_ROLE_FORMS = {"родитель": Role.PARENT, "родителя": Role.PARENT, "родители": Role.PARENT, "родителей": Role.PARENT,
               "ученик": Role.STUDENT, "ученика": Role.STUDENT, "учеников": Role.STUDENT}
_UNITS = {"дня": timedelta(days=1), "дней": timedelta(days=1), "часов": timedelta(hours=1),
          "недели": timedelta(weeks=1)}
_WEEKDAYS = ["понедельника", "вторника", "среды", "четверга", "пятницы", "субботы", "воскресенья"]


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(sorted(_ROLE_FORMS)), grade=st.integers(1, 11), letter=st.sampled_from("АБВГ"),
       count=st.integers(2, 9), unit=st.sampled_from(sorted(_UNITS)), uses=st.one_of(st.none(), st.integers(1, 99)),
       approve=st.sampled_from([None, "без одобрения", "с одобрением"]), order=st.permutations(range(3)))
def test_any_order_of_known_phrases_gives_the_same_invitation(form: str, grade: int, letter: str, count: int,
                                                              unit: str, uses: int | None, approve: str | None,
                                                              order: list[int]) -> None:
    phrases = [f"на {count} {unit}", f"на {uses} использований" if uses else "", approve or ""]
    text = " ".join([form, f"{grade}{letter}", *(phrases[i] for i in order)])
    parsed = parse_invite_args(text)
    assert parsed.role is _ROLE_FORMS[form] and parsed.group == Group.of_class(SchoolClass(grade, letter))
    assert parsed.ttl == count * _UNITS[unit] and parsed.uses == uses
    assert parsed.approve == (None if approve is None else approve == "с одобрением")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_the_parser_never_fails_but_politely(text: str) -> None:
    try:
        parsed = parse_invite_args(text)
    except BadCommand as error:
        assert error.text
        return
    assert parsed.group is not None  # a parsed invitation always names its group


@settings(max_examples=200, deadline=None)
@given(weekday=st.integers(0, 6), day=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
       hour=st.integers(0, 23))
def test_a_weekday_deadline_is_within_a_week_and_in_the_future(weekday: int, day: date, hour: int) -> None:
    now = datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW).astimezone(UTC)
    ttl = deadline_ttl(Deadline(weekday=weekday, said=_WEEKDAYS[weekday]), now, MOSCOW)
    assert timedelta(0) < ttl <= timedelta(days=8)
    assert (now + ttl).astimezone(MOSCOW).weekday() == weekday
