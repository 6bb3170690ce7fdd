"""Callback buttons: a validated payload, the inline keyboard, and the answer to a press.

Payloads come back from the user's client, so they can be forged: every press is
validated with pydantic and checked against the presser's permissions again.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from vkbottle import GroupEventType, VKAPIError
from vkbottle.bot import BotLabeler, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.errors import BotError
from bot.services import Services
from bot.vk.api import VkNetworkError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
SNACKBAR_LIMIT = 90  # VK shows at most 90 characters in a snackbar


class ButtonPayload(BaseModel):
    """What a callback button carries: an action and the id of the thing it acts on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    a: str = Field(pattern=r"^[a-z_]{1,24}$")
    """The action, e.g. 'approve'."""
    id: int = Field(ge=0, le=2**53)
    """The id of a request, warning, report…"""


def parse_payload(raw: Any) -> ButtonPayload | None:
    """The payload of a press, or None when it is malformed or forged."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    try:
        return ButtonPayload.model_validate(raw)
    except ValidationError:
        return None


def inline_keyboard(*buttons: tuple[str, ButtonPayload, str]) -> str:
    """One row of callback buttons (label, payload, colour: primary/secondary/positive/negative)."""
    row = [
        {"action": {"type": "callback", "label": label[:40], "payload": payload.model_dump_json()}, "color": colour}
        for label, payload, colour in buttons
    ]
    return json.dumps({"inline": True, "buttons": [row]}, ensure_ascii=False)


class CallbackRule(ABCRule[MessageEvent]):
    """Matches presses of buttons with one of `actions`; hands over `payload` and `actor`."""

    def __init__(self, services: Services, *actions: str) -> None:
        self._services = services
        self._actions = set(actions)

    async def check(self, event: MessageEvent) -> dict[str, Any] | bool:
        payload = parse_payload(event.payload)
        if payload is None or payload.a not in self._actions:
            return False
        return {"payload": payload, "actor": await self._services.actor(event.user_id)}


async def answer_press(event: MessageEvent, text: str) -> None:
    """A snackbar for the presser; a long text also goes to the chat so nothing is cut off."""
    try:
        await event.show_snackbar(text[:SNACKBAR_LIMIT])
        if len(text) > SNACKBAR_LIMIT:
            await event.ctx_api.messages.send(peer_id=event.peer_id, message=text, random_id=0)
    except (VKAPIError, VkNetworkError):
        log.warning("could not answer a button press")


def polite_press(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | None]]:
    """The error boundary of button handlers: BotError text as the answer to the press."""

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        event = args[0]
        try:
            return await handler(*args, **kwargs)
        except BotError as error:
            await answer_press(event, error.text)  # type: ignore[arg-type]
        except (VKAPIError, VkNetworkError):
            await answer_press(event, "ВКонтакте сейчас не ответил. Попробуйте ещё раз.")  # type: ignore[arg-type]
        return None

    return wrapper


def stale_button_labeler(services: Services) -> BotLabeler:
    """Loaded last: any press nobody handled (forged, or of a removed feature) gets a polite answer."""
    labeler = BotLabeler()

    @labeler.raw_event(GroupEventType.MESSAGE_EVENT, dataclass=MessageEvent)
    async def stale(event: MessageEvent) -> None:
        await answer_press(event, "Эта кнопка устарела или недействительна.")

    return labeler
