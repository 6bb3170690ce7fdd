"""In-memory world of the VK emulator: people, chats, message history, the long-poll event log.

Everything here is synchronous and loop-free except `EventLog.wait`, so the HTTP layer
(`emulator.py`) and the API method handlers (`emulator_methods.py`) share one consistent state.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

API_VERSION = "5.199"
CHAT_PEER_BASE = 2_000_000_000
MAX_TEXT_LENGTH = 4096
RANDOM_ID_TTL = 3600.0
EVENT_HISTORY = 1000

# What a modern VK client reports; bots use it to decide whether keyboards are allowed.
CLIENT_INFO: dict[str, Any] = {
    "button_actions": [
        "text", "vkpay", "open_app", "location", "open_link", "callback",
        "intent_subscribe", "intent_unsubscribe",
    ],
    "keyboard": True,
    "inline_keyboard": True,
    "carousel": True,
    "lang_id": 0,
}

ERROR_MESSAGES: dict[int, str] = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    8: "Invalid request",
    9: "Flood control",
    10: "Internal server error",
    14: "Captcha needed",
    15: "Access denied",
    18: "User was deleted or banned",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
    113: "Invalid user id",
    900: "Can't send messages for users from blacklist",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    909: "Can't edit this message, because it's too old",
    911: "Keyboard format is invalid",
    914: "Message is too long",
    917: "You don't have access to this chat",
    920: "Can't edit this kind of message",
    924: "Can't delete this message for everybody",
    925: "You are not admin of this chat",
    935: "User not found in chat",
    936: "Contact not found",
    945: "Chat was disabled",
}

# Keys kept in history for tests but never part of what VK sends to the bot in events.
_INTERNAL_KEYS = ("deleted", "random_id")


class VkApiError(Exception):
    """An error VK would return as `{"error": {...}}`."""

    def __init__(self, code: int, detail: str = "", *, msg: str | None = None) -> None:
        base = ERROR_MESSAGES.get(code, ERROR_MESSAGES[1])
        self.code = code
        self.msg = msg if msg is not None else (f"{base}: {detail}" if detail else base)
        self.extra: dict[str, Any] = {}
        if code == 14:  # VK always attaches a captcha to error 14; clients key off these fields
            self.extra = {"captcha_sid": secrets.token_hex(6), "captcha_img": "https://api.vk.ru/captcha.php"}
        super().__init__(f"[{code}] {self.msg}")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    params: dict[str, str]
    at: float
    token: str | None = field(default=None, repr=False)  # repr=False: never leak it into logs
    query_keys: frozenset[str] = frozenset()
    """Parameters that came in the URL (a token there would end up in proxies' logs)."""


@dataclass
class User:
    id: int
    first_name: str
    last_name: str
    allows_messages: bool = True
    sex: int = 0
    """VK's users.get `sex`: 1 female, 2 male, 0 not given."""

    def to_vk(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "can_access_closed": True,
            "is_closed": False,
        }


@dataclass
class Member:
    member_id: int
    invited_by: int
    join_date: int
    is_admin: bool = False


@dataclass
class Chat:
    chat_id: int
    title: str
    owner_id: int | None
    members: dict[int, Member] = field(default_factory=dict)
    invite_link: str | None = None

    @property
    def peer_id(self) -> int:
        return CHAT_PEER_BASE + self.chat_id


@dataclass
class Conversation:
    messages: list[dict[str, Any]] = field(default_factory=list)
    last_cmid: int = 0


@dataclass
class UploadedFile:
    """Bytes a bot uploaded; tests check size and name of generated charts and CSVs."""

    kind: str  # "photo" or "doc"
    filename: str
    size: int
    content_type: str
    data: bytes = field(repr=False)
    token: str = ""
    saved: bool = False


def public_message(message: dict[str, Any], *, with_reply: bool = True) -> dict[str, Any]:
    """The message as VK would show it to the bot: internal bookkeeping stripped."""
    out = copy.deepcopy(message)
    for key in _INTERNAL_KEYS:
        out.pop(key, None)
    if out.get("keyboard") is None:
        out.pop("keyboard", None)
    if not with_reply:
        out.pop("reply_message", None)
    return out


class EventLog:
    """Bots Long Poll history: numbered updates, a key, and waiters woken on each push."""

    def __init__(self, capacity: int = EVENT_HISTORY, first_ts: int = 1) -> None:
        self._events: deque[tuple[int, dict[str, Any]]] = deque()
        self._capacity = capacity
        self.next_ts = first_ts
        self.oldest_ts = first_ts  # the earliest ts whose history is still complete
        self.key = secrets.token_hex(20)
        self.closed = False
        self._wakeup = asyncio.Event()

    def push(self, update: dict[str, Any]) -> None:
        self._events.append((self.next_ts, update))
        self.next_ts += 1
        while len(self._events) > self._capacity:
            evicted_ts, _ = self._events.popleft()
            self.oldest_ts = evicted_ts + 1
        self._wake()

    def ts_is_valid(self, ts: int) -> bool:
        return self.oldest_ts <= ts <= self.next_ts

    def since(self, ts: int) -> list[dict[str, Any]]:
        return [copy.deepcopy(update) for seq, update in self._events if seq >= ts]

    def rotate_key(self) -> None:
        self.key = secrets.token_hex(20)
        self._wake()  # held polls with the old key must learn about it now, not after `wait`

    def close(self) -> None:
        self.closed = True
        self._wake()

    async def wait(self, ts: int, timeout: float, key: str) -> list[dict[str, Any]] | None:
        """Updates from `ts` on, waiting up to `timeout`; None if `key` expired meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if key != self.key:
                return None
            updates = self.since(ts)
            remaining = deadline - loop.time()
            if updates or self.closed or remaining <= 0:
                return updates
            wakeup = self._wakeup
            try:
                await asyncio.wait_for(wakeup.wait(), remaining)
            except TimeoutError:
                pass

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()


class EmulatorState:
    """The community, its users and chats, and everything that happened in them."""

    def __init__(self, *, group_id: int, group_name: str, screen_name: str) -> None:
        self.group_id = group_id
        self.group_name = group_name
        self.screen_name = screen_name
        self.base_url = ""  # "http://127.0.0.1:PORT", set once the server listens
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}  # by peer_id
        self.conversations: dict[int, Conversation] = {}
        self.events = EventLog()
        self.event_answers: list[dict[str, str]] = []
        self.pending_callbacks: dict[str, tuple[int, int]] = {}  # event_id -> (user_id, peer_id)
        self.uploads: list[UploadedFile] = []
        self.user_docs: dict[tuple[int, int], UploadedFile] = {}
        """Documents people attached to their messages, served at their `url` like vk.com/doc… links."""
        self.upload_slots: dict[str, tuple[str, int]] = {}  # key -> (kind, peer_id)
        self.attachments: dict[str, dict[str, Any]] = {}  # "photo-1_5" -> VK attachment object
        self.sent_random_ids: dict[tuple[int, int], tuple[dict[str, Any], float]] = {}
        self.duplicate_next = False
        self.event_hooks: list[Callable[[dict[str, Any]], None]] = []  # e.g. Callback API delivery
        self.callback_confirmation_code = secrets.token_hex(4)  # shown in the community's settings
        self._last_message_id = 0
        self._last_version = 0
        self._last_chat_id = 0
        self._last_object_id = 457239000  # photo/doc ids look like VK's
        self._history_changed = asyncio.Event()

    # --- identities -------------------------------------------------------------------
    @property
    def bot_id(self) -> int:
        return -self.group_id

    def group_object(self) -> dict[str, Any]:
        return {
            "id": self.group_id,
            "name": self.group_name,
            "screen_name": self.screen_name,
            "is_closed": 0,
            "type": "group",
            "photo_50": f"https://sun9-1.userapi.com/c{self.group_id}/50.png",
            "photo_100": f"https://sun9-1.userapi.com/c{self.group_id}/100.png",
            "photo_200": f"https://sun9-1.userapi.com/c{self.group_id}/200.png",
        }

    def ensure_user(self, user_id: int) -> User:
        """Users seen without `add_user` get a placeholder name so nothing crashes on lookup."""
        if user_id not in self.users:
            self.users[user_id] = User(user_id, "Пользователь", str(user_id), allows_messages=False)
        return self.users[user_id]

    def next_object_id(self) -> int:
        self._last_object_id += 1
        return self._last_object_id

    # --- chats ------------------------------------------------------------------------
    def create_chat(self, title: str, members: list[int], admins: list[int], bot_is_admin: bool) -> Chat:
        self._last_chat_id += 1
        owner = admins[0] if admins else (members[0] if members else None)
        chat = Chat(chat_id=self._last_chat_id, title=title, owner_id=owner)
        now = int(time.time())
        for user_id in dict.fromkeys([*admins, *members]):  # keeps order, drops repeats
            self.ensure_user(user_id)
            invited_by = 0 if user_id == owner else (owner or 0)
            chat.members[user_id] = Member(user_id, invited_by, now, is_admin=user_id in admins)
        chat.members[self.bot_id] = Member(self.bot_id, owner or 0, now, is_admin=bot_is_admin)
        self.chats[chat.peer_id] = chat
        return chat

    def chat(self, peer_id: int) -> Chat:
        chat = self.chats.get(peer_id)
        if chat is None:
            raise ValueError(f"no chat with peer_id {peer_id}")
        return chat

    def bot_in_chat(self, chat: Chat) -> bool:
        return self.bot_id in chat.members

    def bot_is_admin(self, chat: Chat) -> bool:
        member = chat.members.get(self.bot_id)
        return member is not None and member.is_admin

    def chat_by_link(self, link: str) -> Chat | None:
        return next((chat for chat in self.chats.values() if chat.invite_link == link), None)

    # --- history ----------------------------------------------------------------------
    def conversation(self, peer_id: int) -> Conversation:
        return self.conversations.setdefault(peer_id, Conversation())

    def store_message(self, peer_id: int, from_id: int, text: str, **fields: Any) -> dict[str, Any]:
        """Append a message to a conversation, assigning ids the way VK does."""
        conv = self.conversation(peer_id)
        conv.last_cmid += 1
        is_chat = peer_id > CHAT_PEER_BASE
        from_bot = from_id == self.bot_id
        message: dict[str, Any] = {
            "date": int(time.time()),
            "from_id": from_id,
            # Community bots see id 0 for incoming chat messages; they must use cmids there.
            "id": self._new_message_id() if (from_bot or not is_chat) else 0,
            "out": 1 if from_bot else 0,
            "peer_id": peer_id,
            "text": text,
            "conversation_message_id": conv.last_cmid,
            "version": self._new_version(),  # VK's per-message version; vkbottle requires it
            "fwd_messages": [],
            "attachments": [],
            "important": False,
            "is_hidden": False,
            "keyboard": None,
            "deleted": False,
        }
        message.update(fields)
        conv.messages.append(message)
        self._notify_history()
        return message

    def find_message(self, peer_id: int, *, cmid: int | None = None, message_id: int | None = None) -> dict[str, Any] | None:
        for message in self.conversation(peer_id).messages:
            if cmid is not None and message["conversation_message_id"] == cmid:
                return message
            if message_id and message["id"] == message_id:
                return message
        return None

    def quoted(self, peer_id: int, cmids: list[int]) -> list[dict[str, Any]]:
        """Copies of messages for fwd_messages/reply_message (VK does not nest the reply)."""
        found = []
        for cmid in cmids:
            message = self.find_message(peer_id, cmid=cmid)
            if message is None:
                raise ValueError(f"no message with cmid {cmid} in peer {peer_id}")
            found.append(public_message(message, with_reply=False))
        return found

    async def wait_history_change(self, timeout: float) -> None:
        changed = self._history_changed
        await asyncio.wait_for(changed.wait(), timeout)

    def _notify_history(self) -> None:
        self._history_changed.set()
        self._history_changed = asyncio.Event()

    def _new_version(self) -> int:
        self._last_version += 1
        return self._last_version

    def _new_message_id(self) -> int:
        self._last_message_id += 1
        return self._last_message_id

    # --- events -----------------------------------------------------------------------
    def push_event(self, event_type: str, obj: dict[str, Any]) -> None:
        update = {
            "group_id": self.group_id,
            "type": event_type,
            "event_id": secrets.token_hex(20),
            "v": API_VERSION,
            "object": obj,
        }
        self.events.push(update)
        for hook in self.event_hooks:
            hook(update)
        if self.duplicate_next:
            self.duplicate_next = False
            self.events.push(copy.deepcopy(update))  # same event_id: VK's at-least-once delivery
            for hook in self.event_hooks:
                hook(copy.deepcopy(update))

    def bot_sees(self, peer_id: int) -> bool:
        return peer_id < CHAT_PEER_BASE or self.bot_in_chat(self.chat(peer_id))

    def deliver_message_new(self, message: dict[str, Any]) -> None:
        """Inject message_new unless the bot cannot see this conversation."""
        if self.bot_sees(message["peer_id"]):
            self.push_event("message_new", {"message": public_message(message), "client_info": dict(CLIENT_INFO)})

    def remember_random_id(self, peer_id: int, random_id: int, result: dict[str, Any]) -> None:
        if random_id:
            self.sent_random_ids[(peer_id, random_id)] = (result, time.monotonic())

    def recall_random_id(self, peer_id: int, random_id: int) -> dict[str, Any] | None:
        """The earlier send with this random_id, if within VK's one-hour dedup window."""
        if not random_id:
            return None
        entry = self.sent_random_ids.get((peer_id, random_id))
        if entry is None or time.monotonic() - entry[1] > RANDOM_ID_TTL:
            return None
        return entry[0]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
