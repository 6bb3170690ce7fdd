"""Copies of the live database and putting one back.

A copy is made with SQLite's online backup API from a connection of its own: in WAL mode it reads
one consistent snapshot while the bot goes on writing. It is written next to its target, checked
(PRAGMA integrity_check), made private (0600) and only then renamed into place, so a file with the
final name is always a whole, checked copy. The functions here block: the bot runs them in a thread.

A restore checks the copy (integrity, a schema version this code knows, every table that version
has), refuses while a bot holds the database (storage/lock.py), keeps the replaced database beside
it, brings the copy to the current schema, and carries over the records that must survive a
restore: what was destroyed (152-ФЗ) and which backups were made.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from storage.db import Database, bundled_migrations, code_schema_version
from storage.lock import DatabaseInUse, DatabaseLock
from storage.times import iso, parse_time

DAILY_PREFIX = "schoolbot-"
DAILY_SUFFIX = ".sqlite3"
_SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_SIDES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """A copy could not be made or used; `text` says why in Russian."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True, kw_only=True)
class CopyInfo:
    path: Path
    bytes: int
    schema_version: int
    seconds: float


@dataclass(frozen=True, kw_only=True)
class BackupRecord:
    at: datetime
    path: str
    bytes: int
    kind: str
    """«manual» (schoolbot backup) or «daily»."""


# --- making a copy ------------------------------------------------------------------------------


def daily_name(now: datetime) -> str:
    """«schoolbot-20261128-003000Z.sqlite3»: UTC, so names sort as times do."""
    return f"{DAILY_PREFIX}{iso(now)[:19].replace('-', '').replace(':', '').replace('T', '-')}Z{DAILY_SUFFIX}"


def copy_database(source: Path, target: Path) -> CopyInfo:
    """A consistent, checked copy of `source` at `target` (which must not exist yet). Blocking."""
    started = time.monotonic()
    if not source.is_file():
        raise BackupError(f"Базы данных нет: {source}")
    if target.exists():
        raise BackupError(f"Файл {target} уже есть: укажите другое имя или папку.")
    own_files = {Path(f"{source.resolve()}{side}") for side in ("", *_WAL_SIDES, ".lock")}
    if target.resolve() in own_files:
        raise BackupError("Копию нельзя класть под именем самой базы или её служебных файлов.")
    try:
        _private_folders(target.parent)
    except OSError as error:
        raise BackupError(f"Не удалось создать папку {target.parent}: {error.strerror}") from None
    partial = target.with_name(f".{target.name}.partial")
    _remove(partial)
    try:
        _online_copy(source, partial)
        version = check_copy(partial)
        os.chmod(partial, 0o600)
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except sqlite3.Error as error:
        raise BackupError(f"Копия не получилась: {_sqlite_reason(error)}") from None
    except OSError as error:
        raise BackupError(f"Копия не получилась: {error.strerror or error} ({target.parent})") from None
    finally:
        _remove(partial)
    return CopyInfo(path=target, bytes=target.stat().st_size, schema_version=version,
                    seconds=time.monotonic() - started)


def _online_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source, timeout=5.0)
    try:
        dst = sqlite3.connect(target)
        try:
            # One step: one read transaction, so the copy is one moment of the database; in WAL mode
            # the bot's writes go on meanwhile.
            src.backup(dst)
            # The copy is one self-contained file (no -wal beside it); the bot turns WAL on again.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily copies in `directory` (and leftovers of broken ones)."""
    removed = []
    for leftover in directory.glob(f".{DAILY_PREFIX}*{DAILY_SUFFIX}.partial"):
        _remove(leftover)
    daily = sorted(p for p in directory.glob(f"{DAILY_PREFIX}*{DAILY_SUFFIX}") if p.is_file())
    for old in daily[: max(0, len(daily) - keep)]:
        _remove(old)
        removed.append(old)
    return removed


# --- checking a copy ----------------------------------------------------------------------------


