"""Who may invite whom, and who may decide a join request (clauses 3.2–3.4).

Admins invite anybody anywhere (3.2); a class teacher brings in the students and parents of
their own class (3.3); a teacher brings in the students of their own subject groups (3.4).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from bot.errors import PermissionDenied
from bot.membership.groups import Group, GroupKind, SchoolClass
from bot.roles import Action, Role, may

_CLASS_ROLES = frozenset({Role.STUDENT, Role.PARENT})


def _list(items: Set[SchoolClass] | Set[Group]) -> str:
    return ", ".join(sorted(str(item) for item in items)) or "пока не закреплены"


def _in_own_class(group: Group | None, actor_classes: Set[SchoolClass]) -> bool:
    return (
        group is not None
        and group.kind in (GroupKind.CLASS, GroupKind.SUBJECT)
        and group.school_class in actor_classes
    )


@dataclass(frozen=True)
class _Wording:
    """Refusal texts for one kind of act, so each reads naturally in Russian."""

    nobody: str
    staff_only: str
    parents_only: str
    own_class: str  # formatted with the actor's classes
    own_groups: str  # formatted with the actor's subject groups
    prefix: str


_INVITE = _Wording(
    nobody="Извините, приглашать могут только администраторы, классные руководители и учителя (п. 3.2–3.4 Положения).",
    staff_only="Извините, учителей и администрацию школы приглашает только администратор (п. 3.2 Положения).",
    parents_only="Извините, родителей приглашает классный руководитель или администратор (п. 3.6 Положения).",
    own_class="в свой класс ({})",
    own_groups="в свои учебные группы ({})",
    prefix="Извините, вы можете приглашать только ",
)
_DECIDE = _Wording(
    nobody="Извините, рассматривать заявки могут только администраторы, классные руководители и учителя.",
    staff_only="Извините, заявки учителей и администрации школы рассматривает только администратор (п. 3.2 Положения).",
    parents_only="Извините, заявки родителей рассматривает классный руководитель или администратор.",
    own_class="своего класса ({})",
    own_groups="своих учебных групп ({})",
    prefix="Извините, вы можете рассматривать только заявки ",
)


def _check_scope(
    actor_roles: Set[Role],
    actor_classes: Set[SchoolClass],
    actor_subject_groups: Set[Group],
    role: Role,
    group: Group | None,
    wording: _Wording,
) -> None:
    """The class-teacher and teacher part of the rule, shared by inviting and deciding."""
    by_class = may(actor_roles, Action.INVITE_OWN_CLASS)
    by_subject = may(actor_roles, Action.INVITE_OWN_SUBJECT)
    if by_class and role in _CLASS_ROLES and _in_own_class(group, actor_classes):
        return
    if by_subject and role is Role.STUDENT and group in actor_subject_groups:
        return
    if not (by_class or by_subject):
        text = wording.nobody
    elif role not in _CLASS_ROLES:
        text = wording.staff_only
    elif role is Role.PARENT and not by_class:
        text = wording.parents_only
    else:
        allowed = [wording.own_class.format(_list(actor_classes))] if by_class else []
        allowed += [wording.own_groups.format(_list(actor_subject_groups))] if by_subject else []
        text = wording.prefix + " и ".join(allowed) + "."
    raise PermissionDenied(f"{role.value} to {group}", text=text)


def check_may_invite(
    actor_roles: Set[Role],
    actor_classes: Set[SchoolClass],
    actor_subject_groups: Set[Group],
    role: Role,
    group: Group | None,
) -> None:
    """PermissionDenied unless the actor may make an invitation for `role` to `group`."""
    if may(actor_roles, Action.INVITE_ANY):
        return
    _check_scope(actor_roles, actor_classes, actor_subject_groups, role, group, _INVITE)


def check_may_decide(
    actor_roles: Set[Role],
    actor_classes: Set[SchoolClass],
    actor_subject_groups: Set[Group],
    role: Role,
    group: Group | None,
) -> None:
    """PermissionDenied unless the actor may approve or reject a request for `role` in `group`."""
    if may(actor_roles, Action.DECIDE_REQUESTS):
        return
    _check_scope(actor_roles, actor_classes, actor_subject_groups, role, group, _DECIDE)


def check_own_class(actor_roles: Set[Role], actor_classes: Set[SchoolClass], school_class: SchoolClass | None,
                    doing: str) -> None:
    """Administrators act on any class (3.2); a class teacher on their own (3.3): PermissionDenied otherwise.

    `doing` completes «Вы можете … только своего класса»: «смотреть список», «снимать предупреждения учеников».
    """
    if may(actor_roles, Action.MANAGE_PEOPLE):
        return
    if may(actor_roles, Action.INVITE_OWN_CLASS) and school_class is not None and school_class in actor_classes:
        return
    raise PermissionDenied(f"not own class {school_class}",
                           text=f"Извините, вы можете {doing} только своего класса ({_list(actor_classes)}).")
