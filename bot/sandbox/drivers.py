"""The people's side of the world, the same on both emulators: write, open a link, press, join.

End-to-end tests and the sandbox player speak to a Driver, so one scenario runs on VK and on MAX
unchanged; what differs (peer ids vs chat ids, cmids vs mids, keyboards) stays in here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.port.ids import PersonId, Platform, person_id
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.max_emulator import MaxEmulator


@dataclass(frozen=True, kw_only=True)
class Seen:
    """A bot message as a person sees it."""

    text: str
    ref: str
    """The message's handle on its platform (VK cmid, MAX mid)."""
    buttons: list[tuple[str, str, bool]] = field(default_factory=list)
    """(label, payload as sent, is a callback button)."""
    deleted: bool = False
    edited: bool = False
    attachments: tuple[str, ...] = ()
    """What is attached: «картинка», «документ»."""

    def button(self, label: str) -> str:
        """The payload of the button labelled so (a JSON text)."""
        for found, payload, _ in self.buttons:
            if found == label:
                return payload
        raise AssertionError(f"no button «{label}» under: {self.text[:80]}")


Predicate = Callable[[Seen], bool]


@dataclass(frozen=True, kw_only=True)
class SentFile:
    """A picture or document the bot sent, as a person would open it."""

    kind: str
    """«photo» or «document»."""
    name: str
    """The file name the bot gave it."""
    data: bytes
    caption: str
    buttons: list[tuple[str, str, bool]] = field(default_factory=list)
    ref: str = ""


_KIND_TITLES = {"photo": "картинка", "image": "картинка", "doc": "документ", "file": "документ"}


def _token(url: str) -> str:
    """The emulators serve files at …/_emulator/media/<token>[?…]."""
    return url.split("/_emulator/media/", 1)[-1].split("?", 1)[0] if "/_emulator/media/" in url else ""


class Driver(Protocol):
    platform: Platform
    chats: dict[str, int]
    """Chat keys of the world («staff», «5a-parents»…) → the platform's chat ids."""

    def person(self, user: int) -> PersonId: ...
    def chat_key(self, chat: str) -> str: ...
    def conversation(self, user: int, chat: str | None) -> int: ...
    async def write(self, user: int, text: str, chat: str | None = None, *, reply_to: str | None = None) -> str: ...
    async def write_with_file(self, user: int, text: str, chat: str | None = None, *, kind: str, data: bytes,
                              filename: str) -> str:
        """Write `text` with a photo («photo») or a document («doc»: a CSV class list) attached."""
        ...
    def bot_files(self, user: int, chat: str | None = None) -> list[SentFile]: ...
    async def open_link(self, user: int, payload: str) -> None: ...
    async def forward(self, user: int, chat: str, ref: str, text: str = "") -> str:
        """Forward a message of `chat` to the person's DM with the bot, with `text` as the caption."""
        ...
    async def press(self, user: int, chat: str | None, seen: Seen, payload: str) -> str: ...
    async def join_by_link(self, user: int, link: str) -> None: ...
    async def add(self, chat: str, user: int, *, by: int) -> None: ...
    async def leave(self, chat: str, user: int) -> None: ...
    def bot_messages(self, user: int, chat: str | None = None) -> list[Seen]: ...
    async def next_bot_message(self, user: int, chat: str | None = None, predicate: Predicate | None = None,
                               timeout: float = 5.0) -> Seen: ...
    def members(self, chat: str) -> set[int]: ...
    def last_message_of(self, user: int, chat: str) -> str: ...
    def is_deleted(self, chat: str, ref: str) -> bool: ...


async def _answer_after(count: Callable[[], int], last: Callable[[], str], before: int, timeout: float = 5.0) -> str:
    for _ in range(int(timeout / 0.02)):
        if count() > before:
            return last()
        await asyncio.sleep(0.02)
    raise AssertionError("the press was not answered")


