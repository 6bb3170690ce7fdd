"""/реестр: the regulation's registry of recommended services, listed or searched.

Plain text in a DM is searched too, but from handlers/fallback.py, which runs last, so that
other features' conversations (a parent naming a child…) see plain text first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vkbottle.bot import BotLabeler, Message

from bot.help import CommandHelp, register
from bot.people import Person
from bot.registry import Registry, RegistrySearch, format_list, format_matches, format_no_match, load_registry
from bot.roles import Action, require
from bot.services import Services
from handlers.common import CommandRule, PhraseRule, polite
from handlers.help import REGISTRY_BUTTON

MAX_MATCHES = 3

# Words that show a message asks for a service or a site even when the search found none.
_SERVICE_QUESTION = re.compile(
    r"\b(сайт\w*|сервис\w*|ссылк\w*|реестр\w*|платформ\w*|портал\w*|ресурс\w*|демоверси\w*|"
    r"тренажер\w*|задани\w*|электронн\w*|онлайн|где\s+(найти|скачать|посмотреть|взять))\b",
)


@dataclass(frozen=True)
class RegistryIndex:
    registry: Registry
    search: RegistrySearch

    def answer(self, query: str) -> str:
        """The reply to a /реестр query: the best matches, or «nothing found» plus the list."""
        query = query.strip()
        if not query:
            return format_list(self.registry)
        matches = self.search.search(query, limit=MAX_MATCHES)
        return format_matches(matches) if matches else format_no_match(query, self.registry)

    def answer_plain(self, text: str) -> str | None:
        """The reply to plain DM text: matches; the list if it asks for a service; else None."""
        matches = self.search.search(text, limit=MAX_MATCHES) if text.strip() else []
        if matches:
            return format_matches(matches)
        return format_no_match(text, self.registry) if looks_like_service_question(text) else None


@lru_cache(maxsize=4)
def _index(path: Path | None, modified_ns: int) -> RegistryIndex:
    # Building the search index lemmatises every alias; do it once per file version.
    registry = load_registry(path)
    return RegistryIndex(registry, RegistrySearch(registry))


def registry_index(services: Services) -> RegistryIndex:
    """The registry named by config (`registry.path`; None = built in), loaded and indexed once."""
    path = services.config.registry.path
    modified = path.stat().st_mtime_ns if path is not None and path.exists() else 0
    return _index(path, modified)


def looks_like_service_question(text: str) -> bool:
    """«где найти сайт для подготовки» is a registry question even when nothing matched it."""
    return _SERVICE_QUESTION.search(text[:300].lower().replace("ё", "е")) is not None


def registry_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    index = registry_index(services)  # a bad file fails here, at start, not at the first question
    register(CommandHelp(action=Action.READ_REGISTRY, usage="/реестр [что ищете]",
                         what="рекомендуемые школой сервисы и ссылки на них"))

    @labeler.message(CommandRule(services, "registry", "реестр", "сервисы", "services"))
    @labeler.message(PhraseRule(services, REGISTRY_BUTTON, "реестр", "сервисы"))
    @polite
    async def show_registry(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.READ_REGISTRY)
        await message.answer(index.answer(args))

    return labeler
