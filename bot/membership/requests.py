"""Join requests made by following an invitation, and their lifecycle table (3.2, 3.6)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.errors import BadCommand, InvalidTransition
from bot.membership.groups import Group
from bot.port.ids import PersonId
from bot.roles import Role


class JoinRequestState(StrEnum):
    """Values are stored in the database."""

    PENDING = "pending"  # waits for an admin or the class teacher
    AWAITING_CHILD = "awaiting_child"  # a parent must first name their child
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # withdrawn by the applicant


class JoinRequestAction(StrEnum):
    CHILD_NAMED = "child_named"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    AUTO_APPROVE = "auto_approve"  # the invitation was made with approve=no


_S, _A = JoinRequestState, JoinRequestAction

# The whole lifecycle; APPROVED, REJECTED and CANCELLED are final.
REQUEST_TRANSITIONS: dict[tuple[JoinRequestState, JoinRequestAction], JoinRequestState] = {
    (_S.AWAITING_CHILD, _A.CHILD_NAMED): _S.PENDING,
    (_S.AWAITING_CHILD, _A.REJECT): _S.REJECTED,  # a request left without a child's name
    (_S.AWAITING_CHILD, _A.CANCEL): _S.CANCELLED,
    (_S.PENDING, _A.APPROVE): _S.APPROVED,
    (_S.PENDING, _A.AUTO_APPROVE): _S.APPROVED,
    (_S.PENDING, _A.REJECT): _S.REJECTED,
    (_S.PENDING, _A.CANCEL): _S.CANCELLED,
}


def transition(state: JoinRequestState, action: JoinRequestAction) -> JoinRequestState:
    """The state after `action`; InvalidTransition if the table has no such arrow."""
    try:
        return REQUEST_TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(f"join request: {state.value} --{action.value}-->") from None


def initial_state(role: Role, needs_approval: bool) -> JoinRequestState:
    """A parent names the child first; others wait for a decision or are let in at once."""
    if role is Role.PARENT:
        return JoinRequestState.AWAITING_CHILD
    return JoinRequestState.PENDING if needs_approval else JoinRequestState.APPROVED


@dataclass(frozen=True, kw_only=True)
class JoinRequest:
    """A request to join a group in a role, made by following an invitation."""

    id: int
    """Number shown to deciders («заявка №12»)."""
    person_id: PersonId
    """The applicant."""
    invite_code: str
    """Code of the invitation followed."""
    role: Role
    """Role asked for."""
    group: Group | None
    """Group asked for."""
    state: JoinRequestState
    """Lifecycle state."""
    child_name: str | None
    """For a parent: the child's name as given."""
    created_at: datetime
    """When the invitation was followed."""
    decided_by: PersonId | None
    """Whoever approved or rejected; None for automatic decisions."""
    decided_at: datetime | None
    """When the request reached a final state."""
    reason: str | None
    """Why it was rejected, shown to the applicant."""


def name_child(request: JoinRequest, child_name: str, *, needs_approval: bool, now: datetime) -> JoinRequest:
    """Record the child's name; without approval the request is approved straight away."""
    named = replace(
        request,
        child_name=validate_child_name(child_name),
        state=transition(request.state, JoinRequestAction.CHILD_NAMED),
    )
    if needs_approval:
        return named
    return replace(named, state=transition(named.state, JoinRequestAction.AUTO_APPROVE), decided_at=now)


def approve(request: JoinRequest, *, by: PersonId, now: datetime) -> JoinRequest:
    state = transition(request.state, JoinRequestAction.APPROVE)
    return replace(request, state=state, decided_by=by, decided_at=now)


def reject(request: JoinRequest, *, by: PersonId, now: datetime, reason: str | None = None) -> JoinRequest:
    state = transition(request.state, JoinRequestAction.REJECT)
    return replace(request, state=state, decided_by=by, decided_at=now, reason=reason or None)


def cancel(request: JoinRequest, *, now: datetime) -> JoinRequest:
    state = transition(request.state, JoinRequestAction.CANCEL)
    return replace(request, state=state, decided_at=now)


CHILD_NAME_HINT = "Напишите, пожалуйста, фамилию и имя ребёнка буквами, например: Иванов Пётр."
_NAME_PART = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def validate_child_name(text: str) -> str:
    """A child's surname and name (two words or more) of letters and hyphens, up to 60 characters, each
    part capitalised."""
    parts = text.split()
    name = " ".join(parts)
    # a surname and a name at least (issue 11): «Петя» alone cannot be checked against the class list
    if len(parts) < 2 or not 2 <= len(name) <= 60 or not all(_NAME_PART.fullmatch(part) for part in parts):
        raise BadCommand("bad child name", text=CHILD_NAME_HINT)
    return " ".join("-".join(piece[:1].upper() + piece[1:].lower() for piece in part.split("-")) for part in parts)
