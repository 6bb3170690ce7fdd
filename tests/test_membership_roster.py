from datetime import UTC, datetime

import pytest

from bot.chats import ChatBinding, ChatPurpose
from bot.errors import BadCommand
from bot.membership.groups import Group, SchoolClass
from bot.membership.roster import (
    Child,
    EntryVerdict,
    MemberFacts,
    Membership,
    belongs_in,
    chats_for,
    decide_entry,
    group_of_chat,
    plan_move,
    same_name,
    strangers,
)
from bot.port.ids import PersonId
from bot.roles import Role

NOW = datetime(2026, 9, 1, tzinfo=UTC)
C5A, C6B = SchoolClass(5, "А"), SchoolClass(6, "Б")
PARENTS_5A = ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label="5А")
STUDENTS_5A = ChatBinding(purpose=ChatPurpose.CLASS_STUDENTS, class_label="5А")
STAFF = ChatBinding(purpose=ChatPurpose.STAFF)
PHYSICS_5A = ChatBinding(purpose=ChatPurpose.SUBJECT, class_label="5А", subject="физика")


def P(raw: int) -> PersonId:
    return PersonId(f"vk:{raw}")


def facts(raw: int = 7, *roles: Role, groups: tuple = (), leads: tuple = ()) -> MemberFacts:  # type: ignore[type-arg]
    return MemberFacts(person_id=PersonId(f"vk:{abs(raw)}"), is_bot=raw < 0, roles=frozenset(roles),
                       groups=frozenset(groups), class_teacher_of=frozenset(leads))


def test_memberships_lead_to_their_chats() -> None:
    assert chats_for(Role.PARENT, Group.of_class(C5A)) == (PARENTS_5A,)
    assert chats_for(Role.STUDENT, Group.of_class(C5A)) == (STUDENTS_5A,)
    assert chats_for(Role.STUDENT, Group.subject_group(C5A, "Физика")) == (PHYSICS_5A,)
    assert chats_for(Role.TEACHER, Group.staff()) == (STAFF,)
    assert set(chats_for(Role.CLASS_TEACHER, Group.of_class(C5A))) == {PARENTS_5A, STUDENTS_5A}


@pytest.mark.parametrize(
    ("binding", "group"),
    [
        (PARENTS_5A, Group.of_class(C5A)),
        (STUDENTS_5A, Group.of_class(C5A)),
        (STAFF, Group.staff()),
        (PHYSICS_5A, Group.subject_group(C5A, "физика")),
    ],
)
def test_group_of_chat(binding: ChatBinding, group: Group) -> None:
    assert group_of_chat(binding) == group


def test_approved_parent_is_allowed_only_in_their_class_parents_chat() -> None:
    parent = facts(7, Role.PARENT, groups=((Role.PARENT, Group.of_class(C5A)),))
    assert decide_entry(PARENTS_5A, parent, remove_strangers=True) is EntryVerdict.ALLOW
    assert decide_entry(STUDENTS_5A, parent, remove_strangers=True) is EntryVerdict.REMOVE
    other_class = ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label="6Б")
    assert decide_entry(other_class, parent, remove_strangers=False) is EntryVerdict.REPORT


@pytest.mark.parametrize(
    "who",
    [
        facts(-56),  # the bot itself
        facts(1, Role.ADMIN),
        facts(2, Role.EXTRA_ADMIN),
        facts(3, Role.CLASS_TEACHER, leads=(C5A,)),
    ],
)
def test_never_removed(who: MemberFacts) -> None:
    assert decide_entry(PARENTS_5A, who, remove_strangers=True) is EntryVerdict.ALLOW


def test_staff_chat_is_for_staff_only() -> None:
    assert belongs_in(STAFF, facts(5, Role.TEACHER))
    assert not belongs_in(STAFF, facts(6, Role.PARENT, groups=((Role.PARENT, Group.of_class(C5A)),)))
    assert not belongs_in(PARENTS_5A, facts(5, Role.TEACHER))  # a teacher is not a parent of 5А
    assert not belongs_in(PARENTS_5A, facts(8, Role.CLASS_TEACHER, leads=(C6B,)))  # another class's teacher


def test_strangers_lists_only_those_without_business() -> None:
    members = [facts(-56), facts(1, Role.ADMIN), facts(9), facts(7, Role.PARENT, groups=((Role.PARENT, Group.of_class(C5A)),))]
    assert strangers(PARENTS_5A, members) == [P(9)]


def test_names_match_in_any_order_and_case() -> None:
    assert same_name("Иванов Петя", "петя иванов")
    assert same_name("Семёнова Аня", "Семенова Аня")
    # issue 11: a parent's «Петя» is the journal's «Пётр», a typo is forgiven; a sister is not her brother
    assert same_name("Иванов Петя", "Иванов Пётр Сергеевич")
    assert same_name("Ивонов Петя", "Пётр Иванов")
    assert not same_name("Иванов Петя", "Иванова Катя")
    assert not same_name("Иванов Петя", "Иванова Петя")
    assert not same_name("", "")


def membership(role: Role, group: Group) -> Membership:
    return Membership(id=1, person_id=P(4), role=role, group=group, since=NOW)


def test_move_takes_the_student_and_parents_who_named_them() -> None:
    children = [
        Child(id=1, parent_id=P(3), name="Иванов Петя", school_class=C5A),
        Child(id=2, parent_id=P(8), name="Иванов Петя", school_class=C5A),  # the other parent
        Child(id=3, parent_id=P(8), name="Иванова Маша", school_class=C5A),  # a sister stays in 5А
        Child(id=4, parent_id=P(9), name="Сидоров Коля", school_class=C5A),
    ]
    plan = plan_move(
        student_id=P(4), student_name="Петя Иванов", new_class=C6B, children_of_old_class=children,
        memberships=[membership(Role.STUDENT, Group.of_class(C5A)), membership(Role.STUDENT, Group.subject_group(C5A, "физика"))],
    )
    assert (plan.old_class, plan.new_class, plan.parent_ids) == (C5A, C6B, [P(3), P(8)])
    assert (P(3), Role.PARENT, Group.of_class(C5A)) in plan.end
    assert (P(8), Role.PARENT, Group.of_class(C5A)) not in plan.end  # still a parent in 5А
    assert (P(4), Role.STUDENT, Group.subject_group(C5A, "физика")) in plan.end
    assert {(P(4), STUDENTS_5A), (P(4), PHYSICS_5A), (P(3), PARENTS_5A)} == set(plan.leave)
    six_b = {b.class_label for _, b in plan.join}
    assert six_b == {"6Б"} and {who for who, _ in plan.join} == {P(3), P(4), P(8)}
    assert [c.id for c in plan.children] == [1, 2]


def test_move_refuses_non_students_and_the_same_class() -> None:
    with pytest.raises(BadCommand):
        plan_move(student_id=P(4), student_name="x y", memberships=[], new_class=C6B, children_of_old_class=[])
    with pytest.raises(BadCommand, match="same class"):
        plan_move(student_id=P(4), student_name="x y", memberships=[membership(Role.STUDENT, Group.of_class(C6B))],
                  new_class=C6B, children_of_old_class=[])
