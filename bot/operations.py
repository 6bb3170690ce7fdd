"""`schoolbot status`, `schoolbot backup PATH`, `schoolbot restore PATH`: what an administrator of
the server runs, and what each says, in Russian. The work is in storage/backup.py and
storage/status.py, the verdict in bot/status.py."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import Settings
from bot.errors import ConfigError
from bot.services import utc_now
from bot.status import Snapshot, assess, status_json, status_text
from storage.backup import BackupError, BackupLog, CopyInfo, RestoreReport, copy_database, daily_name, restore_database
from storage.db import Database
from storage.lock import DatabaseInUse, in_use
from storage.status import collect

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_IN_USE = 0, 1, 2, 6

_CARRIED_TITLES = {"destruction_log": "записи об уничтожении данных", "backups": "записи о копиях"}


# --- status ------------------------------------------------------------------------------------


def status_command(settings: Settings, *, as_json: bool, out: TextIO) -> int:
    """Exit 0 when healthy, 1 otherwise: a container's healthcheck (Docker reserves 2, so a broken
    config is 1 too)."""
    database = Path(settings.storage.path)
    if not database.is_file():
        return _broken(out, as_json, f"базы данных нет: {database} (бот ещё не запускался или указан не тот путь)")
    try:
        snapshot = asyncio.run(_snapshot(settings, database))
    except ConfigError as error:
        return _broken(out, as_json, "ошибка в конфигурации: " + "; ".join(error.lines))
    except (sqlite3.Error, OSError) as error:
        return _broken(out, as_json, f"база не читается: {type(error).__name__} ({database})")
    now = utc_now()
    health = assess(snapshot, now)
    if as_json:
        print(json.dumps(status_json(snapshot, health), ensure_ascii=False, indent=2), file=out)
    else:
        print(status_text(snapshot, health, now, _timezone(settings)), file=out)
    return EXIT_OK if health.healthy else EXIT_FAILED


async def _snapshot(settings: Settings, database: Path) -> Snapshot:
    db = await Database.open_readonly(database)
    try:
        return await collect(db, settings, bot_running=in_use(database))
    finally:
        await db.close()


def _broken(out: TextIO, as_json: bool, problem: str) -> int:
    if as_json:
        print(json.dumps({"healthy": False, "problems": [problem], "warnings": []}, ensure_ascii=False), file=out)
    else:
        print(f"Состояние: ЕСТЬ ПРОБЛЕМЫ\n  ✗ {problem}", file=out)
    return EXIT_FAILED


def _timezone(settings: Settings) -> tzinfo:
    try:
        return ZoneInfo(settings.school.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


# --- backup ------------------------------------------------------------------------------------


def backup_command(settings: Settings, path: str, *, out: TextIO, err: TextIO) -> int:
    """`path` is the copy's file, or a folder (existing, or written with a trailing «/») to put it in."""
    database = Path(settings.storage.path)
    now = utc_now()
    target = Path(path)
    if target.is_dir() or path.endswith(("/", "\\")):
        target = target / daily_name(now)
    try:
        info = copy_database(database, target)
    except BackupError as error:
        print(f"Копия не сделана: {error.text}", file=err)
        return EXIT_FAILED
    print(f"Готово: копия базы — {info.path} ({_size(info.bytes)}), версия схемы {info.schema_version}; "
          f"целостность проверена (PRAGMA integrity_check: ok), {info.seconds:.1f} с.", file=out)
    print("В копии персональные данные: храните её на сервере школы (или другом диске школы), доступ — только "
          "администраторам.", file=out)
    problem = asyncio.run(_record(database, info, now))
    if problem:
        print(f"Записать копию в журнал базы не удалось ({problem}): `schoolbot status` её не покажет.", file=err)
    return EXIT_OK


async def _record(database: Path, info: CopyInfo, now: datetime) -> str:
    """Note the copy in the database's backup log; the reason when that cannot be done."""
    try:
        db = await Database.open(database)
    except (sqlite3.Error, OSError) as error:
        return type(error).__name__
    try:
        if not await db.has_table("backups"):
            return "база ещё не обновлена до версии с журналом копий — запустите бота"
        await BackupLog(db).record(info, "manual", now)
        return ""
    except (sqlite3.Error, OSError) as error:
        return type(error).__name__
    finally:
        await db.close()


# --- restore -----------------------------------------------------------------------------------


def restore_command(settings: Settings, candidate: Path, *, out: TextIO, err: TextIO) -> int:
    database = Path(settings.storage.path)
    try:
        report = asyncio.run(restore_database(candidate, database, utc_now()))
    except DatabaseInUse as error:
        print(f"Восстановление отменено, база не тронута. {error}", file=err)
        return EXIT_IN_USE
    except BackupError as error:
        print(f"Восстановление отменено, база не тронута: {error.text}", file=err)
        return EXIT_FAILED
    print(restore_text(candidate, database, report), file=out)
    return EXIT_OK


def restore_text(candidate: Path, database: Path, report: RestoreReport) -> str:
    lines = [
        f"Готово: база {database} восстановлена из копии {candidate}.",
        f"Проверено до замены: целостность (PRAGMA integrity_check: ok), версия схемы {report.copy_version} не новее "
        "программы, все таблицы этой версии на месте, связи между таблицами целы.",
    ]
    if report.migrated_to:
        lines.append(f"Копия обновлена до текущей схемы (миграции {', '.join(map(str, report.migrated_to))}) — "
                     "как сделал бы бот при запуске.")
    if report.replaced is not None:
        lines.append(f"Прежняя база сохранена рядом: {report.replaced}. В ней персональные данные: удалите её, "
                     "когда убедитесь, что всё в порядке.")
    else:
        lines.append("Прежней базы не было.")
    if report.carried:
        moved = ", ".join(f"{_CARRIED_TITLES.get(t, t)} — {n}" for t, n in report.carried.items())
        lines.append(f"Из прежней базы перенесено то, что копия не знала: {moved}.")
    lines += [
        "Помните: в копии снова есть данные, удалённые после её создания. Просроченные по сроку хранения бот "
        "сотрёт в первый час после запуска. Если после даты копии кто-то удалял свои данные (/удалить — видно в "
        "/уничтожение), эти данные нужно удалить снова.",
        "Запустите бота: systemctl start schoolbot (или docker compose start bot).",
    ]
    return "\n".join(lines)


def _size(count: int) -> str:
    return f"{count / 1024:.0f} КБ" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} МБ"
