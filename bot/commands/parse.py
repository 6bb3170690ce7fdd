"""Slash-command parsing: «/помощь», «/bind staff», «!help» → (name, args).

Adapters hand over the text with any leading address to the bot already removed, and mentions
as spans of that text; `raw_args` keeps the arguments exactly as written so those spans still
point at the right characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_COMMAND_TEXT = 4096
_COMMAND = re.compile(r"[/!]([^\s/@]{1,40})(?:@\S{0,60})?(?:\s+|$)")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LEADING_JUNK = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]*")


@dataclass(frozen=True, kw_only=True)
class Command:
    name: str
    """Lower-cased command word without the slash, ё folded to е: «помощь», «bind»."""
    args: str
    """The rest of the text, cleaned (NFKC, invisible characters removed) and stripped."""
    raw_args: str = ""
    """The rest exactly as written (mention spans are relative to it)."""
    args_offset: int = 0
    """Where `raw_args` starts in the message text."""


def clean_text(text: str) -> str:
    """NFKC, invisible characters removed, whitespace trimmed; what every parser starts from."""
    return unicodedata.normalize("NFKC", text[:MAX_COMMAND_TEXT]).translate(_INVISIBLE).strip()


def parse_command(text: str) -> Command | None:
    """The command in a message, or None when the message is not a command."""
    text = text[:MAX_COMMAND_TEXT]
    start = _LEADING_JUNK.match(text)
    offset = start.end() if start else 0
    match = _COMMAND.match(text, offset)
    if match is None:
        return None
    name = clean_text(match[1]).lower().replace("ё", "е")
    if not name:
        return None
    raw_args = text[match.end():]
    return Command(name=name, args=clean_text(raw_args), raw_args=raw_args, args_offset=match.end())


def fold(word: str) -> str:
    """Case and ё/е folding for comparing plain words («Помощь», «помощь»)."""
    return clean_text(word).lower().replace("ё", "е").strip(" .!?")
