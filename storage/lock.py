"""Who holds the database: a running bot keeps an exclusive lock on «<database>.lock».

The kernel drops the lock when the process ends in any way (SIGKILL included), so a stale file
never blocks a start. A second bot on the same database would poll the same updates twice, and a
restore under a running bot would be overwritten by it: both are refused while the lock is held.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseInUse(Exception):
    """Another process (a running bot, a restore) holds the database."""

    def __init__(self, database: Path) -> None:
        super().__init__(
            f"Базу данных {database} сейчас использует запущенный бот (или идёт восстановление). "
            "Остановите его и повторите: systemctl stop schoolbot или docker compose stop bot. "
            "(The database is in use by a running bot.)"
        )
        self.database = database


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise DatabaseInUse; OSError when the file cannot be created."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUse(self.database) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def in_use(database: Path) -> bool:
    """Whether some process holds the database's lock right now (a running bot)."""
    try:
        fd = os.open(lock_path(database), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a shared lock we may have taken
    return False
