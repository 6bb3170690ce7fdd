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
import contextlib
import itertools
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite

BUSY_TIMEOUT_MS = 5000
PROBE_BYTES = 256 * 1024
"""Big enough that the write-ahead log has to grow on a disk with no room left."""
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
    # Numbers are handed out to features developed side by side, so one may land before a lower
    # one: gaps are allowed, a number used twice is not (migrate() applies whatever is missing).
    if len(set(versions)) != len(versions) or (versions and versions[0] < 1):
        raise RuntimeError(f"migrations must have distinct positive numbers, got {versions}")
    return found


def code_schema_version() -> int:
    """The newest schema this code knows (the highest bundled migration)."""
    migrations = bundled_migrations()
    return migrations[-1].version if migrations else 0


class Database:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        new_file = str(path) != ":memory:" and not await asyncio.to_thread(Path(path).exists)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        if new_file:
            # Children's and parents' data: readable by the bot's user only, whatever the shell's umask
            # (SQLite gives the -wal and -shm files the database file's permissions).
            await asyncio.to_thread(os.chmod, path, 0o600)
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL loses nothing when the process is killed; only a power cut can lose the
        # last commits, and then the poll position rolls back with them, so the updates come again.
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        return cls(connection)

    @classmethod
    async def open_readonly(cls, path: Path | str) -> Database:
        """For looking only (`schoolbot status`): never creates, migrates or writes the file."""
        connection = await aiosqlite.connect(f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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

        Pending means not recorded yet, not just numbered above the current version: a migration
        numbered below one already applied (features merged out of order) is applied too.
        """
        migrations = bundled_migrations() if migrations is None else list(migrations)
        latest_known = migrations[-1].version if migrations else 0
        async with self._lock:
            current = await self.schema_version()
            if current > latest_known:
                raise SchemaTooNew(current, latest_known)
            async with self._conn.execute("SELECT version FROM schema_migrations") as cursor:
                done = {int(row[0]) for row in await cursor.fetchall()}
            applied = []
            for migration in migrations:
                if migration.version in done:
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
    async def transaction(self, *, savepoint: bool = True) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; inside another one, a savepoint.

        savepoint=False for statements that only ever fail together with the outer transaction
        (nobody catches their error to go on): two trips to the database thread fewer.
        """
        outer = self._open()
        if outer is not None:
            if not savepoint:
                yield outer
                return
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
                await self._roll_back()
                raise
            finally:
                _current.reset(token)
            await self._commit_or_roll_back()

    async def _roll_back(self) -> None:
        """SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR): only roll back
        what is still open, and never let the rollback hide the error that caused it."""
        if self._conn.in_transaction:
            with contextlib.suppress(Exception):
                await self._conn.execute("ROLLBACK")

    async def _commit_or_roll_back(self) -> None:
        """A COMMIT that fails (disk full at the last moment) leaves the transaction open; roll it back
        so that nothing half-done stays behind and the next BEGIN works."""
        try:
            await self._conn.execute("COMMIT")
        except BaseException:
            await self._roll_back()
            raise

    async def pragma(self, statement: str) -> list[aiosqlite.Row]:
        """One PRAGMA outside any transaction: page_count, max_page_count, query_only, integrity_check…"""
        if not statement.lstrip().upper().startswith("PRAGMA "):
            raise ValueError("only PRAGMA statements")
        async with self._lock, self._conn.execute(statement) as cursor:
            return list(await cursor.fetchall())

    async def probe_write(self) -> None:
        """Commit a real write and take it back: a database that cannot be written fails here, at the
        start, with SQLite's own error (full, read-only, locked), not at the first person's message."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                await self._conn.execute("CREATE TABLE IF NOT EXISTS write_probe (filler BLOB)")
                await self._conn.execute("INSERT INTO write_probe VALUES (zeroblob(?))", (PROBE_BYTES,))
            except BaseException:
                await self._roll_back()
                raise
            await self._commit_or_roll_back()
            await self._conn.execute("DROP TABLE write_probe")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement in its own transaction (or in the one this task is in: a single statement is
        atomic by itself, so no savepoint); returns the new rowid of an INSERT (0 if none), or rowcount."""
        tx = self._open()
        if tx is not None:
            return await tx.execute(sql, params)
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def run_batch(self, statements: Sequence[Statement]) -> list[int]:
        """Several writes in one transaction and in one trip to the database thread (the hot paths:
        storing updates, recording a sent message); inside a transaction, they join it.

        Returns each statement's result as `execute` does.
        """
        tx = self._open()
        if tx is not None:
            return await tx.run_batch(statements)
        async with self._lock:
            return await _in_thread(self._conn, _run_statements, list(statements), True)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        tx = self._open()
        if tx is not None:
            return await tx.fetch_all(sql, params)
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def has_table(self, name: str) -> bool:
        """Whether the schema has this table (a database not yet migrated to a feature lacks it)."""
        return await self.fetch_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


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
            if self._conn.in_transaction:  # SQLite may have rolled back everything already (disk full)
                with contextlib.suppress(Exception):
                    await self._conn.execute(f"ROLLBACK TO {name}")
                    await self._conn.execute(f"RELEASE {name}")
            raise
        await self._conn.execute(f"RELEASE {name}")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        # A write leaves nothing to fetch: its cursor is not closed in another trip to the database
        # thread (CPython frees it as soon as it goes out of scope).
        cursor = await self._conn.execute(sql, tuple(params))
        if sql.lstrip().upper().startswith(("UPDATE", "DELETE")):
            return cursor.rowcount
        return (cursor.lastrowid or 0) if cursor.rowcount != 0 else 0

    async def run_batch(self, statements: Sequence[Statement]) -> list[int]:
        """Several statements in one trip to the database thread, inside this transaction."""
        return await _in_thread(self._conn, _run_statements, list(statements), False)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        # One trip to the database thread instead of three (execute, fetch, close).
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


_current: ContextVar[Transaction | None] = ContextVar("schoolbot_transaction", default=None)

Statement = tuple[str, Sequence[Any]]
"""SQL and its parameters."""


def statement_result(cursor: sqlite3.Cursor, sql: str) -> int:
    """What `execute` returns: the rowcount of an UPDATE or DELETE, else the new rowid (0 if none)."""
    if sql.lstrip().upper().startswith(("UPDATE", "DELETE")):
        return cursor.rowcount
    # An INSERT … ON CONFLICT DO NOTHING that inserted nothing reports 0, not a stale rowid.
    return (cursor.lastrowid or 0) if cursor.rowcount != 0 else 0


def _run_statements(connection: sqlite3.Connection, statements: list[Statement], own_transaction: bool) -> list[int]:
    """Runs in the database thread. With its own transaction, all or nothing."""
    results = []
    if own_transaction:
        connection.execute("BEGIN IMMEDIATE")
    try:
        for sql, params in statements:
            results.append(statement_result(connection.execute(sql, tuple(params)), sql))
        if own_transaction:
            connection.execute("COMMIT")
    except BaseException:
        if own_transaction and connection.in_transaction:
            with contextlib.suppress(Exception):
                connection.execute("ROLLBACK")
        raise
    return results


async def _in_thread(connection: aiosqlite.Connection, fn: Callable[..., list[int]], *args: Any) -> list[int]:
    """One call in aiosqlite's database thread on its sqlite3 connection.

    aiosqlite offers no public way to run several statements in one trip; `_execute` and `_conn`
    have been stable across its releases (pinned in pyproject.toml), and this is the only place
    that uses them.
    """
    raw: sqlite3.Connection = connection._conn
    result: list[int] = await connection._execute(fn, raw, *args)
    return result
