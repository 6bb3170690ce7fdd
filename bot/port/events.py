"""Neutral events: what happened on a platform, in the few shapes the bot cares about.

Adapters build them from platform updates; the inbox stores them as JSON (pydantic dumps the
dataclasses), and handlers route them to flows. Frozen and keyword-only, one docstring a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from bot.port.ids import ChatId, PersonId, Platform, Where

MessageRef = str
"""An adapter's handle of one message (VK: conversation_message_id; MAX: mid)."""


@dataclass(frozen=True, kw_only=True)
class Quoted:
    """A message someone replied to or forwarded."""

    author: PersonId | None
    """Who wrote it; None for a community, a bot or an unknown author."""
    message: MessageRef | None
    """Its handle in the same conversation, when the platform gives one."""
    text: str
    """What it said (never stored beyond the inbox)."""


@dataclass(frozen=True, kw_only=True)
class Mention:
    """A person mentioned in a message's text, and where: text[start:end] is the mention as shown."""

    person: PersonId
    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file or picture attached to a message; only what flows may need to read it."""

    kind: str
    """«photo», «document», «sticker», «audio», «video», «link», «other»."""
    name: str = ""
    """The file name, for documents."""
    url: str = ""
    """Where to download it, when the platform gives a URL."""
    size: int = 0
    """In bytes, when known."""


@dataclass(frozen=True, kw_only=True)
class MessageIn:
    """Someone wrote (or edited) a message in a DM with the bot or in a group chat."""

    type: Literal["message"] = "message"
    platform: Platform
    """Where it happened."""
    author: PersonId
    """Who wrote it."""
    chat: ChatId | None
    """The group chat; None for the DM with the bot."""
    message: MessageRef | None
    """Its handle, for deleting or replying."""
    text: str
    """The text as written, mention markup replaced by the names shown, a leading address to the bot removed."""
    sent_at: datetime
    """When the platform says it was written."""
    edited: bool = False
    """An edit of an earlier message (moderation checks it again)."""
    reply_to: Quoted | None = None
    """The message it answers."""
    forwarded: tuple[Quoted, ...] = ()
    """Messages forwarded with it."""
    mentions: tuple[Mention, ...] = ()
    """People mentioned in the text, in order, with where each mention stands in `text`."""
    attachments: tuple[Attachment, ...] = ()
    """Files and pictures."""
    attachments_unreadable: bool = False
    """Something was attached in a shape the adapter could not read."""
    author_is_bot: bool = False
    """Written by a bot or a community, not a person."""

    @property
    def where(self) -> Where:
        return self.chat if self.chat is not None else self.author


@dataclass(frozen=True, kw_only=True)
class ButtonPress:
    """Someone pressed a callback button under one of the bot's messages."""

    type: Literal["press"] = "press"
    platform: Platform
    """Where it happened."""
    presser: PersonId
    """Who pressed."""
    chat: ChatId | None
    """The group chat of the message; None for a DM."""
    message: MessageRef | None
    """The message the button was under."""
    press_id: str
    """The platform's id of the press, to answer it."""
    payload: str
    """The payload as received (JSON text from the client: it can be forged)."""

    @property
    def where(self) -> Where:
        return self.chat if self.chat is not None else self.presser


@dataclass(frozen=True, kw_only=True)
class Started:
    """Someone opened the bot through a deep link (VK `ref`, MAX `start`) or pressed «Начать»."""

    type: Literal["started"] = "started"
    platform: Platform
    """Where it happened."""
    person: PersonId
    """Who."""
    payload: str
    """The deep link's payload; empty when there was none."""

    @property
    def where(self) -> Where:
        return self.person


@dataclass(frozen=True, kw_only=True)
class MemberJoined:
    """Someone entered a group chat: by its link, or added by a member."""

    type: Literal["member_joined"] = "member_joined"
    platform: Platform
    """Where it happened."""
    chat: ChatId
    """Which chat."""
    member: PersonId
    """Who entered."""
    by: PersonId | None
    """Who added them; None when they came by the chat's link."""

    @property
    def where(self) -> Where:
        return self.chat


@dataclass(frozen=True, kw_only=True)
class MemberLeft:
    """Someone left a group chat or was removed from it."""

    type: Literal["member_left"] = "member_left"
    platform: Platform
    """Where it happened."""
    chat: ChatId
    """Which chat."""
    member: PersonId
    """Who left."""
    by: PersonId | None
    """Who removed them; None when they left by themselves."""

    @property
    def where(self) -> Where:
        return self.chat


@dataclass(frozen=True, kw_only=True)
class BotAdded:
    """The bot was added to a group chat (MAX: the only way it learns of a chat)."""

    type: Literal["bot_added"] = "bot_added"
    platform: Platform
    """Where it happened."""
    chat: ChatId
    """Which chat."""
    by: PersonId | None
    """Who added it."""
    title: str = ""
    """The chat's title, when the platform tells."""

    @property
    def where(self) -> Where:
        return self.chat


@dataclass(frozen=True, kw_only=True)
class BotRemoved:
    """The bot was removed from a group chat."""

    type: Literal["bot_removed"] = "bot_removed"
    platform: Platform
    """Where it happened."""
    chat: ChatId
    """Which chat."""
    by: PersonId | None
    """Who removed it."""

    @property
    def where(self) -> Where:
        return self.chat


Event = MessageIn | ButtonPress | Started | MemberJoined | MemberLeft | BotAdded | BotRemoved

_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Annotated[Event, Field(discriminator="type")])


def dump_event(event: Event) -> str:
    """JSON for the inbox."""
    return _EVENT_ADAPTER.dump_json(event).decode()


def load_event(text: str) -> Event:
    """Back from the inbox; pydantic.ValidationError if the stored JSON is not an event."""
    return _EVENT_ADAPTER.validate_json(text)


@dataclass(frozen=True, kw_only=True)
class Incoming:
    """An event as an adapter hands it to the inbox: with the key that makes redelivery harmless."""

    key: str
    """Unique per platform and update (VK event_id, a MAX update's own identity)."""
    event: Event
    """The neutral event."""
