"""The append-only record of destroyed personal data (the table refuses UPDATE and DELETE)."""

from __future__ import annotations

from datetime import datetime

from bot.destruction import DestructionRecord, Reason
from storage.db import Database
from storage.times import iso, parse_time


class DestructionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, *, at: datetime, kind: str, records: int, reason: Reason, basis: str = "") -> None:
        """One record, inside the caller's transaction when there is one (so it stands or falls with the delete)."""
        if records > 0:
            await self._db.execute(
                "INSERT INTO destruction_log (at, kind, records, reason, basis) VALUES (?, ?, ?, ?, ?)",
                (iso(at), kind, records, reason.value, basis),
            )

    async def since(self, cutoff: datetime) -> list[DestructionRecord]:
        rows = await self._db.fetch_all(
            "SELECT at, kind, records, reason, basis FROM destruction_log WHERE at >= ? ORDER BY id", (iso(cutoff),)
        )
        found = []
        for r in rows:
            at = parse_time(r["at"])
            assert at is not None
            found.append(DestructionRecord(at=at, kind=r["kind"], records=r["records"], reason=Reason(r["reason"]),
                                           basis=r["basis"]))
        return found
