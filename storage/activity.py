"""Activity counters: how many messages a person wrote in a bound chat on a day — never what.

One statement per message (`bump`, inside the update's own transaction). A person's daily rows
are personal data (an id per day) and are kept ACTIVITY_DAYS (bot/privacy.py); housekeeping then
rolls them into per-chat daily totals that name nobody (`roll_up`).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.destruction import Reason, retention_basis
from bot.port.ids import ChatId, PersonId
from bot.privacy import ACTIVITY_DAYS
from storage.db import Database, Statement
from storage.destruction import DestructionLog


def bump_statement(person: PersonId, chat: ChatId, day: date) -> Statement:
    """One more message by `person` in `chat` on `day`: a statement, so it can join the update's commit."""
    return ("INSERT INTO activity (person_id, chat_id, day, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (person_id, chat_id, day) DO UPDATE SET count = count + 1",
            (person, chat, day.isoformat()))


class ActivityRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def bump(self, person: PersonId, chat: ChatId, day: date) -> None:
        await self._db.run_batch([bump_statement(person, chat, day)])

    async def roll_up(self, before: date, now: datetime) -> int:
        """Days before `before` become per-chat totals (messages, how many wrote); the personal rows go,
        with their destruction record in the same transaction (152-ФЗ)."""
        cutoff = before.isoformat()
        if await self._db.fetch_one("SELECT 1 FROM activity WHERE day < ? LIMIT 1", (cutoff,)) is None:
            return 0  # the usual hour: nothing due, no write transaction
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO chat_activity (chat_id, day, messages, people) "
                "SELECT chat_id, day, SUM(count), COUNT(*) FROM activity WHERE day < ? GROUP BY chat_id, day "
                "ON CONFLICT (day, chat_id) DO UPDATE SET messages = messages + excluded.messages, "
                "people = people + excluded.people",
                (cutoff,),
            )
            erased = await tx.execute("DELETE FROM activity WHERE day < ?", (cutoff,))
            await DestructionLog(self._db).record(at=now, kind="activity", records=erased, reason=Reason.RETENTION,
                                                  basis=retention_basis(ACTIVITY_DAYS))
            return erased
