"""Announcements: drafts, schedules, sending, who received them, who pressed «Прочитано».

Every change of state is a conditional UPDATE on the state read before (a double press, a restart
in the middle, the scheduler and a person racing): one changed row, or a lost race that does nothing.
Sending goes through the outbox with the tag «ann:N» per chat; `results` reads how each went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.port.ids import PersonId
from storage.db import Database
from storage.times import iso, parse_time

OPEN_STATES = ("draft", "scheduled")


@dataclass(frozen=True, kw_only=True)
class Announcement:
    id: int
    author_id: PersonId
    audience: str
    """bot.director.announce.Audience.key()."""
    text: str
    file_id: int | None
    file_kind: str | None
    file_name: str | None
    ack: bool
    state: str
    reply_to: str
    """Where the author wrote the command (preview and report go there)."""
    created_at: datetime
    send_at: datetime | None
    sent_at: datetime | None
    late: bool


@dataclass(frozen=True, kw_only=True)
class ChatResult:
    chat_id: str
    title: str
    state: str
    """pending, sent, failed."""
    problem: str | None


def tag_of(number: int) -> str:
    return f"ann:{number}"


def _announcement(row: aiosqlite.Row) -> Announcement:
    return Announcement(
        id=row["id"], author_id=PersonId(row["author_id"]), audience=row["audience"], text=row["text"],
        file_id=row["file_id"], file_kind=row["file_kind"], file_name=row["file_name"], ack=bool(row["ack"]),
        state=row["state"], reply_to=row["reply_to"], created_at=datetime.fromisoformat(row["created_at"]),
        send_at=parse_time(row["send_at"]), sent_at=parse_time(row["sent_at"]), late=bool(row["late"]),
    )


class AnnouncementsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, *, author: PersonId, audience: str, text: str, reply_to: str, now: datetime,
                     send_at: datetime | None = None, file_id: int | None = None, file_kind: str | None = None,
                     file_name: str | None = None) -> int:
        return await self._db.execute(
            "INSERT INTO announcements (author_id, audience, text, file_id, file_kind, file_name, state, reply_to, "
            "created_at, send_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)",
            (author, audience, text, file_id, file_kind, file_name, reply_to, iso(now),
             iso(send_at) if send_at is not None else None))

    async def get(self, number: int) -> Announcement | None:
        row = await self._db.fetch_one("SELECT * FROM announcements WHERE id = ?", (number,))
        return _announcement(row) if row is not None else None

    async def schedule(self, number: int, *, ack: bool) -> bool:
        """A confirmed draft with a time waits for it."""
        return await self._db.execute(
            "UPDATE announcements SET state = 'scheduled', ack = ? WHERE id = ? AND state = 'draft' "
            "AND send_at IS NOT NULL", (int(ack), number)) == 1

    async def start_sending(self, number: int, *, from_states: Sequence[str], chats: Sequence[tuple[str, str]],
                            now: datetime, ack: bool | None = None, late: bool = False) -> bool:
        """Into the outbox now (the caller adds the effects in the same transaction); False if another
        press or the scheduler did it first."""
        marks = ",".join("?" * len(from_states))
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE announcements SET state = 'sending', sent_at = ?, late = ?, ack = COALESCE(?, ack) "
                f"WHERE id = ? AND state IN ({marks})",
                (iso(now), int(late), None if ack is None else int(ack), number, *from_states))
            if changed != 1:
                return False
            for chat_id, title in chats:
                await tx.execute("INSERT INTO announcement_chats (announcement_id, chat_id, title) VALUES (?, ?, ?) "
                                 "ON CONFLICT DO NOTHING", (number, chat_id, title))
        return True

    async def cancel(self, number: int) -> bool:
        return await self._db.execute(
            "UPDATE announcements SET state = 'cancelled' WHERE id = ? AND state IN ('draft', 'scheduled', 'missed')",
            (number,)) == 1

    async def mark_missed(self, number: int) -> bool:
        return await self._db.execute(
            "UPDATE announcements SET state = 'missed' WHERE id = ? AND state = 'scheduled'", (number,)) == 1

    async def due(self, now: datetime) -> list[Announcement]:
        rows = await self._db.fetch_all(
            "SELECT * FROM announcements WHERE state = 'scheduled' AND send_at <= ? ORDER BY send_at, id", (iso(now),))
        return [_announcement(r) for r in rows]

    async def next_due(self) -> datetime | None:
        row = await self._db.fetch_one("SELECT MIN(send_at) AS t FROM announcements WHERE state = 'scheduled'")
        return parse_time(row["t"]) if row is not None else None

    async def sending(self) -> list[Announcement]:
        rows = await self._db.fetch_all("SELECT * FROM announcements WHERE state = 'sending' ORDER BY id")
        return [_announcement(r) for r in rows]

    async def outbox_states(self, number: int) -> dict[str, tuple[str, str | None]]:
        """Per chat, how its effect went: (pending|sent|failed|cancelled, problem)."""
        rows = await self._db.fetch_all(
            "SELECT lane, state, problem FROM outbox WHERE tag = ? ORDER BY id", (tag_of(number),))
        return {r["lane"].removeprefix("bulk:"): (r["state"], r["problem"]) for r in rows}

    async def finish(self, number: int, results: Sequence[tuple[str, str, str | None]], now: datetime) -> bool:
        """Every chat served: record how (chat, sent|failed, problem) and close it; False if already closed."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE announcements SET state = 'sent', finished_at = ? WHERE id = ? AND state = 'sending'",
                (iso(now), number))
            if changed != 1:
                return False
            for chat_id, state, problem in results:
                await tx.execute("UPDATE announcement_chats SET state = ?, problem = ? WHERE announcement_id = ? "
                                 "AND chat_id = ?", (state, problem, number, chat_id))
        return True

    async def chats(self, number: int) -> list[ChatResult]:
        rows = await self._db.fetch_all(
            "SELECT * FROM announcement_chats WHERE announcement_id = ? ORDER BY rowid", (number,))
        return [ChatResult(chat_id=r["chat_id"], title=r["title"], state=r["state"], problem=r["problem"])
                for r in rows]

    # --- «Прочитано» --------------------------------------------------------------------------
    async def record_read(self, number: int, person: PersonId, now: datetime) -> bool:
        """True the first time this person marks it read."""
        return await self._db.execute(
            "INSERT INTO announcement_reads (announcement_id, person_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (number, person, iso(now))) > 0

    async def readers(self, number: int) -> set[PersonId]:
        rows = await self._db.fetch_all("SELECT person_id FROM announcement_reads WHERE announcement_id = ?", (number,))
        return {PersonId(r["person_id"]) for r in rows}

    async def read_counts(self, numbers: Sequence[int]) -> dict[int, int]:
        if not numbers:
            return {}
        rows = await self._db.fetch_all(
            f"SELECT announcement_id, COUNT(*) AS n FROM announcement_reads WHERE announcement_id IN "
            f"({','.join('?' * len(numbers))}) GROUP BY announcement_id", list(numbers))
        return {int(r["announcement_id"]): int(r["n"]) for r in rows}

    async def delivered_counts(self, numbers: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(delivered so far, chats) per announcement."""
        if not numbers:
            return {}
        marks = ",".join("?" * len(numbers))
        rows = await self._db.fetch_all(
            f"SELECT announcement_id, COUNT(*) AS n, SUM(state = 'sent') AS ok FROM announcement_chats "
            f"WHERE announcement_id IN ({marks}) GROUP BY announcement_id", list(numbers))
        found = {int(r["announcement_id"]): (int(r["ok"] or 0), int(r["n"])) for r in rows}
        sending = await self._db.fetch_all(
            f"SELECT CAST(substr(tag, 5) AS INTEGER) AS number, COUNT(*) AS ok FROM outbox WHERE state = 'sent' "
            f"AND tag IN ({','.join('?' * len(numbers))}) AND tag IN (SELECT 'ann:' || id FROM announcements "
            f"WHERE state = 'sending') GROUP BY tag", [tag_of(n) for n in numbers])
        for r in sending:  # still going out: count what the outbox has done so far
            number = int(r["number"])
            found[number] = (int(r["ok"]), found.get(number, (0, 0))[1])
        return found

    # --- lists --------------------------------------------------------------------------------
    async def recent(self, limit: int, *, author: PersonId | None = None) -> list[Announcement]:
        """Scheduled ones first, then the latest others (drafts left unsent are not shown)."""
        where, params = ("AND author_id = ?", [author]) if author is not None else ("", [])
        rows = await self._db.fetch_all(
            f"SELECT * FROM announcements WHERE state != 'draft' {where} "
            "ORDER BY state = 'scheduled' DESC, COALESCE(sent_at, send_at, created_at) DESC, id DESC LIMIT ?",
            (*params, limit))
        return [_announcement(r) for r in rows]

    async def stale_drafts(self, before: datetime) -> list[Announcement]:
        """Previews nobody confirmed and missed ones nobody sent, since before `before`."""
        rows = await self._db.fetch_all(
            "SELECT * FROM announcements WHERE (state = 'draft' AND created_at < ?) OR (state = 'missed' AND send_at < ?)",
            (iso(before), iso(before)))
        return [_announcement(r) for r in rows]
