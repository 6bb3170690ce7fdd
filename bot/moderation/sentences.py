"""Sentence boundaries of a normalised message (rules look for context within one)."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

# «!», «?», «;», a line break, or a full stop after a word longer than a
# typical abbreviation («ул.», «д.», «каб.», «П. И.» do not end a sentence).
_BOUNDARY_RE = re.compile(r"[!?;\n]+|(?<=[^\W\d_]{4})\.+(?=\s)|(?<=\d)\.(?=\s)|\.{2,}|…")


class Sentence(NamedTuple):
    start: int
    end: int
    text: str


@lru_cache(maxsize=512)
def _boundaries(text: str) -> tuple[int, ...]:
    return tuple(m.end() for m in _BOUNDARY_RE.finditer(text))


def sentence_at(text: str, pos: int) -> Sentence:
    """The sentence of `text` containing position `pos`."""
    bounds = _boundaries(text)
    i = bisect_right(bounds, pos)
    start = bounds[i - 1] if i > 0 else 0
    end = bounds[i] if i < len(bounds) else len(text)
    return Sentence(start, end, text[start:end])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    bounds = (0, *_boundaries(text), len(text))
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]
