"""Join requests, their cards, and enrolment on approval.

Every state change is a conditional UPDATE on the state read before, so two deciders racing on
one request cannot both win; enrolment happens in the same transaction as the approval.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from bot.membership.groups import GroupKind
from bot.membership.invites import Invite
from bot.membership.requests import JoinRequest, JoinRequestState
from bot.port.ids import PersonId
from bot.roles import Role
from storage.db import Database, Transaction
from storage.invites import take_use
from storage.memberships import add_child, group_columns, group_from_row, start_membership
from storage.people import ensure_person
from storage.times import iso, parse_time

_OPEN = ("pending", "awaiting_child")


def _request(row: aiosqlite.Row) -> JoinRequest:
    return JoinRequest(
        id=row["id"],
        person_id=PersonId(row["person_id"]),
        invite_code=row["invite_code"],
        role=Role(row["role"]),
        group=group_from_row(row),
        state=JoinRequestState(row["state"]),
        child_name=row["child_name"],
        created_at=datetime.fromisoformat(row["created_at"]),
        decided_by=PersonId(row["decided_by"]) if row["decided_by"] else None,
        decided_at=parse_time(row["decided_at"]),
        reason=row["reason"],
    )


async def _grant(tx: Transaction, person_id: PersonId, role: Role, by: PersonId, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO person_roles (person_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (person_id, role) DO NOTHING",
        (person_id, role.value, by, iso(now)),
    )


async def _enrol(tx: Transaction, request: JoinRequest, by: PersonId, now: datetime) -> None:
    """The approved person gets the role, the membership and, for a parent, the child (3.2, 3.6)."""
    await _grant(tx, request.person_id, request.role, by, now)
    group = request.group
    if request.role is Role.CLASS_TEACHER:
        await _grant(tx, request.person_id, Role.TEACHER, by, now)  # a class teacher joins as «учитель» (3.3)
    if group is None:
        return
    await start_membership(tx, request.person_id, request.role, group, now)
    if request.role is Role.CLASS_TEACHER and group.kind is GroupKind.CLASS:
        await tx.execute(
            "INSERT INTO class_teachers (class_label, person_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (class_label) DO NOTHING",
            (str(group.school_class), request.person_id, by, iso(now)),
        )
    if request.role is Role.PARENT and request.child_name and group.school_class is not None:
        await add_child(tx, request.person_id, request.child_name, group.school_class, now)


class DuplicateRequest(Exception):
    """The person already has an open request from this link (they opened it twice at once)."""


class JoinRequestsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_from_invite(
        self, invite: Invite, person_id: PersonId, state: JoinRequestState, now: datetime
    ) -> JoinRequest | None:
        """Take a use of the link and file the request, atomically; None if the link no longer works.

        A request that starts APPROVED (approve=no) enrols the person at once.
        """
        kind, label, subject = group_columns(invite.group)
        decided = iso(now) if state is JoinRequestState.APPROVED else None
        try:
            async with self._db.transaction() as tx:
                if not await take_use(tx, invite.code, now):
                    return None
                await ensure_person(tx, person_id, now)
                request_id = await tx.execute(
                    "INSERT INTO join_requests (person_id, invite_code, role, group_kind, class_label, subject, state, "
                    "created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (person_id, invite.code, invite.role.value, kind, label, subject, state.value, iso(now), decided),
                )
                row = await tx.fetch_one("SELECT * FROM join_requests WHERE id = ?", (request_id,))
                assert row is not None
                request = _request(row)
                if state is JoinRequestState.APPROVED:
                    await _enrol(tx, request, invite.created_by, now)
        except sqlite3.IntegrityError as error:  # the unique open-request index: the use is rolled back too
            raise DuplicateRequest("the person already has an open request for this invitation") from error
        return request

    async def get(self, request_id: int) -> JoinRequest | None:
        row = await self._db.fetch_one("SELECT * FROM join_requests WHERE id = ?", (request_id,))
        return _request(row) if row is not None else None

    async def latest_for(self, person_id: PersonId, code: str) -> JoinRequest | None:
        row = await self._db.fetch_one(
            "SELECT * FROM join_requests WHERE person_id = ? AND invite_code = ? ORDER BY id DESC LIMIT 1",
            (person_id, code),
        )
        return _request(row) if row is not None else None

    async def awaiting_child(self, person_id: PersonId) -> JoinRequest | None:
        """The parent's request that waits for the child's name (the DM conversation's state)."""
        row = await self._db.fetch_one(
            "SELECT * FROM join_requests WHERE person_id = ? AND state = 'awaiting_child' ORDER BY id DESC LIMIT 1",
            (person_id,),
        )
        return _request(row) if row is not None else None

    async def open_requests(self) -> list[JoinRequest]:
        rows = await self._db.fetch_all(
            "SELECT * FROM join_requests WHERE state IN (?, ?) ORDER BY id", _OPEN
        )
        return [_request(r) for r in rows]

    async def save(self, before: JoinRequestState, after: JoinRequest, now: datetime, *,
                   enrol_by: PersonId | None = None) -> bool:
        """Store `after` if the request is still in state `before`; enrol when it became APPROVED.

        False means somebody else changed it first (e.g. a second administrator pressed the button).
        """
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE join_requests SET state = ?, child_name = ?, decided_by = ?, decided_at = ?, reason = ? "
                "WHERE id = ? AND state = ?",
                (after.state.value, after.child_name, after.decided_by,
                 iso(after.decided_at) if after.decided_at else None, after.reason, after.id, before.value),
            )
            if changed != 1:
                return False
            if after.state is JoinRequestState.APPROVED and before is not JoinRequestState.APPROVED:
                await _enrol(tx, after, after.decided_by or enrol_by or after.person_id, now)
        return True

    async def approved(self, ids: list[int]) -> list[JoinRequest]:
        """The approved requests among `ids` (whose welcome could not be delivered)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self._db.fetch_all(
            f"SELECT * FROM join_requests WHERE state = 'approved' AND id IN ({marks}) ORDER BY id", ids
        )
        return [_request(r) for r in rows]

    async def erase_parent_requests(self, person_id: PersonId) -> int:
        """A withdrawn consent: the parent's requests name the child, so they go (the audit log stays)."""
        return await self._db.execute("DELETE FROM join_requests WHERE person_id = ? AND role = 'parent'",
                                      (person_id,))
