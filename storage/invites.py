"""Invitation links. Taking a use is one conditional UPDATE, so the last use goes to exactly one person."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.errors import InviteError
from bot.membership.invites import Invite, InviteState, consume, expire, revoke
from bot.port.ids import PersonId
from bot.roles import Role
from storage.db import Database, Transaction
from storage.memberships import group_columns, group_from_row
from storage.people import ensure_person
from storage.times import iso


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        code=row["code"],
        role=Role(row["role"]),
        group=group_from_row(row),
        max_uses=row["max_uses"],
        uses=row["uses"],
        created_by=PersonId(row["created_by"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        needs_approval=bool(row["needs_approval"]),
        state=InviteState(row["state"]),
    )


async def _read(tx: Transaction, code: str) -> Invite | None:
    row = await tx.fetch_one("SELECT * FROM invites WHERE code = ?", (code,))
    return _invite(row) if row is not None else None


async def save_transition(tx: Transaction, before: Invite, after: Invite, *, by: PersonId | None = None,
                          now: datetime | None = None) -> bool:
    """Store a transition the core computed, only if the row still holds the state it started from
    (the same state and uses): one changed row, or a lost race."""
    closing = after.state is not InviteState.ACTIVE and before.state is InviteState.ACTIVE
    changed = await tx.execute(
        "UPDATE invites SET uses = ?, state = ?, closed_by = COALESCE(?, closed_by), "
        "closed_at = COALESCE(?, closed_at) WHERE code = ? AND state = ? AND uses = ?",
        (after.uses, after.state.value, by if closing else None,
         iso(now or after.expires_at) if closing else None, before.code, before.state.value, before.uses),
    )
    return changed == 1


async def take_use(tx: Transaction, code: str, now: datetime) -> bool:
    """Count one more use if the link still works (bot.membership.invites.consume decides);
    False when it does not, or someone took the last use first."""
    invite = await _read(tx, code)
    if invite is None:
        return False
    try:
        used = consume(invite, now)
    except InviteError:
        return False
    return await save_transition(tx, invite, used)


class InvitesRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, invite: Invite) -> bool:
        """Store a new invitation; False if the code is taken (the caller draws another)."""
        kind, label, subject = group_columns(invite.group)
        async with self._db.transaction() as tx:
            if await tx.fetch_one("SELECT 1 FROM invites WHERE code = ?", (invite.code,)) is not None:
                return False
            await ensure_person(tx, invite.created_by, invite.created_at)
            await tx.execute(
                "INSERT INTO invites (code, role, group_kind, class_label, subject, max_uses, uses, created_by, "
                "created_at, expires_at, needs_approval, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (invite.code, invite.role.value, kind, label, subject, invite.max_uses, invite.uses,
                 invite.created_by, iso(invite.created_at), iso(invite.expires_at), int(invite.needs_approval),
                 invite.state.value),
            )
        return True

    async def get(self, code: str) -> Invite | None:
        row = await self._db.fetch_one("SELECT * FROM invites WHERE code = ?", (code,))
        return _invite(row) if row is not None else None

    async def consume(self, code: str, now: datetime) -> bool:
        """One use of the link, atomically; False when it is no longer usable."""
        async with self._db.transaction() as tx:
            return await take_use(tx, code, now)

    async def expire_due(self, now: datetime) -> int:
        """Mark every active link past its expiry as expired (bot.membership.invites.expire); returns how many."""
        expired = 0
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all("SELECT * FROM invites WHERE state = 'active' AND expires_at <= ?", (iso(now),))
            for row in rows:
                invite = _invite(row)
                expired += await save_transition(tx, invite, expire(invite), now=invite.expires_at)
        return expired

    async def live(self, now: datetime, *, created_by: PersonId | None = None) -> list[Invite]:
        """Links that still work (after marking the expired ones), newest first."""
        await self.expire_due(now)
        sql = "SELECT * FROM invites WHERE state = 'active'"
        params: list[object] = []
        if created_by is not None:
            sql += " AND created_by = ?"
            params.append(created_by)
        rows = await self._db.fetch_all(sql + " ORDER BY created_at DESC, code", params)
        return [_invite(r) for r in rows]

    async def revoke(self, code: str, by: PersonId, now: datetime) -> bool:
        """Annul an active link (bot.membership.invites.revoke); False if it was no longer active."""
        async with self._db.transaction() as tx:
            invite = await _read(tx, code)
            if invite is None or invite.state is not InviteState.ACTIVE:
                return False
            return await save_transition(tx, invite, revoke(invite), by=by, now=now)

    async def revoke_unused(self, by: PersonId, now: datetime, *, created_by: PersonId | None = None) -> list[Invite]:
        """Annul every active link nobody has used yet (3.2); returns the annulled links."""
        await self.expire_due(now)
        sql = "SELECT * FROM invites WHERE state = 'active' AND uses = 0"
        params: list[object] = []
        if created_by is not None:
            sql += " AND created_by = ?"
            params.append(created_by)
        revoked = []
        async with self._db.transaction() as tx:
            for row in await tx.fetch_all(sql, params):
                invite = _invite(row)
                annulled = revoke(invite)
                if await save_transition(tx, invite, annulled, by=by, now=now):
                    revoked.append(annulled)
        return revoked

    async def revoke_for_class(self, class_label: str, by: PersonId, now: datetime) -> list[Invite]:
        """A class moved or graduated: links into it would lead to a class that is gone."""
        await self.expire_due(now)
        revoked = []
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all("SELECT * FROM invites WHERE state = 'active' AND class_label = ?",
                                      (class_label,))
            for row in rows:
                invite = _invite(row)
                annulled = revoke(invite)
                if await save_transition(tx, invite, annulled, by=by, now=now):
                    revoked.append(annulled)
        return revoked

    async def live_for_class(self, class_label: str, now: datetime) -> list[Invite]:
        rows = await self._db.fetch_all(
            "SELECT * FROM invites WHERE state = 'active' AND class_label = ? AND expires_at > ?",
            (class_label, iso(now)))
        return [_invite(r) for r in rows]
