"""The inbox: updates stored before the poll position moves past them, handled once each.

An adapter stores a fetched batch together with the new poll position (one transaction);
the worker handles pending rows, and a flow marks its row done in the transaction of its
decision, so a crash at any moment leaves each update either untouched or fully handled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.port.events import Event, Incoming, dump_event, load_event
from bot.port.ids import Platform
from storage.db import Database, Statement
from storage.times import iso

MAX_ATTEMPTS = 5
"""An update that failed this often is given up (marked failed), so one bad update cannot block a chat."""


@dataclass(frozen=True, kw_only=True)
class InboxItem:
    id: int
    platform: Platform
    key: str
    """The platform's identity of the update (what redeliveries share)."""
    lane: str
    """The conversation: its updates are handled in order."""
    event_json: str
    """The event as stored; parsed by the worker (a malformed row must not stop the others)."""
    attempts: int

    def event(self) -> Event:
        return load_event(self.event_json)


class Inbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def position(self, platform: Platform) -> str | None:
        row = await self._db.fetch_one("SELECT position FROM poll_state WHERE platform = ?", (platform.value,))
        return str(row["position"]) if row is not None else None

    async def store(self, platform: Platform, batch: Sequence[Incoming], position: str | None,
                    now: datetime) -> list[InboxItem]:
        """Store new updates (redeliveries are dropped by key) and move the poll position, in one
        transaction and one trip to the database; returns the new ones as `pending` would read them."""
        stored = [(incoming, dump_event(incoming.event)) for incoming in batch]
        statements: list[Statement] = [
            ("INSERT INTO inbox (platform, key, lane, event, received_at) VALUES (?, ?, ?, ?, ?) "
             "ON CONFLICT (platform, key) DO NOTHING",
             (platform.value, incoming.key, incoming.event.where, event_json, iso(now)))
            for incoming, event_json in stored
        ]
        if position is not None:
            statements.append((
                "INSERT INTO poll_state (platform, position, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (platform) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
                (platform.value, position, iso(now))))
        if not statements:
            return []
        results = await self._db.run_batch(statements)
        return [InboxItem(id=new_id, platform=platform, key=incoming.key, lane=incoming.event.where,
                          event_json=event_json, attempts=0)
                for (incoming, event_json), new_id in zip(stored, results, strict=False) if new_id]

    async def pending(self, after_id: int = 0, limit: int = 500) -> list[InboxItem]:
        rows = await self._db.fetch_all(
            "SELECT id, platform, key, lane, event, attempts FROM inbox WHERE state = 'pending' AND id > ? "
            "ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [InboxItem(id=r["id"], platform=Platform(r["platform"]), key=r["key"], lane=r["lane"], event_json=r["event"],
                          attempts=r["attempts"]) for r in rows]

    async def mark_done(self, item_id: int, now: datetime) -> None:
        """Handled: the event's text is erased, the key stays to drop redeliveries."""
        await self._db.run_batch([done_statement(item_id, now)])

    async def mark_failed(self, item_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE inbox SET state = 'failed', event = NULL, handled_at = ? WHERE id = ? AND state = 'pending'",
            (iso(now), item_id),
        )

    async def count_attempt(self, item_id: int) -> int:
        """One more failed attempt; returns how many so far."""
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE inbox SET attempts = attempts + 1 WHERE id = ?", (item_id,))
            row = await tx.fetch_one("SELECT attempts FROM inbox WHERE id = ?", (item_id,))
        return int(row["attempts"]) if row is not None else MAX_ATTEMPTS

    async def backlog(self) -> int:
        row = await self._db.fetch_one("SELECT COUNT(*) AS n FROM inbox WHERE state = 'pending'")
        return int(row["n"]) if row is not None else 0

    async def purge_handled_before(self, cutoff: datetime) -> int:
        """Forget handled keys older than `cutoff` (redeliveries come within minutes, not days)."""
        return await self._db.execute(
            "DELETE FROM inbox WHERE state != 'pending' AND handled_at < ?", (iso(cutoff),)
        )


def done_statement(item_id: int, now: datetime) -> Statement:
    """The update marked handled, to go with the decision's own statements."""
    return ("UPDATE inbox SET state = 'done', event = NULL, handled_at = ? WHERE id = ? AND state = 'pending'",
            (iso(now), item_id))
