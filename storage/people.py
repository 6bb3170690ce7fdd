"""People and their roles."""

from __future__ import annotations

from datetime import datetime

from bot.people import Person
from bot.roles import Role
from storage.db import Database


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class PeopleRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, vk_id: int) -> Person | None:
        row = await self._db.fetch_one("SELECT vk_id, display_name FROM people WHERE vk_id = ?", (vk_id,))
        if row is None:
            return None
        return Person(vk_id=row["vk_id"], display_name=row["display_name"], roles=await self.roles_of(vk_id))

    async def roles_of(self, vk_id: int) -> frozenset[Role]:
        rows = await self._db.fetch_all("SELECT role FROM person_roles WHERE vk_id = ?", (vk_id,))
        return frozenset(Role(row["role"]) for row in rows)

    async def remember(self, vk_id: int, display_name: str, now: datetime) -> None:
        """Create or rename a person; keeps their roles."""
        await self._db.execute(
            "INSERT INTO people (vk_id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (vk_id) DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at",
            (vk_id, display_name, _iso(now), _iso(now)),
        )

    async def grant(self, vk_id: int, role: Role, granted_by: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO people (vk_id, display_name, created_at, updated_at) VALUES (?, '', ?, ?) "
                "ON CONFLICT (vk_id) DO NOTHING",
                (vk_id, _iso(now), _iso(now)),
            )
            await tx.execute(
                "INSERT INTO person_roles (vk_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (vk_id, role) DO NOTHING",
                (vk_id, role.value, granted_by, _iso(now)),
            )

    async def revoke(self, vk_id: int, role: Role) -> bool:
        changed = await self._db.execute(
            "DELETE FROM person_roles WHERE vk_id = ? AND role = ?", (vk_id, role.value)
        )
        return changed > 0
