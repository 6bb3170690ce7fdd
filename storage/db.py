"""The SQLite connection: pragmas, numbered migrations, transactions.

One aiosqlite connection in autocommit mode; every write that spans several
statements runs inside `transaction()`, serialised by a lock so that concurrent
handlers never interleave their statements inside one transaction.

Transactions nest: a flow opens one around its whole decision (state, outbox, the
inbox row marked done) and the repositories it calls open theirs inside it, which
become savepoints. The open transaction is found through a context variable, so a
repository never needs to be told whether it runs inside one.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# A migration that rebuilds tables says so on its first line; foreign keys are then switched off
# around it (SQLite cannot change that inside a transaction) and checked before it commits.
_REBUILDS_TABLES = "-- schoolbot: rebuilds tables"
_savepoints = itertools.count(1)


class SchemaTooNew(Exception):
    """The database was migrated by a newer schoolbot than this one."""

    def __init__(self, db_version: int, code_version: int) -> None:
        super().__init__(
            f"База данных новее программы: версия схемы {db_version}, а эта версия schoolbot знает до {code_version}. "
            f"Обновите schoolbot или укажите другой файл базы. "
            f"(The database schema v{db_version} is newer than this code, v{code_version}: upgrade schoolbot.)"
        )
        self.db_version = db_version
        self.code_version = code_version


@dataclass(frozen=True, kw_only=True)
class Migration:
    version: int
    """The number at the start of the file name."""
    name: str
    """The rest of the file name, for the schema table."""
    sql: str


def bundled_migrations() -> list[Migration]:
    """The numbered .sql files shipped in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(version=int(match[1]), name=match[2], sql=entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    # Numbers are handed out to features developed in parallel, so a branch may lack some for a
    # while; they must be unique, and a database gets every one it has not recorded (see migrate).
    if len(set(versions)) != len(versions) or (versions and versions[0] < 1):
        raise RuntimeError(f"migrations must have unique positive numbers, got {versions}")
    return found


class Database:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        return cls(connection)

    async def close(self) -> None:
        await self._conn.close()

    # --- migrations -------------------------------------------------------

    async def schema_version(self) -> int:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: Sequence[Migration] | None = None) -> list[int]:
        """Apply pending migrations, each in one transaction with its record; return what was applied.

        Pending means not recorded yet, so a migration numbered below the newest recorded one (a
        feature merged after another) is still applied, in number order.
        """
        migrations = bundled_migrations() if migrations is None else list(migrations)
        latest_known = migrations[-1].version if migrations else 0
        async with self._lock:
            current = await self.schema_version()
            if current > latest_known:
                raise SchemaTooNew(current, latest_known)
            async with self._conn.execute("SELECT version FROM schema_migrations") as cursor:
                recorded = {int(row[0]) for row in await cursor.fetchall()}
            applied = []
            for migration in migrations:
                if migration.version in recorded:
                    continue
                await self._apply(migration)
                applied.append(migration.version)
            return applied

    async def _apply(self, migration: Migration) -> None:
        rebuilds = migration.sql.startswith(_REBUILDS_TABLES)
        check = "PRAGMA foreign_key_check;\n" if rebuilds else ""
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n;\n"
            "INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({migration.version}, '{migration.name}', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));\n"
        )
        if rebuilds:
            await self._conn.execute("PRAGMA foreign_keys = OFF")
        try:
            await self._conn.executescript(script)
            if rebuilds:
                broken = list(await (await self._conn.execute(check)).fetchall())
                if broken:
                    raise RuntimeError(f"migration {migration.version} broke {len(broken)} foreign keys")
            await self._conn.execute("COMMIT")
        except Exception:
            if self._conn.in_transaction:
                await self._conn.execute("ROLLBACK")
            raise
        finally:
            if rebuilds:
                await self._conn.execute("PRAGMA foreign_keys = ON")

    # --- queries ----------------------------------------------------------

    def in_transaction(self) -> bool:
        """Whether this task is inside a transaction (flows must not call a platform there)."""
        return self._open() is not None

    def _open(self) -> Transaction | None:
        """The transaction this task is inside, if any (on this database)."""
        tx = _current.get()
        return tx if tx is not None and tx.connection is self._conn else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; inside another one, a savepoint."""
        outer = self._open()
        if outer is not None:
            async with outer.savepoint():
                yield outer
            return
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(self._conn)
            token = _current.set(tx)
            try:
                yield tx
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            finally:
                _current.reset(token)
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement in its own transaction; returns the new rowid of an INSERT (0 if none), or rowcount."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        tx = self._open()
        if tx is not None:
            return await tx.fetch_all(sql, params)
        async with self._lock, self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        tx = self._open()
        if tx is not None:
            return await tx.fetch_one(sql, params)
        async with self._lock, self._conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()


class Transaction:
    """Statements run inside `Database.transaction()`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction: its statements are undone alone if it fails."""
        name = f"sp{next(_savepoints)}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        await self._conn.execute(f"RELEASE {name}")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            if sql.lstrip().upper().startswith(("UPDATE", "DELETE")):
                return cursor.rowcount
            # An INSERT … ON CONFLICT DO NOTHING that inserted nothing reports 0, not a stale rowid.
            return (cursor.lastrowid or 0) if cursor.rowcount != 0 else 0

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()


_current: ContextVar[Transaction | None] = ContextVar("schoolbot_transaction", default=None)
