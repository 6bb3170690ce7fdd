"""Word lists of the moderation check, expanded to all inflected forms once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Literal

from bot.moderation import morphology

Kind = Literal["strong", "ambiguous", "adjective"]


@dataclass(frozen=True, slots=True)
class Pejorative:
    lemma: str
    kind: Kind


def _data_lines(name: str) -> list[str]:
    text = resources.files("bot.moderation").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def pejorative_forms() -> dict[str, Pejorative]:
    """Every inflected form of every pejorative → its lemma and kind."""
    forms: dict[str, Pejorative] = {}
    for line in _data_lines("insults.txt"):
        lemma, kind = line.split()
        lemma = lemma.replace("ё", "е")
        entry = Pejorative(lemma, kind)  # type: ignore[arg-type]
        for form in morphology.lexeme_forms(lemma):
            # Keep the first (more specific) entry when lexemes overlap.
            forms.setdefault(form, entry)
    return forms


@lru_cache(maxsize=1)
def obscene_person_stems() -> tuple[str, ...]:
    return tuple(line.replace("ё", "е") for line in _data_lines("obscene_persons.txt"))


def word_forms(words: Iterable[str]) -> frozenset[str]:
    """Inflected forms of a school's own words (normalised)."""
    out: set[str] = set()
    for word in words:
        word = word.strip().lower().replace("ё", "е")
        if word:
            out |= morphology.lexeme_forms(word)
    return frozenset(out)
