"""Alternative views of a normalised message for the number and keyword rules.

The personal-data and account-sharing rules are written for Cyrillic words and
digits. People also write «parol», «adres Mashi: prospekt Mira 45-12», or a
passport number in words («серия сорок пять ноль семь»). A view rewrites such
words in place and keeps, per character of the view, the index of the
normalised character it came from, so findings map back to the message.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.moderation import morphology
from bot.moderation.variants import MIXED_WORD_LOOKALIKES, readings

_LATIN_WORD_RE = re.compile(r"(?<![\w@./])[a-z]+(?:'|’)?(?![\w@]|\.[a-z])")
_ANY_LATIN_RE = re.compile(r"[a-z]")
# Latin spellings of the keywords the rules look for; other Latin text is left alone.
_LATIN_HINT_RE = re.compile(
    r"p[a@]r[o0]l|pa[s$]{2}|log[i1]n|ak{1,2}(?:a|au|o|[^a-z]|$)|acc|uch[eyi]?o?t|kod|sms|smc|adr[ae]s|zhiv|jiv|"
    r"(?<![a-z])(?:ul|kv|pr|mkr|d|dom|skin|kin|dai|daj|day|pasport|snils|inn|polis|moi|moj|moy|tvoi|tvoj)(?![a-z])"
)
# Transliterated words the dictionary does not know but the rules look for.
_KEYWORD_STEMS = ("акк", "смс", "снилс", "инн", "учетк", "кв", "ул", "пр", "мкр", "снт", "логин", "парол", "адрес", "скин", "кин")
_VOWELS = frozenset("аеиоуыэюя")
_ONE_LETTER_WORDS = {"s": "с", "v": "в", "k": "к", "u": "у", "i": "и", "o": "о"}
_VOWEL_I_RE = re.compile(r"([аеоуыэюя])и(?=[бвгджзклмнпрстфхцчшщ])")
_SECRET_SHAPE_RE = re.compile(r"^(?:qwerty|asdf|zxcv|admin|pass|qwe|abc)")

_UNITS = {"ноль": 0, "нуль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
          "шесть": 6, "семь": 7, "восемь": 8, "девять": 9}
_TEENS = {"десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
          "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19}
_TENS = {"двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
         "восемьдесят": 80, "девяносто": 90}
_HUNDREDS = {"сто": 100, "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600,
             "семьсот": 700, "восемьсот": 800, "девятьсот": 900}
_NUMBER_WORDS = {**_UNITS, **_TEENS, **_TENS, **_HUNDREDS}
_NUMBER_WORD_RE = re.compile(r"(?<![а-я])(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?![а-я])")
# Only a run this long can be an identifier; shorter ones are times and counts.
_MIN_NUMBER_WORDS = 2


class View(NamedTuple):
    text: str
    origin: tuple[int, ...]  # per view character, its index in the normalised text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the view to one of the normalised text."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def _rewrite(text: str, replacements: list[tuple[int, int, str]]) -> View:
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for start, end, new in replacements:
        parts.append(text[pos:start])
        origin.extend(range(pos, start))
        parts.append(new)
        # Every new character points into the replaced word (its last one at most).
        origin.extend(min(start + i, end - 1) for i in range(len(new)))
        pos = end
    parts.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return View("".join(parts), tuple(origin))


LATIN_HINT_RE = _LATIN_HINT_RE
NUMBER_WORD_RE = _NUMBER_WORD_RE


# A word written in Cyrillic with a Latin look-alike or two («кoд» with a Latin «o», «Kто»): the
# keyword rules read it as the Cyrillic word it shows. One letter for one, so positions do not move.
# Both searches are linear: a two-letter pair, then each run of letters once (a 4,096-letter word too).
_MIXED_PAIR_RE = re.compile(r"[а-я][a-z]|[a-z][а-я]")
_LETTER_RUN_RE = re.compile(r"[a-zа-я]+")
MIXED_PAIR_RE = _MIXED_PAIR_RE


def unmixed(text: str) -> str:
    """`text` with the Latin look-alikes inside mixed-script words made Cyrillic (same length)."""
    if not _MIXED_PAIR_RE.search(text):
        return text
    return _LETTER_RUN_RE.sub(_unmix_run, text)


def _unmix_run(run: re.Match[str]) -> str:
    word = run.group()
    return word.translate(MIXED_WORD_LOOKALIKES) if _MIXED_PAIR_RE.search(word) else word


def cyrillic_view(text: str) -> View | None:
    """Latin words that are transliterated Russian, rewritten in Cyrillic («parol» → «пароль»).

    Words that look like secrets (with digits, or «qwerty»-like) stay as they are,
    and so do English words, which transliterate into nothing Russian.
    """
    if not _ANY_LATIN_RE.search(text) or not _LATIN_HINT_RE.search(text):
        return None
    replacements = []
    prepositions = []
    for m in _LATIN_WORD_RE.finditer(text):
        word = m.group().rstrip("'’")
        if len(word) == 1 and word in _ONE_LETTER_WORDS:
            prepositions.append((m.start(), m.end(), _ONE_LETTER_WORDS[word]))
            continue
        if len(word) < 2 or _SECRET_SHAPE_RE.match(word):
            continue
        cyr = readings(word)[0]
        if not cyr.isalpha() or not ("а" <= cyr[0] <= "я"):
            continue
        if cyr[-1:] == "и" and cyr[-2:-1] in _VOWELS:
            cyr = cyr[:-1] + "й"  # «dai», «moi», «tvoi»: a final «i» after a vowel is «й»
        elif not morphology.is_known(cyr) and _VOWEL_I_RE.search(cyr):
            glided = _VOWEL_I_RE.sub(r"\1й", cyr)  # «zaidi» → «зайди»
            cyr = glided if morphology.is_known(glided) else cyr
        if cyr.startswith(_KEYWORD_STEMS) or morphology.is_known(cyr):
            replacements.append((m.start(), m.end(), cyr + ("ь" if m.group() != word and not cyr.endswith("ь") else "")))
    if not replacements:
        return None
    # One-letter prepositions («zaidi s moego akka») are rewritten only among other rewritten words.
    return _rewrite(text, sorted(replacements + prepositions))


# Numbers in words matter only next to a document, a phone or a code.
_ID_WORDS_RE = re.compile("паспорт|сери|снилс|инн|полис|свидетельств|телефон|номер|мобильн|код|смс|цифр|парол")


ID_WORDS_RE = _ID_WORDS_RE


def digit_view(text: str) -> View | None:
    """Numbers written in words, rewritten as digit groups («сорок пять ноль семь» → «45 0 7»)."""
    if not _ID_WORDS_RE.search(text):
        return None
    matches = list(_NUMBER_WORD_RE.finditer(text))
    if len(matches) < _MIN_NUMBER_WORDS:
        return None
    replacements: list[tuple[int, int, str]] = []
    run: list[re.Match[str]] = []
    for m in matches:
        if run and not _only_separators(text[run[-1].end() : m.start()]):
            _flush(run, replacements)
            run = []
        run.append(m)
    _flush(run, replacements)
    return _rewrite(text, replacements) if replacements else None


def _only_separators(gap: str) -> bool:
    return len(gap) <= 3 and all(ch in " ,-–—" for ch in gap)


def _flush(run: list[re.Match[str]], out: list[tuple[int, int, str]]) -> None:
    """Rewrite a run of number words as digit groups, one group per spoken number.

    «сто двадцать три четыреста пятьдесят шесть» → «123 456»; «четыре пять один
    ноль» → «4 5 1 0»: a word continues the current number only when it is of a
    lower order than the last word (hundreds, then tens or a teen, then units).
    """
    if len(run) < _MIN_NUMBER_WORDS:
        return
    groups: list[int] = []
    last = 0  # order of the last word of the current group: 3 hundreds, 2 tens, 1 teen, 0 units
    for m in run:
        number = _NUMBER_WORDS[m.group()]
        order = _order(number)
        continues = bool(groups) and number != 0 and order < last and not (last == 2 and order == 1)
        if continues:
            groups[-1] += number
        else:
            groups.append(number)
        last = order if order != 1 else -1  # nothing continues a teen («двенадцать»)
    out.append((run[0].start(), run[-1].end(), " ".join(map(str, groups))))


def _order(number: int) -> int:
    if number >= 100:
        return 3
    if number >= 20:
        return 2
    return 1 if number >= 10 else 0
