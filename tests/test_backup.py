"""Backups and restores: a consistent copy while the database is written, the checks a restore makes
before it replaces anything, rotation, the daily schedule, and one bot per database."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.backups import daily_backup, is_due, last_due, next_due
from bot.config import BackupConfig, Settings
from bot.destruction import Reason
from bot.features import Features
from bot.services import Repos, Services
from storage.backup import (
    BackupError,
    BackupLog,
    check_copy,
    copy_database,
    daily_name,
    expected_tables,
    restore_database,
    rotate,
)
from storage.db import Database, bundled_migrations, code_schema_version
from storage.destruction import DestructionLog
from storage.lock import DatabaseInUse, DatabaseLock, in_use

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


async def migrated(path: Path) -> Path:
    db = await Database.open(path)
    await db.migrate()
    await db.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")  # not a schoolbot table: copied all the same
    await db.close()
    return path


def listing(folder: Path, pattern: str = "*") -> list[str]:
    return sorted(p.name for p in folder.glob(pattern))


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


# --- the copy -------------------------------------------------------------------------------------


async def test_a_copy_made_while_another_connection_writes_is_whole_and_private(tmp_path: Path) -> None:
    live = await migrated(tmp_path / "live.sqlite3")
    stop, warmed_up = threading.Event(), threading.Event()
    written = []

    def writer() -> None:  # another process's connection, committing all the time (WAL)
        connection = sqlite3.connect(live, timeout=5)
        n = 0
        while not stop.is_set():
            with connection:
                connection.execute("INSERT INTO probe (n) VALUES (?)", (n,))
                connection.execute("INSERT INTO probe (n) VALUES (?)", (-n,))  # pairs: a torn copy shows
            n += 1
            written.append(n)
            if n == 50:
                warmed_up.set()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        await asyncio.to_thread(warmed_up.wait, 10)
        info = copy_database(live, tmp_path / "copies" / "one.sqlite3")
    finally:
        stop.set()
        thread.join()

    assert info.path.is_file() and info.schema_version == code_schema_version() and info.bytes > 0
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "copies").stat().st_mode) == 0o700
    assert check_copy(info.path) == code_schema_version()
    pairs = rows(info.path, "SELECT SUM(n), COUNT(*) FROM probe")[0]
    assert pairs[0] == 0 and pairs[1] % 2 == 0 and pairs[1] > 0  # every transaction whole or absent
    assert not list((tmp_path / "copies").glob(".*partial"))
    assert rows(info.path, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file


async def test_a_copy_never_overwrites_and_never_lands_on_the_database(tmp_path: Path) -> None:
    live = await migrated(tmp_path / "live.sqlite3")
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    with pytest.raises(BackupError, match="уже есть"):
        copy_database(live, existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="служебных"):
        copy_database(live, tmp_path / "live.sqlite3-journal")
    with pytest.raises(BackupError, match="Базы данных нет"):
        copy_database(tmp_path / "none.sqlite3", tmp_path / "x.sqlite3")


def test_rotation_keeps_the_newest_daily_copies_and_nothing_else_is_touched(tmp_path: Path) -> None:
    names = [daily_name(NOW - timedelta(days=d)) for d in range(10)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "manual-before-upgrade.sqlite3").write_bytes(b"x")
    (tmp_path / f".{names[0]}.partial").write_bytes(b"x")

    removed = rotate(tmp_path, keep=3)

    assert sorted(p.name for p in removed) == sorted(names[3:])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[:3], "manual-before-upgrade.sqlite3"])


def test_daily_names_sort_as_times_do() -> None:
    assert daily_name(NOW) == "schoolbot-20261128-120000Z.sqlite3"
    assert sorted([daily_name(NOW), daily_name(NOW - timedelta(hours=13))])[0] == daily_name(NOW - timedelta(hours=13))


# --- the checks ---------------------------------------------------------------------------------


async def test_check_refuses_a_damaged_copy(tmp_path: Path) -> None:
    copy = copy_database(await migrated(tmp_path / "live.sqlite3"), tmp_path / "copy.sqlite3")
    data = bytearray(copy.path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):  # garble the b-tree pages, keep the header
        data[offset + 8: offset + 64] = b"\xff" * 56
    copy.path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"повреждена|не читается"):
        check_copy(copy.path)


def test_check_refuses_what_is_not_a_schoolbot_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("не база", encoding="utf-8")
    with pytest.raises(BackupError, match="не файл базы SQLite"):
        check_copy(text)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BackupError, match="не база schoolbot"):
        check_copy(other)


async def test_check_refuses_a_newer_schema_and_missing_tables(tmp_path: Path) -> None:
    newer = await migrated(tmp_path / "newer.sqlite3")
    with sqlite3.connect(newer) as connection:
        connection.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    with pytest.raises(BackupError, match="новее программы"):
        check_copy(newer)
    partial = await migrated(tmp_path / "partial.sqlite3")
    with sqlite3.connect(partial) as connection:
        connection.execute("DROP TABLE known_chats")
    with pytest.raises(BackupError, match="не хватает таблиц: known_chats"):
        check_copy(partial)


def test_expected_tables_follow_the_schema_version() -> None:
    assert "destruction_log" not in expected_tables(6) and "destruction_log" in expected_tables(code_schema_version())
    assert {"people", "inbox", "outbox", "audit_log", "schema_migrations"} <= expected_tables(6)


# --- the restore --------------------------------------------------------------------------------


async def test_restore_checks_keeps_the_old_database_and_carries_the_destruction_records(tmp_path: Path) -> None:
    live = await migrated(tmp_path / "school.sqlite3")
    copy = copy_database(live, tmp_path / "copies" / "monday.sqlite3")
    db = await Database.open(live)  # after the copy: a purge and a person the copy does not know
    await DestructionLog(db).record(at=NOW, kind="warnings", records=4, reason=Reason.RETENTION, basis="срок")
    await db.execute("INSERT INTO people (person_id, created_at, updated_at) VALUES ('vk:5', 'x', 'x')")
    await db.close()

    report = await restore_database(copy.path, live, NOW)

    assert report.copy_version == code_schema_version() and report.migrated_to == []
    assert report.replaced is not None and report.replaced.is_file()
    assert rows(report.replaced, "SELECT person_id FROM people") == [("vk:5",)]  # nothing lost: kept aside
    assert rows(live, "SELECT person_id FROM people") == []
    assert rows(live, "SELECT kind, records, reason FROM destruction_log") == [("warnings", 4, "retention")]
    assert report.carried == {"destruction_log": 1}
    assert not in_use(live) and not listing(tmp_path, ".school*")


async def test_restore_of_an_older_copy_brings_it_to_the_current_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    db = await Database.open(old)
    await db.migrate([m for m in bundled_migrations() if m.version <= 6])
    await db.close()

    report = await restore_database(old, tmp_path / "school.sqlite3", NOW)

    assert report.copy_version == 6 and report.migrated_to == [m.version for m in bundled_migrations()
                                                                if m.version > 6]
    assert report.replaced is None
    assert check_copy(tmp_path / "school.sqlite3") == code_schema_version()


async def test_restore_refuses_while_a_bot_holds_the_database_and_touches_nothing(tmp_path: Path) -> None:
    live = await migrated(tmp_path / "school.sqlite3")
    copy = copy_database(live, tmp_path / "copy.sqlite3")
    before = live.read_bytes()
    bot = DatabaseLock(live)
    bot.acquire()
    try:
        with pytest.raises(DatabaseInUse) as refused:
            await restore_database(copy.path, live, NOW)
        assert "остановите" in str(refused.value).lower()
    finally:
        bot.release()
    assert await asyncio.to_thread(live.read_bytes) == before
    assert listing(tmp_path) == ["copy.sqlite3", "school.sqlite3", "school.sqlite3.lock"]


async def test_a_broken_copy_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    live = await migrated(tmp_path / "school.sqlite3")
    before = live.read_bytes()
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    with pytest.raises(BackupError):
        await restore_database(broken, live, NOW)
    with pytest.raises(BackupError, match="Файла копии нет"):
        await restore_database(tmp_path / "missing.sqlite3", live, NOW)
    assert await asyncio.to_thread(live.read_bytes) == before and not listing(tmp_path, ".school*")


# --- one bot per database -----------------------------------------------------------------------


def test_the_lock_admits_one_holder_and_is_free_after_release(tmp_path: Path) -> None:
    database = tmp_path / "school.sqlite3"
    first, second = DatabaseLock(database), DatabaseLock(database)
    assert not in_use(database)
    first.acquire()
    assert in_use(database)
    with pytest.raises(DatabaseInUse):
        second.acquire()
    first.release()
    assert not in_use(database)
    second.acquire()
    second.release()


# --- the daily schedule -------------------------------------------------------------------------


def test_daily_schedule_in_local_time() -> None:
    at = time(3, 30)
    before = datetime(2026, 11, 28, 0, 20, tzinfo=UTC)  # 03:20 in Moscow
    after = datetime(2026, 11, 28, 0, 40, tzinfo=UTC)  # 03:40
    assert last_due(before, at, MOSCOW) == datetime(2026, 11, 27, 3, 30, tzinfo=MOSCOW)
    assert last_due(after, at, MOSCOW) == datetime(2026, 11, 28, 3, 30, tzinfo=MOSCOW)
    assert next_due(before, at, MOSCOW) == datetime(2026, 11, 28, 3, 30, tzinfo=MOSCOW)
    assert next_due(after, at, MOSCOW) == datetime(2026, 11, 29, 3, 30, tzinfo=MOSCOW)
    assert is_due(after, None, at, MOSCOW)  # never made: now
    assert is_due(after, before, at, MOSCOW)  # the server was off at 03:30: at start
    assert not is_due(after, after, at, MOSCOW)


@pytest.mark.parametrize("value", ["3:30", "24:00", "03:60", "утром", "03:30:00"])
def test_daily_time_must_be_hh_mm(value: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        BackupConfig(daily_at=value)


def test_backup_config_defaults_and_folder() -> None:
    config = BackupConfig()
    assert config.daily_time() == time(3, 30) and config.keep == 7
    assert config.directory(Path("/var/lib/schoolbot/school.sqlite3")) == Path("/var/lib/schoolbot/backups")
    assert BackupConfig(dir=Path("/srv/copies")).directory(Path("/x/db")) == Path("/srv/copies")
    assert BackupConfig(daily_at="").daily_time() is None


async def test_daily_backup_records_the_copy_and_rotates(tmp_path: Path) -> None:
    live = await migrated(tmp_path / "school.sqlite3")
    db = await Database.open(live)
    settings = Settings(storage={"path": live}, backup={"keep": 2})
    repos = Repos.over(db)
    moments = iter([NOW + timedelta(days=d) for d in range(3)])
    services = Services(config=settings, repos=repos, gateways={}, features=Features.build(settings, repos.moderation),
                        clock=lambda: next(moments))
    try:
        for _ in range(3):
            await daily_backup(services, live)
        copies = sorted((tmp_path / "backups").iterdir())
        assert [p.name for p in copies] == [daily_name(NOW + timedelta(days=d)) for d in (1, 2)]
        last = await BackupLog(db).last("daily")
        assert last is not None and last.at == NOW + timedelta(days=2) and last.path == str(copies[-1])
    finally:
        await db.close()
