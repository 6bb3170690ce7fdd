"""The people side of the MAX emulator: world setup and what users do, turned into updates for the bot.

Mixed into `MaxEmulator`; every action validates like a test would want (ValueError on impossible
moves such as writing to a chat one is not in) and emits the update MAX would send, gated by what
the bot may see.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from bot.sandbox.max_emulator_state import (
    ALL_PERMISSIONS,
    MAX_START_PAYLOAD,
    Chat,
    MaxState,
    PendingCallback,
    UploadedFile,
    User,
    now_ms,
)

LOCALE = "ru"


class PeopleMixin:
    _state: MaxState
    user_files: dict[str, UploadedFile]

    # --- world setup ----------------------------------------------------------------------
    def add_user(
        self, user_id: int, first_name: str, last_name: str = "", username: str | None = None, *,
        allows_messages: bool = True,
    ) -> None:
        """A MAX user. allows_messages=False: they never opened the bot, so the bot cannot write to them."""
        if user_id <= 0 or user_id == self._state.bot_id:
            raise ValueError(f"user ids are positive and not the bot's: {user_id}")
        self._state.users[user_id] = User(user_id, first_name, last_name, username, allows_messages=allows_messages)

    def add_chat(
        self,
        title: str,
        members: Sequence[int],
        *,
        admins: Sequence[int] = (),
        owner: int | None = None,
        bot_is_admin: bool = True,
        bot_permissions: Iterable[str] | None = None,
        bot_member: bool = True,
        with_link: bool = True,
    ) -> int:
        """A group chat; returns its (negative) chat_id. The owner defaults to the first admin, else member.

        The bot is an admin with every permission unless bot_is_admin=False or bot_permissions says
        otherwise; bot_member=False leaves it out (then bot_added_to_chat brings it in).
        """
        st = self._state
        chat = st.new_group(title)
        owner = owner if owner is not None else (admins[0] if admins else (members[0] if members else None))
        chat.owner_id = owner
        for user_id in dict.fromkeys([*([owner] if owner is not None else []), *admins, *members]):
            self._ensure_user(user_id)
            is_admin = user_id == owner or user_id in admins
            chat.add_member(user_id, is_owner=user_id == owner, is_admin=is_admin,
                            permissions=ALL_PERMISSIONS if is_admin else ())
        if bot_member:
            perms = _permissions(bot_permissions) if bot_permissions is not None else (
                ALL_PERMISSIONS if bot_is_admin else ())
            chat.add_member(st.bot_id, is_admin=bool(perms), permissions=perms)
        else:
            chat.status = "absent"
        if with_link:
            chat.link = _new_link()
        return chat.chat_id

    def set_bot_permissions(self, chat_id: int, permissions: Iterable[str], *, by: int | None = None) -> None:
        """Make the bot an admin with these permissions (none: a plain member); emits bot_admin_permissions_changed."""
        st = self._state
        chat = st.chat(chat_id)
        member = st.bot_member(chat)
        if member is None:
            raise ValueError(f"the bot is not in chat {chat_id}")
        perms = _permissions(permissions)
        member.is_admin, member.permissions = bool(perms), perms
        st.emit("bot_admin_permissions_changed", chat, chat_id=chat_id, user_id=by if by is not None else chat.owner_id,
                bot_id=st.bot_id, is_channel=False, is_admin=bool(perms), permissions=list(perms) or None)

    def set_link(self, chat_id: int, link: str | None) -> None:
        self._state.chat(chat_id).link = link

    def reset_link(self, chat_id: int) -> str:
        """A human admin resets the chat's join link: the old one dies, blocks stay."""
        link = _new_link()
        self._state.chat(chat_id).link = link
        return link

    # --- the bot joins and leaves ---------------------------------------------------------
    async def bot_added_to_chat(self, chat_id: int, by_user: int) -> None:
        """Someone adds the bot as a plain member (make it admin with set_bot_permissions)."""
        st = self._state
        chat = st.chat(chat_id)
        if st.bot_member(chat) is not None:
            raise ValueError(f"the bot is already in chat {chat_id}")
        self._require_member(chat, by_user)
        chat.add_member(st.bot_id)
        chat.status = "active"
        st.emit("bot_added", chat, chat_id=chat_id, user=st.user(by_user).to_json(), user_id=by_user, is_channel=False)

    async def bot_removed_from_chat(self, chat_id: int, by_user: int) -> None:
        st = self._state
        chat = st.chat(chat_id)
        if st.bot_member(chat) is None:
            raise ValueError(f"the bot is not in chat {chat_id}")
        del chat.members[st.bot_id]
        chat.status = "removed"
        st.emit("bot_removed", chat, chat_id=chat_id, user=st.user(by_user).to_json(), user_id=by_user,
                is_channel=False)

    # --- people act -----------------------------------------------------------------------
    async def user_writes(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to_mid: str | None = None,
        forward_mid: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict:
        """A message from a person; chat_id=None means their dialog with the bot. Returns the Message."""
        st = self._state
        chat = self._dialog_opened(user_id) if chat_id is None else st.chat(chat_id)
        if chat_id is not None:
            self._require_member(chat, user_id)
        link = None
        if reply_to_mid is not None:
            link = st.linked("reply", reply_to_mid)
        elif forward_mid is not None:
            link = st.linked("forward", forward_mid)
        record = st.store_message(chat, user_id, text, attachments=list(attachments or []), link=link)
        message = st.message_json(record)
        extra = {"user_locale": LOCALE} if chat.is_dialog else {}
        st.emit("message_created", chat, message=message, **extra)
        return message

    def user_attachment(self, kind: str, data: bytes | str, filename: str) -> dict[str, Any]:
        """A photo («photo») or a document a person attaches (pass it to user_writes), as MAX shows it.

        A document's payload `url` is a file link served without a token, like MAX's; a photo's is the
        picture itself."""
        st = self._state
        raw = data.encode("utf-8") if isinstance(data, str) else data
        token = secrets.token_urlsafe(24)
        if kind == "photo":
            upload = UploadedFile("image", filename, len(raw), "image/png", raw, token=token, object_id=st.next_object_id())
            self.user_files[token] = upload
            url = f"{st.base_url}/_emulator/media/{token}"
            return {"type": "image", "payload": {"photo_id": upload.object_id, "token": token, "url": url}}
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        upload = UploadedFile("file", filename, len(raw), content_type, raw, token=token, object_id=st.next_object_id())
        st.user_files.append(upload)
        return {"type": "file", "payload": {"url": f"{st.base_url}/files/{token}", "token": token,
                                            "fileId": upload.object_id},
                "filename": filename, "size": len(raw)}

    async def user_edits(self, user_id: int, mid: str, text: str) -> dict:
        st = self._state
        chat, record = self._message(mid)
        if record["sender_id"] != user_id or record["deleted"]:
            raise ValueError(f"user {user_id} has no message {mid}")
        record["text"], record["edited_at"] = text, now_ms()
        st.notify_history()
        message = st.message_json(record)
        st.emit("message_edited", chat, message=message)
        return message

    async def user_deletes(self, user_id: int, mid: str) -> None:
        """The author (or a chat admin) deletes a message; emits message_removed."""
        st = self._state
        chat, record = self._message(mid)
        member = chat.members.get(user_id)
        if record["deleted"] or not (record["sender_id"] == user_id or (member is not None and member.is_admin)):
            raise ValueError(f"user {user_id} cannot delete {mid}")
        record["deleted"] = True
        st.notify_history()
        st.emit("message_removed", chat, message_id=mid, chat_id=chat.chat_id, user_id=user_id)

    async def user_starts_bot(self, user_id: int, payload: str | None = None) -> int:
        """Opening https://max.ru/<bot username>?start=<payload>; returns the dialog's chat_id.

        Payloads over 128 characters are dropped (payload null), as the MAX docs say.
        """
        st = self._state
        chat = self._dialog_opened(user_id)
        if payload is not None and len(payload) > MAX_START_PAYLOAD:
            payload = None
        st.emit("bot_started", chat, chat_id=chat.chat_id, user=st.user(user_id).to_json(), payload=payload,
                user_locale=LOCALE)
        return chat.chat_id

    async def user_stops_bot(self, user_id: int) -> None:
        """The person stops (blocks) the bot: bot_stopped, and sending to them fails with 403."""
        st = self._state
        chat = st.dialog_for(user_id)
        chat.status = "suspended"
        st.user(user_id).allows_messages = False
        st.emit("bot_stopped", chat, chat_id=chat.chat_id, user=st.user(user_id).to_json(), user_locale=LOCALE)

    async def user_joins_by_link(self, user_id: int, link: str) -> int:
        """Entering a chat by its join link: user_added with inviter_id null. Returns the chat_id."""
        st = self._state
        chat = st.chat_by_link(link)
        if chat is None:
            raise ValueError(f"join link is dead or unknown: {link}")
        if user_id in chat.blocked:
            raise ValueError(f"user {user_id} is blocked in chat {chat.chat_id}")
        if user_id not in chat.members:
            self._join(chat, user_id, inviter=None)
        return chat.chat_id

    async def user_added(self, chat_id: int, user_id: int, *, by: int) -> None:
        """A member adds someone: user_added with inviter_id set (lifts a block, as a re-add does)."""
        chat = self._state.chat(chat_id)
        self._require_member(chat, by)
        if user_id in chat.members:
            return
        chat.blocked.discard(user_id)
        self._join(chat, user_id, inviter=by)

    async def user_leaves(self, chat_id: int, user_id: int) -> None:
        """user_removed with admin_id null."""
        self._remove(chat_id, user_id, admin=None)

    async def admin_removes(self, chat_id: int, user_id: int, *, by: int) -> None:
        """A human admin removes someone: user_removed with admin_id = by."""
        chat = self._state.chat(chat_id)
        member = chat.members.get(by)
        if member is None or not member.is_admin:
            raise ValueError(f"user {by} is not an admin of chat {chat_id}")
        self._remove(chat_id, user_id, admin=by)

    async def user_changes_title(self, user_id: int, chat_id: int, title: str) -> None:
        st = self._state
        chat = st.chat(chat_id)
        self._require_member(chat, user_id)
        chat.title = title
        st.emit("chat_title_changed", chat, chat_id=chat_id, user=st.user(user_id).to_json(), title=title)

    async def press_button(self, user_id: int, mid: str, payload: str, *, check: bool = True) -> str:
        """A callback button press: message_callback with {callback_id, payload, user}. Returns callback_id.

        check=False presses a button the message no longer shows (a stale client).
        """
        st = self._state
        chat, record = self._message(mid)
        if chat.is_dialog and chat.dialog_user != user_id:
            raise ValueError(f"user {user_id} cannot see dialog {chat.chat_id}")
        if not chat.is_dialog:
            self._require_member(chat, user_id)
        if check and (record["deleted"] or not _has_callback(record, payload)):
            raise ValueError(f"message {mid} shows no callback button with payload {payload!r}")
        callback_id = secrets.token_urlsafe(48)
        st.callbacks[callback_id] = PendingCallback(callback_id, user_id, chat.chat_id, mid, payload)
        callback = {"timestamp": now_ms(), "callback_id": callback_id, "payload": payload,
                    "user": st.user(user_id).to_json()}
        message = None if record["deleted"] else st.message_json(record)
        st.emit("message_callback", chat, callback=callback, message=message, user_locale=LOCALE)
        return callback_id

    # --- helpers --------------------------------------------------------------------------
    def _ensure_user(self, user_id: int) -> User:
        """Users seen without add_user get a placeholder name so nothing crashes on lookup."""
        if user_id not in self._state.users:
            self.add_user(user_id, "Пользователь", str(user_id))
        return self._state.users[user_id]

    def _dialog_opened(self, user_id: int) -> Chat:
        self._state.user(user_id)
        chat = self._state.dialog_for(user_id)
        chat.status = "active"  # writing to or starting the bot (re)opens the dialog
        self._state.user(user_id).allows_messages = True
        return chat

    def _message(self, mid: str) -> tuple[Chat, dict[str, Any]]:
        found = self._state.find_message(mid)
        if found is None:
            raise ValueError(f"no message {mid}")
        return found

    def _require_member(self, chat: Chat, user_id: int) -> None:
        """Catch test mistakes early: people act only in chats they belong to."""
        if user_id not in chat.members:
            raise ValueError(f"user {user_id} is not a member of chat {chat.chat_id}")

    def _join(self, chat: Chat, user_id: int, *, inviter: int | None) -> None:
        st = self._state
        self._ensure_user(user_id)
        chat.add_member(user_id)
        chat.last_event_time = now_ms()
        st.emit("user_added", chat, chat_id=chat.chat_id, user=st.user(user_id).to_json(), inviter_id=inviter,
                is_channel=False)

    def _remove(self, chat_id: int, user_id: int, *, admin: int | None) -> None:
        st = self._state
        chat = st.chat(chat_id)
        self._require_member(chat, user_id)
        del chat.members[user_id]
        chat.last_event_time = now_ms()
        st.emit("user_removed", chat, chat_id=chat_id, user=st.user(user_id).to_json(), admin_id=admin,
                is_channel=False)


def _permissions(permissions: Iterable[str]) -> tuple[str, ...]:
    wanted = set(permissions)
    unknown = wanted - set(ALL_PERMISSIONS)
    if unknown:
        raise ValueError(f"unknown permissions: {', '.join(sorted(unknown))}")
    return tuple(p for p in ALL_PERMISSIONS if p in wanted)


def _new_link() -> str:
    return f"https://max.ru/join/{secrets.token_urlsafe(24)}"


def _has_callback(record: dict[str, Any], payload: str) -> bool:
    for attachment in record["attachments"]:
        if attachment.get("type") == "inline_keyboard":
            for row in attachment["payload"]["buttons"]:
                if any(b.get("type") == "callback" and b.get("payload") == payload for b in row):
                    return True
    return False
