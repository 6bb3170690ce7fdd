"""The append-only audit log of administrative actions (the table refuses UPDATE and DELETE)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.port.ids import PersonId
from storage.db import Database
from storage.times import iso


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    id: int
    """Row id, increasing."""
    at: str
    """ISO time of the action."""
    actor_id: PersonId
    """Who acted ('system' for the bot itself)."""
    action: str
    """What, e.g. 'bind_chat', 'bind_chat_denied'."""
    target_id: PersonId | None
    """On whom, if on a person."""
    chat_id: str | None
    """In which chat, if any."""
    details: dict[str, Any]
    """Action-specific facts (never message texts or personal data)."""


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        *,
        actor_id: PersonId,
        action: str,
        now: datetime,
        target_id: PersonId | None = None,
        chat_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        return await self._db.execute(
            "INSERT INTO audit_log (at, actor_id, action, target_id, chat_id, details) VALUES (?, ?, ?, ?, ?, ?)",
            (iso(now), actor_id, action, target_id, chat_id,
             json.dumps(details or {}, ensure_ascii=False, sort_keys=True)),
        )

    async def recent(self, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]:
        sql = "SELECT * FROM audit_log"
        params: list[Any] = []
        if action is not None:
            sql += " WHERE action = ?"
            params.append(action)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        rows = await self._db.fetch_all(sql, params)
        return [_entry(r) for r in rows]

    async def page(self, *, limit: int, offset: int, person: PersonId | None = None,
                   actions: Sequence[str] = ()) -> tuple[list[AuditEntry], int]:
        """Newest first: `limit` entries after `offset`, and how many match in all (/действия)."""
        where, params = _filter(person, actions)
        total = await self._db.fetch_one(f"SELECT COUNT(*) AS n FROM audit_log{where}", params)
        rows = await self._db.fetch_all(f"SELECT * FROM audit_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                                        [*params, limit, offset])
        return [_entry(r) for r in rows], int(total["n"]) if total is not None else 0


def _filter(person: PersonId | None, actions: Sequence[str]) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if person is not None:
        clauses.append("(actor_id = ? OR target_id = ?)")
        params += [person, person]
    if actions:
        clauses.append(f"action IN ({','.join('?' * len(actions))})")
        params += list(actions)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _entry(r: Any) -> AuditEntry:
    return AuditEntry(id=r["id"], at=r["at"], actor_id=PersonId(r["actor_id"]), action=r["action"],
                      target_id=PersonId(r["target_id"]) if r["target_id"] else None,
                      chat_id=r["chat_id"], details=json.loads(r["details"]))
