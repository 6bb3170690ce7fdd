"""Roles of the regulation and the one permission table of the bot.

Every "who may do what" question is answered here; handlers ask
`may(roles, action)` or `require(roles, action)` and never compare roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.errors import PermissionDenied


class Role(StrEnum):
    """A user role; the values are stored in the database."""

    ADMIN = "admin"  # named in the director's order, from config (clause 3.1)
    EXTRA_ADMIN = "extra_admin"  # appointed by an admin from joined teachers (3.2)
    ADMINISTRATION = "administration"  # director, deputies (3.2, second list)
    CLASS_TEACHER = "class_teacher"  # class leadership per the director's distribution (3.3)
    TEACHER = "teacher"  # incl. additional-education teachers (3.4)
    STUDENT = "student"  # 3.5
    PARENT = "parent"  # legal representative (3.6)


ROLE_TITLES: dict[Role, str] = {
    Role.ADMIN: "администратор",
    Role.EXTRA_ADMIN: "дополнительный администратор",
    Role.ADMINISTRATION: "администрация школы",
    Role.CLASS_TEACHER: "классный руководитель",
    Role.TEACHER: "учитель",
    Role.STUDENT: "ученик",
    Role.PARENT: "родитель",
}


class Action(StrEnum):
    """Something a user may ask the bot to do."""

    USE_HELP = "use_help"
    READ_REGISTRY = "read_registry"
    REPORT = "report"  # report a stolen account or abuse (4.5)
    MANAGE_OWN_DATA = "manage_own_data"
    BIND_CHAT = "bind_chat"
    INVITE_ANY = "invite_any"  # invitation links to any group and role (3.2)
    INVITE_OWN_CLASS = "invite_own_class"  # students and parents of one's own class (3.3)
    INVITE_OWN_SUBJECT = "invite_own_subject"  # students of one's own subject groups (3.4)
    DECIDE_REQUESTS = "decide_requests"  # approve/reject join requests (3.2)
    MANAGE_PEOPLE = "manage_people"  # verify, class teacher, move, remove (3.2)
    APPOINT_ADMINS = "appoint_admins"  # additional administrators (3.2)
    ERASE_OTHERS = "erase_others"  # erase a leaver's data (the order's administrators only)
    READ_DESTRUCTION_LOG = "read_destruction_log"  # records of destroyed personal data (152-ФЗ; the order's administrators)
    MODERATE = "moderate"  # warnings, pardons, filters, modlog (4.5, 4.6)
    HANDLE_REPORTS = "handle_reports"
    VIEW_STATS = "view_stats"  # statistics for the director (3.2, last item)
    ANNOUNCE = "announce"
    VIEW_OWN_CLASS_STATS = "view_own_class_stats"  # a class teacher's statistics of their class (3.3)
    ANNOUNCE_OWN_CLASS = "announce_own_class"  # a class teacher's announcements to their class (3.3)
    READ_AUDIT = "read_audit"  # the log of administrative decisions (3.2)


_EVERYONE = frozenset({Action.USE_HELP, Action.READ_REGISTRY, Action.REPORT, Action.MANAGE_OWN_DATA})
_STAFF_ADMIN = _EVERYONE | {
    Action.BIND_CHAT,
    Action.INVITE_ANY,
    Action.DECIDE_REQUESTS,
    Action.MANAGE_PEOPLE,
    Action.MODERATE,
    Action.HANDLE_REPORTS,
    Action.VIEW_STATS,
    Action.ANNOUNCE,
    Action.READ_AUDIT,
}

# The permission table. A user holds the union of the actions of all their roles.
PERMISSIONS: dict[Role | None, frozenset[Action]] = {
    Role.ADMIN: frozenset(_STAFF_ADMIN | {Action.APPOINT_ADMINS, Action.ERASE_OTHERS, Action.READ_DESTRUCTION_LOG}),
    Role.EXTRA_ADMIN: frozenset(_STAFF_ADMIN),
    Role.ADMINISTRATION: frozenset(_EVERYONE | {Action.VIEW_STATS, Action.ANNOUNCE, Action.HANDLE_REPORTS}),
    Role.CLASS_TEACHER: frozenset(_EVERYONE | {Action.INVITE_OWN_CLASS, Action.VIEW_OWN_CLASS_STATS,
                                               Action.ANNOUNCE_OWN_CLASS}),
    Role.TEACHER: frozenset(_EVERYONE | {Action.INVITE_OWN_SUBJECT}),
    Role.STUDENT: _EVERYONE,
    Role.PARENT: _EVERYONE,
    None: _EVERYONE,  # someone the bot does not know yet
}


def actions_of(roles: Iterable[Role]) -> frozenset[Action]:
    """All actions allowed to a holder of `roles` (an unknown user has no roles)."""
    allowed: set[Action] = set(PERMISSIONS[None])
    for role in roles:
        allowed |= PERMISSIONS[role]
    return frozenset(allowed)


def may(roles: Iterable[Role], action: Action) -> bool:
    return action in actions_of(roles)


# What a refused user is told, where the generic text would not fit.
DENIED_TEXT: dict[Action, str] = {
    Action.APPOINT_ADMINS: "Извините, назначать дополнительных администраторов может только администратор, назначенный "
    "приказом директора (п. 3.1–3.2 Положения).",
    Action.MANAGE_PEOPLE: "Извините, эта команда доступна только администраторам школы (п. 3.2 Положения).",
    Action.BIND_CHAT: "Извините, привязывать чаты могут только администраторы школы (п. 3.1–3.2 Положения).",
}


def require(roles: Iterable[Role], action: Action) -> None:
    """Raise PermissionDenied (with the text for this action) unless `roles` allow `action`."""
    if not may(roles, action):
        text = DENIED_TEXT.get(action)
        raise PermissionDenied(action.value, text=text) if text else PermissionDenied(action.value)


def is_admin(roles: Iterable[Role]) -> bool:
    """Administrators of either kind are never removed from chats."""
    return bool({Role.ADMIN, Role.EXTRA_ADMIN} & set(roles))


ROLE_ALIASES: dict[str, Role] = {
    "admin": Role.ADMIN,
    "администратор": Role.ADMIN,
    "extra_admin": Role.EXTRA_ADMIN,
    "administration": Role.ADMINISTRATION,
    "администрация": Role.ADMINISTRATION,
    "руководство": Role.ADMINISTRATION,
    "class_teacher": Role.CLASS_TEACHER,
    "classteacher": Role.CLASS_TEACHER,
    "классрук": Role.CLASS_TEACHER,
    "классный": Role.CLASS_TEACHER,
    "teacher": Role.TEACHER,
    "учитель": Role.TEACHER,
    "педагог": Role.TEACHER,
    "student": Role.STUDENT,
    "ученик": Role.STUDENT,
    "ученица": Role.STUDENT,
    "обучающийся": Role.STUDENT,
    "parent": Role.PARENT,
    "родитель": Role.PARENT,
}


def parse_role(word: str) -> Role | None:
    """A role from its Russian or English name, case-insensitively; None if unknown."""
    return ROLE_ALIASES.get(word.strip().lower().replace("ё", "е"))
