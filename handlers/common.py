"""Rules and the error boundary shared by every feature's labeler."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from vkbottle import VKAPIError
from vkbottle.bot import Message
from vkbottle.dispatch.rules import ABCRule

from bot.commands import fold, parse_command
from bot.errors import BotError
from bot.services import Services
from bot.vk.api import VkNetworkError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class CommandRule(ABCRule[Message]):
    """Matches «/name args» for any of `names`; hands the handler `args` and the acting `actor`."""

    def __init__(self, services: Services, *names: str) -> None:
        self._services = services
        self._names = {fold(n) for n in names}

    async def check(self, event: Message) -> dict[str, Any] | bool:
        command = parse_command(event.text or "")
        if command is None or command.name not in self._names:
            return False
        return {"args": command.args, "actor": await self._services.actor(event.from_id)}


class PhraseRule(ABCRule[Message]):
    """Matches a whole plain message such as «помощь» or «начать», in a DM only."""

    def __init__(self, services: Services, *phrases: str) -> None:
        self._services = services
        self._phrases = {fold(p) for p in phrases}

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if event.peer_id != event.from_id or fold(event.text or "") not in self._phrases:
            return False
        return {"args": "", "actor": await self._services.actor(event.from_id)}


def polite(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | None]]:
    """The one error boundary: a BotError becomes its Russian text; a VK failure a short apology."""

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        message = args[0]
        try:
            return await handler(*args, **kwargs)
        except BotError as error:
            await _answer(message, error.text)
        except (VKAPIError, VkNetworkError) as error:
            log.warning("%s: VK failed: %s", handler.__name__, type(error).__name__)
            await _answer(message, "ВКонтакте сейчас не ответил. Попробуйте, пожалуйста, ещё раз через минуту.")
        return None

    return wrapper


async def _answer(message: Any, text: str) -> None:
    try:
        await message.answer(text)
    except Exception:  # the apology itself may fail when VK is down; never let it escape
        log.warning("could not deliver an error reply")
