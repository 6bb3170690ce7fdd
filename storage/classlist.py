"""Class lists: the pupils of each class as the journal exports them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import aiosqlite

from bot.classlist.model import ImportPlan, NewPupil, Pupil
from bot.membership.groups import SchoolClass, parse_class
from bot.port.ids import PersonId
from storage.db import Database, Transaction
from storage.times import iso


def _pupil(row: aiosqlite.Row) -> Pupil:
    return Pupil(id=row["id"], school_class=parse_class(row["class_label"]), surname=row["surname"], name=row["name"],
                 patronymic=row["patronymic"], birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"]
                 else None, person_id=PersonId(row["person_id"]) if row["person_id"] else None)


def _birth(pupil: NewPupil) -> str | None:
    return pupil.birth_date.isoformat() if pupil.birth_date else None


_ORDER = "ORDER BY class_label, surname COLLATE NOCASE, name COLLATE NOCASE, id"


class ClassListRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def of_class(self, school_class: SchoolClass) -> list[Pupil]:
        rows = await self._db.fetch_all(f"SELECT * FROM class_lists WHERE class_label = ? {_ORDER}",
                                        (str(school_class),))
        return [_pupil(r) for r in rows]

    async def everyone(self) -> list[Pupil]:
        return [_pupil(r) for r in await self._db.fetch_all(f"SELECT * FROM class_lists {_ORDER}")]

    async def count(self, school_class: SchoolClass) -> int:
        row = await self._db.fetch_one("SELECT COUNT(*) AS n FROM class_lists WHERE class_label = ?",
                                       (str(school_class),))
        return int(row["n"]) if row is not None else 0

    async def of_person(self, person_id: PersonId) -> list[Pupil]:
        rows = await self._db.fetch_all(f"SELECT * FROM class_lists WHERE person_id = ? {_ORDER}", (person_id,))
        return [_pupil(r) for r in rows]

    async def apply(self, plan: ImportPlan, now: datetime) -> None:
        """The whole import or nothing; account links of pupils who stay or move are kept."""
        async with self._db.transaction() as tx:
            for pupil in plan.removed:
                await tx.execute("DELETE FROM class_lists WHERE id = ?", (pupil.id,))
            for old, new in (*plan.moved, *plan.updated):
                await tx.execute(
                    "UPDATE class_lists SET class_label = ?, patronymic = COALESCE(?, patronymic), "
                    "birth_date = COALESCE(?, birth_date) WHERE id = ?",
                    (str(new.school_class), new.patronymic, _birth(new), old.id))
            for new in plan.added:
                await _insert(tx, new, now)

    async def link(self, pupil_id: int, person_id: PersonId) -> None:
        """The pupil's own account, once their request was approved."""
        await self._db.execute("UPDATE class_lists SET person_id = ? WHERE id = ?", (person_id, pupil_id))

    async def move_person(self, person_id: PersonId, school_class: SchoolClass) -> int:
        """A pupil moved to another class on their own (/перевести id123 6Б)."""
        return await self._db.execute("UPDATE class_lists SET class_label = ? WHERE person_id = ?",
                                      (str(school_class), person_id))

    async def remove_person(self, person_id: PersonId) -> int:
        """A pupil who left the school leaves the list."""
        return await self._db.execute("DELETE FROM class_lists WHERE person_id = ?", (person_id,))

    async def remove_class(self, school_class: SchoolClass) -> int:
        return await self._db.execute("DELETE FROM class_lists WHERE class_label = ?", (str(school_class),))

    async def rename_class(self, old: SchoolClass, new: SchoolClass) -> int:
        return await self._db.execute("UPDATE class_lists SET class_label = ? WHERE class_label = ?",
                                      (str(new), str(old)))

    async def add(self, pupils: Iterable[NewPupil], now: datetime) -> None:
        async with self._db.transaction() as tx:
            for pupil in pupils:
                await _insert(tx, pupil, now)


async def _insert(tx: Transaction, pupil: NewPupil, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO class_lists (class_label, surname, name, patronymic, birth_date, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (str(pupil.school_class), pupil.surname, pupil.name, pupil.patronymic, _birth(pupil), iso(now)))
