"""In-memory world of the MAX emulator: people, chats, messages, callbacks, uploads, the update log.

JSON shapes follow the official OpenAPI schema (max-messenger/api-schema, schema.yaml v0.0.33):
times are Unix milliseconds, group chat ids are negative, dialog chat ids positive, message ids are
strings ("mid.<hex>"). Everything here is synchronous except `UpdateLog.wait`, so the HTTP layer and
the people-facing Python API share one consistent state.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT_LENGTH = 4000
MAX_START_PAYLOAD = 128  # longer deep-link payloads are dropped ("omitted and not passed to the bot")
UPDATE_HISTORY = 10_000
GROUP_CHAT_BASE = -70_000_000_000_000  # real group ids look like -70801090403050
DIALOG_CHAT_BASE = 80_000_000_000  # dialogs get positive ids, far from test user ids
SEQ_BASE = 116_000_000_000_000_000  # message seq numbers are large on MAX

ALL_PERMISSIONS: tuple[str, ...] = (
    "read_all_messages", "add_remove_members", "add_admins", "change_chat_info", "pin_message",
    "edit_link", "write", "edit", "delete", "can_call", "view_stats",
)
UPDATE_TYPES: frozenset[str] = frozenset({
    "message_created", "message_callback", "message_edited", "message_removed", "bot_added", "bot_removed",
    "user_added", "user_removed", "bot_started", "bot_stopped", "dialog_cleared", "dialog_removed",
    "dialog_muted", "dialog_unmuted", "chat_title_changed", "bot_admin_permissions_changed",
})
# In a group chat these reach the bot only while it is an admin with read_all_messages.
GATED_UPDATES: frozenset[str] = frozenset({
    "message_created", "message_edited", "message_removed", "user_added", "user_removed", "chat_title_changed",
})

# HTTP status -> error `code` for injected faults and generic failures.
STATUS_CODES: dict[int, str] = {
    400: "proto.payload",
    401: "verify.token",
    403: "access.denied",
    404: "not.found",
    405: "method.not.allowed",
    429: "too.many.requests",
    500: "internal.error",
    502: "bad.gateway",
    503: "service.unavailable",
    504: "gateway.timeout",
}


class MaxApiError(Exception):
    """An error MAX answers with an HTTP status and `{"code": ..., "message": ...}`."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        self.status = status
        self.code = code or STATUS_CODES.get(status, "internal.error")
        self.message = message
        super().__init__(f"{status} {self.code}: {message}")

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def now_ms() -> int:
    return int(time.time() * 1000)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


@dataclass
class RecordedRequest:
    """One HTTP call the bot made; `key` is the endpoint key used by fault injection, `status` the answer's."""

    method: str
    path: str
    key: str
    query: dict[str, str]
    json: Any
    at: float
    status: int = 0
    token: str | None = field(default=None, repr=False)  # repr=False: never leak it into logs


@dataclass
class User:
    user_id: int
    first_name: str
    last_name: str = ""
    username: str | None = None
    is_bot: bool = False
    allows_messages: bool = True  # False until they write or start the bot, or after they stop it
    last_activity_time: int = field(default_factory=now_ms)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "user_id": self.user_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "is_bot": self.is_bot,
            "last_activity_time": self.last_activity_time,
            "name": self.name,  # deprecated but still sent by MAX next to first/last name
        }
        if self.username:
            out["username"] = self.username
        return out


@dataclass
class Member:
    user_id: int
    join_seq: int  # position in join order; member paging markers point at it
    join_time: int
    is_owner: bool = False
    is_admin: bool = False
    permissions: tuple[str, ...] = ()
    last_access_time: int = 0


@dataclass
class Chat:
    chat_id: int
    type: str  # "chat" or "dialog"
    title: str | None
    owner_id: int | None = None
    link: str | None = None
    members: dict[int, Member] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    status: str = "active"  # the bot's status: active, removed, left, suspended (dialogs)
    dialog_user: int | None = None
    pinned_mid: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    last_event_time: int = field(default_factory=now_ms)
    _next_join_seq: int = 1

    @property
    def is_dialog(self) -> bool:
        return self.type == "dialog"

    def add_member(self, user_id: int, **flags: Any) -> Member:
        at = now_ms()
        member = Member(user_id, self._next_join_seq, at, last_access_time=at, **flags)
        self._next_join_seq += 1
        self.members[user_id] = member
        return member

    def ordered_members(self) -> list[Member]:
        return sorted(self.members.values(), key=lambda m: m.join_seq)


@dataclass
class UploadedFile:
    """Bytes the bot uploaded; tests check the names and sizes of generated files."""

    kind: str  # image, file, video, audio
    filename: str
    size: int
    content_type: str
    data: bytes = field(repr=False)
    token: str = ""
    object_id: int = 0


