"""Chats the bot serves and what each is for."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.chats import BoundChat, ChatBinding, ChatPurpose
from storage.db import Database


def _to_chat(row: aiosqlite.Row) -> BoundChat:
    binding = ChatBinding(purpose=ChatPurpose(row["purpose"]), class_label=row["class_label"], subject=row["subject"])
    return BoundChat(peer_id=row["peer_id"], binding=binding, bound_by=row["bound_by"])


class ChatsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def bind(self, peer_id: int, binding: ChatBinding, bound_by: int, now: datetime) -> BoundChat | None:
        """Bind `peer_id` to `binding`; returns the chat that had this purpose before, if another one did.

        The purpose moves: the previous chat with the same purpose and this chat's old
        purpose are both released, so one chat always has one purpose.
        """
        async with self._db.transaction() as tx:
            previous_row = await tx.fetch_one(
                "SELECT * FROM chats WHERE purpose = ? AND COALESCE(class_label, '') = ? "
                "AND COALESCE(subject, '') = ? AND peer_id != ?",
                (binding.purpose.value, binding.class_label or "", binding.subject or "", peer_id),
            )
            if previous_row is not None:
                await tx.execute("DELETE FROM chats WHERE peer_id = ?", (previous_row["peer_id"],))
            await tx.execute(
                "INSERT INTO chats (peer_id, purpose, class_label, subject, bound_by, bound_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (peer_id) DO UPDATE SET purpose = excluded.purpose, "
                "class_label = excluded.class_label, subject = excluded.subject, "
                "bound_by = excluded.bound_by, bound_at = excluded.bound_at",
                (peer_id, binding.purpose.value, binding.class_label, binding.subject, bound_by,
                 now.isoformat(timespec="seconds")),
            )
        return _to_chat(previous_row) if previous_row is not None else None

    async def get(self, peer_id: int) -> BoundChat | None:
        row = await self._db.fetch_one("SELECT * FROM chats WHERE peer_id = ?", (peer_id,))
        return _to_chat(row) if row is not None else None

    async def find(self, binding: ChatBinding) -> BoundChat | None:
        row = await self._db.fetch_one(
            "SELECT * FROM chats WHERE purpose = ? AND COALESCE(class_label, '') = ? AND COALESCE(subject, '') = ?",
            (binding.purpose.value, binding.class_label or "", binding.subject or ""),
        )
        return _to_chat(row) if row is not None else None

    async def staff_chat(self) -> BoundChat | None:
        return await self.find(ChatBinding(purpose=ChatPurpose.STAFF))

    async def all(self) -> list[BoundChat]:
        rows = await self._db.fetch_all("SELECT * FROM chats ORDER BY purpose, class_label, subject")
        return [_to_chat(row) for row in rows]
