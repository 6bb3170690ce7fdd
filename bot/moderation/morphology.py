"""Cached access to the pymorphy3 Russian dictionary.

The analyser is created once per process; every lookup is memoised because
chat vocabulary repeats a lot and a pymorphy3 parse costs tens of microseconds.
Only tokens that already look suspicious (contain an obscene root or a
pejorative stem) ever reach this module.
"""

from __future__ import annotations

from functools import lru_cache

import pymorphy3

# Grammemes of proper names: a capitalised word with such a parse is a person or place.
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn"})


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    return analyzer().word_is_known(word)


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """Normal forms of all dictionary parses of `word` (ё folded to е)."""
    return frozenset(p.normal_form.replace("ё", "е") for p in analyzer().parse(word))


@lru_cache(maxsize=50_000)
def is_proper_name(word: str) -> bool:
    return any(_PROPER & p.tag.grammemes for p in analyzer().parse(word) if p.score >= 0.1)


def lexeme_forms(lemma: str) -> frozenset[str]:
    """All inflected forms of `lemma` (used at load time for word lists)."""
    forms = {lemma}
    for parse in analyzer().parse(lemma):
        if parse.normal_form.replace("ё", "е") == lemma:
            forms.update(f.word.replace("ё", "е") for f in parse.lexeme)
    return frozenset(forms)
