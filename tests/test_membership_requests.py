from datetime import datetime
from itertools import product

import pytest

from bot.errors import BadCommand, InvalidTransition
from bot.membership.groups import Group, SchoolClass
from bot.membership.requests import (
    REQUEST_TRANSITIONS,
    JoinRequest,
    JoinRequestAction,
    JoinRequestState,
    approve,
    cancel,
    initial_state,
    name_child,
    reject,
    transition,
    validate_child_name,
)
from bot.port.ids import PersonId
from bot.roles import Role

S, A = JoinRequestState, JoinRequestAction
NOW = datetime(2024, 9, 1, 9, 0)
APPLICANT, ADMIN, TEACHER = PersonId("vk:5"), PersonId("vk:1"), PersonId("max:2")
EXPECTED = {
    (S.AWAITING_CHILD, A.CHILD_NAMED): S.PENDING,
    (S.AWAITING_CHILD, A.REJECT): S.REJECTED,
    (S.AWAITING_CHILD, A.CANCEL): S.CANCELLED,
    (S.PENDING, A.APPROVE): S.APPROVED,
    (S.PENDING, A.AUTO_APPROVE): S.APPROVED,
    (S.PENDING, A.REJECT): S.REJECTED,
    (S.PENDING, A.CANCEL): S.CANCELLED,
}


@pytest.mark.parametrize(("state", "action"), list(product(S, A)))
def test_every_transition_is_in_the_table_or_refused(state: S, action: A) -> None:
    if (state, action) in EXPECTED:
        assert transition(state, action) is EXPECTED[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            transition(state, action)


def test_table_is_exactly_the_expected_one() -> None:
    assert REQUEST_TRANSITIONS == EXPECTED


@pytest.mark.parametrize(
    ("role", "needs_approval", "expected"),
    [
        (Role.PARENT, True, S.AWAITING_CHILD),
        (Role.PARENT, False, S.AWAITING_CHILD),
        (Role.STUDENT, True, S.PENDING),
        (Role.STUDENT, False, S.APPROVED),
        (Role.TEACHER, True, S.PENDING),
    ],
)
def test_initial_state(role: Role, needs_approval: bool, expected: S) -> None:
    assert initial_state(role, needs_approval) is expected


def _request(role: Role = Role.PARENT, state: S = S.AWAITING_CHILD) -> JoinRequest:
    return JoinRequest(
        id=12, person_id=APPLICANT, invite_code="ABCD-EFGH", role=role, group=Group.of_class(SchoolClass(5, "А")),
        state=state, child_name=None, created_at=NOW, decided_by=None, decided_at=None, reason=None,
    )  # fmt: skip


def test_parent_without_approval_is_approved_once_child_named() -> None:
    done = name_child(_request(), "иванов пётр", needs_approval=False, now=NOW)
    assert (done.state, done.child_name, done.decided_at) == (S.APPROVED, "Иванов Пётр", NOW)


def test_parent_with_approval_waits_then_decided() -> None:
    named = name_child(_request(), "Петя Иванов", needs_approval=True, now=NOW)
    assert named.state is S.PENDING
    approved = approve(named, by=ADMIN, now=NOW)
    assert (approved.state, approved.decided_by, approved.decided_at) == (S.APPROVED, ADMIN, NOW)
    assert approved.person_id == APPLICANT
    with pytest.raises(InvalidTransition):
        reject(approved, by=ADMIN, now=NOW)


def test_reject_and_cancel() -> None:
    rejected = reject(_request(Role.STUDENT, S.PENDING), by=TEACHER, now=NOW, reason="нет в списке")
    assert (rejected.state, rejected.reason, rejected.decided_by) == (S.REJECTED, "нет в списке", TEACHER)
    cancelled = cancel(_request(), now=NOW)
    assert (cancelled.state, cancelled.decided_by) == (S.CANCELLED, None)  # the applicant's own act


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Иванов Пётр", "Иванов Пётр"),
        ("петя  иванов", "Петя Иванов"),
        ("Анна-мария Кузнецова", "Анна-Мария Кузнецова"),
        ("Ли Ян", "Ли Ян"),
    ],
)
def test_validate_child_name(text: str, expected: str) -> None:
    assert validate_child_name(text) == expected


@pytest.mark.parametrize("text", ["", "Я", "Ян", "Петя", "Иванов 5А", "id123", "-Петя", "Петя--Иванов", "а" * 61, "Петя!"])
def test_validate_child_name_refuses_politely(text: str) -> None:
    with pytest.raises(BadCommand) as caught:
        validate_child_name(text)
    assert "например" in caught.value.text
