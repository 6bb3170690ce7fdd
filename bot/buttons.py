"""Callback buttons: what a button carries, and reading it back from a press.

Payloads come back from the person's client, so they can be forged: every press is validated
here and the flow it leads to checks the presser's permissions again.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.port.effects import Button, Buttons


class ButtonPayload(BaseModel):
    """What a callback button carries: an action and the id of the thing it acts on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    a: str = Field(pattern=r"^[a-z_]{1,24}$")
    """The action, e.g. 'req_approve'."""
    id: int = Field(default=0, ge=0, le=2**53)
    """The id of a request, warning, report…"""
    who: str | None = Field(default=None, pattern=r"^(vk|max):[1-9]\d{0,18}$")
    """A person the action is about (erasing a leaver's data)."""
    w: str | None = Field(default=None, pattern=r"^[^\W\d_]{1,40}$")
    """A word the action is about (allowing a word that looks obscene)."""


def parse_payload(raw: str) -> ButtonPayload | None:
    """The payload of a press, or None when it is malformed or forged."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return ButtonPayload.model_validate(data)
    except ValidationError:
        return None


def callback(label: str, action: str, item: int = 0, style: str = "secondary", *, who: str | None = None,
             word: str | None = None) -> Button:
    payload = ButtonPayload(a=action, id=item, who=who, w=word).model_dump(exclude_none=True)
    return Button(label=label, payload=payload, style=style)  # type: ignore[arg-type]


def row(*buttons: Button) -> Buttons:
    """One row of buttons under a message."""
    return Buttons(rows=[list(buttons)])


STALE_BUTTON = "Эта кнопка устарела или недействительна."
