"""VK Bots Long Poll updates → neutral events. Lenient: an odd field never loses the update.

Only `message_new`, `message_edit` and `message_event` matter; service messages (`action`) of
a chat become member and bot events. Mention markup «[id123|Имя]» becomes the name shown plus
a Mention span; a leading address to the community itself («[club56|@school], ») is dropped.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

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
from bot.port.ids import ChatId, PersonId, Platform, chat_id, person_id

log = logging.getLogger(__name__)

CHAT_PEER_BASE = 2_000_000_000
_YEAR_3000 = 32_503_680_000
_MARKUP = re.compile(r"\[(id|club|public|event)(\d{1,12})\|([^\[\]]{0,200})\]", re.IGNORECASE)
_SEPARATORS = re.compile(r"^[\s,:]*")
_ATTACHMENT_KINDS = {"photo": "photo", "doc": "document", "sticker": "sticker", "audio": "audio",
                     "audio_message": "audio", "video": "video", "link": "link"}
_JOIN_ACTIONS = frozenset({"chat_invite_user", "chat_invite_user_by_link"})
# VK's service messages: no one wrote them. Any other `action` is not VK's, and the message stays a message.
_SERVICE_ACTIONS = frozenset({
    "chat_photo_update", "chat_photo_remove", "chat_create", "chat_title_update", "chat_invite_user",
    "chat_kick_user", "chat_pin_message", "chat_unpin_message", "chat_invite_user_by_link",
    "chat_invite_user_by_message_request", "chat_screenshot", "conversation_style_update",
})


def translate(update: Any, group_id: int) -> Incoming | None:
    """One raw update → one neutral event with its key; None for what the bot ignores."""
    if not isinstance(update, dict):
        log.warning("VK update skipped: not an object")
        return None
    key = update.get("event_id")
    obj = update.get("object")
    kind = update.get("type")
    if not isinstance(key, str) or not key or not isinstance(obj, dict):
        log.warning("VK update skipped: %s without an event id or object", _kind(kind))
        return None
    event: Event | None
    if kind == "message_new":
        event = _message_new(obj, group_id)
    elif kind == "message_edit":
        event = _message(obj, group_id, edited=True)
    elif kind == "message_event":
        event = _press(obj)
    else:
        return None  # an event type the bot does not subscribe to
    if event is None:
        log.info("VK update skipped: %s in a shape the bot does not read", _kind(kind))
        return None
    return Incoming(key=key, event=event)


def _kind(kind: Any) -> str:
    """The update's type for a log line (never anything else of it: updates quote people)."""
    return kind if isinstance(kind, str) and kind.isidentifier() and len(kind) < 40 else "an update"


