"""Decisions shown with confirmation buttons, kept until the press (a restart loses nothing).

Closing is one conditional UPDATE: a second press, or a press on a stale copy, finds the row no
longer pending and changes nothing. The payload (it may hold a class list) is emptied on closing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.port.ids import ChatId, PersonId
from storage.db import Database
from storage.times import iso

PENDING, DONE, CANCELLED = "pending", "done", "cancelled"


@dataclass(frozen=True, kw_only=True)
class Staged:
    id: int
    kind: str
    """What is waiting: «classlist», «bind», «unbind», «transfer», «graduate», «consent»…"""
    created_by: PersonId
    """Who must press."""
    chat_id: ChatId | None
    """The group chat it was asked in, if any."""
    payload: dict[str, Any]
    state: str
    created_at: datetime

    @property
    def pending(self) -> bool:
        return self.state == PENDING


def _staged(row: aiosqlite.Row) -> Staged:
    return Staged(id=row["id"], kind=row["kind"], created_by=PersonId(row["created_by"]),
                  chat_id=ChatId(row["chat_id"]) if row["chat_id"] else None, payload=json.loads(row["payload"]),
                  state=row["state"], created_at=datetime.fromisoformat(row["created_at"]))


class StagedRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def stage(self, kind: str, created_by: PersonId, payload: dict[str, Any], now: datetime, *,
                    chat_id: ChatId | None = None) -> int:
        return await self._db.execute(
            "INSERT INTO staged_actions (kind, created_by, chat_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
            (kind, created_by, chat_id, json.dumps(payload, ensure_ascii=False), iso(now)))

    async def get(self, staged_id: int) -> Staged | None:
        row = await self._db.fetch_one("SELECT * FROM staged_actions WHERE id = ?", (staged_id,))
        return _staged(row) if row is not None else None

    async def close(self, staged_id: int, *, done: bool, now: datetime) -> bool:
        """Take the decision once: True for the press that closed it, False for any later one."""
        changed = await self._db.execute(
            "UPDATE staged_actions SET state = ?, closed_at = ?, payload = '{}' WHERE id = ? AND state = 'pending'",
            (DONE if done else CANCELLED, iso(now), staged_id))
        return changed == 1

    async def pending(self, kind: str, created_by: PersonId) -> list[Staged]:
        rows = await self._db.fetch_all(
            "SELECT * FROM staged_actions WHERE kind = ? AND created_by = ? AND state = 'pending' ORDER BY id",
            (kind, created_by))
        return [_staged(r) for r in rows]

    async def cancel_pending(self, kind: str, created_by: PersonId, now: datetime) -> int:
        """Older questions of the same kind are superseded by a newer one."""
        return await self._db.execute(
            "UPDATE staged_actions SET state = 'cancelled', closed_at = ?, payload = '{}' "
            "WHERE kind = ? AND created_by = ? AND state = 'pending'", (iso(now), kind, created_by))

