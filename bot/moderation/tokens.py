"""Tokens of a normalised message, including words spelled out letter by letter.

A token is a run of letters/digits that may be glued by masking symbols
(«п*здец», «х🙈ёвая», «за_ебан_ная»). Single letters separated only by
spaces, dots, dashes, asterisks and the like («х у й», «п.и.з.д.е.ц») are
offered as an extra *joined* token; callers use it only when the joined word
is itself offensive, so ordinary sequences such as «П. И. Здоровцева» or
«а я» never glue into something else.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.moderation.normalise import Normalised

# Glue = symbols people put inside a word to mask letters. Alternation of two
# disjoint classes keeps the pattern linear (no nested ambiguity).
_GLUE = r"[*@$_'’\u2022\u2600-\u27bf\U0001f000-\U0001faff#%^~]"
TOKEN_RE = re.compile(rf"[^\W_]+(?:{_GLUE}+[^\W_]+)*\**")
# What may stand between spelled-out letters.
_SPLIT_GAP_RE = re.compile(r"[\s.\-–—_*·|/\\~+'’]{1,4}")
# Cheap test whether a message may contain spelled-out letters at all.
SPLIT_HINT_RE = re.compile(r"(?<!\w)[^\W\d_][\s.\-–—_*·|/\\~+'’]{1,4}[^\W\d_](?!\w)")
# Russian one-letter words that may precede a spelled-out word («я х у й»).
ONE_LETTER_WORDS = frozenset("аивксуояжб")
# Longest spelled-out word we try to read; longer runs are split into chunks.
MAX_RUN = 24


class Token(NamedTuple):
    text: str  # normalised
    start: int  # in normalised text
    end: int
    joined: bool = False  # built from spelled-out single letters


def tokenize(norm: Normalised) -> list[Token]:
    # A token starts with a letter or digit, so leading stars (emphasis such as
    # «*важно*») are left out; trailing ones stay because they mask letters («х**»).
    new = tuple.__new__  # the NamedTuple constructor without its Python-level wrapper
    return [new(Token, (m.group(), m.start(), m.end(), False)) for m in TOKEN_RE.finditer(norm.text)]


def _is_single_letter(tok: Token) -> bool:
    text = tok.text
    return len(text) == 1 and text.isalpha()


def letter_runs(norm: Normalised, tokens: list[Token]) -> list[Token]:
    """Joined tokens for runs of ≥2 spelled-out single letters (and their tails).

    Besides the whole run, a run that starts with a one-letter word («я х у й»,
    «и б л я») is also offered without that first letter.
    """
    runs: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        if not _is_single_letter(tokens[i]):
            i += 1
            continue
        j = i
        while (
            j + 1 < n
            and j + 1 - i < MAX_RUN
            and _is_single_letter(tokens[j + 1])
            and _SPLIT_GAP_RE.fullmatch(norm.text, tokens[j].end, tokens[j + 1].start)
        ):
            j += 1
        if j > i:
            group = tokens[i : j + 1]
            runs.append(_join(group))
            if j - i >= 2 and group[0].text in ONE_LETTER_WORDS:
                runs.append(_join(group[1:]))
        i = j + 1
    return runs


def _join(group: list[Token]) -> Token:
    return Token("".join(t.text for t in group), group[0].start, group[-1].end, joined=True)
