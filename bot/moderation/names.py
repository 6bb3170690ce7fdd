"""Names, brands, abbreviations and initials that only look obscene.

Transliterated back to Cyrillic, foreign names can contain an obscene root
(a Latin «Mandy», «Bled», «Ebola», «eBay»), and so can Russian abbreviations
(«МУДО» — a municipal school of extra education) and initials («Иванова Е.Б.»).
How a word is *written* tells them apart: capitals inside a sentence, an
all-capital short word in a message that is not shouted, single capital
letters with full stops next to a surname. Such a spelling is read as a name
unless the word is a well-known obscene form, which people also capitalise
(«Blyat», «ПЗДЦ», «ХУЙ»).
"""

from __future__ import annotations

import re

from bot.moderation import morphology, profanity
from bot.moderation.normalise import Normalised
from bot.moderation.tokens import Token
from bot.moderation.variants import readings

# Obscene forms common enough to stay мат in any spelling, dictionary words or not.
_COMMON_OBSCENE = frozenset(
    "бля блят бляд блять блядь пздц пиздец нах нахуй нахуя похуй нихуя хуй хуя хуи хуйня ебать ебал ебала "
    "заебал заебала заебали заебало ебаный сука суки пидор пидорас мудак мудила".split()
)
_LATIN_RE = re.compile(r"[a-z]")
_CYRILLIC_RE = re.compile(r"[а-яё]", re.IGNORECASE)
_INITIALS_RE = re.compile(r"[A-ZА-ЯЁ]\.\s?[A-ZА-ЯЁ]\.?")
_SENTENCE_END_RE = re.compile(r"(?:^|[.!?…:\n]\s*|[«\"“„(]\s*)$")


def written_as_name(norm: Normalised, tok: Token, start: int, end: int) -> bool:
    """Whether the obscene-looking token at original span [start, end) is written as a name."""
    original = norm.original[start:end]
    if original.islower() and not tok.joined:
        return False  # the common case: a lower-case word is never a name
    if tok.joined:
        return bool(_INITIALS_RE.fullmatch(original)) and _next_to_capitalised(norm.original, start, end)
    letters = [ch for ch in original if ch.isalpha()]
    if not letters or _common_obscene(tok.text):
        return False
    upper = [ch.isupper() for ch in letters]
    if _LATIN_RE.search(tok.text) and not _CYRILLIC_RE.search(original):
        # «Mandy», «eBay», «Ebola» inside Russian text: a foreign name or brand.
        return any(upper) and bool(_CYRILLIC_RE.search(norm.original)) and not _known_obscene(tok.text)
    if _LATIN_RE.search(tok.text):
        return False  # mixed scripts («Haeбнyлcя») are a disguise, not a name
    if all(upper) and 2 <= len(letters) <= 5:
        # «МУДО» in a message that is not written in capitals: an abbreviation.
        shouted = sum(ch.isupper() for ch in norm.original) > sum(ch.islower() for ch in norm.original)
        return not shouted and not _known_obscene(tok.text)
    if upper[0] and not any(upper[1:]):
        # A capitalised unknown word inside a sentence: a surname or a place.
        inside = not _SENTENCE_END_RE.search(norm.original[:start])
        return inside and not _known_obscene(tok.text)
    return False


def _common_obscene(text: str) -> bool:
    return any(reading in _COMMON_OBSCENE for reading in readings(text))


def _known_obscene(text: str) -> bool:
    """An obscene reading that is a dictionary word («пиздец», «мудак»), not a guess from a root."""
    return any(morphology.is_known(r) and profanity.obscene_reading(r) for r in readings(text) if r.isalpha())


def _next_to_capitalised(text: str, start: int, end: int) -> bool:
    """Initials stand next to a surname: «Иванова Е.Б.», «Е. Б. Ковалёва»."""
    before = [w for w in (w.strip(",.;:()«»") for w in text[max(0, start - 30) : start].split()) if w]
    after = [w for w in (w.strip(",.;:()«»") for w in text[end : end + 30].split()) if w]
    near = before[-1:] + after[:1]
    return any(w[:1].isupper() and w[1:].islower() and len(w) > 2 for w in near)


# «Дураков Сергей Петрович», «Дураков С. П.», «Сергей Петрович Дураков»: a surname in a full name.
_NAME_AND_PATRONYMIC = r"[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:ович|евич|ич|овна|евна|ична|инична)"
_NAME_AFTER_RE = re.compile(rf"\s+(?:{_NAME_AND_PATRONYMIC}|[А-ЯЁ]\.\s?[А-ЯЁ]\.)(?![а-яё])")
_NAME_BEFORE_RE = re.compile(rf"(?<![а-яё]){_NAME_AND_PATRONYMIC}\s+$")


def in_full_name(original: str, start: int, end: int) -> bool:
    """Whether the capitalised word at [start, end) of the original is the surname of a full name."""
    word = original[start:end]
    if not (word[:1].isupper() and word[1:].islower()):
        return False
    return bool(_NAME_AFTER_RE.match(original, end) or _NAME_BEFORE_RE.search(original, max(0, start - 60), start))
