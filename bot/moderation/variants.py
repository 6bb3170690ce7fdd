"""Readings of one token in plain Cyrillic.

A token such as «xуeвaя», «pizdec», «пи3дюлей» or «п*здец» is turned into the
Cyrillic strings a reader would see in it. Mixed-script tokens use the
look-alike reading (Latin «x» → «х»), all-Latin tokens both transliteration
(«blyat» → «блят») and, when every letter has a Cyrillic twin, the look-alike
reading («cyka» → «сука»). Digits inside words become letters (3 → з or е).
A masked letter stays «*» and is treated as a wildcard by the matchers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

_CYR_RE = re.compile(r"[а-я]+")
_RUN3_RE = re.compile(r"([^*])\1{2,}")
_RUN2_RE = re.compile(r"([^*])\1")
_ALTERNATING_STARS_RE = re.compile(r"(?:[а-я]\*)+[а-я]")
_LATIN_RE = re.compile(r"[a-z]")
_GLUE_DROP = str.maketrans("", "", "_'’")

# Letters of other alphabets that look like Cyrillic ones.
_LOOKALIKE = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п",
    "o": "о", "p": "р", "r": "г", "t": "т", "u": "и", "x": "х", "y": "у",
    "α": "а", "β": "в", "γ": "у", "δ": "д", "ε": "е", "ζ": "з", "η": "н", "θ": "о",
    "ι": "и", "κ": "к", "λ": "л", "μ": "м", "ν": "н", "ο": "о", "π": "п", "ρ": "р",
    "σ": "с", "ς": "с", "τ": "т", "υ": "у", "φ": "ф", "χ": "х", "ω": "ш",
    "і": "и", "ї": "и", "є": "е", "ґ": "г", "ў": "у", "ј": "й", "ѕ": "с",
}
# The Latin letters among them that stand for a Cyrillic one in a mixed word («кoд» with a Latin «o»); not
# «n», «r», «u», which are read by sound there («hуй»), and not the other alphabets.
MIXED_WORD_LOOKALIKES = str.maketrans({ch: _LOOKALIKE[ch] for ch in "aceopxykmtbh"})
# Single Latin letters read phonetically (used inside mixed tokens and as the
# fallback of the transliteration).
_LATIN_SOUND = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х",
    "y": "ы", "z": "з",
}
# Multi-letter transliteration, longest first.
_TRANSLIT_MULTI = (
    ("shch", "щ"), ("sch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"),
    ("ts", "ц"), ("ck", "к"), ("yo", "е"), ("ya", "я"), ("yu", "ю"), ("ye", "е"),
    ("jo", "е"), ("ja", "я"), ("ju", "ю"), ("ye", "е"),
)
_VOWELS = set("aeiouy")
# Digits and symbols used for letters; «3» reads as «з» or «е».
_DIGITS: dict[str, tuple[str, ...]] = {
    "0": ("о",), "1": ("и",), "3": ("з", "е"), "4": ("ч",), "6": ("б",), "8": ("в",),
    # «@» is both a look-alike «а» and a mask for any letter («бл@ть» reads as «бл*ть»).
    "9": ("я",), "@": ("а", "*"), "$": ("с",),
}
_MAX_VARIANTS = 6
# Letters most often hidden behind «*» (vowels, and «й»/«л» of «х**», «б**ть»).
_MASKED_LETTERS = "аеиоуыяюйл"
_MAX_STARS_TO_FILL = 2


def _translit(word: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(word):
        for src, dst in _TRANSLIT_MULTI:
            if word.startswith(src, i):
                out.append(dst)
                i += len(src)
                break
        else:
            ch = word[i]
            if ch == "y":
                # «y» after a vowel is «й» (nahuy), after a consonant «ы» (ty).
                prev = word[i - 1] if i else ""
                out.append("й" if prev in _VOWELS or not prev else "ы")
            else:
                out.append(_LATIN_SOUND.get(ch, ch))
            i += 1
    return "".join(out)


def _lookalike(word: str, fallback: dict[str, str]) -> str:
    return "".join(_LOOKALIKE.get(ch) or fallback.get(ch, ch) for ch in word)


def _letter_readings(word: str) -> list[str]:
    has_latin = bool(_LATIN_RE.search(word))
    has_cyr = any("а" <= ch <= "я" for ch in word)
    if has_latin and not has_cyr:
        readings = [_translit(word)]
        letters = [ch for ch in word if ch.isalpha()]
        if letters and all(ch in _LOOKALIKE for ch in letters):
            readings.append(_lookalike(word, {}))
        return readings
    if has_latin:
        return [_lookalike(word, _LATIN_SOUND), _translit_mixed(word)]
    return [_lookalike(word, {})]


def _translit_mixed(word: str) -> str:
    # Second reading of a mixed token: Latin letters by sound («hуй» → «хуй»).
    return "".join(_LATIN_SOUND.get(ch, ch) for ch in word)


def _digit_readings(word: str) -> list[str]:
    if not any(ch in _DIGITS for ch in word) or not any(ch.isalpha() for ch in word):
        return [word]
    options = [_DIGITS.get(ch, (ch,)) for ch in word]
    out: list[str] = []
    for combo in product(*options):
        out.append("".join(combo))
        if len(out) >= _MAX_VARIANTS:
            break
    return out


@lru_cache(maxsize=8192)
def readings(token: str) -> tuple[str, ...]:
    """All plain-Cyrillic readings of a normalised token, most literal first."""
    if _CYR_RE.fullmatch(token):
        base = [token]
    else:
        base = []
        for reading in _letter_readings(token.translate(_GLUE_DROP)):
            base.extend(_digit_readings(reading))
    out: list[str] = []
    for reading in base:
        reading = _RUN3_RE.sub(r"\1", reading)
        # A symbol other than a letter/digit inside a word masks a letter.
        reading = "".join(ch if ch.isalnum() else "*" for ch in reading)
        _add(out, reading)
        if _ALTERNATING_STARS_RE.fullmatch(reading):
            _add(out, reading.replace("*", ""))
        if _RUN2_RE.search(reading):
            _add(out, _RUN2_RE.sub(r"\1", reading))
    for reading in list(out):
        for filled in _fill_stars(reading):
            _add(out, filled)
    return tuple(out)


def _fill_stars(reading: str) -> list[str]:
    """Guess the letters behind one or two «*» («к*манда» → «команда», «кр*тины» → «кретины»).

    The guesses go through the same dictionary test as any word, so a masked
    ordinary word stays ordinary while «з*ебываюсь» is read as obscene.
    """
    stars = reading.count("*")
    if not 0 < stars <= _MAX_STARS_TO_FILL or len(reading) - stars < 2:
        return []
    out = []
    for letters in product(_MASKED_LETTERS, repeat=stars):
        it = iter(letters)
        out.append("".join(next(it) if ch == "*" else ch for ch in reading))
    return out


def _add(out: list[str], item: str) -> None:
    if item and item not in out:
        out.append(item)
