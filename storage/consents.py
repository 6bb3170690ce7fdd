"""Parents' consents to the processing of their child's data (152-ФЗ): which version, when, withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.port.ids import PersonId
from storage.db import Database
from storage.people import ensure_person
from storage.times import iso, parse_time


@dataclass(frozen=True, kw_only=True)
class Consent:
    id: int
    person_id: PersonId
    version: str
    """The version of the text agreed to (bot.consent.ConsentText.version)."""
    agreed_at: datetime
    withdrawn_at: datetime | None = None


def _consent(row: aiosqlite.Row) -> Consent:
    return Consent(id=row["id"], person_id=PersonId(row["person_id"]), version=row["version"],
                   agreed_at=datetime.fromisoformat(row["agreed_at"]), withdrawn_at=parse_time(row["withdrawn_at"]))


class ConsentsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def agree(self, person_id: PersonId, version: str, now: datetime) -> int:
        async with self._db.transaction() as tx:
            await ensure_person(tx, person_id, now)
            return await tx.execute("INSERT INTO consents (person_id, version, agreed_at) VALUES (?, ?, ?)",
                                    (person_id, version, iso(now)))

    async def active(self, person_id: PersonId) -> list[Consent]:
        """Consents given and not withdrawn, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM consents WHERE person_id = ? AND withdrawn_at IS NULL ORDER BY id DESC", (person_id,))
        return [_consent(r) for r in rows]

    async def has(self, person_id: PersonId, version: str) -> bool:
        return any(c.version == version for c in await self.active(person_id))

    async def withdraw(self, person_id: PersonId, now: datetime) -> int:
        """Every active consent of the person is withdrawn now; returns how many."""
        return await self._db.execute(
            "UPDATE consents SET withdrawn_at = ? WHERE person_id = ? AND withdrawn_at IS NULL", (iso(now), person_id))
