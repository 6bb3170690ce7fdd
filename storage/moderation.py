"""Moderation events, warnings, the school's filter words, appeals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.port.ids import ChatId, PersonId
from storage.db import Database
from storage.times import iso as _iso


@dataclass(frozen=True, kw_only=True)
class ModerationEvent:
    id: int
    at: str
    chat_id: ChatId
    author_id: PersonId
    labels: tuple[str, ...]
    excerpt: str
    """Masked; the full text is never stored."""
    acts: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Warning:
    id: int
    person_id: PersonId
    labels: tuple[str, ...]
    issued_at: str
    expires_at: str
    pardoned: bool
    event_id: int | None = None
    """The moderation record it was given for (its masked excerpt), if still kept."""


@dataclass(frozen=True, kw_only=True)
class Appeal:
    id: int
    warning_id: int
    person_id: PersonId
    state: str
    explanation: str | None = None
    """What the person wrote after /обжаловать, masked."""


def _event(row: aiosqlite.Row) -> ModerationEvent:
    return ModerationEvent(id=row["id"], at=row["at"], chat_id=ChatId(row["chat_id"]),
                           author_id=PersonId(row["author_id"]),
                           labels=tuple(filter(None, row["labels"].split(","))), excerpt=row["excerpt"],
                           acts=tuple(filter(None, row["acts"].split(","))))


def _warning(row: aiosqlite.Row) -> Warning:
    return Warning(id=row["id"], person_id=PersonId(row["person_id"]), labels=tuple(row["labels"].split(",")),
                   issued_at=row["issued_at"], expires_at=row["expires_at"], pardoned=row["pardoned_at"] is not None,
                   event_id=row["event_id"])


class ModerationRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_event(self, *, now: datetime, chat_id: ChatId, author_id: PersonId, message_ref: str | None,
                           labels: list[str], excerpt: str, edited: bool, acts: list[str]) -> int:
        return await self._db.execute(
            "INSERT INTO moderation_events (at, chat_id, author_id, message_ref, labels, excerpt, edited, acts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_iso(now), chat_id, author_id, message_ref, ",".join(labels), excerpt, int(edited), ",".join(acts)),
        )

    async def recent_run(self, author_id: PersonId, chat_id: ChatId, since: datetime) -> tuple[int, int | None]:
        """(how many events of this author in this chat since `since`, the id of the first of them)."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n, MIN(id) AS first FROM moderation_events "
            "WHERE author_id = ? AND chat_id = ? AND at >= ?",
            (author_id, chat_id, _iso(since)),
        )
        return (int(row["n"]), row["first"]) if row is not None else (0, None)

    async def alerted(self, person_id: PersonId, day: str) -> bool:
        row = await self._db.fetch_one("SELECT 1 FROM moderation_alerts WHERE person_id = ? AND day = ?",
                                       (person_id, day))
        return row is not None

    async def first_alert_of_day(self, person_id: PersonId, day: str, now: datetime) -> bool:
        """True the first time today this person's threshold is announced (then: quiet till tomorrow)."""
        changed = await self._db.execute(
            "INSERT INTO moderation_alerts (person_id, day, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (person_id, day, _iso(now)),
        )
        return changed > 0

    async def recent_events(self, limit: int) -> list[ModerationEvent]:
        rows = await self._db.fetch_all("SELECT * FROM moderation_events ORDER BY id DESC LIMIT ?", (limit,))
        return [_event(row) for row in rows]

    async def add_warning(self, *, person_id: PersonId, event_id: int | None, labels: list[str], now: datetime,
                          expires_at: datetime) -> int:
        return await self._db.execute(
            "INSERT INTO warnings (person_id, event_id, labels, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (person_id, event_id, ",".join(labels), _iso(now), _iso(expires_at)),
        )

    async def active_warnings(self, person_id: PersonId, now: datetime) -> list[Warning]:
        rows = await self._db.fetch_all(
            "SELECT * FROM warnings WHERE person_id = ? AND pardoned_at IS NULL AND expires_at > ? ORDER BY id",
            (person_id, _iso(now)),
        )
        return [_warning(row) for row in rows]

    async def pardon_last(self, person_id: PersonId, by: PersonId, now: datetime) -> Warning | None:
        """Lift the newest active warning; None when there is none."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT * FROM warnings WHERE person_id = ? AND pardoned_at IS NULL AND expires_at > ? "
                "ORDER BY id DESC LIMIT 1",
                (person_id, _iso(now)),
            )
            if row is None:
                return None
            await tx.execute("UPDATE warnings SET pardoned_at = ?, pardoned_by = ? WHERE id = ?",
                             (_iso(now), by, row["id"]))
        return _warning(row)

    async def pardon(self, warning_id: int, by: PersonId, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE warnings SET pardoned_at = ?, pardoned_by = ? WHERE id = ? AND pardoned_at IS NULL",
            (_iso(now), by, warning_id),
        )
        return changed > 0

    # --- the school's words ---------------------------------------------------

    async def set_word(self, word: str, kind: str, by: PersonId, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO filter_words (word, kind, added_by, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (word) DO UPDATE SET kind = excluded.kind, added_by = excluded.added_by, "
            "added_at = excluded.added_at",
            (word, kind, by, _iso(now)),
        )

    async def remove_word(self, word: str) -> bool:
        return await self._db.execute("DELETE FROM filter_words WHERE word = ?", (word,)) > 0

    async def words(self) -> tuple[list[str], list[str]]:
        """(blocked, allowed)."""
        rows = await self._db.fetch_all("SELECT word, kind FROM filter_words ORDER BY word")
        return [r["word"] for r in rows if r["kind"] == "block"], [r["word"] for r in rows if r["kind"] == "allow"]

    # --- appeals -----------------------------------------------------------------

    async def open_appeal(self, *, warning_id: int, person_id: PersonId, now: datetime,
                          explanation: str | None = None) -> int | None:
        """A new appeal, or None when this warning already has an open or a rejected one (a warning
        the administrator kept after an appeal cannot be appealed again)."""
        async with self._db.transaction() as tx:
            existing = await tx.fetch_one(
                "SELECT id FROM appeals WHERE warning_id = ? AND state IN ('open', 'kept')", (warning_id,))
            if existing is not None:
                return None
            return await tx.execute(
                "INSERT INTO appeals (warning_id, person_id, at, explanation) VALUES (?, ?, ?, ?)",
                (warning_id, person_id, _iso(now), explanation or None))

    async def appeal_states(self, warning_ids: list[int]) -> dict[int, str]:
        """Warning id → the state of its latest appeal («open», «kept», «lifted»), for those appealed."""
        if not warning_ids:
            return {}
        marks = ",".join("?" * len(warning_ids))
        rows = await self._db.fetch_all(
            f"SELECT warning_id, state FROM appeals WHERE warning_id IN ({marks}) ORDER BY id", warning_ids)
        return {row["warning_id"]: row["state"] for row in rows}

    async def get_appeal(self, appeal_id: int) -> Appeal | None:
        row = await self._db.fetch_one("SELECT * FROM appeals WHERE id = ?", (appeal_id,))
        if row is None:
            return None
        return Appeal(id=row["id"], warning_id=row["warning_id"], person_id=PersonId(row["person_id"]),
                      state=row["state"], explanation=row["explanation"])

    async def get_warning(self, warning_id: int) -> Warning | None:
        row = await self._db.fetch_one("SELECT * FROM warnings WHERE id = ?", (warning_id,))
        return _warning(row) if row is not None else None

    async def excerpt_of(self, event_id: int | None) -> str | None:
        """The masked excerpt of a moderation record (None once it is purged)."""
        if event_id is None:
            return None
        row = await self._db.fetch_one("SELECT excerpt FROM moderation_events WHERE id = ?", (event_id,))
        return row["excerpt"] if row is not None else None

    async def decide_appeal(self, appeal_id: int, *, lift: bool, by: PersonId, now: datetime) -> Appeal | None:
        """Close an open appeal (lifting its warning when asked); None when it is not open."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one("SELECT * FROM appeals WHERE id = ? AND state = 'open'", (appeal_id,))
            if row is None:
                return None
            await tx.execute("UPDATE appeals SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                             ("lifted" if lift else "kept", by, _iso(now), appeal_id))
            if lift:
                await tx.execute(
                    "UPDATE warnings SET pardoned_at = ?, pardoned_by = ? WHERE id = ? AND pardoned_at IS NULL",
                    (_iso(now), by, row["warning_id"]))
        return Appeal(id=row["id"], warning_id=row["warning_id"], person_id=PersonId(row["person_id"]),
                      state="lifted" if lift else "kept", explanation=row["explanation"])