def check_copy(path: Path) -> int:
    """The copy's schema version, once it is whole, known to this code and has every table of that
    version; BackupError with the reason otherwise. Blocking."""
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"Не удалось прочитать {path}: {error.strerror}") from None
    if header != _SQLITE_HEADER:
        raise BackupError(f"{path} — не файл базы SQLite.")
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"Не удалось открыть {path}: {_sqlite_reason(error)}") from None
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise BackupError("Копия повреждена (PRAGMA integrity_check): " + "; ".join(problems[:5]))
        tables = _tables(connection)
        if "schema_migrations" not in tables:
            raise BackupError("В файле нет таблицы версий схемы: это не база schoolbot.")
        version = int(connection.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0])
        known = code_schema_version()
        if version > known:
            raise BackupError(f"Копия новее программы: версия схемы {version}, эта версия schoolbot знает до {known}. "
                              "Обновите schoolbot.")
        missing = sorted(expected_tables(version) - tables)
        if missing:
            raise BackupError(f"В копии (версия схемы {version}) не хватает таблиц: {', '.join(missing)}.")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise BackupError(f"В копии нарушены связи между таблицами: {len(broken)} строк (PRAGMA foreign_key_check).")
        return version
    except sqlite3.Error as error:
        raise BackupError(f"Копия не читается: {_sqlite_reason(error)}") from None
    finally:
        connection.close()


def expected_tables(version: int) -> set[str]:
    """The tables a database at schema `version` has: the bundled migrations up to it, replayed in memory."""
    memory = sqlite3.connect(":memory:")
    try:
        for migration in bundled_migrations():
            if migration.version <= version:
                memory.executescript(migration.sql)
        return _tables(memory) | {"schema_migrations"}
    finally:
        memory.close()


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows if not row[0].startswith("sqlite_")}


# --- restoring ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RestoreReport:
    copy_version: int
    """The copy's schema version as checked."""
    migrated_to: list[int]
    """Migrations applied to the copy to reach this code's schema."""
    replaced: Path | None
    """Where the database that was in place went (None when there was none)."""
    carried: dict[str, int] = field(default_factory=dict)
    """Records carried over from the replaced database, per table."""


_CARRIED: dict[str, tuple[str, ...]] = {
    "destruction_log": ("at", "kind", "records", "reason", "basis"),
    "backups": ("at", "path", "bytes", "kind", "schema_version"),
}


async def restore_database(candidate: Path, live: Path, now: datetime) -> RestoreReport:
    """Put a checked copy of `candidate` in place of `live`; BackupError or DatabaseInUse otherwise."""
    lock = DatabaseLock(live)
    try:
        lock.acquire()
    except OSError as error:
        raise BackupError(f"Нет доступа к папке базы {live.parent}: {error.strerror}") from None
    staged = live.with_name(f".{live.name}.restoring")
    try:
        version = await asyncio.to_thread(_stage, candidate, staged)
        db = await Database.open(staged)
        try:
            migrated = await db.migrate()
        finally:
            await db.close()
        history = await asyncio.to_thread(_history, live)
        replaced = await asyncio.to_thread(_swap, staged, live, now)
        carried = await asyncio.to_thread(_carry_over, live, history)
        return RestoreReport(copy_version=version, migrated_to=migrated, replaced=replaced, carried=carried)
    finally:
        for side in ("", *_WAL_SIDES):
            _remove(Path(f"{staged}{side}"))
        lock.release()


def _stage(candidate: Path, staged: Path) -> int:
    """Copy the candidate beside the database, fold in its -wal if one lies beside it, check it."""
    if not candidate.is_file():
        raise BackupError(f"Файла копии нет: {candidate}")
    for side in ("", *_WAL_SIDES):
        _remove(Path(f"{staged}{side}"))
    try:
        shutil.copyfile(candidate, staged)
        wal = Path(f"{candidate}-wal")
        if wal.is_file():  # a raw copy of a live database: its last transactions are in the -wal
            shutil.copyfile(wal, Path(f"{staged}-wal"))
    except OSError as error:
        raise BackupError(f"Не удалось скопировать {candidate}: {error.strerror}") from None
    if not _has_header(staged):
        raise BackupError(f"{candidate} — не файл базы SQLite.")
    try:
        connection = sqlite3.connect(staged)
        try:
            connection.execute("PRAGMA journal_mode = DELETE")
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"Копия не читается: {_sqlite_reason(error)}") from None
    return check_copy(staged)


