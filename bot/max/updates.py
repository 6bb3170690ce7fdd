"""MAX updates → neutral events, leniently: an odd field never loses the update.

Only eight update types matter (UPDATE_TYPES); anything else is skipped (the marker still moves).
MAX updates carry no id, so the key is built from what identifies the happening itself —
update_type, timestamp and the mid / callback_id / chat and user — so a redelivered update gets
the same key and the inbox drops it.

Message text is kept as MAX shows it (a mention is already the name or @username in the text);
`user_mention` markup becomes Mention spans, and a leading address to the bot itself
(«@school56_bot, /help») is dropped together with the separators after it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from bot.max.api import Identity
from bot.max.directory import Directory
from bot.max.models import (
    Body,
    Callback,
    Lenient,
    LinkedMessage,
    Markup,
    MaxUser,
    Message,
    Recipient,
    Soft,
    SoftBool,
    SoftInt,
    SoftText,
    read,
)
from bot.port.events import (
    Attachment,
    BotAdded,
    BotRemoved,
    ButtonPress,
    Event,
    Incoming,
    MemberJoined,
    MemberLeft,
    Mention,
    MessageIn,
    Quoted,
    Started,
)
from bot.port.ids import ChatId, Platform, chat_id, person_id

UPDATE_TYPES: tuple[str, ...] = (
    "message_created", "message_edited", "message_callback", "bot_started",
    "user_added", "user_removed", "bot_added", "bot_removed",
)
_YEAR_3000_MS = 32_503_680_000_000
PAYLOAD_LIMIT = 512  # the schema's bound for a start payload (links longer than 128 never arrive)
CALLBACK_PAYLOAD_LIMIT = 1024
_SEPARATORS = re.compile(r"[\s,:;]*")
_ATTACHMENT_KINDS = {
    "image": "photo", "file": "document", "sticker": "sticker", "audio": "audio", "video": "video",
    "share": "link", "contact": "other", "location": "other",
}
_NOT_ATTACHMENTS = frozenset({"inline_keyboard"})  # the bot's own buttons, not something a person sent


class Update(Lenient):
    """Every field any of the eight updates uses; each one optional and soft."""

    update_type: SoftText = None
    timestamp: SoftInt = None
    message: Annotated[Message | None, Soft] = None
    callback: Annotated[Callback | None, Soft] = None
    chat_id: SoftInt = None
    user: Annotated[MaxUser | None, Soft] = None
    inviter_id: SoftInt = None
    admin_id: SoftInt = None
    payload: SoftText = None
    title: SoftText = None
    is_channel: SoftBool = None


def parse_update(raw: Any) -> Update | None:
    return read(Update, raw)


# --- keys -------------------------------------------------------------------------------------
def update_key(update: Update, raw: Any) -> str:
    """Stable per happening: the same update delivered twice gets the same key."""
    kind = update.update_type or "unknown"
    ident: str | None = None
    if kind in ("message_created", "message_edited") and update.message is not None:
        ident = update.message.mid
    elif kind == "message_callback" and update.callback is not None:
        ident = update.callback.callback_id
    elif update.chat_id is not None:
        who = update.user.user_id if update.user is not None else None
        ident = f"{update.chat_id}:{who}" if who is not None else str(update.chat_id)
    if not ident:
        # Nothing identifies it: the content itself does (a redelivery is byte-for-byte the same).
        canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
        ident = "h" + hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"{kind}:{update.timestamp or 0}:{ident}"


# --- what the directory learns ----------------------------------------------------------------
def learn(update: Update, directory: Directory, bot_id: int | None) -> None:
    """Names, usernames and dialog chat ids, from every update (skipped types too)."""
    message = update.message
    callback_user = update.callback.user if update.callback is not None else None
    for user in (update.user, callback_user, message.sender if message else None,
                 message.link.sender if message and message.link else None):
        directory.learn_user(user)
    if message is not None and message.recipient is not None and message.recipient.chat_type == "dialog":
        sender = message.sender.user_id if message.sender is not None else None
        # In a dialog the other party is the sender, or (for the bot's own message) the recipient.
        person = sender if sender is not None and sender != bot_id else message.recipient.user_id
        directory.learn_dialog(person, message.recipient.chat_id)
    if update.update_type in ("bot_started", "bot_stopped", "dialog_cleared", "dialog_muted", "dialog_unmuted") \
            and update.user is not None:
        directory.learn_dialog(update.user.user_id, update.chat_id)


# --- translation ------------------------------------------------------------------------------
def translate(update: Update, raw: Any, *, me: Identity, directory: Directory) -> Incoming | None:
    """One parsed update → one neutral event with its key; None for what the bot ignores."""
    event: Event | None
    match update.update_type:
        case "message_created":
            event = _message(update, me, directory, edited=False)
        case "message_edited":
            event = _message(update, me, directory, edited=True)
        case "message_callback":
            event = _press(update)
        case "bot_started":
            event = _started(update)
        case "user_added" | "user_removed":
            event = _member(update, me)
        case "bot_added" | "bot_removed":
            event = _bot_membership(update)
        case _:
            event = None
    return Incoming(key=update_key(update, raw), event=event) if event is not None else None


def _person(user: MaxUser | None) -> int | None:
    if user is None or user.user_id is None or user.user_id <= 0:
        return None
    return user.user_id


def _conversation(recipient: Recipient | None) -> tuple[bool, ChatId | None]:
    """(known, chat): chat None for the dialog with the bot."""
    if recipient is None:
        return False, None
    if recipient.chat_type == "dialog":
        return True, None
    if recipient.chat_id is None:
        return False, None
    if recipient.chat_type is None and recipient.chat_id > 0:
        return True, None  # group chat ids are negative on MAX, dialog ids positive
    return True, chat_id(Platform.MAX, recipient.chat_id)


def _moment(*stamps: int | None) -> datetime:
    for stamp in stamps:
        if stamp is not None and 0 < stamp < _YEAR_3000_MS:
            return datetime.fromtimestamp(stamp / 1000, UTC)
    return datetime.now(UTC)


def _message(update: Update, me: Identity, directory: Directory, *, edited: bool) -> MessageIn | None:
    message = update.message
    if message is None:
        return None
    author = _person(message.sender)
    if author is None or author == me.user_id:
        return None  # a channel post, or the bot's own message
    known, chat = _conversation(message.recipient)
    if not known:
        return None
    body = message.body
    text, mentions = read_text(body, me, directory)
    attachments, unreadable = read_attachments(body.attachments if body is not None else None)
    here = message.recipient.chat_id if message.recipient is not None else None
    link = message.link
    reply_to = _quoted(link, here) if link is not None and link.type == "reply" else None
    forwarded = _quoted(link, here) if link is not None and link.type == "forward" else None
    return MessageIn(
        platform=Platform.MAX,
        author=person_id(Platform.MAX, author),
        author_is_bot=bool(message.sender and message.sender.is_bot),
        chat=chat,
        message=message.mid or None,
        text=text,
        sent_at=_moment(message.timestamp, update.timestamp),
        edited=edited,
        reply_to=reply_to,
        forwarded=(forwarded,) if forwarded is not None else (),
        mentions=tuple(mentions),
        attachments=tuple(attachments),
        attachments_unreadable=unreadable,
    )


def _quoted(link: LinkedMessage, here: int | None) -> Quoted | None:
    body = link.message
    author = _person(link.sender)
    if link.sender is not None and link.sender.is_bot:
        author = None
    # MAX mids are global: a forward from another chat must not hand out a handle that would
    # act (delete) on the original over there.
    same_chat = link.type == "reply" or (link.chat_id is not None and link.chat_id == here)
    mid = body.mid if body is not None and same_chat else None
    return Quoted(
        author=person_id(Platform.MAX, author) if author is not None else None,
        message=mid or None,
        text=(body.text or "") if body is not None else "",
    )


def _utf16_table(text: str) -> list[int]:
    """table[u] = the index in `text` of UTF-16 offset u (MAX markup counts UTF-16 code units, as
    its JavaScript clients do); an offset inside a surrogate pair rounds up to the next character."""
    table: list[int] = []
    for index, char in enumerate(text):
        table.append(index)
        if ord(char) > 0xFFFF:
            table.append(index + 1)
    table.append(len(text))
    return table


def read_text(body: Body | None, me: Identity, directory: Directory) -> tuple[str, list[Mention]]:
    """The text without a leading address to the bot, and the people mentioned in it, in order."""
    text = (body.text or "") if body is not None else ""
    table = _utf16_table(text)
    spans: list[tuple[int, int, int | None, bool]] = []  # start, end, user id, is the bot
    markup = body.markup if body is not None and isinstance(body.markup, list) else []
    for raw in markup:
        item = read(Markup, raw)
        if item is None or item.type != "user_mention" or item.start is None or item.length is None:
            continue
        if item.start < 0 or item.length <= 0 or item.start + item.length >= len(table):
            continue  # out of the text: ignore the markup, keep the message
        user = item.user_id if item.user_id is not None and item.user_id > 0 else None
        if user is None and item.user_link:
            user = directory.user_by_username(item.user_link)
        own_link = bool(item.user_link and me.username and item.user_link.lstrip("@").lower() == me.username.lower())
        spans.append((table[item.start], table[item.start + item.length], user, user == me.user_id or own_link))
    spans.sort(key=lambda span: span[0])
    cut = _address_length(text, spans, me)
    mentions = [
        Mention(person=person_id(Platform.MAX, user), start=start - cut, end=end - cut)
        for start, end, user, is_me in spans
        if start >= cut and user is not None and not is_me
    ]
    return text[cut:], mentions


def _address_length(text: str, spans: list[tuple[int, int, int | None, bool]], me: Identity) -> int:
    """How much of the text is a leading «@bot» address (with the separators after it); 0 if none."""
    lead = len(text) - len(text.lstrip())
    head: int | None = None
    first = next((span for span in spans if span[0] >= lead), None)
    if first is not None and first[0] == lead and first[3]:
        head = first[1]
    elif me.username:
        # Typed by hand, without markup: «@school56_bot /help».
        match = re.match(rf"\s*@{re.escape(me.username)}(?!\w)", text, re.IGNORECASE)
        head = match.end() if match else None
    if head is None:
        return 0
    separators = _SEPARATORS.match(text, head)
    return separators.end() if separators else head


def read_attachments(raw: Any) -> tuple[list[Attachment], bool]:
    """What was attached, and whether something could not be read (then moderation knows it saw
    only part of the message)."""
    if raw is None:
        return [], False
    if not isinstance(raw, list):
        return [], True
    found: list[Attachment] = []
    unreadable = False
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            unreadable = True
            continue
        kind = item["type"]
        if kind in _NOT_ATTACHMENTS:
            continue
        mapped = _ATTACHMENT_KINDS.get(kind)
        if mapped is None:
            unreadable = True  # a type MAX added after this code: we cannot tell what it holds
            continue
        given = item.get("payload")
        payload: dict[str, Any] = given if isinstance(given, dict) else {}
        url = payload.get("url")
        name = item.get("filename")
        size = item.get("size")
        found.append(Attachment(
            kind=mapped,
            name=name[:200] if isinstance(name, str) else "",
            url=url[:2000] if isinstance(url, str) else "",
            size=size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else 0,
        ))
    return found, unreadable


def _press(update: Update) -> ButtonPress | None:
    callback = update.callback
    presser = _person(callback.user) if callback is not None else None
    if callback is None or presser is None or not callback.callback_id:
        return None
    message = update.message
    # The message is null when it was deleted meanwhile: then the chat is unknown and the press
    # is treated as in the DM (its answer is a pop-up for the presser anyway).
    _, chat = _conversation(message.recipient if message is not None else None)
    return ButtonPress(
        platform=Platform.MAX,
        presser=person_id(Platform.MAX, presser),
        chat=chat,
        message=(message.mid or None) if message is not None else None,
        press_id=callback.callback_id,
        payload=(callback.payload or "")[:CALLBACK_PAYLOAD_LIMIT],
    )


def _started(update: Update) -> Started | None:
    person = _person(update.user)
    if person is None:
        return None
    return Started(platform=Platform.MAX, person=person_id(Platform.MAX, person),
                   payload=(update.payload or "")[:PAYLOAD_LIMIT])


def _member(update: Update, me: Identity) -> MemberJoined | MemberLeft | None:
    member = _person(update.user)
    if member is None or update.chat_id is None or member == me.user_id:
        return None  # the bot itself comes as bot_added / bot_removed
    chat = chat_id(Platform.MAX, update.chat_id)
    who = person_id(Platform.MAX, member)
    if update.update_type == "user_added":
        inviter = update.inviter_id
        by = person_id(Platform.MAX, inviter) if inviter is not None and inviter > 0 and inviter != member else None
        return MemberJoined(platform=Platform.MAX, chat=chat, member=who, by=by)
    admin = update.admin_id
    by = person_id(Platform.MAX, admin) if admin is not None and admin > 0 and admin != member else None
    return MemberLeft(platform=Platform.MAX, chat=chat, member=who, by=by)


def _bot_membership(update: Update) -> BotAdded | BotRemoved | None:
    if update.chat_id is None:
        return None
    chat = chat_id(Platform.MAX, update.chat_id)
    actor = _person(update.user)
    by = person_id(Platform.MAX, actor) if actor is not None else None
    if update.update_type == "bot_added":
        return BotAdded(platform=Platform.MAX, chat=chat, by=by, title=update.title or "")
    return BotRemoved(platform=Platform.MAX, chat=chat, by=by)
