"""Reports of stolen accounts and abuse: stored with a status, closed once, purged when old."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from bot.errors import NotFound
from bot.port.ids import ChatId, PersonId
from bot.reports import Report, ReportAction, ReportKind, ReportStatus, transition
from storage.db import Database
from storage.times import iso as _iso
from storage.times import parse_time as _parse


def _to_report(row: aiosqlite.Row) -> Report:
    created = _parse(row["created_at"])
    assert created is not None
    return Report(
        id=row["id"], kind=ReportKind(row["kind"]), status=ReportStatus(row["status"]),
        reporter_id=PersonId(row["reporter_id"]), created_at=created,
        chat_id=ChatId(row["chat_id"]) if row["chat_id"] else None, message_ref=row["message_ref"],
        author_id=PersonId(row["author_id"]) if row["author_id"] else None, excerpt=row["excerpt"],
        closed_by=PersonId(row["closed_by"]) if row["closed_by"] else None,
        closed_at=_parse(row["closed_at"]), reason=row["reason"],
    )


class ReportsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_hacked(self, reporter_id: PersonId, now: datetime) -> Report:
        new_id = await self._db.execute(
            "INSERT INTO reports (kind, reporter_id, created_at) VALUES (?, ?, ?)",
            (ReportKind.HACKED.value, reporter_id, _iso(now)),
        )
        return await self._must_get(new_id)

    async def add_abuse(
        self, reporter_id: PersonId, now: datetime, *, chat_id: ChatId | None, message_ref: str | None,
        author_id: PersonId | None, excerpt: str | None, reason: str | None = None
    ) -> Report | None:
        """The new report, or None when this person already reported this message.

        A complaint made in a DM has no chat or message (forwarded: the author and an excerpt;
        described: only the masked description in `reason`).
        """
        try:
            new_id = await self._db.execute(
                "INSERT INTO reports (kind, reporter_id, created_at, chat_id, message_ref, author_id, excerpt, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (ReportKind.ABUSE.value, reporter_id, _iso(now), chat_id, message_ref, author_id, excerpt,
                 reason or None),
            )
        except sqlite3.IntegrityError as error:
            if "UNIQUE" not in str(error):
                raise
            return None
        return await self._must_get(new_id)

    async def get(self, report_id: int) -> Report | None:
        row = await self._db.fetch_one("SELECT * FROM reports WHERE id = ?", (report_id,))
        return _to_report(row) if row is not None else None

    async def _must_get(self, report_id: int) -> Report:
        report = await self.get(report_id)
        assert report is not None, "a report vanished right after its insert"
        return report

    async def open_hacked_of(self, reporter_id: PersonId) -> Report | None:
        row = await self._db.fetch_one(
            "SELECT * FROM reports WHERE reporter_id = ? AND kind = ? AND status = ? ORDER BY id DESC LIMIT 1",
            (reporter_id, ReportKind.HACKED.value, ReportStatus.OPEN.value),
        )
        return _to_report(row) if row is not None else None

    async def times_since(self, reporter_id: PersonId, since: datetime) -> list[datetime]:
        """When this person reported from `since` on: the input of the rate-limit decision."""
        rows = await self._db.fetch_all(
            "SELECT created_at FROM reports WHERE reporter_id = ? AND created_at >= ? ORDER BY created_at",
            (reporter_id, _iso(since)),
        )
        return [datetime.fromisoformat(row["created_at"]) for row in rows]

    async def list_open(self, limit: int = 30) -> list[Report]:
        rows = await self._db.fetch_all(
            "SELECT * FROM reports WHERE status = ? ORDER BY id LIMIT ?", (ReportStatus.OPEN.value, limit)
        )
        return [_to_report(row) for row in rows]

    async def close(self, report_id: int, closed_by: PersonId, now: datetime) -> Report:
        """Close an open report; NotFound or InvalidTransition (already closed) otherwise."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one("SELECT * FROM reports WHERE id = ?", (report_id,))
            if row is None:
                raise NotFound(f"report {report_id}", text=f"Обращения №{report_id} нет. Список открытых — /обращения.")
            new_status = transition(ReportStatus(row["status"]), ReportAction.CLOSE)
            await tx.execute(
                "UPDATE reports SET status = ?, closed_by = ?, closed_at = ? WHERE id = ?",
                (new_status.value, closed_by, _iso(now), report_id),
            )
        return await self._must_get(report_id)

    async def purge_closed_before(self, cutoff: datetime) -> int:
        """Delete reports closed before `cutoff` (the retention policy in bot/privacy.py)."""
        return await self._db.execute(
            "DELETE FROM reports WHERE status = ? AND closed_at < ?", (ReportStatus.CLOSED.value, _iso(cutoff))
        )
