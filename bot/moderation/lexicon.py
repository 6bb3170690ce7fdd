"""Word lists of the moderation check, expanded to all inflected forms once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from bot.moderation import morphology

Kind = Literal["strong", "ambiguous", "adjective", "mild"]
_KINDS = frozenset({"strong", "ambiguous", "adjective", "mild"})


@dataclass(frozen=True, slots=True)
class Pejorative:
    lemma: str
    kind: Kind


def _data_lines(name: str) -> list[str]:
    text = resources.files("bot.moderation").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def data_words(name: str) -> frozenset[str]:
    """A one-word-per-line data file as a set (ё folded)."""
    return frozenset(line.split()[0].replace("ё", "е") for line in _data_lines(name))


FORMS_FILE = "pejorative_forms.txt"  # .txt: the package data pattern ships *.txt


def _source_digest() -> str:
    text = resources.files("bot.moderation").joinpath("data", "insults.txt").read_bytes()
    return hashlib.sha256(text).hexdigest()[:16]


@lru_cache(maxsize=1)
def pejorative_forms() -> dict[str, Pejorative]:
    """Every inflected form of every pejorative → its lemma and kind.

    Expanding ~450 lemmas through the dictionary and filtering the forms
    takes most of a second, so the result is shipped precomputed in
    data/pejorative_forms.txt (bench/build_moderation_lexicon.py writes it).
    A table built from another version of insults.txt is ignored.
    """
    shipped = _load_forms_table()
    return shipped if shipped is not None else expand_pejoratives()


def _load_forms_table() -> dict[str, Pejorative] | None:
    path = resources.files("bot.moderation").joinpath("data", FORMS_FILE)
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != f"# source {_source_digest()}":
        return None
    entries: dict[tuple[str, str], Pejorative] = {}
    forms: dict[str, Pejorative] = {}
    for line in lines[1:]:
        form, lemma, kind = line.split("\t")
        key = (lemma, kind)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = Pejorative(lemma, kind)  # type: ignore[arg-type]
        forms[form] = entry
    return forms


def forms_table_text() -> str:
    """The text of data/pejorative_forms.txt for the current insults.txt."""
    rows = [f"{form}\t{entry.lemma}\t{entry.kind}" for form, entry in expand_pejoratives().items()]
    return "\n".join([f"# source {_source_digest()}", *rows]) + "\n"


def expand_pejoratives() -> dict[str, Pejorative]:
    forms: dict[str, Pejorative] = {}
    for line in _data_lines("insults.txt"):
        lemma, kind, *flags = line.split()
        if kind not in _KINDS:
            raise ValueError(f"insults.txt: unknown kind {kind!r}")
        lemma = lemma.replace("ё", "е")
        entry = Pejorative(lemma, kind)  # type: ignore[arg-type]
        # «full»: only full adjective forms; short ones have a literal sense («ты болен?»).
        for form in sorted(morphology.lexeme_forms(lemma, full_only="full" in flags)):  # a stable file
            # A form that is also a common word of another kind («сорок» of «сорока»,
            # «пни» of «пнуть») would turn counts and verbs into insults.
            if form != lemma and morphology.mostly_other_word(form):
                continue
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
