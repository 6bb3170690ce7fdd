"""Commands: parsing, the one declaration per command, and /помощь read from it."""

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.binding import parse_bind_args
from bot.chats import ChatPurpose
from bot.commands import parse_command
from bot.commands.spec import admit
from bot.commands.table import COMMANDS, command_named, command_of_phrase
from bot.errors import BadCommand
from bot.help import commands_elsewhere, commands_here, help_text, unknown_command_text
from bot.people import Person
from bot.places import Place
from bot.port.ids import PersonId
from bot.roles import Role
from handlers.commands import FLOWS

ADMIN = Person(id=PersonId("vk:1"), roles=frozenset({Role.ADMIN}))


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/help", "help", ""),
        ("/Помощь", "помощь", ""),
        ("  /bind   staff ", "bind", "staff"),
        ("/привязать учительская", "привязать", "учительская"),
        ("!help", "help", ""),
        ("/help@school56", "help", ""),
        ("\u200b/help", "help", ""),
        ("/вступить ABCD-EFGH", "вступить", "ABCD-EFGH"),
        ("/отклонить 12 нет такого ученика\nв классе", "отклонить", "12 нет такого ученика\nв классе"),
    ],
)
def test_parse_command(text: str, name: str, args: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert (command.name, command.args) == (name, args)


def test_raw_args_keep_their_place_in_the_text() -> None:
    text = "/классрук  Мария Петрова 5А"
    command = parse_command(text)
    assert command is not None
    assert text[command.args_offset:] == command.raw_args == "Мария Петрова 5А"


@pytest.mark.parametrize("text", ["", "помощь", "5/6 урок", "/", "/ help", "http://vk.com/id1"])
def test_not_a_command(text: str) -> None:
    assert parse_command(text) is None


@given(st.text(max_size=5000))
def test_parse_command_never_raises(text: str) -> None:
    command = parse_command(text)
    if command is not None:
        assert command.name and len(command.name) <= 40
        assert text[command.args_offset:] == command.raw_args


@pytest.mark.parametrize(
    ("args", "purpose", "class_label", "subject"),
    [
        ("учительская", ChatPurpose.STAFF, None, None),
        ("Staff", ChatPurpose.STAFF, None, None),
        ("руководство", ChatPurpose.ADMINISTRATION, None, None),
        ("5А ученики", ChatPurpose.CLASS_STUDENTS, "5А", None),
        ("5 а родители", ChatPurpose.CLASS_PARENTS, "5А", None),
        ("7Б физика", ChatPurpose.SUBJECT, "7Б", "физика"),
    ],
)
def test_bind_args(args: str, purpose: ChatPurpose, class_label: str | None, subject: str | None) -> None:
    binding = parse_bind_args(args)
    assert (binding.purpose, binding.class_label, binding.subject) == (purpose, class_label, subject)


def test_bind_unknown_purpose_shows_the_form() -> None:
    with pytest.raises(BadCommand) as error:
        parse_bind_args("кухня")
    assert "/привязать" in error.value.text and "5А родители" in error.value.text


# --- one declaration per command ----------------------------------------------------------

def test_every_declared_command_has_exactly_one_flow() -> None:
    assert sorted(spec.key for spec in COMMANDS) == sorted(FLOWS)
    assert len({spec.key for spec in COMMANDS}) == len(COMMANDS)


def test_names_and_phrases_are_unambiguous() -> None:
    names = [name for spec in COMMANDS for name in spec.names]
    phrases = [phrase for spec in COMMANDS for phrase in spec.phrases]
    assert len(names) == len(set(names)) and len(phrases) == len(set(phrases))
    assert all(command_named(name) is not None for name in names)
    assert command_of_phrase("Реестр сервисов").key == "registry"  # type: ignore[union-attr]


def test_every_command_has_russian_and_english_names() -> None:
    for spec in COMMANDS:
        assert any(not name.isascii() for name in spec.names), spec.key
        assert any(name.isascii() for name in spec.names), spec.key


ROLE_SETS = [frozenset(c) for n in range(3) for c in combinations(Role, n)]


@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "stranger")
def test_help_shows_exactly_what_each_role_may_run_in_each_place(roles: frozenset[Role]) -> None:
    """Shown under «Команды» ⇔ admitted here; shown under «elsewhere» ⇔ permitted but not here."""
    person = Person(id=PersonId("vk:9"), roles=roles)
    for place in Place:
        here = {spec.key for spec, _ in commands_here(person, place)}
        elsewhere = {spec.key for spec, _ in commands_elsewhere(person, place)}
        for spec in COMMANDS:
            assert (spec.key in here) == (admit(spec, roles, place) is None), (spec.key, place)
            assert (spec.key in elsewhere) == (spec.permitted(roles) and place not in spec.places), (spec.key, place)