def _int(value: Any) -> int | None:
    """An id or a count as VK sends it; None for anything else (a float infinity, 5,000 digits, a list)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -(2**63) <= number < 2**63 else None


def _chat_of(peer: int) -> ChatId | None:
    return chat_id(Platform.VK, peer) if peer > CHAT_PEER_BASE else None


def _message_new(obj: dict[str, Any], group_id: int) -> Event | None:
    message = obj.get("message")
    if not isinstance(message, dict):
        return None
    action = message.get("action")
    if isinstance(action, dict) and isinstance(action.get("type"), str) and action["type"] in _SERVICE_ACTIONS:
        return _action(message, action, group_id)
    peer, author = _int(message.get("peer_id")), _int(message.get("from_id"))
    ref = message.get("ref")
    if peer is not None and author is not None and peer == author and isinstance(ref, str) and ref:
        # A DM opened from vk.me/<community>?ref=…: its text is usually «Начать».
        return Started(platform=Platform.VK, person=person_id(Platform.VK, author), payload=ref[:128])
    return _message(message, group_id, edited=False)


def _action(message: dict[str, Any], action: dict[str, Any], group_id: int) -> Event | None:
    peer, actor = _int(message.get("peer_id")), _int(message.get("from_id"))
    member = _int(action.get("member_id"))
    kind = str(action.get("type", ""))
    if peer is None or peer <= CHAT_PEER_BASE:
        return None
    chat = chat_id(Platform.VK, peer)
    if member is None and kind == "chat_invite_user_by_link":
        member = actor
    if member is None:
        return None
    by = person_id(Platform.VK, actor) if actor is not None and actor > 0 and actor != member else None
    if member == -group_id:
        if kind in _JOIN_ACTIONS:
            return BotAdded(platform=Platform.VK, chat=chat, by=by)
        if kind == "chat_kick_user":
            return BotRemoved(platform=Platform.VK, chat=chat, by=by)
        return None
    if member <= 0:
        return None  # another community's bot
    who = person_id(Platform.VK, member)
    if kind in _JOIN_ACTIONS:
        return MemberJoined(platform=Platform.VK, chat=chat, member=who,
                            by=None if kind == "chat_invite_user_by_link" else by)
    if kind == "chat_kick_user":
        return MemberLeft(platform=Platform.VK, chat=chat, member=who, by=by)
    return None


def _message(message: dict[str, Any], group_id: int, *, edited: bool) -> MessageIn | None:
    peer, author = _int(message.get("peer_id")), _int(message.get("from_id"))
    if peer is None or author is None or author == 0:
        return None
    text, mentions = read_markup(str(message.get("text") or ""), group_id)
    attachments, unreadable = _attachments(message.get("attachments"))
    cmid = _int(message.get("conversation_message_id"))
    return MessageIn(
        platform=Platform.VK,
        author=person_id(Platform.VK, abs(author)),
        author_is_bot=author < 0,
        chat=_chat_of(peer),
        message=str(cmid) if cmid is not None else None,
        text=text,
        sent_at=_moment(message.get("date")),
        edited=edited,
        reply_to=_quoted(message.get("reply_message"), group_id),
        forwarded=tuple(q for q in (_quoted(m, group_id) for m in _list(message.get("fwd_messages"))) if q),
        mentions=tuple(mentions),
        attachments=tuple(attachments),
        attachments_unreadable=unreadable,
    )


def read_markup(raw: str, group_id: int) -> tuple[str, list[Mention]]:
    """The text with «[id1|Имя]» shown as «Имя», and where each person's mention stands in it."""
    out: list[str] = []
    mentions: list[Mention] = []
    length = 0
    position = 0
    for match in _MARKUP.finditer(raw):
        before = raw[position:match.start()]
        out.append(before)
        length += len(before)
        shown = match[3]
        if match[1].lower() == "id" and int(match[2]) > 0:
            mentions.append(Mention(person=person_id(Platform.VK, int(match[2])), start=length,
                                    end=length + len(shown)))
        out.append(shown)
        length += len(shown)
        position = match.end()
    out.append(raw[position:])
    text = "".join(out)
    own = re.match(rf"^(\s*)\[(?:club|public){group_id}\|([^\[\]]{{0,200}})\]", raw, re.IGNORECASE)
    if own is not None:  # «[club56|@school] /help»: the address is not part of what was said
        head = len(own[1]) + len(own[2])  # rendered: the leading spaces, then the name shown
        separators = _SEPARATORS.match(text[head:])
        cut = head + (separators.end() if separators else 0)
        text = text[cut:]
        mentions = [Mention(person=m.person, start=m.start - cut, end=m.end - cut) for m in mentions if m.start >= cut]
    return text, mentions


def _quoted(raw: Any, group_id: int) -> Quoted | None:
    if not isinstance(raw, dict):
        return None
    author = _int(raw.get("from_id"))
    cmid = _int(raw.get("conversation_message_id"))
    text, _ = read_markup(str(raw.get("text") or ""), group_id)
    return Quoted(author=person_id(Platform.VK, author) if author is not None and author > 0 else None,
                  message=str(cmid) if cmid is not None else None, text=text)


def _attachments(raw: Any) -> tuple[list[Attachment], bool]:
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
        found_body = item.get(kind)
        body: dict[str, Any] = found_body if isinstance(found_body, dict) else {}
        url = body.get("url") or (_largest(body.get("sizes")) if kind == "photo" else "")
        found.append(Attachment(kind=_ATTACHMENT_KINDS.get(kind, "other"), name=str(body.get("title") or "")[:200],
                                url=str(url or "")[:2000], size=_int(body.get("size")) or 0))
    return found, unreadable


def _largest(sizes: Any) -> str:
    """A photo's URL at its largest size (VK gives a list of sizes, no URL of the photo itself)."""
    best, area = "", -1
    for size in sizes if isinstance(sizes, list) else []:
        if isinstance(size, dict) and isinstance(size.get("url"), str):
            found = (_int(size.get("width")) or 0) * (_int(size.get("height")) or 0)
            if found > area:
                best, area = size["url"], found
    return best


def _press(obj: dict[str, Any]) -> ButtonPress | None:
    user, peer = _int(obj.get("user_id")), _int(obj.get("peer_id"))
    event_id = obj.get("event_id")
    if user is None or peer is None or not isinstance(event_id, str):
        return None
    payload = obj.get("payload")
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    cmid = _int(obj.get("conversation_message_id"))
    return ButtonPress(platform=Platform.VK, presser=person_id(Platform.VK, user), chat=_chat_of(peer),
                       message=str(cmid) if cmid is not None else None,
                       press_id=event_id, payload=text[:1024])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _moment(value: Any) -> datetime:
    """When it was written; now, when VK's date is missing or impossible."""
    stamp = _int(value)
    if stamp is None or not 0 < stamp < _YEAR_3000:
        return datetime.now(UTC)
    return datetime.fromtimestamp(stamp, UTC)


def vk_user(person: PersonId) -> int:
    """The VK id of a «vk:…» person."""
    return int(person.split(":", 1)[1])
