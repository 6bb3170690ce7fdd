"""Activity counters: how many messages a person wrote in a bound chat on a day — never what.

One statement per message (`bump`, inside the update's own transaction). A person's daily rows
are personal data (an id per day) and are kept ACTIVITY_DAYS (bot/privacy.py); housekeeping then
rolls them into per-chat daily totals that name nobody (`roll_up`).
"""

from __future__ import annotations

from datetime import date

from bot.port.ids import ChatId, PersonId
from storage.db import Database


class ActivityRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def bump(self, person: PersonId, chat: ChatId, day: date) -> None:
        await self._db.execute(
            "INSERT INTO activity (person_id, chat_id, day, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (person_id, chat_id, day) DO UPDATE SET count = count + 1",
            (person, chat, day.isoformat()),
        )

    async def roll_up(self, before: date) -> int:
        """Days before `before` become per-chat totals (messages, how many wrote); the personal rows go."""
        cutoff = before.isoformat()
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO chat_activity (chat_id, day, messages, people) "
                "SELECT chat_id, day, SUM(count), COUNT(*) FROM activity WHERE day < ? GROUP BY chat_id, day "
                "ON CONFLICT (day, chat_id) DO UPDATE SET messages = messages + excluded.messages, "
                "people = people + excluded.people",
                (cutoff,),
            )
            return await tx.execute("DELETE FROM activity WHERE day < ?", (cutoff,))
