"""The MAX side of the gateway port: every effect and read the bot needs, as MAX API calls.

Ids: a person is «max:<user_id>» (positive), a group chat «max:<chat_id>» (negative on MAX), so
the sign tells a DM (?user_id=) from a group chat (?chat_id=).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from maxapi import Bot
from maxapi.enums.http_method import HTTPMethod

from bot.max.api import MaxApi, MaxRefused, require_success
from bot.max.capabilities import MAX_CAPABILITIES
from bot.max.directory import Bounded, Directory
from bot.max.models import ChatInfo, Member, Message, read
from bot.max.outgoing import NOTIFICATION_LIMIT, cut_utf16, defang, inline_keyboard, message_text
from bot.port.effects import Buttons
from bot.port.events import MessageRef
from bot.port.gateway import BotRights, Capabilities, Gateway, GatewayError, MembersPage, Problem, Profile
from bot.port.ids import ChatId, PersonId, Platform, person_id, split_id
from bot.port.ratelimit import URGENT

MEMBERS_PAGE = 100  # MAX's largest page (default 20)
DONE_KEPT = 5_000
UPLOADS_KEPT = 200
"""Attachments uploaded this run, by content: a broadcast uploads its picture once, not per chat."""
NOT_READY_PAUSES = (0.5, 1.0, 2.0, 4.0)
"""MAX answers attachment.not.ready while it processes a fresh upload: wait and send again."""
_UPLOAD_KINDS: dict[str, Literal["image", "file"]] = {"photo": "image", "document": "file"}
_EMPTY_ANSWER = "✓"  # MAX refuses an empty notification, and the client waits for an answer
_OWN_PROFILE_LINK = re.compile(r"\(?\s*MAX\s*,?\s*id\s*([1-9]\d{0,18})\s*\)?", re.IGNORECASE)
_USERNAME_LINK = re.compile(r"(?:https?://)?(?:www\.)?max\.ru/@?([A-Za-z0-9_.]{2,64})/?", re.IGNORECASE)
NO_RIGHTS = BotRights(is_admin=False, reads_all=False, can_delete=False, can_remove=False, can_write=False)


def _max_id(key: str) -> int:
    platform, raw = split_id(key)
    if platform is not Platform.MAX:
        raise ValueError("not a MAX id")
    return raw


def _is_chat(raw: int) -> bool:
    return raw < 0


def _already_done(refusal: MaxRefused) -> bool:
    """After a dropped attempt, «not found» means that attempt did it (deleted, removed)."""
    return refusal.status == 404


class MaxGateway(Gateway):
    platform = Platform.MAX
    capabilities: Capabilities = MAX_CAPABILITIES

    def __init__(self, api: MaxApi, directory: Directory) -> None:
        self._api = api
        self._directory = directory
        self._done: dict[int, tuple[str, str]] = {}  # dedup → (to, mid) of sends that went through
        self._uploaded: Bounded[tuple[str, str], dict[str, object]] = Bounded(UPLOADS_KEPT)

    # --- messages ---------------------------------------------------------------------------
    async def send(self, to: str, text: str, *, buttons: Buttons | None, dedup: int) -> MessageRef | None:
        return await self._send(to, text, buttons, dedup)

    async def send_file(self, to: str, kind: Literal["photo", "document"], data: bytes, *, filename: str,
                        caption: str, buttons: Buttons | None, dedup: int) -> MessageRef | None:
        """Uploaded once per content and reused; a refused reuse is uploaded again. A fresh upload may
        not be processed yet (400 attachment.not.ready): the send waits and tries again."""
        key = (kind, hashlib.sha256(data).hexdigest())
        reused = self._uploaded.get(key)
        if reused is not None:
            try:
                return await self._send_ready(to, caption, buttons, dedup, reused)
            except MaxRefused as refusal:
                if refusal.problem is not Problem.REJECTED:
                    raise
                self._uploaded.pop(key)
        attachment: dict[str, object] = await self._api.upload(_UPLOAD_KINDS[kind], data, filename)
        self._uploaded.put(key, attachment)
        return await self._send_ready(to, caption, buttons, dedup, attachment)

    async def _send_ready(self, to: str, text: str, buttons: Buttons | None, dedup: int,
                          attachment: dict[str, object]) -> MessageRef | None:
        for pause in (*NOT_READY_PAUSES, None):
            try:
                return await self._send(to, text, buttons, dedup, attachment)
            except MaxRefused as refusal:
                if refusal.code != "attachment.not.ready":
                    raise
                if pause is None:
                    raise MaxRefused(Problem.TRANSIENT, status=refusal.status, code=refusal.code) from None
                await asyncio.sleep(pause)
        return None  # not reached: the last pass returns or raises

    def may_have_sent(self, dedup: int, since: datetime) -> None:
        self._api.presume_uncertain(dedup, int(since.timestamp() * 1000))

    async def download(self, url: str, *, limit: int) -> bytes:
        return await self._api.download(url, limit)

    async def _send(self, to: str, text: str, buttons: Buttons | None, dedup: int,
                    attachment: dict[str, object] | None = None) -> MessageRef | None:
        done = self._done.get(dedup)
        if done is not None and done[0] == to:
            return done[1]  # the outbox repeats a send that already went through
        raw = _max_id(to)
        body: dict[str, object] = {"text": message_text(text)}
        attachments = ([attachment] if attachment is not None else []) + _attachments(buttons)
        if attachments:
            body["attachments"] = attachments
        if _is_chat(raw):
            params = {"chat_id": raw}
            look_in: int | None = raw
            problems = {403: Problem.NOT_ADMIN}
        else:
            params = {"user_id": raw}
            look_in = self._directory.dialog_of(raw)
            problems = {403: Problem.BLOCKED}  # they never started the bot, or stopped it
        answer = await self._api.send_message(params, body, look_in=look_in, dedup=dedup, problems=problems)
        message = read(Message, answer)
        if message is None or not message.mid:
            return None
        if message.recipient is not None and not _is_chat(raw):
            self._directory.learn_dialog(raw, message.recipient.chat_id)
        self._remember(dedup, to, message.mid)
        return message.mid

    def _remember(self, dedup: int, to: str, mid: str) -> None:
        self._done[dedup] = (to, mid)
        while len(self._done) > DONE_KEPT:
            self._done.pop(next(iter(self._done)))

    async def edit(self, where: str, message: MessageRef, text: str, *, buttons: Buttons | None) -> None:
        # PUT replaces the attachments: [] removes the keyboard, as a decided card wants.
        body = {"text": message_text(text), "attachments": _attachments(buttons)}
        forbidden = Problem.NOT_ADMIN if _is_chat(_max_id(where)) else Problem.BLOCKED
        answer = await self._api.raw(HTTPMethod.PUT, "/messages", what="PUT /messages",
                                     params={"message_id": message}, json=body, problems={403: forbidden})
        if answer.get("success") is False:
            raise MaxRefused(Problem.REJECTED, status=200, code="success.false")

    async def answer_press(self, press_id: str, presser: PersonId, where: str, text: str) -> None:
        notification = cut_utf16(defang(text).strip(), NOTIFICATION_LIMIT) or _EMPTY_ANSWER

        async def answer(bot: Bot) -> None:
            require_success((await bot.send_callback(callback_id=press_id, notification=notification)).success)

        # After a dropped attempt, «already answered» (400) or «gone» (404) means it was answered.
        await self._api.call(answer, what="POST /answers", priority=URGENT,
                             done_if=lambda refusal: refusal.status in (400, 404))

    async def delete(self, chat: ChatId, message: MessageRef) -> None:
        async def delete(bot: Bot) -> None:
            require_success((await bot.delete_message(message_id=message)).success)

        await self._api.call(delete, what="DELETE /messages", priority=URGENT, done_if=_already_done)

    # --- chats ------------------------------------------------------------------------------
    async def remove_member(self, chat: ChatId, person: PersonId, *, block: bool) -> None:
        chat_raw, person_raw = _max_id(chat), _max_id(person)

        async def remove(bot: Bot) -> None:
            # block=true keeps them from coming back by the link (MAX ignores it in chats without one).
            require_success((await bot.kick_chat_member(chat_id=chat_raw, user_id=person_raw, block=block)).success)

        await self._api.call(remove, what="DELETE /chats/{chatId}/members", problems={404: Problem.NOT_IN_CHAT},
                             done_if=_already_done)

    async def _chat(self, chat: ChatId) -> ChatInfo:
        answer = await self._api.raw(HTTPMethod.GET, f"/chats/{_max_id(chat)}", what="GET /chats/{chatId}")
        return read(ChatInfo, answer) or ChatInfo()

    async def chat_link(self, chat: ChatId, *, reset: bool = False) -> str:
        if reset:
            raise GatewayError(Problem.UNSUPPORTED, "MAX bots cannot reset a chat's link")
        info = await self._chat(chat)
        if not info.link:
            raise GatewayError(Problem.NOT_FOUND, "the chat has no join link")
        return info.link

    async def chat_title(self, chat: ChatId) -> str:
        return (await self._chat(chat)).title or ""

    async def members(self, chat: ChatId, cursor: str | None = None) -> MembersPage:
        params: dict[str, object] = {"count": MEMBERS_PAGE}
        if cursor:
            params["marker"] = cursor
        answer = await self._api.raw(HTTPMethod.GET, f"/chats/{_max_id(chat)}/members",
                                     what="GET /chats/{chatId}/members", params=params)
        items = answer.get("members")
        people: list[PersonId] = []
        profiles: dict[PersonId, Profile] = {}
        for raw in items if isinstance(items, list) else []:
            member = read(Member, raw)
            if member is None or member.user_id is None or member.user_id <= 0:
                continue
            self._directory.learn_user(member)
            if not member.is_bot:
                who = person_id(Platform.MAX, member.user_id)
                people.append(who)
                if member.full_name:
                    profiles[who] = Profile(name=member.full_name)
        marker = answer.get("marker")
        more = isinstance(marker, int) and not isinstance(marker, bool) and bool(items)
        return MembersPage(members=tuple(people), cursor=str(marker) if more else None, profiles=profiles)

    async def first_pages(self, chats: list[ChatId]) -> dict[ChatId, MembersPage | GatewayError]:
        """MAX has no batch call: the chats are asked at once and the rate limiter spaces the requests."""
        answers = await asyncio.gather(*(self.members(chat) for chat in chats), return_exceptions=True)
        found: dict[ChatId, MembersPage | GatewayError] = {}
        for chat, answer in zip(chats, answers, strict=True):
            if isinstance(answer, BaseException) and not isinstance(answer, GatewayError):
                raise answer
            found[chat] = answer
        return found

    async def bot_rights(self, chat: ChatId) -> BotRights:
        try:
            answer = await self._api.raw(HTTPMethod.GET, f"/chats/{_max_id(chat)}/members/me",
                                         what="GET /chats/{chatId}/members/me")
        except MaxRefused as refusal:
            if refusal.status in (403, 404):
                return NO_RIGHTS  # not (any more) a member of the chat, or a chat it never saw
            raise
        # Read raw: maxapi's ChatMember fails on a permission value it does not know; we ignore those.
        member = read(Member, answer) or Member()
        permissions = member.permission_set
        owner = bool(member.is_owner)
        return BotRights(
            is_admin=owner or bool(member.is_admin),
            reads_all=owner or "read_all_messages" in permissions,
            can_delete=owner or "delete" in permissions,
            can_remove=owner or "add_remove_members" in permissions,
            can_write=True,
        )

    # --- people -----------------------------------------------------------------------------
    async def profiles(self, people: list[PersonId]) -> dict[PersonId, Profile]:
        """MAX has no users.get: names come from what updates and member lists told us."""
        found: dict[PersonId, Profile] = {}
        for person in people:
            platform, raw = split_id(person)
            if platform is Platform.MAX:
                found[person] = Profile(name=self._directory.name_of(raw) or "")
        return found

    def profile_link(self, person: PersonId, name: str) -> str:
        # MAX has no public profile URL by id: the id itself is what staff can check.
        return f"{name or 'без имени'} (MAX, id {_max_id(person)})"

    def parse_profile_link(self, text: str) -> PersonId | None:
        """A person from what staff paste: our own `profile_link` text («… (MAX, id 123)»), or a
        max.ru/<username> link of someone whose username the bot has seen (MAX has no link by id)."""
        text = text.strip()
        own = _OWN_PROFILE_LINK.search(text)
        if own is not None:
            return person_id(Platform.MAX, int(own[1]))
        link = _USERNAME_LINK.fullmatch(text)
        if link is None:
            return None
        user = self._directory.user_by_username(link[1])
        identity = self._api.identity
        if user is None or (identity is not None and user == identity.user_id):
            return None
        return person_id(Platform.MAX, user)

    def deep_link(self, payload: str) -> str:
        identity = self._api.identity
        if identity is None or not identity.username:
            raise RuntimeError("the MAX bot's username is not known yet: connect() first")
        return f"https://max.ru/{identity.username}?start={quote(payload, safe='-_.~')}"


def _attachments(buttons: Buttons | None) -> list[dict[str, object]]:
    if buttons is None or not any(buttons.rows):
        return []
    return [inline_keyboard(buttons)]
