import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadCommand
from bot.membership.groups import Audience, Group, GroupKind, SchoolClass, parse_binding, parse_class, parse_group


@pytest.mark.parametrize(
    ("text", "grade", "letter"),
    [
        ("5А", 5, "А"),
        ("5а", 5, "А"),
        ("5 А", 5, "А"),
        ("5-А", 5, "А"),
        ("5 - а", 5, "А"),
        ("11б", 11, "Б"),
        ("1Я", 1, "Я"),
        (" 10е ", 10, "Е"),
        ("5A", 5, "А"),  # Latin A
        ("7B", 7, "В"),  # Latin capital B looks like В
        ("9c", 9, "С"),
        ("3K", 3, "К"),
        ("4y", 4, "У"),
        ("6M", 6, "М"),
        ("8H", 8, "Н"),
    ],
)
def test_parse_class_accepts_lenient_forms(text: str, grade: int, letter: str) -> None:
    assert parse_class(text) == SchoolClass(grade, letter)


@pytest.mark.parametrize(
    "text", ["12А", "0А", "5", "А5", "5ЪЪ", "5Ъ", "5Ь", "11b", "5Z", "", "   ", "5А Б", "пятый А", "100А"]
)
def test_parse_class_refuses_with_correct_form(text: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_class(text)
    assert "5А" in caught.value.text


def test_lowercase_latin_b_is_not_a_lookalike_of_ve() -> None:
    with pytest.raises(BadCommand, match="latin"):
        parse_class("11b")


def test_class_and_group_str() -> None:
    assert str(SchoolClass(5, "А")) == "5А"
    assert str(Group.staff()) == "Учительская"
    assert str(Group.administration()) == "руководство"
    assert str(Group.subject_group(SchoolClass(7, "Б"), " Физика ")) == "7Б физика"


def test_inconsistent_group_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        Group(kind=GroupKind.CLASS)
    with pytest.raises(ValueError):
        SchoolClass(12, "А")


@pytest.mark.parametrize(
    ("args", "audience", "group"),
    [
        ("staff", Audience.STAFF, Group.staff()),
        ("Учительская", Audience.STAFF, Group.staff()),
        ("руководство", Audience.ADMINISTRATION, Group.administration()),
        ("администрация", Audience.ADMINISTRATION, Group.administration()),
        ("administration", Audience.ADMINISTRATION, Group.administration()),
        ("5А ученики", Audience.STUDENTS, Group.of_class(SchoolClass(5, "А"))),
        ("5a students", Audience.STUDENTS, Group.of_class(SchoolClass(5, "А"))),
        ("5А родители", Audience.PARENTS, Group.of_class(SchoolClass(5, "А"))),
        ("5А parents", Audience.PARENTS, Group.of_class(SchoolClass(5, "А"))),
        ("7Б физика", Audience.SUBJECT, Group.subject_group(SchoolClass(7, "Б"), "физика")),
        ("7Б Английский  Язык", Audience.SUBJECT, Group.subject_group(SchoolClass(7, "Б"), "английский язык")),
    ],
)
def test_parse_binding(args: str, audience: Audience, group: Group) -> None:
    binding = parse_binding(args)
    assert binding.audience is audience
    assert binding.group == group


@pytest.mark.parametrize("args", ["", "5А", "ученики", "12А ученики", "7Б 123", "чат"])
def test_parse_binding_refusal_lists_all_forms(args: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_binding(args)
    for form in ("учительская", "руководство", "5А ученики", "5А родители", "7Б физика"):
        assert form in caught.value.text


def test_parse_group() -> None:
    assert parse_group("учительская") == Group.staff()
    assert parse_group("5 а") == Group.of_class(SchoolClass(5, "А"))
    assert parse_group("7Б Физика").subject == "физика"
    with pytest.raises(BadCommand):
        parse_group("5А ученики")  # an audience word is not a subject


@given(st.text(max_size=40))
def test_parsers_raise_only_bad_command(text: str) -> None:
    for parse in (parse_class, parse_binding, parse_group):
        try:
            parse(text)
        except BadCommand:
            pass
