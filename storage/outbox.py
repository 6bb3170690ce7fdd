"""The outbox: effects owed by committed decisions, carried out by a worker until done.

Effects are added in the transaction of the decision that owes them. Each lane (a conversation)
runs in order, one effect at a time; a transient failure waits and retries, a permanent one is
recorded with its reason (never the content) and the lane moves on.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from bot.port.effects import (
    Edit,
    Effect,
    Send,
    SendChatLinks,
    SendFile,
    SendRendered,
    conversation_of,
    dump_effect,
    lane_of,
    priority_of,
)
from bot.port.gateway import Problem
from storage.db import Database, Statement, Transaction
from storage.times import iso, parse_time

HEADS_SQL = (
    "SELECT o.*, EXISTS (SELECT 1 FROM outbox q WHERE q.state = 'pending' AND q.lane = o.lane AND q.id > o.id)"
    " AS more FROM outbox o INDEXED BY outbox_due WHERE o.state = 'pending'"
    " AND (o.not_before IS NULL OR o.not_before <= ?){exclude}"
    " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.lane = o.lane AND p.id < o.id)"
    " ORDER BY o.priority, o.id LIMIT ?"
)


@dataclass(frozen=True, kw_only=True)
class OutboxItem:
    id: int
    lane: str
    priority: int
    effect_json: str
    attempts: int
    dedup: int
    not_before: datetime | None
    tried_at: datetime | None = None
    """When an attempt of a bulk effect began (set before the platform is called): a restart must
    look before sending again where the platform cannot drop a repeat."""
    more_in_lane: bool = False
    """More effects waited behind this one in its lane when it was read: once it is done, the worker
    must look at the outbox again (effects queued later wake it anyway)."""


def new_dedup() -> int:
    """A random int32 (VK random_id): the platform drops a repeat, so a resend never shows twice."""
    return secrets.randbelow(2**31 - 1) + 1


def _tag(effect: Effect) -> str | None:
    return effect.tag if isinstance(effect, Send | SendFile | SendRendered | SendChatLinks) else None


# A file's bytes go once no pending effect and no held announcement needs them.
_RELEASE_FILE = (
    "DELETE FROM outgoing_files WHERE id = (SELECT file_id FROM outbox WHERE id = ?) AND held = 0 "
    "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.file_id = outgoing_files.id AND o.state = 'pending')"
)


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.adds = 0
        """Calls of `add` that queued effects, in this process: the worker tells from it whether effects
        were queued that it has not seen (see OutboxWorker.take)."""

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """Recording an outcome and its follow-ups happens at once or not at all."""
        return self._db.transaction()

    async def add(self, effects: Sequence[Effect], now: datetime, *, also: Sequence[Statement] = ()) -> list[int]:
        """`add_items`, returning the new rows' ids."""
        return [item.id for item in await self.add_items(effects, now, also=also)]

    async def add_items(self, effects: Sequence[Effect], now: datetime, *,
                        also: Sequence[Statement] = ()) -> list[OutboxItem]:
        """Queue effects (inside the caller's transaction, when there is one), with `also` (the update
        marked done), in one trip to the database; returns the new rows as `heads` would read them.

        A newer edit of a message supersedes those still waiting: under a flood only the last text
        goes out (one being carried out right now finishes, and the newer one follows it).
        """
        statements: list[Statement] = []
        inserts: list[int] = []
        rows: list[tuple[str, int, str, int]] = []
        for effect in effects:
            if isinstance(effect, Edit):
                statements.append((
                    "UPDATE outbox SET state = 'cancelled', done_at = ? WHERE state = 'pending' AND lane = ? "
                    "AND tag = ?", (iso(now), lane_of(effect), f"edit:{effect.tag}")))
            tag = _tag(effect)
            row_tag = f"edit:{effect.tag}" if isinstance(effect, Edit) else tag
            file_id = effect.file if isinstance(effect, SendFile) else None
            inserts.append(len(statements))
            row = (lane_of(effect), priority_of(effect), dump_effect(effect), new_dedup())
            rows.append(row)
            statements.append((
                "INSERT INTO outbox (lane, priority, effect, dedup, tag, created_at, file_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*row, row_tag, iso(now), file_id)))
            if tag is not None:  # where the tagged message will be, so a later edit finds it
                statements.append((
                    "INSERT INTO sent_messages (tag, conversation) VALUES (?, ?) "
                    "ON CONFLICT (tag, conversation) DO UPDATE SET message_ref = NULL, sent_at = NULL",
                    (tag, conversation_of(effect))))
        if not statements and not also:
            return []
        results = await self._db.run_batch([*statements, *also])
        if rows:
            self.adds += 1
        return [OutboxItem(id=results[i], lane=lane, priority=priority, effect_json=effect_json, attempts=0,
                           dedup=dedup, not_before=None)
                for i, (lane, priority, effect_json, dedup) in zip(inserts, rows, strict=True)]

    async def heads(self, busy: set[str], now: datetime, limit: int) -> list[OutboxItem]:
        """The first pending effect of each lane not in `busy` and due now, most urgent first.

        In a burst a thousand lanes wait and this is asked after every effect carried out, so it must
        not cost the size of the queue: SQLite walks the pending effects in the order wanted
        (index outbox_due), checks each one is its lane's first (index outbox_pending), and stops
        after `limit`. Only effects of busy lanes and postponed ones are stepped over.
        """
        lanes = sorted(busy)
        exclude = f" AND o.lane NOT IN ({','.join('?' * len(lanes))})" if lanes else ""
        rows = await self._db.fetch_all(HEADS_SQL.format(exclude=exclude), (iso(now), *lanes, limit))
        return [OutboxItem(id=r["id"], lane=r["lane"], priority=r["priority"], effect_json=r["effect"],
                           attempts=r["attempts"], dedup=r["dedup"], not_before=parse_time(r["not_before"]),
                           tried_at=parse_time(r["tried_at"]), more_in_lane=bool(r["more"]))
                for r in rows]

    async def next_retry(self) -> datetime | None:
        """When the earliest postponed effect becomes due."""
        row = await self._db.fetch_one(
            "SELECT MIN(not_before) AS t FROM outbox WHERE state = 'pending' AND not_before IS NOT NULL"
        )
        return parse_time(row["t"]) if row is not None else None

    async def mark_tried(self, item_id: int, now: datetime) -> None:
        """An attempt begins now (kept from the first attempt on)."""
        await self._db.execute("UPDATE outbox SET tried_at = COALESCE(tried_at, ?) WHERE id = ?", (iso(now), item_id))

    async def mark_sent(self, item_id: int, now: datetime, *, tag: str | None = None, lane: str = "",
                        message_ref: str | None = None) -> None:
        """Done; `lane` is the conversation the tagged message went to (conversation_of the effect)."""
        statements: list[Statement] = [
            ("UPDATE outbox SET state = 'sent', done_at = ?, problem = NULL WHERE id = ?", (iso(now), item_id)),
            (_RELEASE_FILE, (item_id,))]
        if tag is not None:
            statements.append(("UPDATE sent_messages SET message_ref = ?, sent_at = ? WHERE tag = ? AND conversation = ?",
                               (message_ref, iso(now), tag, lane)))
        await self._db.run_batch(statements)

    async def postpone(self, item_id: int, until: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, problem = ? WHERE id = ?",
            (iso(until), Problem.TRANSIENT.value, item_id),
        )

    async def fail(self, item_id: int, problem: Problem, now: datetime, followups: Sequence[Effect] = ()) -> None:
        """Give up on an effect, queueing what must be said about it, in one transaction."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET state = 'failed', problem = ?, done_at = ?, attempts = attempts + 1 WHERE id = ?",
                (problem.value, iso(now), item_id),
            )
            await tx.execute(_RELEASE_FILE, (item_id,))
            if followups:
                await self.add(followups, now)

    async def message_of(self, tag: str, conversation: str) -> str | None:
        """The handle of the message sent under `tag` there; None when it was never sent."""
        row = await self._db.fetch_one(
            "SELECT message_ref FROM sent_messages WHERE tag = ? AND conversation = ?", (tag, conversation)
        )
        return str(row["message_ref"]) if row is not None and row["message_ref"] is not None else None

    async def places_of(self, tag: str) -> list[str]:
        """Every conversation a message under `tag` was (or is being) sent to."""
        rows = await self._db.fetch_all("SELECT conversation FROM sent_messages WHERE tag = ? ORDER BY conversation",
                                        (tag,))
        return [r["conversation"] for r in rows]

    async def failed_tags(self, prefix: str) -> dict[str, Problem]:
        """Tags starting with `prefix` whose latest effect failed for good (e.g. undelivered welcomes)."""
        rows = await self._db.fetch_all(
            "SELECT tag, state, problem FROM outbox WHERE tag LIKE ? ESCAPE '\\' "
            "AND id IN (SELECT MAX(id) FROM outbox WHERE tag LIKE ? ESCAPE '\\' GROUP BY tag)",
            (_like_prefix(prefix), _like_prefix(prefix)),
        )
        return {r["tag"]: Problem(r["problem"] or Problem.REJECTED.value) for r in rows if r["state"] == "failed"}

    async def retry_tag(self, tag: str, now: datetime) -> bool:
        """Queue again the last failed effect under `tag` (a staff member's «Отправить ещё раз»)."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT id, effect, state FROM outbox WHERE tag = ? ORDER BY id DESC LIMIT 1", (tag,)
            )
            if row is None or row["state"] != "failed":
                return False
            await tx.execute(
                "INSERT INTO outbox (lane, priority, effect, dedup, tag, created_at, file_id) "
                "SELECT lane, priority, effect, ?, tag, ?, file_id FROM outbox WHERE id = ?",
                (new_dedup(), iso(now), row["id"]),
            )
        return True

    async def backlog(self) -> int:
        row = await self._db.fetch_one("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")
        return int(row["n"]) if row is not None else 0

    async def purge_done_before(self, cutoff: datetime) -> int:
        """Sent and given-up effects older than `cutoff` go: they quote what the bot said to people."""
        return await self._db.execute(
            "DELETE FROM outbox WHERE state != 'pending' AND done_at < ?", (iso(cutoff),)
        )


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
