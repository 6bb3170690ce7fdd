"""The weekly digest's record: which periods were sent, so it fires once across restarts."""

from __future__ import annotations

from datetime import date, datetime

from storage.db import Database
from storage.times import iso


class DigestsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, period: date, now: datetime) -> bool:
        """Mark the digest due on `period` as sent (inside the transaction that queues it); False if it
        already was."""
        return await self._db.execute(
            "INSERT INTO digests (period, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (period.isoformat(), iso(now))) > 0

    async def any(self) -> bool:
        return await self._db.fetch_one("SELECT 1 FROM digests LIMIT 1") is not None

    async def sent(self, period: date) -> bool:
        return await self._db.fetch_one("SELECT 1 FROM digests WHERE period = ?", (period.isoformat(),)) is not None
