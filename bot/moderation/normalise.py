"""Text normalisation that keeps a map back to the original characters.

`normalise` lowercases, folds ё→е, applies NFKC, drops invisible characters and
stray combining marks, and records for every output character the index of the
original character it came from, so a span found in the normalised text can be
reported against the text the user actually wrote.

Script conversion (Latin look-alikes, transliteration, digits as letters) is
done later per token (see `variants.py`), because whether «x» is a Cyrillic
«х» or a Latin letter of a transliterated word depends on the whole token.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Characters that render as nothing and are used to split words invisibly.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)

# Texts made only of these characters need no per-character work: lowercase and
# ё-folding keep the length, so the map is the identity (the common fast path).
_SIMPLE_RE = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\u0401-\u045f«»—–…№‘’“”„•]")
# Invisible characters and combining marks; a text without them that is
# already NFKC-normal (emoji, «₽», Greek…) also takes the fast path.
_SPECIAL_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufeff\uffa0\ufe00-\ufe0f\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe20-\ufe2f\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


class Normalised(NamedTuple):
    """Normalised text plus, per normalised character, its original index.

    `origin is None` means the identity map (same length, same positions).
    """

    text: str
    original: str
    origin: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span to a half-open span in the original."""
        if end <= start:
            return start, start
        if self.origin is None:
            return start, end
        first = self.origin[start]
        last = self.origin[end - 1]
        return first, last + 1


def _is_invisible(ch: str) -> bool:
    if ch in _INVISIBLE:
        return True
    cat = unicodedata.category(ch)
    # Format controls and variation selectors carry no letter of their own.
    return cat == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _fold(piece: str) -> str:
    return piece.lower().replace("ё", "е")


def normalise(text: str) -> Normalised:
    """Return the normalised form of `text` with an index map to the original."""
    if not _SIMPLE_RE.search(text) or (unicodedata.is_normalized("NFKC", text) and not _SPECIAL_RE.search(text)):
        lowered = text.lower()
        if len(lowered) == len(text):
            # str.replace is a C loop; str.translate with a dict table costs microseconds.
            return Normalised(lowered.replace("ё", "е") if "ё" in lowered else lowered, text, None)
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if _is_invisible(ch):
            continue
        if unicodedata.combining(ch):
            _attach_combining(out, ch)
            continue
        piece = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
        for sub in _fold(piece):
            if unicodedata.combining(sub):
                _attach_combining(out, sub)
                continue
            out.append(sub)
            origin.append(index)
    return Normalised("".join(out), text, tuple(origin))


def _attach_combining(out: list[str], mark: str) -> None:
    """Compose a combining mark with the previous letter (и+breve → й) or drop it.

    Dropping keeps «п̶и̶з̶д̶е̶ц» or Zalgo-style decoration from splitting words,
    while composing keeps decomposed «й» a «й» rather than an «и».
    """
    if not out:
        return
    composed = unicodedata.normalize("NFC", out[-1] + mark)
    if len(composed) == 1:
        out[-1] = _fold(composed)