@dataclass
class PendingCallback:
    callback_id: str
    user_id: int
    chat_id: int
    mid: str
    payload: str | None
    answered: bool = False


@dataclass
class Subscription:
    url: str
    time: int
    update_types: list[str] | None
    secret: str | None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "time": self.time, "update_types": self.update_types}


class UpdateLog:
    """Long-poll history: numbered updates, the committed marker, and waiters woken on each push.

    `marker` is the number of the next update to read. Passing a marker commits everything before
    it; an older marker still in the history replays what came after it.
    """

    def __init__(self, capacity: int = UPDATE_HISTORY) -> None:
        self._entries: deque[tuple[int, dict[str, Any]]] = deque()
        self.capacity = capacity
        self.next_marker = 1
        self.oldest = 1
        self.committed = 1
        self.closed = False
        self._wakeup = asyncio.Event()

    def push(self, update: dict[str, Any]) -> int:
        seq = self.next_marker
        self._entries.append((seq, update))
        self.next_marker += 1
        while len(self._entries) > self.capacity:
            evicted, _ = self._entries.popleft()
            self.oldest = evicted + 1
        self._wake()
        return seq

    def all(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(update) for _, update in self._entries]

    def commit_all(self) -> None:
        """Everything so far counts as read (used when a webhook delivers updates instead)."""
        self.committed = self.next_marker

    def start_for(self, marker: int | None) -> int:
        if marker is None or marker <= 0:
            start = self.committed
        else:
            self.committed = max(self.committed, min(marker, self.next_marker))
            start = marker
        return max(min(start, self.next_marker), self.oldest)

    def read(self, start: int, limit: int, types: set[str] | None) -> tuple[list[dict[str, Any]], int]:
        """Up to `limit` updates from `start` on, and the marker to pass next time."""
        found: list[dict[str, Any]] = []
        marker = start
        for seq, update in self._entries:
            if seq < start:
                continue
            marker = seq + 1
            if types is None or update.get("update_type") in types:
                found.append(copy.deepcopy(update))
                if len(found) >= limit:
                    return found, marker
        return found, max(marker, self.next_marker)

    async def wait(
        self, start: int, limit: int, types: set[str] | None, timeout: float
    ) -> tuple[list[dict[str, Any]], int]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            updates, marker = self.read(start, limit, types)
            remaining = deadline - loop.time()
            if updates or self.closed or remaining <= 0:
                return updates, marker
            wakeup = self._wakeup
            try:
                await asyncio.wait_for(wakeup.wait(), remaining)
            except TimeoutError:
                pass

    def close(self) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()


