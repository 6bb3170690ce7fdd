"""The queries behind /моиданные and /удалить, across every table that exists right now.

Features add tables in their own migrations, so nothing here names them: the schema is read
from sqlite_master and bot/privacy.py decides which columns hold a person's id.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.destruction import Reason
from bot.port.ids import PersonId
from bot.privacy import PEOPLE_TABLE, ForgetResult, Found, Lookup, Mode, erasable, plan_lookups, unclassified
from storage.db import Database, Transaction
from storage.destruction import DestructionLog
from storage.times import iso

log = logging.getLogger(__name__)

_ACTIVE = "pardoned_at IS NULL AND expires_at > ?"  # a warning still in force
_ROWS_READ = 50  # more than /моиданные shows; the count is exact regardless


def _quote(identifier: str) -> str:
    """An SQL identifier; names come from sqlite_master, quoting keeps odd ones harmless."""
    return '"' + identifier.replace('"', '""') + '"'


def _where(lookup: Lookup) -> str:
    return " OR ".join(f"{_quote(c)} = ?" for c in lookup.columns)


class PersonalDataRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def schema(self) -> dict[str, list[str]]:
        """Table name → column names, for every table in the database now."""
        tables = await self._db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        schema: dict[str, list[str]] = {}
        for row in tables:
            columns = await self._db.fetch_all(f"PRAGMA table_info({_quote(row['name'])})")
            schema[row["name"]] = [c["name"] for c in columns]
        return schema

    async def lookups(self) -> list[Lookup]:
        schema = await self.schema()
        loose = unclassified(schema)
        if loose:  # table names only: never anyone's data
            log.warning("privacy: tables that may hold person ids have no entry in bot/privacy.py: %s",
                        ", ".join(sorted(loose)))
        return plan_lookups(schema)

    async def collect(self, person_id: PersonId) -> list[Found]:
        """What every table holds about `person_id`: rows where they are theirs, counts otherwise."""
        found: list[Found] = []
        for lookup in await self.lookups():
            table, where = _quote(lookup.table), _where(lookup)
            params = [person_id] * len(lookup.columns)
            count_row = await self._db.fetch_one(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params)
            count = int(count_row["n"]) if count_row is not None else 0
            rows: tuple[dict[str, object], ...] = ()
            if lookup.mode is Mode.ROWS and count:
                fetched = await self._db.fetch_all(
                    f"SELECT * FROM {table} WHERE {where} ORDER BY rowid LIMIT {_ROWS_READ}", params
                )
                rows = tuple(dict(r) for r in fetched)
            found.append(Found(lookup=lookup, rows=rows, count=count))
        return found

    async def audit_entries(self, person_id: PersonId) -> int:
        found = await self.collect(person_id)
        return sum(f.count for f in found if f.lookup.table == "audit_log")

    async def forget(self, person_id: PersonId, now: datetime) -> ForgetResult:
        """Erase every erasable row about `person_id` in one transaction; count what must stay.

        Warnings still in force stay (bot.privacy.ACTIVE_WARNINGS_REASON); they go when they expire.
        """
        lookups = await self.lookups()
        deleted: dict[str, int] = {}
        async with self._db.transaction() as tx:
            kept_warnings = await tx.fetch_all(f"SELECT id FROM warnings WHERE person_id = ? AND {_ACTIVE}",
                                               (person_id, iso(now)))
            keep = [row["id"] for row in kept_warnings]
            blocked = await self._people_row_blocked(tx, person_id, erasable(lookups))
            for lookup in erasable(lookups):
                if lookup.table == PEOPLE_TABLE and blocked:
                    deleted[PEOPLE_TABLE] = await tx.execute(
                        "UPDATE people SET display_name = '', gender = '' WHERE person_id = ?", (person_id,)
                    )
                    continue
                sql = f"DELETE FROM {_quote(lookup.table)} WHERE ({_where(lookup)})"
                params: list[object] = [person_id] * len(lookup.columns)
                if lookup.table in ("warnings", "appeals") and keep:
                    column = "id" if lookup.table == "warnings" else "warning_id"
                    sql += f" AND {column} NOT IN ({','.join('?' * len(keep))})"
                    params += keep
                changed = await tx.execute(sql, params)
                deleted[lookup.table] = deleted.get(lookup.table, 0) + changed
            destruction = DestructionLog(self._db)  # the record stands or falls with the erasure (152-ФЗ)
            for table, count in deleted.items():
                await destruction.record(at=now, kind=table, records=count, reason=Reason.REQUEST)
            kept = {lk.table: await self._count(tx, lk, person_id) for lk in lookups if lk.mode is Mode.COUNT}
        return ForgetResult(
            deleted=deleted, audit_entries=kept.get("audit_log", 0), complaints_kept=kept.get("reports", 0),
            id_kept=blocked, warnings_kept=len(keep),
        )

    @staticmethod
    async def _count(tx: Transaction, lookup: Lookup, person_id: PersonId) -> int:
        row = await tx.fetch_one(
            f"SELECT COUNT(*) AS n FROM {_quote(lookup.table)} WHERE {_where(lookup)}", [person_id] * len(lookup.columns)
        )
        return int(row["n"]) if row is not None else 0

    @staticmethod
    async def _people_row_blocked(tx: Transaction, person_id: PersonId, erased: Sequence[Lookup]) -> bool:
        """Would deleting the people row break a foreign key that other features' records hold?

        Columns such as «created_by REFERENCES people» in an administrator's record are not the
        person's data; if one still points at them, the row stays with the name erased.
        """
        erased_columns = {(lk.table, lk.column) for lk in erased}
        tables = await tx.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        for table_row in tables:
            table = table_row["name"]
            for fk in await tx.fetch_all(f"PRAGMA foreign_key_list({_quote(table)})"):
                if fk["table"] != PEOPLE_TABLE or fk["on_delete"] in ("CASCADE", "SET NULL", "SET DEFAULT"):
                    continue
                if (table, fk["from"]) in erased_columns:
                    continue
                hit = await tx.fetch_one(
                    f"SELECT 1 FROM {_quote(table)} WHERE {_quote(fk['from'])} = ? LIMIT 1", (person_id,)
                )
                if hit is not None:
                    return True
        return False
