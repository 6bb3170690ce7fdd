"""Invitation links: their lifecycle table, usability checks and defaults (clauses 3.2–3.6)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.errors import InvalidTransition, InviteExpired, InviteRevoked, InviteUsedUp
from bot.membership.durations import format_expiry
from bot.membership.groups import Group, GroupKind
from bot.port.ids import PersonId
from bot.roles import ROLE_TITLES, Role


class InviteState(StrEnum):
    """Values are stored in the database."""

    ACTIVE = "active"
    USED_UP = "used_up"
    EXPIRED = "expired"
    REVOKED = "revoked"  # cancelled by an admin as unclaimed (3.2)


class InviteAction(StrEnum):
    USE = "use"
    USE_LAST = "use_last"  # the use that exhausts max_uses
    EXPIRE = "expire"
    REVOKE = "revoke"


# The whole lifecycle; every state but ACTIVE is final.
INVITE_TRANSITIONS: dict[tuple[InviteState, InviteAction], InviteState] = {
    (InviteState.ACTIVE, InviteAction.USE): InviteState.ACTIVE,
    (InviteState.ACTIVE, InviteAction.USE_LAST): InviteState.USED_UP,
    (InviteState.ACTIVE, InviteAction.EXPIRE): InviteState.EXPIRED,
    (InviteState.ACTIVE, InviteAction.REVOKE): InviteState.REVOKED,
}


def transition(state: InviteState, action: InviteAction) -> InviteState:
    """The state after `action`; InvalidTransition if the table has no such arrow."""
    try:
        return INVITE_TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(f"invite: {state.value} --{action.value}-->") from None


# Which groups an invitation for a role may lead to; the first kind is the default when it
# needs no class (teachers join the staff room, the administration its own group).
INVITE_GROUP_KINDS: dict[Role, tuple[GroupKind, ...]] = {
    Role.TEACHER: (GroupKind.STAFF, GroupKind.SUBJECT),
    Role.ADMINISTRATION: (GroupKind.ADMINISTRATION,),
    Role.CLASS_TEACHER: (GroupKind.CLASS,),
    Role.STUDENT: (GroupKind.CLASS, GroupKind.SUBJECT),
    Role.PARENT: (GroupKind.CLASS, GroupKind.SUBJECT),
}


def default_group(role: Role) -> Group | None:
    """The group an invitation goes to when none is named; None if one must be named."""
    kinds = INVITE_GROUP_KINDS.get(role, ())
    if kinds[:1] == (GroupKind.STAFF,):
        return Group.staff()
    if kinds[:1] == (GroupKind.ADMINISTRATION,):
        return Group.administration()
    return None


class InviteDefaults(BaseModel):
    """Invitation defaults; the config may override any of them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ttl: timedelta = Field(default=timedelta(days=7), gt=timedelta(0))
    single_use_roles: frozenset[Role] = frozenset({Role.TEACHER, Role.ADMINISTRATION, Role.CLASS_TEACHER})
    needs_approval: bool = True

    def max_uses_for(self, role: Role, uses: int | None = None) -> int | None:
        """An explicit `uses` wins; staff links are single-use, the rest unlimited (None)."""
        if uses is not None:
            return uses
        return 1 if role in self.single_use_roles else None


@dataclass(frozen=True, kw_only=True)
class Invite:
    """An invitation link to join a group in a role."""

    code: str
    """Canonical «ABCD-EFGH» code."""
    role: Role
    """Role the person gets on joining."""
    group: Group | None
    """Group the person joins."""
    max_uses: int | None
    """How many people may join; None is unlimited."""
    uses: int
    """How many already did."""
    created_by: PersonId
    """Who made it."""
    created_at: datetime
    """When it was made."""
    expires_at: datetime
    """When it stops working."""
    needs_approval: bool
    """Whether joining creates a request to approve."""
    state: InviteState
    """Lifecycle state as last stored."""


def make_invite(
    *,
    code: str,
    role: Role,
    group: Group | None,
    created_by: PersonId,
    now: datetime,
    defaults: InviteDefaults,
    uses: int | None = None,
    ttl: timedelta | None = None,
    approve: bool | None = None,
) -> Invite:
    """A new ACTIVE invitation, with the defaults filling what the command left out."""
    return Invite(
        code=code,
        role=role,
        group=group,
        max_uses=defaults.max_uses_for(role, uses),
        uses=0,
        created_by=created_by,
        created_at=now,
        expires_at=now + (ttl if ttl is not None else defaults.ttl),
        needs_approval=defaults.needs_approval if approve is None else approve,
        state=InviteState.ACTIVE,
    )


def _ask_whom(invite: Invite) -> str:
    """Who hands out a new link of this kind (3.2 for staff, 3.5–3.6 for students and parents)."""
    if invite.role not in (Role.STUDENT, Role.PARENT):
        return "у администратора школы"
    if invite.group is not None and invite.group.kind is GroupKind.SUBJECT:
        return "у учителя или классного руководителя"
    return "у классного руководителя или администратора"


def effective_state(invite: Invite, now: datetime) -> InviteState:
    """The stored state, corrected for a clock that passed the expiry or uses that ran out."""
    if invite.state is not InviteState.ACTIVE:
        return invite.state
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteState.USED_UP
    if now >= invite.expires_at:
        return InviteState.EXPIRED
    return InviteState.ACTIVE


def check_usable(invite: Invite, now: datetime) -> None:
    """Raise InviteRevoked / InviteUsedUp / InviteExpired, each saying whom to ask instead."""
    state = effective_state(invite, now)
    whom = _ask_whom(invite)
    if state is InviteState.REVOKED:
        raise InviteRevoked(invite.code, text=f"Эта ссылка-приглашение аннулирована. Попросите новую {whom}.")
    if state is InviteState.USED_UP:
        raise InviteUsedUp(
            invite.code, text=f"По этой ссылке-приглашению уже присоединились. Попросите новую {whom}."
        )
    if state is InviteState.EXPIRED:
        raise InviteExpired(
            invite.code, text=f"Срок действия этой ссылки-приглашения истёк. Попросите новую {whom}."
        )


def consume(invite: Invite, now: datetime) -> Invite:
    """The invitation after one more person joined by it; raises if it cannot be used."""
    check_usable(invite, now)
    uses = invite.uses + 1
    last = invite.max_uses is not None and uses >= invite.max_uses
    state = transition(invite.state, InviteAction.USE_LAST if last else InviteAction.USE)
    return replace(invite, uses=uses, state=state)


def revoke(invite: Invite) -> Invite:
    """The invitation cancelled by an admin; InvalidTransition if it already stopped working."""
    return replace(invite, state=transition(invite.state, InviteAction.REVOKE))


def expire(invite: Invite) -> Invite:
    """The invitation marked expired, e.g. by a periodic clean-up."""
    return replace(invite, state=transition(invite.state, InviteAction.EXPIRE))


_STATE_TITLES: dict[InviteState, str] = {
    InviteState.USED_UP: "использована",
    InviteState.EXPIRED: "истекла",
    InviteState.REVOKED: "аннулирована",
}


def describe(invite: Invite, now: datetime, tz: tzinfo = UTC) -> str:
    """One line for a list of invitations: code, role, group, uses and expiry or state."""
    limit = "∞" if invite.max_uses is None else str(invite.max_uses)
    group = f", {invite.group}" if invite.group is not None else ""
    state = effective_state(invite, now)
    status = format_expiry(invite.expires_at, now, tz) if state is InviteState.ACTIVE else _STATE_TITLES[state]
    return f"{invite.code}: {ROLE_TITLES[invite.role]}{group}, использований {invite.uses}/{limit}, {status}"
