"""The facts behind `schoolbot status` and `GET /health`, read from the database (bot/status.py judges them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from bot.config import Settings
from bot.port.ids import Platform
from bot.status import PlatformState, QueueState, Snapshot
from storage.db import Database, code_schema_version
from storage.times import parse_time


async def collect(db: Database, settings: Settings, *, connected: Mapping[Platform, bool] | None = None,
                  bot_running: bool | None = None) -> Snapshot:
    """Read-only: works on a database opened with Database.open_readonly, and inside the bot."""
    tables = {r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tokens = {Platform.VK: bool(settings.vk.resolved_token().get_secret_value()),
              Platform.MAX: bool(settings.max.resolved_token().get_secret_value())}
    platforms = []
    for platform in (Platform.VK, Platform.MAX):
        last_update = last_poll = None
        if "inbox" in tables:
            row = await db.fetch_one("SELECT received_at FROM inbox WHERE platform = ? ORDER BY id DESC LIMIT 1",
                                     (platform.value,))
            last_update = _time(row, "received_at")
        if "poll_state" in tables:
            row = await db.fetch_one("SELECT updated_at FROM poll_state WHERE platform = ?", (platform.value,))
            last_poll = _time(row, "updated_at")
        # No token here but a poll position stored: the bot serves it (status run without its env file).
        configured = tokens[platform] or (None if last_poll is not None else False)
        platforms.append(PlatformState(platform=platform, configured=configured,
                                       connected=(connected or {}).get(platform) if tokens[platform] else None,
                                       last_update_at=last_update, last_poll_at=last_poll))
    inbox = await _queue(db, "inbox", "received_at") if "inbox" in tables else QueueState()
    outbox = await _queue(db, "outbox", "created_at") if "outbox" in tables else QueueState()
    version = 0
    if "schema_migrations" in tables:
        row = await db.fetch_one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        version = int(row["v"]) if row is not None else 0
    backup_at, backup_path = None, ""
    if "backups" in tables:
        row = await db.fetch_one("SELECT at, path FROM backups ORDER BY at DESC, id DESC LIMIT 1")
        backup_at = _time(row, "at")
        backup_path = str(row["path"]) if row is not None else ""
    return Snapshot(
        platforms=tuple(platforms), inbox=inbox, outbox=outbox,
        database_bytes=database_bytes(Path(settings.storage.path)), schema_version=version,
        code_schema_version=code_schema_version(), last_backup_at=backup_at, last_backup_path=backup_path,
        backup_scheduled=settings.backup.daily_time() is not None, bot_running=bot_running,
    )


async def _queue(db: Database, table: str, created: str) -> QueueState:
    row = await db.fetch_one(f"SELECT COUNT(*) AS n, MIN({created}) AS oldest FROM {table} WHERE state = 'pending'")
    failed = await db.fetch_one(f"SELECT COUNT(*) AS n FROM {table} WHERE state = 'failed'")
    return QueueState(pending=int(row["n"]) if row is not None else 0, oldest_pending_at=_time(row, "oldest"),
                      failed=int(failed["n"]) if failed is not None else 0)


def database_bytes(path: Path) -> int:
    """The database file and its -wal (where recent writes wait for a checkpoint)."""
    total = 0
    for side in ("", "-wal"):
        try:
            total += Path(f"{path}{side}").stat().st_size
        except OSError:
            pass
    return total


def _time(row: object, key: str) -> datetime | None:
    if row is None:
        return None
    return parse_time(row[key])  # type: ignore[index]
