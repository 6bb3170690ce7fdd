"""Bytes the bot is about to send: a chart, a CSV, the photo or document of an announcement.

Stored in the database next to the effects that send them, so a restart neither loses nor
repeats a file; a row goes as soon as no pending effect (storage/outbox.py releases it when its
effect is done) and no draft or scheduled announcement (`held`) needs it.
"""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.times import iso

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest file the bot keeps to send (an announcement's attachment)."""


class FilesRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(self, data: bytes, now: datetime, *, held: bool = False) -> int:
        """Keep `data` (inside the caller's transaction, when there is one); returns its id."""
        if len(data) > MAX_FILE_BYTES:
            raise ValueError("file too large")
        return await self._db.execute("INSERT INTO outgoing_files (data, held, created_at) VALUES (?, ?, ?)",
                                      (data, int(held), iso(now)))

    async def data(self, file_id: int) -> bytes | None:
        row = await self._db.fetch_one("SELECT data FROM outgoing_files WHERE id = ?", (file_id,))
        return bytes(row["data"]) if row is not None else None

    async def unhold(self, file_id: int) -> None:
        """Its effects are queued (in the same transaction): they keep it until they are done."""
        await self._db.execute("UPDATE outgoing_files SET held = 0 WHERE id = ?", (file_id,))

    async def release(self, file_id: int) -> None:
        """Nothing holds it any more: it goes now unless a pending effect still needs it."""
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE outgoing_files SET held = 0 WHERE id = ?", (file_id,))
            await tx.execute(
                "DELETE FROM outgoing_files WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM outbox WHERE file_id = ? AND state = 'pending')", (file_id, file_id))

    async def purge_orphans(self, before: datetime) -> int:
        """Files nothing needs (a crash between storing and queueing): housekeeping's safety net."""
        return await self._db.execute(
            "DELETE FROM outgoing_files WHERE held = 0 AND created_at < ? AND NOT EXISTS "
            "(SELECT 1 FROM outbox WHERE file_id = outgoing_files.id AND state = 'pending')", (iso(before),))

    async def count(self) -> int:
        row = await self._db.fetch_one("SELECT COUNT(*) AS n FROM outgoing_files")
        return int(row["n"]) if row is not None else 0
