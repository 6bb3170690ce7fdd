"""The registry as people ask it: /реестр with or without a query, and plain DM questions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from bot.registry.format import format_list, format_matches, format_no_match
from bot.registry.model import Registry, load_registry
from bot.registry.search import RegistrySearch

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


def registry_hosts(registry: Registry) -> frozenset[str]:
    """The sites the registry lists («resh.edu.ru»): an address among them is not «outside»."""
    return frozenset(urlsplit(service.url).hostname or "" for service in registry.services) - {""}


@lru_cache(maxsize=4)
def _index(path: Path | None, modified_ns: int) -> RegistryIndex:
    # Building the search index lemmatises every alias; do it once per file version.
    registry = load_registry(path)
    return RegistryIndex(registry, RegistrySearch(registry))


def registry_index(path: Path | None) -> RegistryIndex:
    """The registry named by config (`registry.path`; None = built in), loaded and indexed once."""
    modified = path.stat().st_mtime_ns if path is not None and path.exists() else 0
    return _index(path, modified)


def looks_like_service_question(text: str) -> bool:
    """«где найти сайт для подготовки» is a registry question even when nothing matched it."""
    return _SERVICE_QUESTION.search(text[:300].lower().replace("ё", "е")) is not None
