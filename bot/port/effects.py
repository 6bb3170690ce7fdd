"""Effects: what the bot owes the world after a decision, stored in the outbox as JSON.

A flow commits its new state together with the effects it owes (one transaction); the outbox
worker carries them out through the platform's gateway, retrying until done. Pydantic models,
because they are stored: the outbox is an edge like the config.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Effect(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Button(_Effect):
    """One button under a message."""

    label: str
    """What it says (adapters cut it to the platform's limit)."""
    payload: dict[str, Any] | None = None
    """A callback button's payload; None for a button that sends its label as a message."""
    style: Literal["primary", "secondary", "positive", "negative"] = "secondary"
    """Colour, where the platform has colours."""


class Buttons(_Effect):
    rows: list[list[Button]]
    """Rows of buttons."""
    menu: bool = False
    """A standing menu under the DM input (VK keyboard) rather than buttons under the message."""


class Send(_Effect):
    """A message to a person's DM or to a group chat."""

    kind: Literal["send"] = "send"
    to: str
    """PersonId (a DM) or ChatId (a group chat)."""
    text: str
    buttons: Buttons | None = None
    tag: str | None = None
    """Remember the sent message under this tag, to edit it later (e.g. «card:12»)."""
    on_failure: str | None = None
    """Told to the staff if it can never be delivered; «{problem}» is replaced by the reason."""
    bulk: bool = False
    """Part of a broadcast: its own lane and the rate limiter's capped bulk share, so everyday replies
    never wait behind it."""


class SendFile(_Effect):
    """A picture or a document (a chart, a CSV, an announcement's attachment) with a caption.

    The bytes are stored next to the effect (storage/files.py) and go once no effect needs them.
    """

    kind: Literal["send_file"] = "send_file"
    to: str
    """PersonId (a DM) or ChatId (a group chat)."""
    file: int
    """The stored bytes (outgoing_files.id)."""
    file_kind: Literal["photo", "document"]
    filename: str
    caption: str = ""
    buttons: Buttons | None = None
    tag: str | None = None
    on_failure: str | None = None
    bulk: bool = False
    """As for Send."""


class SendRendered(_Effect):
    """A picture drawn when it is sent (a chart: a second of work that must not hold the text reply
    before it), then sent like SendFile. `data` holds only what the drawing needs: numbers, no names."""

    kind: Literal["send_rendered"] = "send_rendered"
    to: str
    renderer: str
    """Which drawing, by the name the runtime knows it under (e.g. «stats_chart»)."""
    data: dict[str, Any]
    filename: str
    caption: str = ""
    tag: str | None = None
    on_failure: str | None = None
    bulk: bool = False


class Edit(_Effect):
    """Change a message sent earlier under `tag` in the conversation `where`."""

    kind: Literal["edit"] = "edit"
    where: str
    """The conversation of the tagged message."""
    tag: str
    text: str
    buttons: Buttons | None = None
    """None removes the buttons (a decided card)."""
    fallback: str | None = None
    """Sent as a new message when the platform cannot edit it."""


class AnswerPress(_Effect):
    """The pop-up answer to a button press (within seconds, or the client shows an error)."""

    kind: Literal["answer_press"] = "answer_press"
    platform: str
    press_id: str
    presser: str
    """PersonId of who pressed."""
    where: str
    """The conversation of the pressed message (long answers are also sent there)."""
    text: str


class Delete(_Effect):
    """Remove a message from a group chat for everyone (moderation, a hidden /жалоба)."""

    kind: Literal["delete"] = "delete"
    chat: str
    message: str
    report_rights: bool = True
    """If the bot lacks the right, tell the staff once how to grant it."""


class RemoveMember(_Effect):
    kind: Literal["remove_member"] = "remove_member"
    chat: str
    person: str
    block: bool = False
    """Also keep them from coming back by the link, where the platform can."""
    on_failure: str | None = None
    """Told to the staff if the platform refuses; «{problem}» is replaced by the reason."""


class ResetLink(_Effect):
    """Kill a chat's join link and issue a new one; where the platform cannot, ask a human."""

    kind: Literal["reset_link"] = "reset_link"
    chat: str
    title: str
    """The chat's purpose as people say it, for the staff message."""


class ChatLinkLine(_Effect):
    title: str
    """«Чат родителей 5А»."""
    chat: str | None
    """The chat whose link to include; None when no chat is bound for it yet."""


class SendChatLinks(_Effect):
    """A DM with the join links of the person's chats, read when it is sent (so never stale)."""

    kind: Literal["send_chat_links"] = "send_chat_links"
    to: str
    intro: str
    lines: list[ChatLinkLine]
    tag: str | None = None
    on_failure: str | None = None


Effect = Send | SendFile | SendRendered | Edit | AnswerPress | Delete | RemoveMember | ResetLink | SendChatLinks

_EFFECT_ADAPTER: TypeAdapter[Effect] = TypeAdapter(Annotated[Effect, Field(discriminator="kind")])

URGENT, NORMAL, BULK = 0, 1, 2
"""Outbox priorities: deletes and press answers first, broadcasts last."""


def dump_effect(effect: Effect) -> str:
    return effect.model_dump_json(exclude_defaults=False)


def load_effect(text: str) -> Effect:
    return _EFFECT_ADAPTER.validate_json(text)


def conversation_of(effect: Effect) -> str:
    """Where an effect acts: the DM or chat (a tagged message is remembered under it)."""
    match effect:
        case Send(to=to) | SendFile(to=to) | SendRendered(to=to):
            return to
    return lane_of(effect)


def lane_of(effect: Effect) -> str:
    """The conversation an effect acts in: effects of one lane run in order, one at a time.

    A broadcast has lanes of its own, so a reply in a chat never queues behind an announcement to it.
    """
    match effect:
        case Send(to=to, bulk=True) | SendFile(to=to, bulk=True) | SendRendered(to=to, bulk=True):
            return f"bulk:{to}"
        case Send(to=to) | SendFile(to=to) | SendRendered(to=to) | SendChatLinks(to=to):
            return to
        case Edit(where=where):
            return where
        case AnswerPress(press_id=press_id):
            return f"press:{press_id}"  # never queued behind a slow conversation: clients wait seconds
        case Delete(chat=chat) | RemoveMember(chat=chat) | ResetLink(chat=chat):
            return chat
    raise TypeError(f"unknown effect {type(effect).__name__}")


def priority_of(effect: Effect) -> int:
    if isinstance(effect, Delete | AnswerPress):
        return URGENT
    return BULK if isinstance(effect, Send | SendFile | SendRendered) and effect.bulk else NORMAL