def test_staff_lists_never_answer_in_a_chat_of_families() -> None:
    for key in ("members", "modlog", "warns", "requests", "reports", "invites"):
        spec = command_named(key)
        assert spec is not None
        assert Place.CLASS not in spec.places and Place.SUBJECT not in spec.places
        assert admit(spec, ADMIN.roles, Place.CLASS) is not None


def test_subject_teacher_sees_the_request_commands_they_may_run() -> None:
    teacher = Person(id=PersonId("vk:2"), roles=frozenset({Role.TEACHER}))
    text = help_text(teacher, school_name="Школа", place=Place.DM)
    for usage in ("/заявки", "/принять N", "/отклонить N", "/ссылки", "/отозвать КОД"):
        assert usage in text


def test_refusal_names_who_may_before_where() -> None:
    teacher = frozenset({Role.TEACHER})
    bind = command_named("привязать")
    assert bind is not None
    assert admit(bind, teacher, Place.DM) == bind.refusal  # not «write it in a chat»: a teacher may not at all
    assert admit(bind, ADMIN.roles, Place.DM) == bind.place_refusal()


def test_help_differs_by_role() -> None:
    admin = help_text(ADMIN, school_name="Школа", place=Place.STAFF)
    parent = help_text(Person(id=PersonId("vk:2"), roles=frozenset({Role.PARENT})), school_name="Школа",
                       place=Place.STAFF)
    assert "/привязать" in admin
    assert "/привязать" not in parent
    assert "родитель" in parent


def test_help_in_a_dm_mentions_the_chat_commands_separately() -> None:
    text = help_text(ADMIN, school_name="Школа", place=Place.DM)
    head, _, tail = text.partition("В групповых чатах:")
    assert "/привязать" in tail and "/привязать" not in head


def test_help_for_a_stranger_explains_how_to_join() -> None:
    text = help_text(Person(id=PersonId("vk:3")), school_name="Школа", place=Place.DM)
    assert "ссылке-приглашению" in text


def test_help_lists_everyones_commands_before_staff_ones() -> None:
    usages = [line.usage for _, line in commands_here(ADMIN, Place.STAFF)]
    invite = next(u for u in usages if u.startswith("/пригласить"))
    assert usages.index("/помощь") < usages.index("/правила") < usages.index(invite)
    assert usages.index("/заявки") < usages.index("/журнал [N]")


def test_unknown_command_hint_is_short_even_for_long_names() -> None:
    assert len(unknown_command_text("x" * 40)) < 120


def test_help_shows_invitation_parameters_in_russian_and_the_parser_takes_them() -> None:
    """What /помощь shows as an example is what /пригласить accepts (and English keys too)."""
    from bot.membership.commands import parse_invite_args

    invite = next(line.usage for _, line in commands_here(ADMIN, Place.STAFF) if line.usage.startswith("/пригласить"))
    assert "срок=7д" in invite and "использований=10" in invite and "одобрение=да|нет" in invite
    assert "uses" not in invite and "ttl" not in invite
    russian = parse_invite_args("родитель 5А срок=7д использований=10 одобрение=нет")
    english = parse_invite_args("родитель 5А ttl=7d uses=10 approve=no")
    assert russian == english and russian.uses == 10 and russian.approve is False
