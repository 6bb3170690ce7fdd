"""Storage trouble, named: which of the things that stop SQLite from writing has happened.

The bot reacts the same way to all of them (it answers people, keeps what it could not store in
memory and tries again), but the administrators and the log are told the cause, because each one
needs a different hand on the server: free space, a file's permissions, another program.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

STORAGE_ERRORS = (sqlite3.OperationalError, sqlite3.DatabaseError)
"""Everything SQLite raises; storage_cause() tells trouble with the file from a bug."""


class StorageCause(StrEnum):
    FULL = "full"
    """The disk is full, or the file reached a size limit (max_page_count, ulimit -f)."""
    READ_ONLY = "read_only"
    """The file or its directory cannot be written (permissions, chattr +i, a read-only mount)."""
    LOCKED = "locked"
    """Another connection or program holds the file."""
    IO = "io"
    """The disk failed to read or write."""
    CANNOT_OPEN = "cannot_open"
    """The file (or its journal) cannot be opened or created."""


# SQLite's primary result codes (the low byte of an extended code).
_BY_CODE = {
    13: StorageCause.FULL,  # SQLITE_FULL
    8: StorageCause.READ_ONLY,  # SQLITE_READONLY
    23: StorageCause.READ_ONLY,  # SQLITE_AUTH: the authorizer (query_only) refused a write
    5: StorageCause.LOCKED,  # SQLITE_BUSY
    6: StorageCause.LOCKED,  # SQLITE_LOCKED
    10: StorageCause.IO,  # SQLITE_IOERR
    14: StorageCause.CANNOT_OPEN,  # SQLITE_CANTOPEN
}
# Python 3.11 sets error codes only on some errors; the messages are SQLite's own and stable.
_BY_MESSAGE = (
    ("disk is full", StorageCause.FULL),
    ("readonly database", StorageCause.READ_ONLY),
    ("read-only", StorageCause.READ_ONLY),
    ("database is locked", StorageCause.LOCKED),
    ("database table is locked", StorageCause.LOCKED),
    ("disk i/o error", StorageCause.IO),
    ("unable to open database", StorageCause.CANNOT_OPEN),
)


def storage_cause(error: BaseException) -> StorageCause | None:
    """The cause when `error` is SQLite failing to write (or read) its file; None for anything else.

    A constraint violation or a bad query is a bug, not trouble with the disk: None.
    """
    if not isinstance(error, sqlite3.OperationalError):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _BY_CODE:
        return _BY_CODE[code & 0xFF]
    message = str(error).lower()
    for fragment, cause in _BY_MESSAGE:
        if fragment in message:
            return cause
    return None
