from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadCommand
from bot.membership.commands import (
    InviteArgs,
    parse_code_arg,
    parse_invite_args,
    parse_reject_args,
    parse_request_id,
)
from bot.membership.groups import Group, SchoolClass
from bot.roles import Role

G5A = Group.of_class(SchoolClass(5, "А"))


def _args(role: Role, group: Group, **options: object) -> InviteArgs:
    values: dict[str, object] = {"uses": None, "ttl": None, "approve": None, **options}
    return InviteArgs(role=role, group=group, **values)  # type: ignore[arg-type]


PHYS_7B = Group.subject_group(SchoolClass(7, "Б"), "физика")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("родитель 5А", _args(Role.PARENT, G5A)),
        ("student 5a uses=30 ttl=3d approve=no", _args(Role.STUDENT, G5A, uses=30, ttl=timedelta(days=3), approve=False)),
        ("ученик 5 А использований=2 срок=12ч одобрение=да", _args(Role.STUDENT, G5A, uses=2, ttl=timedelta(hours=12), approve=True)),
        ("учитель", _args(Role.TEACHER, Group.staff())),
        ("teacher учительская", _args(Role.TEACHER, Group.staff())),
        ("учитель 7Б физика", _args(Role.TEACHER, PHYS_7B)),
        ("администрация", _args(Role.ADMINISTRATION, Group.administration())),
        ("классный руководитель 5А", _args(Role.CLASS_TEACHER, G5A)),
        ("ученик 7Б Физика", _args(Role.STUDENT, PHYS_7B)),
    ],
)  # fmt: skip
def test_parse_invite_args(args: str, expected: InviteArgs) -> None:
    assert parse_invite_args(args) == expected


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ("", "Пример: /пригласить родитель 5А"),
        ("директор 5А", "Не знаю роль"),
        ("ученик", "укажите группу"),
        ("родитель", "укажите группу"),
        ("admin", "Администраторов не приглашают"),
        ("ученик 12А", "Класса «12А» нет"),
        ("учитель 5А", "подходит группа"),
        ("ученик учительская", "подходит группа"),
        ("ученик 5А uses=0", "от 1 до"),
        ("ученик 5А uses=abc", "от 1 до"),
        ("ученик 5А ttl=100d", "90 дней"),
        ("ученик 5А approve=maybe", "approve=yes"),
        ("ученик 5А цвет=синий", "Не понял параметр"),
        ("ученик 5А uses=2 uses=3", "один раз"),
    ],
)
def test_parse_invite_args_refusals_show_the_form(args: str, hint: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_invite_args(args)
    assert hint in caught.value.text
    assert "Пример: /пригласить" in caught.value.text


@given(st.text(max_size=80))
def test_parse_invite_args_raises_only_bad_command(args: str) -> None:
    try:
        parse_invite_args(args)
    except BadCommand:
        pass


@given(
    st.lists(
        st.sampled_from(
            ["ученик", "родитель", "учитель", "5А", "7Б", "физика", "uses=3", "ttl=7d", "approve=no", "срок=x", "=", "12А"]
        ),
        max_size=6,
    )
)
def test_parse_invite_args_word_soup_raises_only_bad_command(words: list[str]) -> None:
    try:
        parse_invite_args(" ".join(words))
    except BadCommand:
        pass


@pytest.mark.parametrize(("text", "expected"), [("12", 12), ("№12", 12), ("№ 12", 12), ("#12", 12), (" 7 ", 7)])
def test_parse_request_id(text: str, expected: int) -> None:
    assert parse_request_id(text) == expected


@pytest.mark.parametrize("text", ["", "0", "abc", "12a", "-3", "№"])
def test_parse_request_id_refuses(text: str) -> None:
    with pytest.raises(BadCommand):
        parse_request_id(text)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("12 причина текст", (12, "причина текст")),
        ("№12  нет  в списке", (12, "нет в списке")),
        ("№ 12 нет в списке", (12, "нет в списке")),
        ("#3", (3, "")),
    ],
)
def test_parse_reject_args(args: str, expected: tuple[int, str]) -> None:
    assert parse_reject_args(args) == expected


@pytest.mark.parametrize("args", ["", "причина 12", "x" * 10, "12 " + "x" * 501])
def test_parse_reject_args_refuses(args: str) -> None:
    with pytest.raises(BadCommand):
        parse_reject_args(args)


def test_parse_code_arg() -> None:
    assert parse_code_arg(" abcd efgh ") == "ABCD-EFGH"
    with pytest.raises(BadCommand):
        parse_code_arg("nope")


@given(st.text(max_size=80))
def test_other_parsers_raise_only_bad_command(text: str) -> None:
    for parse in (parse_reject_args, parse_request_id, parse_code_arg):
        try:
            parse(text)
        except BadCommand:
            pass