def _history(live: Path) -> dict[str, list[tuple[object, ...]]]:
    """The records of the database being replaced that must outlive it (empty if it is unreadable)."""
    found: dict[str, list[tuple[object, ...]]] = {}
    if not live.is_file():
        return found
    try:
        connection = sqlite3.connect(live)
        try:
            tables = _tables(connection)
            for table, columns in _CARRIED.items():
                if table in tables:
                    found[table] = connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
    return found


def _swap(staged: Path, live: Path, now: datetime) -> Path | None:
    """Move the current database (with its -wal, folded in when it can be) aside; the staged copy in."""
    replaced = None
    if live.exists():
        try:
            connection = sqlite3.connect(live)
            try:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
        except sqlite3.Error:
            pass  # a damaged database is moved as it is, with its side files
        replaced = live.with_name(f"{live.name}.before-restore-{daily_name(now)[len(DAILY_PREFIX):-len(DAILY_SUFFIX)]}")
        for side in ("", *_WAL_SIDES):
            source = Path(f"{live}{side}")
            if source.exists():
                os.replace(source, Path(f"{replaced}{side}"))
    for side in _WAL_SIDES:
        _remove(Path(f"{live}{side}"))
    os.chmod(staged, 0o600)
    _fsync(staged)
    os.replace(staged, live)
    _fsync(live.parent)
    return replaced


def _carry_over(live: Path, history: dict[str, list[tuple[object, ...]]]) -> dict[str, int]:
    carried: dict[str, int] = {}
    if not any(history.values()):
        return carried
    connection = sqlite3.connect(live)
    try:
        with connection:
            for table, rows in history.items():
                columns = _CARRIED[table]
                present = set(connection.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())
                new = [row for row in rows if tuple(row) not in present]
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", new)
                if new:
                    carried[table] = len(new)
    finally:
        connection.close()
    return carried


# --- the backup log -----------------------------------------------------------------------------


class BackupLog:
    """Which copies were made and when (for `schoolbot status`, /health and the daily schedule)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, info: CopyInfo, kind: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO backups (at, path, bytes, kind, schema_version) VALUES (?, ?, ?, ?, ?)",
            (iso(now), str(info.path), info.bytes, kind, info.schema_version),
        )

    async def last(self, kind: str | None = None) -> BackupRecord | None:
        sql = "SELECT at, path, bytes, kind FROM backups"
        params: Sequence[str] = ()
        if kind is not None:
            sql, params = sql + " WHERE kind = ?", (kind,)
        row = await self._db.fetch_one(sql + " ORDER BY at DESC, id DESC LIMIT 1", params)
        if row is None:
            return None
        at = parse_time(row["at"])
        assert at is not None
        return BackupRecord(at=at, path=row["path"], bytes=row["bytes"], kind=row["kind"])


# --- small helpers ------------------------------------------------------------------------------


def _private_folders(folder: Path) -> None:
    """Create `folder` and any missing parents readable by the owner only (copies hold personal data)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(mode=0o700)
        os.chmod(new, 0o700)  # whatever the umask of the shell that ran `schoolbot backup`


def _has_header(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync(path: Path) -> None:
    """Flush a file, or a directory's entries, to the disk (a rename is durable only after this)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_reason(error: sqlite3.Error) -> str:
    """The cause in words an administrator can act on (no SQL, no data)."""
    code = getattr(error, "sqlite_errorname", "") or type(error).__name__
    reasons = {
        "SQLITE_FULL": "на диске закончилось место",
        "SQLITE_READONLY": "файл или папка только для чтения",
        "SQLITE_CANTOPEN": "файл не открывается (нет файла или прав)",
        "SQLITE_CORRUPT": "файл повреждён",
        "SQLITE_NOTADB": "это не файл базы SQLite",
        "SQLITE_BUSY": "база занята дольше 5 секунд",
        "SQLITE_IOERR": "ошибка чтения или записи диска",
    }
    for prefix, reason in reasons.items():
        if code.startswith(prefix):
            return f"{reason} ({code})"
    return code


__all__ = ["BackupError", "BackupLog", "CopyInfo", "DatabaseInUse", "RestoreReport", "check_copy",
           "copy_database", "daily_name", "restore_database", "rotate"]
