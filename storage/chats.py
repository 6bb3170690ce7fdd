"""Chats the bot serves and what each is for; chats it has been added to."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.chats import BoundChat, ChatBinding, ChatPurpose
from bot.port.ids import ChatId, PersonId, Platform, platform_of
from storage.db import Database
from storage.times import iso

_SAME_PURPOSE = "purpose = ? AND COALESCE(class_label, '') = ? AND COALESCE(subject, '') = ?"


def _to_chat(row: aiosqlite.Row) -> BoundChat:
    binding = ChatBinding(purpose=ChatPurpose(row["purpose"]), class_label=row["class_label"], subject=row["subject"])
    return BoundChat(id=ChatId(row["chat_id"]), binding=binding, bound_by=PersonId(row["bound_by"]))


def _purpose_params(binding: ChatBinding) -> tuple[str, str, str]:
    return binding.purpose.value, binding.class_label or "", binding.subject or ""


class ChatsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def bind(self, chat: ChatId, binding: ChatBinding, bound_by: PersonId, now: datetime) -> BoundChat | None:
        """Bind `chat` to `binding`; returns the chat of the same platform that had this purpose before.

        The purpose moves: the previous chat with the same purpose and this chat's old
        purpose are both released, so one chat always has one purpose.
        """
        platform = platform_of(chat)
        async with self._db.transaction() as tx:
            previous_row = await tx.fetch_one(
                f"SELECT * FROM chats WHERE platform = ? AND {_SAME_PURPOSE} AND chat_id != ?",
                (platform.value, *_purpose_params(binding), chat),
            )
            if previous_row is not None:
                await tx.execute("DELETE FROM chats WHERE chat_id = ?", (previous_row["chat_id"],))
            await tx.execute(
                "INSERT INTO chats (chat_id, platform, purpose, class_label, subject, bound_by, bound_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET purpose = excluded.purpose, "
                "class_label = excluded.class_label, subject = excluded.subject, "
                "bound_by = excluded.bound_by, bound_at = excluded.bound_at",
                (chat, platform.value, binding.purpose.value, binding.class_label, binding.subject, bound_by,
                 iso(now)),
            )
        return _to_chat(previous_row) if previous_row is not None else None

    async def get(self, chat: ChatId) -> BoundChat | None:
        row = await self._db.fetch_one("SELECT * FROM chats WHERE chat_id = ?", (chat,))
        return _to_chat(row) if row is not None else None

    async def find(self, binding: ChatBinding, platform: Platform | None = None) -> list[BoundChat]:
        """The chats bound for `binding` (one per platform), those of `platform` only if given."""
        sql = f"SELECT * FROM chats WHERE {_SAME_PURPOSE}"
        params: list[str] = list(_purpose_params(binding))
        if platform is not None:
            sql += " AND platform = ?"
            params.append(platform.value)
        rows = await self._db.fetch_all(sql + " ORDER BY platform", params)
        return [_to_chat(row) for row in rows]

    async def staff_chats(self) -> list[BoundChat]:
        return await self.find(ChatBinding(purpose=ChatPurpose.STAFF))

    async def all(self) -> list[BoundChat]:
        rows = await self._db.fetch_all("SELECT * FROM chats ORDER BY purpose, class_label, subject, platform")
        return [_to_chat(row) for row in rows]

    async def unbind(self, chat: ChatId) -> bool:
        return await self._db.execute("DELETE FROM chats WHERE chat_id = ?", (chat,)) > 0

    async def of_class(self, class_label: str) -> list[BoundChat]:
        """Every chat bound to a class: its students', parents' and subject chats."""
        rows = await self._db.fetch_all("SELECT * FROM chats WHERE class_label = ? ORDER BY purpose, platform",
                                        (class_label,))
        return [_to_chat(row) for row in rows]

    async def rename_class(self, old: str, new: str) -> int:
        """The class moved up a year and its chats go with it (5А → 6А)."""
        return await self._db.execute("UPDATE chats SET class_label = ? WHERE class_label = ?", (new, old))

    async def unbind_class(self, class_label: str) -> int:
        return await self._db.execute("DELETE FROM chats WHERE class_label = ?", (class_label,))

    # --- chats the bot is in (MAX tells only through bot_added) ----------------------------
    async def titles(self) -> dict[ChatId, str]:
        rows = await self._db.fetch_all("SELECT chat_id, title FROM known_chats WHERE title != ''")
        return {ChatId(r["chat_id"]): str(r["title"]) for r in rows}

    async def remember_title(self, chat: ChatId, title: str, now: datetime) -> None:
        """A title read from the platform (VK tells the bot's chats only when asked)."""
        await self._db.execute(
            "INSERT INTO known_chats (chat_id, title, added_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) "
            "DO UPDATE SET title = excluded.title", (chat, title, iso(now)))

    async def known_unbound(self) -> list[ChatId]:
        """Chats the bot was added to and is still in, not bound to anything."""
        rows = await self._db.fetch_all(
            "SELECT chat_id FROM known_chats WHERE removed_at IS NULL AND chat_id NOT IN (SELECT chat_id FROM chats) "
            "ORDER BY added_at")
        return [ChatId(r["chat_id"]) for r in rows]

    async def bot_added(self, chat: ChatId, title: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO known_chats (chat_id, title, added_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) "
            "DO UPDATE SET title = CASE WHEN excluded.title != '' THEN excluded.title ELSE known_chats.title END, "
            "added_at = excluded.added_at, removed_at = NULL",
            (chat, title, iso(now)),
        )

    async def bot_removed(self, chat: ChatId, now: datetime) -> None:
        await self._db.execute("UPDATE known_chats SET removed_at = ? WHERE chat_id = ?", (iso(now), chat))

    async def title_of(self, chat: ChatId) -> str:
        row = await self._db.fetch_one("SELECT title FROM known_chats WHERE chat_id = ?", (chat,))
        return str(row["title"]) if row is not None else ""

    # --- things said once per chat, e.g. «the bot is not an admin here» --------------------
    async def first_notice(self, chat: ChatId, notice: str, now: datetime) -> bool:
        """True the first time `notice` is given for this chat."""
        changed = await self._db.execute(
            "INSERT INTO chat_notices (chat_id, notice, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (chat, notice, iso(now)),
        )
        return changed > 0

    async def has_notice(self, chat: ChatId, notice: str) -> bool:
        row = await self._db.fetch_one("SELECT 1 FROM chat_notices WHERE chat_id = ? AND notice = ?", (chat, notice))
        return row is not None

    async def clear_notice(self, chat: ChatId, notice: str) -> None:
        await self._db.execute("DELETE FROM chat_notices WHERE chat_id = ? AND notice = ?", (chat, notice))
