"""Does a plain DM look like a person's name? A parent naming the child is told apart from a
question, a greeting or a keyboard button while their request waits for the name."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.russian_dictionary import analyzer

_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
# Parts of speech a name never is: «где», «как», «мой», «взломали», «и», «не».
_NOT_NAME = frozenset({"VERB", "INFN", "PREP", "CONJ", "PRCL", "NPRO", "ADVB", "INTJ", "PRED", "NUMR"})


@lru_cache(maxsize=10_000)
def _word_kind(word: str) -> str:
    """'name' when the dictionary knows it as a name or surname, 'other' for function words and
    verbs, 'unknown' for the rest (unusual surnames the dictionary has never seen)."""
    parses = analyzer().parse(word)
    if any(_NAME_TAGS & set(p.tag.grammemes) for p in parses):
        return "name"
    top = parses[0].tag.POS if parses else None
    if top in _NOT_NAME:
        return "other"
    return "unknown" if not analyzer().word_is_known(word) else "common"


def looks_like_person_name(text: str) -> bool:
    """Two to four words of letters, at least one of them a name or surname, none of them a
    verb or a function word: «Орлов Миша», «Иванова Анна Сергеевна», «Ким Мин-Су»."""
    words = text.split()
    if not 2 <= len(words) <= 4 or not all(_WORD.match(w) for w in words):
        return False
    kinds = [_word_kind(w.lower()) for w in words]
    return "name" in kinds and "other" not in kinds and kinds.count("common") <= 1