class MaxState:
    """The bot, the people, the chats and everything that happened in them."""

    def __init__(self, *, bot_id: int, bot_name: str, bot_username: str) -> None:
        self.bot = User(bot_id, bot_name, "", username=bot_username, is_bot=True)
        self.base_url = ""  # "http://127.0.0.1:PORT", set once the server listens
        self.users: dict[int, User] = {bot_id: self.bot}
        self.chats: dict[int, Chat] = {}
        self.dialogs: dict[int, int] = {}  # user_id -> dialog chat_id
        self.updates = UpdateLog()
        self.callbacks: dict[str, PendingCallback] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.uploads: list[UploadedFile] = []
        self.user_files: list[UploadedFile] = []
        """Files people attached to their messages, served at their payload `url`."""
        self.upload_slots: dict[str, str] = {}  # slot -> kind
        self.subscription: Subscription | None = None
        self.duplicate_next = False
        self.not_ready_left = 0  # sends with upload tokens still answered attachment.not.ready
        self.on_update: list[Any] = []  # callables(update) run for each update the bot gets
        self._last_group = 0
        self._last_dialog = 0
        self._last_seq = SEQ_BASE
        self._last_object_id = 4_484_450_000
        self._history_changed = asyncio.Event()

    # --- identities -------------------------------------------------------------------
    @property
    def bot_id(self) -> int:
        return self.bot.user_id

    def user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise ValueError(f"unknown user {user_id}: add_user() first")
        return user

    def next_object_id(self) -> int:
        self._last_object_id += 1
        return self._last_object_id

    # --- chats ------------------------------------------------------------------------
    def new_group(self, title: str) -> Chat:
        self._last_group += 1
        chat = Chat(chat_id=GROUP_CHAT_BASE - self._last_group, type="chat", title=title)
        self.chats[chat.chat_id] = chat
        return chat

    def dialog_for(self, user_id: int) -> Chat:
        """The user's dialog with the bot, created on first use like MAX does."""
        chat_id = self.dialogs.get(user_id)
        if chat_id is None:
            self.user(user_id)
            self._last_dialog += 1
            chat = Chat(chat_id=DIALOG_CHAT_BASE + self._last_dialog, type="dialog", title=None, dialog_user=user_id)
            chat.add_member(user_id)
            chat.add_member(self.bot_id)
            self.chats[chat.chat_id] = chat
            self.dialogs[user_id] = chat.chat_id
            return chat
        return self.chats[chat_id]

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"no chat {chat_id}")
        return chat

    def resolve(self, where: int) -> Chat:
        """A chat id (group or dialog), else a user id meaning that user's dialog with the bot."""
        if where in self.chats:
            return self.chats[where]
        if where in self.users:
            return self.dialog_for(where)
        raise ValueError(f"{where} is neither a chat id nor a known user id")

    def bot_member(self, chat: Chat) -> Member | None:
        return chat.members.get(self.bot_id) if chat.status == "active" else None

    def bot_can(self, chat: Chat, permission: str) -> bool:
        member = self.bot_member(chat)
        return member is not None and member.is_admin and permission in member.permissions

    def bot_reads_all(self, chat: Chat) -> bool:
        return chat.is_dialog or self.bot_can(chat, "read_all_messages")

    def chat_by_link(self, link: str) -> Chat | None:
        return next((c for c in self.chats.values() if c.link and c.link == link), None)

    # --- messages ---------------------------------------------------------------------
    def new_mid(self) -> str:
        return "mid." + secrets.token_hex(16)

    def store_message(self, chat: Chat, sender_id: int, text: str | None, **extra: Any) -> dict[str, Any]:
        """Append a message record. Internal keys start with an underscore."""
        self._last_seq += 1
        record: dict[str, Any] = {
            "mid": self.new_mid(),
            "seq": self._last_seq,
            "chat_id": chat.chat_id,
            "sender_id": sender_id,
            "timestamp": now_ms(),
            "text": text,
            "attachments": [],
            "link": None,
            "format": None,
            "notify": True,
            "deleted": False,
            "edited_at": None,
        }
        record.update(extra)
        chat.messages.append(record)
        chat.last_event_time = record["timestamp"]
        self.notify_history()
        return record

    def find_message(self, mid: str) -> tuple[Chat, dict[str, Any]] | None:
        for chat in self.chats.values():
            for record in chat.messages:
                if record["mid"] == mid:
                    return chat, record
        return None

    def message_json(self, record: dict[str, Any]) -> dict[str, Any]:
        """A message as MAX shows it: {sender, recipient, timestamp, link?, body{mid, seq, text, attachments?}}."""
        chat = self.chats[record["chat_id"]]
        recipient: dict[str, Any] = {"chat_id": chat.chat_id, "chat_type": chat.type}
        if chat.is_dialog:
            # In a dialog the recipient is the other party.
            assert chat.dialog_user is not None
            recipient["user_id"] = chat.dialog_user if record["sender_id"] == self.bot_id else self.bot_id
        body: dict[str, Any] = {"mid": record["mid"], "seq": record["seq"], "text": record["text"]}
        if record["attachments"]:
            body["attachments"] = copy.deepcopy(record["attachments"])
        out: dict[str, Any] = {
            "sender": self.user(record["sender_id"]).to_json(),
            "recipient": recipient,
            "timestamp": record["timestamp"],
            "body": body,
        }
        if record["link"] is not None:
            out["link"] = copy.deepcopy(record["link"])
        return out

    def linked(self, link_type: str, mid: str) -> dict[str, Any]:
        """LinkedMessage for a reply or forward of `mid`."""
        found = self.find_message(mid)
        if found is None or found[1]["deleted"]:
            raise ValueError(f"no message {mid}")
        chat, record = found
        body = self.message_json(record)["body"]
        return {"type": link_type, "sender": self.user(record["sender_id"]).to_json(), "chat_id": chat.chat_id,
                "message": body}

    async def wait_history_change(self, timeout: float) -> None:
        await asyncio.wait_for(self._history_changed.wait(), timeout)

    def notify_history(self) -> None:
        self._history_changed.set()
        self._history_changed = asyncio.Event()

    # --- updates ----------------------------------------------------------------------
    def emit(self, update_type: str, chat: Chat | None, **fields: Any) -> dict[str, Any] | None:
        """Log an update if the bot may see it; returns it (None when gated away)."""
        if chat is not None and not self.bot_sees(update_type, chat):
            return None
        update: dict[str, Any] = {"update_type": update_type, "timestamp": now_ms(), **fields}
        copies = 2 if self.duplicate_next else 1
        self.duplicate_next = False
        for _ in range(copies):  # a duplicate is MAX's at-least-once delivery
            self.updates.push(update)
            for hook in self.on_update:
                hook(copy.deepcopy(update))
        return update

    def bot_sees(self, update_type: str, chat: Chat) -> bool:
        if chat.is_dialog:
            return True
        if update_type in GATED_UPDATES:
            return self.bot_reads_all(chat)
        return True
