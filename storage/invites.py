"""Invitation links. Taking a use is one conditional UPDATE, so the last use goes to exactly one person."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.membership.invites import Invite, InviteState, revoke
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


async def take_use(tx: Transaction, code: str, now: datetime) -> bool:
    """Count one more use if the link still works; False when it does not (or someone took the last use)."""
    changed = await tx.execute(
        "UPDATE invites SET uses = uses + 1, "
        "state = CASE WHEN max_uses IS NOT NULL AND uses + 1 >= max_uses THEN 'used_up' ELSE state END "
        "WHERE code = ? AND state = 'active' AND (max_uses IS NULL OR uses < max_uses) AND expires_at > ?",
        (code, iso(now)),
    )
    return changed == 1


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
        """Mark every active link past its expiry as expired; returns how many."""
        return await self._db.execute(
            "UPDATE invites SET state = 'expired', closed_at = expires_at WHERE state = 'active' AND expires_at <= ?",
            (iso(now),),
        )

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
        """Annul an active link; False if it was no longer active."""
        changed = await self._db.execute(
            "UPDATE invites SET state = 'revoked', closed_by = ?, closed_at = ? WHERE code = ? AND state = 'active'",
            (by, iso(now), code),
        )
        return changed == 1

    async def revoke_unused(self, by: PersonId, now: datetime, *, created_by: PersonId | None = None) -> list[Invite]:
        """Annul every active link nobody has used yet (3.2); returns the annulled links."""
        await self.expire_due(now)
        sql = "SELECT * FROM invites WHERE state = 'active' AND uses = 0"
        params: list[object] = []
        if created_by is not None:
            sql += " AND created_by = ?"
            params.append(created_by)
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(sql, params)
            for row in rows:
                await tx.execute(
                    "UPDATE invites SET state = 'revoked', closed_by = ?, closed_at = ? WHERE code = ? AND state = 'active'",
                    (by, iso(now), row["code"]),
                )
        return [revoke(_invite(r)) for r in rows]
