"""The daily copy of the database (`backup.daily_at`, the school's local time) with rotation
(`backup.keep`). A copy missed while the server was off is made a minute after the bot starts
(first the updates that waited while it was down).

The copy itself (storage/backup.py) blocks on the disk, so it runs in a thread: the bot goes on
answering meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta, tzinfo
from pathlib import Path

from bot.services import Services
from storage.backup import BackupError, CopyInfo, copy_database, daily_name, rotate

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=30)
"""After a failed copy (a full disk, say), try again this much later rather than tomorrow."""
START_DELAY = timedelta(minutes=1)
"""After a start, the backlog first; then a missed copy."""
RECHECK = timedelta(hours=1)
"""Sleep at most this long at a time, so a changed clock or a restored database is noticed."""


def last_due(now: datetime, at: time, tz: tzinfo) -> datetime:
    """The latest moment not after `now` when a daily copy was due (`at` in the time zone `tz`)."""
    local = now.astimezone(tz)
    today = datetime.combine(local.date(), at, tzinfo=tz)
    return today if today <= local else datetime.combine(local.date() - timedelta(days=1), at, tzinfo=tz)


def next_due(now: datetime, at: time, tz: tzinfo) -> datetime:
    """The first moment after `now` when a daily copy is due."""
    previous = last_due(now, at, tz)
    return datetime.combine(previous.date() + timedelta(days=1), at, tzinfo=tz)


def is_due(now: datetime, last_copy: datetime | None, at: time, tz: tzinfo) -> bool:
    """No daily copy since the latest due moment (or none ever)."""
    return last_copy is None or last_copy < last_due(now, at, tz)


async def daily_backup(services: Services, database: Path) -> CopyInfo:
    """One daily copy into `backup.dir`, recorded, then the oldest beyond `backup.keep` deleted."""
    config = services.config.backup
    now = services.now()
    directory = config.directory(database)
    info = await asyncio.to_thread(copy_database, database, directory / daily_name(now))
    await services.repos.backups.record(info, "daily", now)
    removed = await asyncio.to_thread(rotate, directory, config.keep)
    log.info("daily backup: %s, %d bytes in %.1f s; %d old copies deleted",
             info.path.name, info.bytes, info.seconds, len(removed))
    return info


async def backups_forever(services: Services, database: Path) -> None:
    at = services.config.backup.daily_time()
    if at is None:
        return
    tz = services.timezone()
    await asyncio.sleep(START_DELAY.total_seconds())
    while True:
        last = await _last_daily(services)
        if is_due(services.now(), last, at, tz):
            try:
                await daily_backup(services, database)
            except BackupError as error:  # the reason in words: a full disk, no rights; never data
                log.error("daily backup failed: %s", error.text)
                await asyncio.sleep(RETRY_AFTER.total_seconds())
                continue
            except Exception as error:
                log.error("daily backup failed: %s", type(error).__name__)
                await asyncio.sleep(RETRY_AFTER.total_seconds())
                continue
        now = services.now()
        wait = (next_due(now, at, tz) - now).total_seconds()
        await asyncio.sleep(min(max(wait, 1.0), RECHECK.total_seconds()))


async def _last_daily(services: Services) -> datetime | None:
    try:
        record = await services.repos.backups.last("daily")
    except Exception as error:  # a locked database: assume a copy is due, the copy itself will tell
        log.warning("backup log unreadable: %s", type(error).__name__)
        return None
    return record.at if record is not None else None
