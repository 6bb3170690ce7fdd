import pytest

from bot.errors import BadCommand
from bot.membership.eligibility import check_can_be_extra_admin, check_can_be_verified, check_can_lead_a_class
from bot.roles import Role


def test_only_joined_teachers_are_verified() -> None:
    check_can_be_verified({Role.TEACHER})
    check_can_be_verified({Role.CLASS_TEACHER})
    with pytest.raises(BadCommand):
        check_can_be_verified({Role.PARENT})


def test_class_leadership_needs_the_teacher_role() -> None:
    check_can_lead_a_class({Role.TEACHER, Role.PARENT})
    with pytest.raises(BadCommand) as error:
        check_can_lead_a_class({Role.STUDENT})
    assert "учителя" in error.value.text


def test_extra_admins_are_verified_teachers() -> None:
    check_can_be_extra_admin({Role.TEACHER}, verified=True)
    with pytest.raises(BadCommand):
        check_can_be_extra_admin({Role.TEACHER}, verified=False)
    with pytest.raises(BadCommand):
        check_can_be_extra_admin({Role.PARENT}, verified=True)
