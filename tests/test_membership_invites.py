from dataclasses import replace
from datetime import datetime, timedelta
from itertools import product

import pytest

from bot.errors import InvalidTransition, InviteExpired, InviteRevoked, InviteUsedUp
from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import (
    INVITE_TRANSITIONS,
    Invite,
    InviteAction,
    InviteDefaults,
    InviteState,
    check_usable,
    consume,
    describe,
    make_invite,
    revoke,
    transition,
)
from bot.roles import Role

NOW = datetime(2024, 9, 1, 9, 0)
CLASS_5A = Group.of_class(SchoolClass(5, "А"))

EXPECTED = {
    (InviteState.ACTIVE, InviteAction.USE): InviteState.ACTIVE,
    (InviteState.ACTIVE, InviteAction.USE_LAST): InviteState.USED_UP,
    (InviteState.ACTIVE, InviteAction.EXPIRE): InviteState.EXPIRED,
    (InviteState.ACTIVE, InviteAction.REVOKE): InviteState.REVOKED,
}


@pytest.mark.parametrize(("state", "action"), list(product(InviteState, InviteAction)))
def test_every_transition_is_in_the_table_or_refused(state: InviteState, action: InviteAction) -> None:
    if (state, action) in EXPECTED:
        assert transition(state, action) is EXPECTED[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            transition(state, action)


def test_table_is_exactly_the_expected_one() -> None:
    assert INVITE_TRANSITIONS == EXPECTED


def _invite(role: Role = Role.STUDENT, **changes: object) -> Invite:
    invite = make_invite(
        code="ABCD-EFGH", role=role, group=CLASS_5A, created_by=1, now=NOW, defaults=InviteDefaults()
    )
    return replace(invite, **changes)


def test_defaults() -> None:
    defaults = InviteDefaults()
    teacher = make_invite(code="X", role=Role.TEACHER, group=Group.staff(), created_by=1, now=NOW, defaults=defaults)
    student = _invite()
    assert teacher.max_uses == 1
    assert student.max_uses is None
    assert student.expires_at == NOW + timedelta(days=7)
    assert student.needs_approval is True
    assert student.state is InviteState.ACTIVE


def test_explicit_arguments_beat_defaults() -> None:
    invite = make_invite(
        code="X", role=Role.PARENT, group=CLASS_5A, created_by=1, now=NOW, defaults=InviteDefaults(),
        uses=30, ttl=timedelta(days=1), approve=False,
    )  # fmt: skip
    assert (invite.max_uses, invite.expires_at, invite.needs_approval) == (30, NOW + timedelta(days=1), False)


def test_defaults_come_from_config_data() -> None:
    defaults = InviteDefaults.model_validate({"ttl": "P3D", "needs_approval": False, "single_use_roles": ["teacher"]})
    assert defaults.ttl == timedelta(days=3)
    assert defaults.max_uses_for(Role.ADMINISTRATION) is None


def test_consume_counts_and_uses_up() -> None:
    invite = _invite(max_uses=2)
    once = consume(invite, NOW)
    assert (once.uses, once.state) == (1, InviteState.ACTIVE)
    twice = consume(once, NOW)
    assert (twice.uses, twice.state) == (2, InviteState.USED_UP)
    with pytest.raises(InviteUsedUp):
        consume(twice, NOW)


def test_unlimited_invite_stays_active() -> None:
    invite = _invite()
    for _ in range(50):
        invite = consume(invite, NOW)
    assert (invite.uses, invite.state) == (50, InviteState.ACTIVE)


@pytest.mark.parametrize(
    ("invite", "now", "error"),
    [
        (_invite(state=InviteState.REVOKED), NOW, InviteRevoked),
        (_invite(state=InviteState.USED_UP), NOW, InviteUsedUp),
        (_invite(max_uses=1, uses=1), NOW, InviteUsedUp),  # stored state lagging behind
        (_invite(state=InviteState.EXPIRED), NOW, InviteExpired),
        (_invite(), NOW + timedelta(days=7), InviteExpired),
    ],
)
def test_check_usable_failures_say_whom_to_ask(invite: Invite, now: datetime, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        check_usable(invite, now)
    assert "классного руководителя" in caught.value.text  # type: ignore[attr-defined]


def test_staff_invite_failure_points_to_the_admin() -> None:
    with pytest.raises(InviteExpired) as caught:
        check_usable(_invite(Role.TEACHER, group=Group.staff()), NOW + timedelta(days=8))
    assert "администратора" in caught.value.text


def test_revoke_only_active() -> None:
    assert revoke(_invite()).state is InviteState.REVOKED
    with pytest.raises(InvalidTransition):
        revoke(_invite(state=InviteState.USED_UP))


def test_describe() -> None:
    assert describe(_invite(), NOW) == "ABCD-EFGH: ученик, 5А, использований 0/∞, до 08.09, 09:00 (через 7 дней)"
    assert describe(_invite(state=InviteState.REVOKED), NOW).endswith("аннулирована")
