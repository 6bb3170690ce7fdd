"""People and their roles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
        """The person with their roles, in one query (every update looks its actor up)."""
        rows = await self._db.fetch_all(
            "SELECT p.person_id, p.display_name, p.gender, r.role FROM people p "
            "LEFT JOIN person_roles r ON r.person_id = p.person_id WHERE p.person_id = ?", (person,)
        )
        if not rows:
            return None
        row = rows[0]
        return Person(id=PersonId(row["person_id"]), display_name=row["display_name"],
                      gender=Gender(row["gender"] or "unknown"),
                      roles=frozenset(Role(r["role"]) for r in rows if r["role"] is not None))

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

    async def roles_of_many(self, people: Iterable[PersonId]) -> dict[PersonId, frozenset[Role]]:
        """Everyone's roles (from the database; empty for the unknown) in a few queries, whatever the count."""
        wanted = list(dict.fromkeys(people))
        found: dict[PersonId, set[Role]] = {pid: set() for pid in wanted}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetch_all(f"SELECT person_id, role FROM person_roles WHERE person_id IN ({marks})",
                                            chunk)
            for row in rows:
                found[PersonId(row["person_id"])].add(Role(row["role"]))
        return {pid: frozenset(roles) for pid, roles in found.items()}

    async def people_many(self, people: Iterable[PersonId]) -> dict[PersonId, Person]:
        """The stored people among `people` with their names and roles, in a few queries."""
        wanted = list(dict.fromkeys(people))
        stored: dict[PersonId, Person] = {}
        for chunk in _chunks(wanted):
            stored.update(await self.names(chunk))
        roles = await self.roles_of_many(stored)
        return {pid: Person(id=pid, display_name=p.display_name, gender=p.gender, roles=roles[pid])
                for pid, p in stored.items()}

    async def remember_many(self, profiles: Iterable[tuple[PersonId, str, Gender]], now: datetime) -> None:
        """Names fetched from the platform, kept in one transaction (a list of 2,000 is one write)."""
        async with self._db.transaction() as tx:
            for person, name, gender in profiles:
                await tx.execute(
                    "INSERT INTO people (person_id, display_name, gender, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
                    "display_name = excluded.display_name, gender = excluded.gender, updated_at = excluded.updated_at",
                    (person, name, gender.value, iso(now), iso(now)))

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


_CHUNK = 500  # SQLite's bound-parameter limit is far above this; chunks keep statements small


def _chunks(items: Sequence[PersonId]) -> list[list[PersonId]]:
    return [list(items[i:i + _CHUNK]) for i in range(0, len(items), _CHUNK)]
