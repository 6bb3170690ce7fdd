"""Keeping the chats in line with the roster (clauses 3.2, 3.5–3.6): pure decisions.

Who belongs in which bound chat, what to do when someone enters it, and what a /move changes.
The handlers turn the answers into VK calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.chats import CHANNEL_PURPOSES, ChatBinding, ChatPurpose
from bot.classlist.matching import names_overlap
from bot.errors import BadCommand
from bot.membership.groups import Group, GroupKind, SchoolClass, parse_class
from bot.port.ids import PersonId
from bot.roles import Role, is_admin

STAFF_ROLES = frozenset({Role.ADMIN, Role.EXTRA_ADMIN, Role.ADMINISTRATION, Role.CLASS_TEACHER, Role.TEACHER})


@dataclass(frozen=True, kw_only=True)
class Membership:
    """A person in a group in a role."""

    id: int
    """Row id."""
    person_id: PersonId
    """Who."""
    role: Role
    """In which role."""
    group: Group
    """In which group."""
    since: datetime
    """When it began."""
    ended: datetime | None = None
    """When it ended; None while it lasts."""


@dataclass(frozen=True, kw_only=True)
class Child:
    """A parent's child as the parent named them (3.6): the name as given and the class."""

    id: int
    """Row id."""
    parent_id: PersonId
    """The parent."""
    name: str
    """The child's name as the parent wrote it."""
    school_class: SchoolClass
    """The child's class."""


@dataclass(frozen=True, kw_only=True)
class MemberFacts:
    """What the roster knows about one person, enough to judge their presence in a chat."""

    person_id: PersonId
    """Who."""
    is_bot: bool = False
    """A bot or a community (the school's bot itself): never a stranger."""
    roles: frozenset[Role] = frozenset()
    """Roles, ADMIN from the config included."""
    groups: frozenset[tuple[Role, Group]] = frozenset()
    """Live memberships as (role, group)."""
    class_teacher_of: frozenset[SchoolClass] = frozenset()
    """Classes this person leads."""


class EntryVerdict(StrEnum):
    ALLOW = "allow"
    REPORT = "report"  # tell the staff chat, leave them in
    REMOVE = "remove"  # tell the staff chat and remove them


def chats_for(role: Role, group: Group) -> tuple[ChatBinding, ...]:
    """The bound chats a membership leads to; its members receive these chats' links."""
    label = str(group.school_class) if group.school_class is not None else None
    if group.kind is GroupKind.STAFF:
        return (ChatBinding(purpose=ChatPurpose.STAFF),)
    if group.kind is GroupKind.ADMINISTRATION:
        return (ChatBinding(purpose=ChatPurpose.ADMINISTRATION),)
    if group.kind is GroupKind.SUBJECT:
        return (ChatBinding(purpose=ChatPurpose.SUBJECT, class_label=label, subject=group.subject),)
    if role is Role.STUDENT:
        return (ChatBinding(purpose=ChatPurpose.CLASS_STUDENTS, class_label=label),)
    if role is Role.PARENT:
        return (ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label=label),)
    # a class teacher's membership leads to both class chats (3.3)
    return (
        ChatBinding(purpose=ChatPurpose.CLASS_STUDENTS, class_label=label),
        ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label=label),
    )


def group_of_chat(binding: ChatBinding) -> Group | None:
    """The group of the nomenclature a bound chat serves; None for the school's channels."""
    if binding.purpose in CHANNEL_PURPOSES:
        return None
    if binding.purpose is ChatPurpose.STAFF:
        return Group.staff()
    if binding.purpose is ChatPurpose.ADMINISTRATION:
        return Group.administration()
    school_class = parse_class(binding.class_label or "")
    if binding.purpose is ChatPurpose.SUBJECT:
        return Group.subject_group(school_class, binding.subject or "")
    return Group.of_class(school_class)


def class_of_chat(binding: ChatBinding) -> SchoolClass | None:
    return parse_class(binding.class_label) if binding.class_label else None


def is_protected(binding: ChatBinding, facts: MemberFacts) -> bool:
    """Never removed: the bot, administrators, the class's teacher, staff in the staff chat."""
    if facts.is_bot or is_admin(facts.roles):
        return True
    school_class = class_of_chat(binding)
    if school_class is not None and school_class in facts.class_teacher_of:
        return True
    if binding.purpose is ChatPurpose.STAFF:
        return bool(STAFF_ROLES & facts.roles)
    if binding.purpose is ChatPurpose.ADMINISTRATION:
        return Role.ADMINISTRATION in facts.roles
    if binding.purpose is ChatPurpose.CHANNEL_STAFF:
        return bool(STAFF_ROLES & facts.roles)
    if binding.purpose is ChatPurpose.CHANNEL_GENERAL:
        return bool(facts.roles)  # anyone the school let in, whichever group
    return False


