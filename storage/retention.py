"""The retention purge: records past their period (bot/privacy.py) are deleted in small batches,
each batch in one transaction with its destruction record (152-ФЗ).

Small batches because the database is one connection behind one lock: a purge of a year of
records in one transaction would hold every handler for seconds. Every statement finds its rows
through an index (tests/test_retention.py checks the query plans), including the foreign-key
actions a delete sets off (warnings.event_id, appeals.warning_id).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.destruction import Reason, retention_basis
from bot.privacy import (
    ANNOUNCEMENTS_DAYS,
    CLOSED_REPORTS_DAYS,
    DELIVERY_RECORDS_DAYS,
    MODERATION_RECORDS_DAYS,
    SENT_RECORDS_DAYS,
    STAGED_DAYS,
)
from storage.db import Database
from storage.destruction import DestructionLog
from storage.times import iso

BATCH = 500
"""Rows per transaction: a few milliseconds of holding the database."""


@dataclass(frozen=True, kw_only=True)
class PurgeRule:
    kind: str
    """The table."""
    due: str
    """The condition on its rows past retention, with one «?» for the cutoff; served by an index."""
    days: int
    """The retention period (bot/privacy.py)."""
    dependents: tuple[tuple[str, str], ...] = ()
    """(table, column) rows that refer to a purged row and go with it (counted, recorded)."""

    def select_due(self) -> str:
        return f"SELECT rowid FROM {self.kind} WHERE {self.due} LIMIT {BATCH}"

    def any_due(self) -> str:
        return f"SELECT 1 FROM {self.kind} WHERE {self.due} LIMIT 1"


# Warnings before moderation events: a deleted event sets the warnings' event_id to NULL first.
RULES: tuple[PurgeRule, ...] = (
    PurgeRule(kind="reports", due="status = 'closed' AND closed_at < ?", days=CLOSED_REPORTS_DAYS),
    PurgeRule(kind="warnings", due="expires_at < ?", days=MODERATION_RECORDS_DAYS,
              dependents=(("appeals", "warning_id"),)),
    PurgeRule(kind="moderation_events", due="at < ?", days=MODERATION_RECORDS_DAYS),
    PurgeRule(kind="moderation_alerts", due="at < ?", days=MODERATION_RECORDS_DAYS),
    PurgeRule(kind="inbox", due="state != 'pending' AND handled_at < ?", days=DELIVERY_RECORDS_DAYS),
    PurgeRule(kind="outbox", due="state != 'pending' AND done_at < ?", days=DELIVERY_RECORDS_DAYS),
    PurgeRule(kind="sent_messages", due="sent_at < ?", days=SENT_RECORDS_DAYS),
    PurgeRule(kind="staged_actions", due="created_at < ?", days=STAGED_DAYS),
    # One still being prepared or sent is never due; who received and read it goes with it.
    PurgeRule(kind="announcements",
              due="COALESCE(sent_at, created_at) < ? AND state NOT IN ('draft', 'scheduled', 'sending')",
              days=ANNOUNCEMENTS_DAYS,
              dependents=(("announcement_reads", "announcement_id"), ("announcement_chats", "announcement_id"))),
)


class RetentionPurge:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._log = DestructionLog(db)

    async def purge(self, now: datetime) -> dict[str, int]:
        """Delete everything past retention; returns rows deleted per table (dependents included)."""
        deleted: dict[str, int] = {}
        for rule in RULES:
            cutoff = iso(now - timedelta(days=rule.days))
            if await self._db.fetch_one(rule.any_due(), (cutoff,)) is None:
                continue  # the usual hour for most kinds: nothing due, no write transaction
            while True:
                batch, full = await self._batch(rule, cutoff, now)
                for table, count in batch.items():
                    deleted[table] = deleted.get(table, 0) + count
                if not full:
                    break
                await asyncio.sleep(0)  # let the handlers waiting for the database in between
        return deleted

    async def _batch(self, rule: PurgeRule, cutoff: str, now: datetime) -> tuple[dict[str, int], bool]:
        """One batch and its destruction records in one transaction; (deleted per table, was it full)."""
        deleted: dict[str, int] = {}
        async with self._db.transaction() as tx:
            ids = [row[0] for row in await tx.fetch_all(rule.select_due(), (cutoff,))]
            if not ids:
                return deleted, False
            marks = ",".join("?" * len(ids))
            basis = retention_basis(rule.days)
            for table, column in rule.dependents:
                count = await tx.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", ids)
                await self._log.record(at=now, kind=table, records=count, reason=Reason.RETENTION, basis=basis)
                deleted[table] = count
            count = await tx.execute(f"DELETE FROM {rule.kind} WHERE rowid IN ({marks})", ids)
            await self._log.record(at=now, kind=rule.kind, records=count, reason=Reason.RETENTION, basis=basis)
            deleted[rule.kind] = count
        return deleted, len(ids) == BATCH