class VkDriver:
    platform = Platform.VK

    def __init__(self, emulator: VkEmulator) -> None:
        self.emulator = emulator
        self.chats: dict[str, int] = {}

    def person(self, user: int) -> PersonId:
        return person_id(Platform.VK, user)

    def chat_key(self, chat: str) -> str:
        return f"vk:{self.chats[chat]}"

    def conversation(self, user: int, chat: str | None) -> int:
        return self.chats[chat] if chat is not None else user

    async def write(self, user: int, text: str, chat: str | None = None, *, reply_to: str | None = None) -> str:
        sent = await self.emulator.user_writes(user, text, peer_id=self.chats[chat] if chat else None,
                                               reply_to_cmid=int(reply_to) if reply_to else None)
        return str(sent["conversation_message_id"])

    async def write_with_file(self, user: int, text: str, chat: str | None = None, *, kind: str, data: bytes,
                              filename: str) -> str:
        attachment = self.emulator.user_attachment(user, kind, data, filename)
        sent = await self.emulator.user_writes(user, text, peer_id=self.chats[chat] if chat else None,
                                               attachments=[attachment])
        return str(sent["conversation_message_id"])

    def bot_files(self, user: int, chat: str | None = None) -> list[SentFile]:
        uploads = {u.token: u for u in self.emulator.uploads}
        found = []
        for message in self.emulator.bot_messages(self.conversation(user, chat)):
            for attachment in message.get("attachments") or []:
                if attachment.get("type") == "photo":
                    sizes = attachment["photo"].get("sizes") or [{}]
                    upload = uploads.get(_token(str(sizes[-1].get("url", ""))))
                    kind = "photo"
                elif attachment.get("type") == "doc":
                    upload = uploads.get(_token(str(attachment["doc"].get("url", ""))))
                    kind = "document"
                else:
                    continue
                if upload is not None:
                    seen = self._seen(message)
                    found.append(SentFile(kind=kind, name=upload.filename, data=upload.data, caption=seen.text,
                                          buttons=seen.buttons, ref=seen.ref))
        return found

    async def open_link(self, user: int, payload: str) -> None:
        await self.emulator.user_writes(user, "Начать", ref=payload, ref_source="link")

    async def forward(self, user: int, chat: str, ref: str, text: str = "") -> str:
        sent = await self.emulator.user_writes(user, text, fwd_cmids=[int(ref)], fwd_from_peer=self.chats[chat])
        return str(sent["conversation_message_id"])

    async def press(self, user: int, chat: str | None, seen: Seen, payload: str) -> str:
        answers = self.emulator.event_answers
        before = len(answers)
        await self.emulator.press_button(user, self.conversation(user, chat), int(seen.ref), payload)
        return await _answer_after(lambda: len(answers), lambda: json.loads(answers[-1]["event_data"])["text"],
                                   before)

    async def join_by_link(self, user: int, link: str) -> None:
        await self.emulator.user_joins_by_link(user, link)

    async def add(self, chat: str, user: int, *, by: int) -> None:
        await self.emulator.user_added(self.chats[chat], user, by=by)

    async def leave(self, chat: str, user: int) -> None:
        await self.emulator.user_leaves(self.chats[chat], user)

    def _seen(self, message: dict[str, Any]) -> Seen:
        keyboard = message.get("keyboard")
        if isinstance(keyboard, str):
            keyboard = json.loads(keyboard)
        buttons = []
        for row in (keyboard or {}).get("buttons", []):
            for button in row:
                action = button.get("action", {})
                payload = action.get("payload")
                text = payload if isinstance(payload, str) else json.dumps(payload or {})
                buttons.append((action.get("label", ""), text, action.get("type") == "callback"))
        kinds = tuple(_KIND_TITLES[a["type"]] for a in message.get("attachments") or [] if a.get("type") in _KIND_TITLES)
        return Seen(text=message.get("text", ""), ref=str(message["conversation_message_id"]), buttons=buttons,
                    deleted=bool(message.get("deleted")), edited=bool(message.get("update_time")), attachments=kinds)

    def bot_messages(self, user: int, chat: str | None = None) -> list[Seen]:
        return [self._seen(m) for m in self.emulator.bot_messages(self.conversation(user, chat))
                if m.get("text") or m.get("keyboard")]

    async def next_bot_message(self, user: int, chat: str | None = None, predicate: Predicate | None = None,
                               timeout: float = 5.0) -> Seen:
        found = await self.emulator.wait_for_bot_message(
            self.conversation(user, chat), timeout=timeout,
            predicate=lambda m: bool(m.get("text")) and (predicate is None or predicate(self._seen(m))))
        return self._seen(found)

    def members(self, chat: str) -> set[int]:
        return {m for m in self.emulator.chat_members(self.chats[chat]) if m > 0}

    def last_message_of(self, user: int, chat: str) -> str:
        for message in reversed(self.emulator.messages(self.chats[chat])):
            if message["from_id"] == user:
                return str(message["conversation_message_id"])
        raise AssertionError("no such message")

    def is_deleted(self, chat: str, ref: str) -> bool:
        return any(m["conversation_message_id"] == int(ref) and m.get("deleted")
                   for m in self.emulator.messages(self.chats[chat]))


