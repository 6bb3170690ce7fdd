"""Slash-command parsing: «/помощь», «/bind staff», «[club1|@school] /help» → (name, args)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_COMMAND_TEXT = 4096
# VK inserts «[club123|@name]» or «[club123|Имя], » when someone addresses the bot in a chat.
_LEADING_MENTION = re.compile(r"^\s*\[(?:club|public)\d+\|[^\]]{0,100}\][\s,:]*")
_COMMAND = re.compile(r"^[/!]([^\s/@]{1,40})(?:@\S{0,60})?(?:\s+(.*))?$", re.DOTALL)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@dataclass(frozen=True, kw_only=True)
class Command:
    name: str
    """Lower-cased command word without the slash, ё folded to е: «помощь», «bind»."""
    args: str
    """The rest of the text, stripped."""


def clean_text(text: str) -> str:
    """NFKC, invisible characters removed, whitespace trimmed; what every parser starts from."""
    return unicodedata.normalize("NFKC", text[:MAX_COMMAND_TEXT]).translate(_INVISIBLE).strip()


def parse_command(text: str) -> Command | None:
    """The command in a message, or None when the message is not a command."""
    text = _LEADING_MENTION.sub("", clean_text(text), count=1)
    match = _COMMAND.match(text)
    if match is None:
        return None
    name = match[1].lower().replace("ё", "е")
    return Command(name=name, args=(match[2] or "").strip())


def fold(word: str) -> str:
    """Case and ё/е folding for comparing plain words («Помощь», «помощь»)."""
    return clean_text(word).lower().replace("ё", "е").strip(" .!?")
