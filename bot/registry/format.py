"""Russian reply texts for the registry: the full list, search results, nothing found.

Every text fits one VK message (≤ 4096 characters) even if the school grows the registry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.registry.model import Registry
from bot.registry.search import Match

VK_MESSAGE_LIMIT = 4096
QUERY_ECHO_LIMIT = 40  # a quoted query longer than this is cut: the reply is read on a phone

_LIST_TITLE = "Рекомендуемые цифровые сервисы (реестр Положения школы):"
_LIST_HINT = "Чтобы найти нужный, напишите, что ищете, например: «демоверсии ОГЭ»."
# Characters that could turn an echoed query into a VK mention or markup (@all, [id1|…]).
_UNSAFE_ECHO = re.compile(r"[@\[\]|*#\x00-\x1f\x7f]")


def format_list(registry: Registry) -> str:
    """All services, numbered, with short names and links."""
    lines = [f"{s.number}. {s.short} — {s.url}" for s in registry.services]
    return _fit(_LIST_TITLE, lines, _LIST_HINT)


def format_matches(matches: Sequence[Match]) -> str:
    """Found services: full name, link and what each is for."""
    if not matches:
        return "Ничего не нашлось."
    blocks = [f"{m.service.name}\n{m.service.url}\n{m.service.description}" for m in matches]
    return _fit("Вот что нашлось:", blocks, "", separator="\n\n")


def format_no_match(query: str, registry: Registry) -> str:
    """A polite «nothing found» followed by the whole list, so the user can pick themselves."""
    echo = _echo(query)
    head = f"По запросу «{echo}» ничего не нашлось." if echo else "Не понял, какой сервис нужен."
    lines = [f"{s.number}. {s.short} — {s.url}" for s in registry.services]
    return _fit(f"{head}\nВот все рекомендуемые сервисы:", lines, _LIST_HINT)


def _echo(query: str) -> str:
    """The query as it is safe and short enough to quote back."""
    text = " ".join(_UNSAFE_ECHO.sub(" ", query).split())
    if len(text) > QUERY_ECHO_LIMIT:
        text = text[: QUERY_ECHO_LIMIT - 1].rstrip() + "…"
    return text


def _fit(title: str, items: list[str], footer: str, separator: str = "\n") -> str:
    """Join the parts; if too long for one message, drop the footer, then trailing items."""
    parts = [title, *items, footer] if footer else [title, *items]
    text = separator.join(parts)
    if len(text) <= VK_MESSAGE_LIMIT:
        return text
    kept = [title]
    tail = "…и другие. Полный список — у администратора."
    for item in items:
        if len(separator.join([*kept, item, tail])) > VK_MESSAGE_LIMIT:
            break
        kept.append(item)
    return separator.join([*kept, tail])[:VK_MESSAGE_LIMIT]