def belongs_in(binding: ChatBinding, facts: MemberFacts) -> bool:
    """Whether the person may be in the chat: protected, or a membership leads there."""
    if is_protected(binding, facts):
        return True
    return any(binding in chats_for(role, group) for role, group in facts.groups)


def decide_entry(binding: ChatBinding, facts: MemberFacts, *, remove_strangers: bool) -> EntryVerdict:
    """What to do when someone enters a bound chat."""
    if belongs_in(binding, facts):
        return EntryVerdict.ALLOW
    return EntryVerdict.REMOVE if remove_strangers else EntryVerdict.REPORT


def strangers(binding: ChatBinding, members: Iterable[MemberFacts]) -> list[PersonId]:
    """Ids of the chat's members who have no business there (for /members)."""
    return [facts.person_id for facts in members if not belongs_in(binding, facts)]


def same_name(first: str, second: str) -> bool:
    """«Иванов Петя» is «Петя Иванов», «Пётр Иванов» and «Иванов Петр»: parents write the name in any
    order, case and form (bot.classlist.matching)."""

    def words(name: str) -> list[str]:
        return sorted(name.lower().replace("ё", "е").replace("-", " ").split())

    if bool(words(first)) and words(first) == words(second):
        return True
    return names_overlap(first, second)


@dataclass(frozen=True, kw_only=True)
class MovePlan:
    """What /move changes (3.2: movement of students); handlers carry it out and audit it."""

    student_id: PersonId
    """The student."""
    old_class: SchoolClass
    """Where they were."""
    new_class: SchoolClass
    """Where they go."""
    end: tuple[tuple[PersonId, Role, Group], ...]
    """Memberships to end: (person, role, group)."""
    start: tuple[tuple[PersonId, Role, Group], ...]
    """Memberships to start."""
    children: tuple[Child, ...]
    """Children records that follow the student to the new class."""
    leave: tuple[tuple[PersonId, ChatBinding], ...]
    """Who must leave which chat."""
    join: tuple[tuple[PersonId, ChatBinding], ...]
    """Who gets the link of which chat."""

    @property
    def parent_ids(self) -> list[PersonId]:
        return sorted({child.parent_id for child in self.children})


@dataclass
class _Plan:
    end: list[tuple[PersonId, Role, Group]] = field(default_factory=list)
    start: list[tuple[PersonId, Role, Group]] = field(default_factory=list)

    def chats(self, moves: list[tuple[PersonId, Role, Group]]) -> tuple[tuple[PersonId, ChatBinding], ...]:
        return tuple((who, chat) for who, role, group in moves for chat in chats_for(role, group))


def student_class(memberships: Sequence[Membership]) -> SchoolClass:
    """The class a student learns in; BadCommand if the person is not a student of a class."""
    classes = [m.group.school_class for m in memberships if m.role is Role.STUDENT and m.group.kind is GroupKind.CLASS]
    if len(classes) != 1 or classes[0] is None:
        raise BadCommand("not a student", text="Этот человек не числится учеником какого-либо класса.")
    return classes[0]


def plan_move(
    *,
    student_id: PersonId,
    student_name: str,
    memberships: Sequence[Membership],
    new_class: SchoolClass,
    children_of_old_class: Sequence[Child],
) -> MovePlan:
    """Move a student and the parents who named them to `new_class`.

    Parents are matched by the child's name as they gave it; a parent keeps the old class
    when another of their children still learns there.
    """
    old_class = student_class(memberships)
    if old_class == new_class:
        raise BadCommand("same class", text=f"Ученик уже числится в {new_class}.")
    plan = _Plan()
    plan.end.append((student_id, Role.STUDENT, Group.of_class(old_class)))
    for m in memberships:  # subject groups belong to the old class and end with it
        if m.group.kind is GroupKind.SUBJECT and m.group.school_class == old_class:
            plan.end.append((student_id, m.role, m.group))
    plan.start.append((student_id, Role.STUDENT, Group.of_class(new_class)))
    moving = [c for c in children_of_old_class if same_name(c.name, student_name)]
    for parent_id in sorted({c.parent_id for c in moving}):
        staying = [c for c in children_of_old_class if c.parent_id == parent_id and c not in moving]
        if not staying:
            plan.end.append((parent_id, Role.PARENT, Group.of_class(old_class)))
        plan.start.append((parent_id, Role.PARENT, Group.of_class(new_class)))
    return MovePlan(
        student_id=student_id,
        old_class=old_class,
        new_class=new_class,
        end=tuple(plan.end),
        start=tuple(plan.start),
        children=tuple(moving),
        leave=plan.chats(plan.end),
        join=plan.chats(plan.start),
    )
