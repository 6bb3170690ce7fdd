import pytest

from bot.errors import PermissionDenied
from bot.roles import PERMISSIONS, Action, Role, actions_of, is_admin, may, parse_role, require


def test_every_role_has_a_row() -> None:
    assert set(PERMISSIONS) == set(Role) | {None}


@pytest.mark.parametrize("role", list(Role))
def test_everyone_may_use_help_and_report(role: Role) -> None:
    assert may({role}, Action.USE_HELP)
    assert may({role}, Action.REPORT)


def test_unknown_user_only_basic_actions() -> None:
    assert actions_of(set()) == {Action.USE_HELP, Action.READ_REGISTRY, Action.REPORT, Action.MANAGE_OWN_DATA}


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.ADMIN, Action.BIND_CHAT, True),
        (Role.ADMIN, Action.APPOINT_ADMINS, True),
        (Role.EXTRA_ADMIN, Action.BIND_CHAT, True),
        (Role.EXTRA_ADMIN, Action.APPOINT_ADMINS, False),  # only the director's administrator appoints (3.2)
        (Role.ADMINISTRATION, Action.VIEW_STATS, True),
        (Role.ADMINISTRATION, Action.BIND_CHAT, False),
        (Role.CLASS_TEACHER, Action.INVITE_OWN_CLASS, True),
        (Role.CLASS_TEACHER, Action.INVITE_ANY, False),
        (Role.TEACHER, Action.INVITE_OWN_SUBJECT, True),
        (Role.TEACHER, Action.INVITE_OWN_CLASS, False),
        (Role.TEACHER, Action.BIND_CHAT, False),
        (Role.STUDENT, Action.MODERATE, False),
        (Role.PARENT, Action.DECIDE_REQUESTS, False),
    ],
)
def test_permission_table(role: Role, action: Action, allowed: bool) -> None:
    assert may({role}, action) is allowed


def test_roles_combine() -> None:
    assert may({Role.TEACHER, Role.CLASS_TEACHER}, Action.INVITE_OWN_CLASS)
    assert may({Role.TEACHER, Role.CLASS_TEACHER}, Action.INVITE_OWN_SUBJECT)


def test_require_raises_with_russian_text() -> None:
    with pytest.raises(PermissionDenied) as error:
        require({Role.PARENT}, Action.BIND_CHAT)
    assert "администратор" in error.value.text


def test_is_admin() -> None:
    assert is_admin({Role.EXTRA_ADMIN})
    assert not is_admin({Role.CLASS_TEACHER})


@pytest.mark.parametrize(
    ("word", "role"),
    [("учитель", Role.TEACHER), ("Teacher", Role.TEACHER), ("РОДИТЕЛЬ", Role.PARENT), ("ученик", Role.STUDENT),
     ("администрация", Role.ADMINISTRATION), ("classteacher", Role.CLASS_TEACHER), ("дворник", None)],
)
def test_parse_role(word: str, role: Role | None) -> None:
    assert parse_role(word) is role
