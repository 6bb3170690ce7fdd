import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.binding import decide_bind
from bot.chats import ChatPurpose
from bot.commands import parse_command
from bot.errors import BadCommand, PermissionDenied, WrongPlace
from bot.help import help_text, unknown_command_text
from bot.people import Person
from bot.roles import Role

CHAT = 2_000_000_001


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/help", "help", ""),
        ("/Помощь", "помощь", ""),
        ("  /bind   staff ", "bind", "staff"),
        ("/привязать учительская", "привязать", "учительская"),
        ("[club1|@school56] /help", "help", ""),
        ("[club1|Бот школы], /bind staff", "bind", "staff"),
        ("!help", "help", ""),
        ("/help@school56", "help", ""),
        ("/\u200bhelp", "help", ""),
        ("/вступить ABCD-EFGH", "вступить", "ABCD-EFGH"),
        ("/отклонить 12 нет такого ученика\nв классе", "отклонить", "12 нет такого ученика\nв классе"),
    ],
)
def test_parse_command(text: str, name: str, args: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert (command.name, command.args) == (name, args)


@pytest.mark.parametrize("text", ["", "помощь", "5/6 урок", "/", "/ help", "http://vk.com/id1"])
def test_not_a_command(text: str) -> None:
    assert parse_command(text) is None


@given(st.text(max_size=5000))
def test_parse_command_never_raises(text: str) -> None:
    command = parse_command(text)
    if command is not None:
        assert command.name and len(command.name) <= 40


def test_bind_by_admin_in_chat() -> None:
    admin = Person(vk_id=1, roles=frozenset({Role.ADMIN}))
    assert decide_bind(admin, CHAT, "учительская").purpose is ChatPurpose.STAFF
    assert decide_bind(admin, CHAT, "Staff").purpose is ChatPurpose.STAFF
    assert decide_bind(admin, CHAT, "руководство").purpose is ChatPurpose.ADMINISTRATION


def test_bind_refused_to_non_admin_before_anything_else() -> None:
    teacher = Person(vk_id=2, roles=frozenset({Role.TEACHER}))
    with pytest.raises(PermissionDenied):
        decide_bind(teacher, 5, "nonsense")


def test_bind_in_dm_is_wrong_place() -> None:
    admin = Person(vk_id=1, roles=frozenset({Role.ADMIN}))
    with pytest.raises(WrongPlace):
        decide_bind(admin, 1, "staff")


def test_bind_unknown_purpose_shows_the_form() -> None:
    admin = Person(vk_id=1, roles=frozenset({Role.ADMIN}))
    with pytest.raises(BadCommand) as error:
        decide_bind(admin, CHAT, "кухня")
    assert "/привязать" in error.value.text and "5А родители" in error.value.text


def test_help_differs_by_role() -> None:
    admin = help_text(Person(vk_id=1, roles=frozenset({Role.ADMIN})), school_name="Школа", in_dm=False)
    parent = help_text(Person(vk_id=2, roles=frozenset({Role.PARENT})), school_name="Школа", in_dm=False)
    assert "/привязать" in admin
    assert "/привязать" not in parent
    assert "родитель" in parent


def test_help_for_a_stranger_explains_how_to_join() -> None:
    text = help_text(Person(vk_id=3), school_name="Школа", in_dm=True)
    assert "ссылке-приглашению" in text


def test_unknown_command_hint_is_short_even_for_long_names() -> None:
    assert len(unknown_command_text("x" * 40)) < 120


@pytest.mark.parametrize(
    ("args", "purpose", "class_label", "subject"),
    [
        ("5А ученики", ChatPurpose.CLASS_STUDENTS, "5А", None),
        ("5 а родители", ChatPurpose.CLASS_PARENTS, "5А", None),
        ("7Б физика", ChatPurpose.SUBJECT, "7Б", "физика"),
    ],
)
def test_bind_class_chats(args: str, purpose: ChatPurpose, class_label: str, subject: str | None) -> None:
    admin = Person(vk_id=1, roles=frozenset({Role.ADMIN}))
    binding = decide_bind(admin, CHAT, args)
    assert (binding.purpose, binding.class_label, binding.subject) == (purpose, class_label, subject)


def test_help_lists_everyones_commands_before_staff_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import help as help_module
    from bot.help import CommandHelp, available_commands
    from bot.roles import Action

    registered = [
        CommandHelp(action=Action.MODERATE, usage="/журнал", what="журнал"),
        CommandHelp(action=Action.USE_HELP, usage="/помощь", what="помощь"),
        CommandHelp(action=Action.BIND_CHAT, usage="/привязать", what="привязать"),
        CommandHelp(action=Action.USE_HELP, usage="/правила", what="правила"),
    ]
    monkeypatch.setattr(help_module, "COMMANDS", registered)
    admin = Person(vk_id=1, roles=frozenset({Role.ADMIN}))
    assert [c.usage for c in available_commands(admin, in_dm=False)] == ["/помощь", "/правила", "/привязать", "/журнал"]
