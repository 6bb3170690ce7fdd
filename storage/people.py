"""People and their roles."""

from __future__ import annotations

from datetime import datetime

from bot.people import Person
from bot.port.gateway import Gender
from bot.port.ids import PersonId
from bot.roles import Role
from storage.db import Database, Transaction
from storage.times import iso


async def ensure_person(tx: Transaction, person: PersonId, now: datetime) -> None:
    """Foreign keys point at people; someone never looked up still gets a row."""
    await tx.execute(
        "INSERT INTO people (person_id, display_name, created_at, updated_at) VALUES (?, '', ?, ?) "
        "ON CONFLICT (person_id) DO NOTHING",
        (person, iso(now), iso(now)),
    )


class PeopleRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, person: PersonId) -> Person | None:
        row = await self._db.fetch_one(
            "SELECT person_id, display_name, gender FROM people WHERE person_id = ?", (person,)
        )
        if row is None:
            return None
        return Person(id=PersonId(row["person_id"]), display_name=row["display_name"],
                      gender=Gender(row["gender"] or "unknown"), roles=await self.roles_of(person))

    async def names(self, people: list[PersonId]) -> dict[PersonId, Person]:
        """The stored people among `people` (name and gender, no roles), in one query."""
        if not people:
            return {}
        marks = ",".join("?" * len(people))
        rows = await self._db.fetch_all(
            f"SELECT person_id, display_name, gender FROM people WHERE person_id IN ({marks})", people
        )
        return {
            PersonId(r["person_id"]): Person(id=PersonId(r["person_id"]), display_name=r["display_name"],
                                             gender=Gender(r["gender"] or "unknown"))
            for r in rows
        }

    async def roles_of(self, person: PersonId) -> frozenset[Role]:
        rows = await self._db.fetch_all("SELECT role FROM person_roles WHERE person_id = ?", (person,))
        return frozenset(Role(row["role"]) for row in rows)

    async def remember(self, person: PersonId, display_name: str, now: datetime,
                       gender: Gender = Gender.UNKNOWN) -> None:
        """Create or rename a person; keeps their roles."""
        await self._db.execute(
            "INSERT INTO people (person_id, display_name, gender, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (person_id) DO UPDATE SET display_name = excluded.display_name, "
            "gender = excluded.gender, updated_at = excluded.updated_at",
            (person, display_name, gender.value, iso(now), iso(now)),
        )

    async def grant(self, person: PersonId, role: Role, granted_by: PersonId, now: datetime) -> bool:
        """Give a role; False when they already had it."""
        async with self._db.transaction() as tx:
            await ensure_person(tx, person, now)
            added = await tx.execute(
                "INSERT INTO person_roles (person_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (person_id, role) DO NOTHING",
                (person, role.value, granted_by, iso(now)),
            )
        return added > 0

    async def revoke(self, person: PersonId, role: Role) -> bool:
        changed = await self._db.execute(
            "DELETE FROM person_roles WHERE person_id = ? AND role = ?", (person, role.value)
        )
        return changed > 0

    async def with_role(self, role: Role) -> list[PersonId]:
        rows = await self._db.fetch_all("SELECT person_id FROM person_roles WHERE role = ? ORDER BY person_id",
                                        (role.value,))
        return [PersonId(r["person_id"]) for r in rows]
