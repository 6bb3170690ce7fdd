import pytest

from bot.errors import PermissionDenied
from bot.membership.groups import Group, SchoolClass
from bot.membership.scope import check_may_decide, check_may_invite
from bot.roles import Role

C5A, C6B = SchoolClass(5, "А"), SchoolClass(6, "Б")
G5A, G6B = Group.of_class(C5A), Group.of_class(C6B)
PHYS_5A = Group.subject_group(C5A, "физика")
PHYS_6B = Group.subject_group(C6B, "физика")
CLASS_TEACHER = ({Role.CLASS_TEACHER, Role.TEACHER}, {C5A}, set[Group]())
TEACHER = ({Role.TEACHER}, set[SchoolClass](), {PHYS_6B})


@pytest.mark.parametrize("admin", [Role.ADMIN, Role.EXTRA_ADMIN])
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("group", [None, Group.staff(), Group.administration(), G5A, PHYS_6B])
def test_admin_may_do_anything(admin: Role, role: Role, group: Group | None) -> None:
    check_may_invite({admin}, set(), set(), role, group)
    check_may_decide({admin}, set(), set(), role, group)


@pytest.mark.parametrize("check", [check_may_invite, check_may_decide])
@pytest.mark.parametrize(("role", "group"), [(Role.STUDENT, G5A), (Role.PARENT, G5A), (Role.PARENT, PHYS_5A)])
def test_class_teacher_may_bring_own_class(check, role: Role, group: Group) -> None:  # type: ignore[no-untyped-def]
    check(*CLASS_TEACHER, role, group)


def test_class_teacher_cannot_invite_to_another_class() -> None:
    with pytest.raises(PermissionDenied) as caught:
        check_may_invite(*CLASS_TEACHER, Role.STUDENT, G6B)
    assert "5А" in caught.value.text


@pytest.mark.parametrize("role", [Role.TEACHER, Role.CLASS_TEACHER, Role.ADMINISTRATION, Role.EXTRA_ADMIN])
def test_class_teacher_cannot_invite_staff(role: Role) -> None:
    with pytest.raises(PermissionDenied) as caught:
        check_may_invite(*CLASS_TEACHER, role, G5A)
    assert "администратор" in caught.value.text


def test_teacher_may_invite_students_to_own_subject_group() -> None:
    check_may_invite(*TEACHER, Role.STUDENT, PHYS_6B)
    check_may_decide(*TEACHER, Role.STUDENT, PHYS_6B)


def test_teacher_cannot_invite_a_parent() -> None:
    with pytest.raises(PermissionDenied) as caught:
        check_may_invite(*TEACHER, Role.PARENT, PHYS_6B)
    assert "родителей" in caught.value.text


@pytest.mark.parametrize("group", [G6B, PHYS_5A, None])
def test_teacher_cannot_invite_outside_own_groups(group: Group | None) -> None:
    with pytest.raises(PermissionDenied) as caught:
        check_may_invite(*TEACHER, Role.STUDENT, group)
    assert "6Б физика" in caught.value.text


@pytest.mark.parametrize("roles", [set(), {Role.STUDENT}, {Role.PARENT}, {Role.ADMINISTRATION}])
def test_everybody_else_is_refused(roles: set[Role]) -> None:
    with pytest.raises(PermissionDenied):
        check_may_invite(roles, {C5A}, {PHYS_5A}, Role.STUDENT, G5A)
    with pytest.raises(PermissionDenied):
        check_may_decide(roles, {C5A}, {PHYS_5A}, Role.STUDENT, G5A)