class MaxDriver:
    platform = Platform.MAX

    def __init__(self, emulator: MaxEmulator) -> None:
        self.emulator = emulator
        self.chats: dict[str, int] = {}

    def person(self, user: int) -> PersonId:
        return person_id(Platform.MAX, user)

    def chat_key(self, chat: str) -> str:
        return f"max:{self.chats[chat]}"

    def conversation(self, user: int, chat: str | None) -> int:
        return self.chats[chat] if chat is not None else user

    async def write(self, user: int, text: str, chat: str | None = None, *, reply_to: str | None = None) -> str:
        sent = await self.emulator.user_writes(user, text, chat_id=self.chats[chat] if chat else None,
                                               reply_to_mid=reply_to)
        return str(sent["body"]["mid"])

    async def write_with_file(self, user: int, text: str, chat: str | None = None, *, kind: str, data: bytes,
                              filename: str) -> str:
        attachment = self.emulator.user_attachment(kind, data, filename)
        sent = await self.emulator.user_writes(user, text, chat_id=self.chats[chat] if chat else None,
                                               attachments=[attachment])
        return str(sent["body"]["mid"])

    def bot_files(self, user: int, chat: str | None = None) -> list[SentFile]:
        uploads = {u.token: u for u in self.emulator.uploads}
        found = []
        try:
            messages = self.emulator.bot_messages(self.conversation(user, chat))
        except (KeyError, ValueError):
            return []
        for message in messages:
            for attachment in (message.get("body") or {}).get("attachments") or []:
                kind = {"image": "photo", "file": "document"}.get(attachment.get("type", ""))
                upload = uploads.get(str((attachment.get("payload") or {}).get("token", "")))
                if kind is not None and upload is not None:
                    seen = self._seen(message)
                    found.append(SentFile(kind=kind, name=upload.filename, data=upload.data, caption=seen.text,
                                          buttons=seen.buttons, ref=seen.ref))
        return found

    async def open_link(self, user: int, payload: str) -> None:
        await self.emulator.user_starts_bot(user, payload)

    async def forward(self, user: int, chat: str, ref: str, text: str = "") -> str:
        sent = await self.emulator.user_writes(user, text, forward_mid=ref)
        return str(sent["body"]["mid"])

    async def press(self, user: int, chat: str | None, seen: Seen, payload: str) -> str:
        answers = self.emulator.callback_answers
        before = len(answers)
        await self.emulator.press_button(user, seen.ref, payload, check=False)
        return await _answer_after(lambda: len(answers), lambda: str(answers[-1].get("notification") or ""), before)

    async def join_by_link(self, user: int, link: str) -> None:
        await self.emulator.user_joins_by_link(user, link)

    async def add(self, chat: str, user: int, *, by: int) -> None:
        await self.emulator.user_added(self.chats[chat], user, by=by)

    async def leave(self, chat: str, user: int) -> None:
        await self.emulator.user_leaves(self.chats[chat], user)

    def _seen(self, message: dict[str, Any]) -> Seen:
        body = message.get("body") or {}
        buttons = []
        for attachment in body.get("attachments") or []:
            if attachment.get("type") != "inline_keyboard":
                continue
            for row in attachment.get("payload", {}).get("buttons", []):
                for button in row:
                    buttons.append((button.get("text", ""), str(button.get("payload", "")),
                                    button.get("type") == "callback"))
        kinds = tuple(_KIND_TITLES[a["type"]] for a in body.get("attachments") or [] if a.get("type") in _KIND_TITLES)
        return Seen(text=body.get("text") or "", ref=str(body.get("mid")), buttons=buttons,
                    deleted=bool(message.get("deleted")), edited=bool(message.get("edited")), attachments=kinds)

    def bot_messages(self, user: int, chat: str | None = None) -> list[Seen]:
        try:
            return [self._seen(m) for m in self.emulator.bot_messages(self.conversation(user, chat))]
        except (KeyError, ValueError):
            return []  # nobody opened a dialog yet

    async def next_bot_message(self, user: int, chat: str | None = None, predicate: Predicate | None = None,
                               timeout: float = 5.0) -> Seen:
        where = self.conversation(user, chat)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:  # the dialog exists only once someone writes: wait for it too
            try:
                found = await self.emulator.wait_for_bot_message(
                    where, timeout=max(0.05, deadline - loop.time()),
                    predicate=lambda m: predicate is None or predicate(self._seen(m)))
                return self._seen(found)
            except (KeyError, ValueError):
                if loop.time() > deadline:
                    raise TimeoutError from None
                await asyncio.sleep(0.05)

    def members(self, chat: str) -> set[int]:
        return {m for m in self.emulator.chat_members(self.chats[chat]) if m != self.emulator.bot_id}

    def last_message_of(self, user: int, chat: str) -> str:
        for message in reversed(self.emulator.messages(self.chats[chat])):
            if message["sender"]["user_id"] == user:
                return str(message["body"]["mid"])
        raise AssertionError("no such message")

    def is_deleted(self, chat: str, ref: str) -> bool:
        return any(m["body"]["mid"] == ref and m.get("deleted") for m in self.emulator.messages(self.chats[chat]))
