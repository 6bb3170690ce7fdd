"""Cheap gates: which rules can fire on a message at all, read word by word.

Every personal-data, account and transliteration rule needs a digit or one of
a few keyword stems, and every stem lies inside one whitespace-separated word.
So a message is split on whitespace, and each distinct word is mapped once to
a small bit mask of the stems it holds; the masks of a message's words are
OR-ed together; a second mask keeps the bits seen in at least two words
(a phone number written in groups, letters spelled out one by one). Chat
vocabulary repeats a lot, so an ordinary message costs a dictionary lookup per
word, and the regular expressions of a rule run only on messages whose masks
say the rule could match. The gates only skip work: a
rule that runs sees the whole message as before (tests check that the results
with and without the gates are the same).
"""

from __future__ import annotations

import re

from bot.moderation.account_sharing import ACCESS_HINT_RE
from bot.moderation.personal_data import ADDRESS_HINT_RE, REQUEST_HINT_RE, REQUEST_VERB_HINT_RE
from bot.moderation.script_view import ID_WORDS_RE, LATIN_HINT_RE, MIXED_PAIR_RE, NUMBER_WORD_RE, unmixed

DIGIT = 1 << 0
DIGITS4 = 1 << 9  # four digits in a row (dashes, brackets allowed): an identifier, a phone or a code may be here
DIGIT_TAIL = 1 << 11  # the word ends with a digit: a number may go on in the next word («8 916 …»)
DIGIT_HEAD = 1 << 12  # the word starts with a digit (or «+», «(», «-» and a digit)
SEPARATOR = 1 << 13  # «-», «№», «(», «/»: a word a number may run through («8 - 916 - …», «45 10 / 392817»)
REQUEST_VERB = 1 << 14  # a verb or marker of asking («скиньте», «нужны», «у кого», «сюда»)
REQUEST = 1 << 1  # a data noun a request to post data needs («снилс», «адрес», «номер»)
ADDRESS = 1 << 2  # a word of the address rules («кв», «живёт», «ул», «дом»)
ACCESS = 1 << 3  # a word of the account rules («код», «пароль», «акк»)
LATIN = 1 << 4  # a transliterated keyword («parol», «kv»)
NUMBER_WORD = 1 << 5  # a number in words («сорок»)
ID_WORD = 1 << 6  # a word next to which numbers in words matter («паспорт», «телефон»)
# Bits the checker adds from its word scanner (see check.py).
WORDS = 1 << 7  # a word the profanity/insult scanner must look at
LETTER = 1 << 8  # a single letter that is no Russian one-letter word («х», «п»), or letters spelled out inside a word
COMMON_LETTER = 1 << 10  # «а», «в», «и», «к», «о», «с», «у», «я»: spelled-out letters only when two of them stand in a message
MIXED = 1 << 15  # Cyrillic and Latin letters in one word («кoд»): the keyword rules read the unmixed text

PERSONAL_DATA = DIGIT | REQUEST
_DIGIT_RE = re.compile(r"\d")
# The separators a digit group may have inside one word (see personal_data._NUMBER_RE).
_DIGITS4_RE = re.compile(r"\d(?:[\-().№_/]{0,2}\d){3}")
_DIGIT_TAIL_RE = re.compile(r"\d[\-().№_/]{0,2}$")
_DIGIT_HEAD_RE = re.compile(r"^[+\-().№_/]{0,2}\d")
_SEPARATOR_RE = re.compile(r"[\-().№_/]{1,2}")


def numbers_possible(bits: int, twice: int, text: str | None = None, bits_of: dict[str, int] | None = None) -> bool:
    """Whether a number of four or more digits can be in the message.

    Either one word holds four digits, or digit groups stand in neighbouring words,
    a word ending with a digit right before a word starting with one («8 916 257»);
    the last is checked word by word only when the masks cannot rule it out.
    """
    if bits & DIGITS4:
        return True
    if not (twice & DIGIT and bits & DIGIT_TAIL and bits & DIGIT_HEAD):
        return False
    if text is None or bits_of is None:
        return True
    previous = 0
    for word in text.split():
        b = bits_of.get(word, 0)
        if b & DIGIT_HEAD and previous & DIGIT_TAIL:
            return True
        if not b & SEPARATOR:
            previous = b
    return False


def spelled_possible(bits: int, twice: int, text: str | None = None, bits_of: dict[str, int] | None = None) -> bool:
    """Whether letters spelled out one by one («х у й», «п.и.з.д.е.ц») can be in the message.

    A letter that is no Russian one-letter word says yes; one-letter words («и», «в»)
    only when two of them stand next to each other, checked word by word.
    """
    if bits & LETTER:
        return True
    if not twice & COMMON_LETTER:
        return False
    if text is None or bits_of is None:
        return True
    previous = 0
    for word in text.split():
        b = bits_of.get(word, 0)
        if b & previous & COMMON_LETTER:
            return True
        previous = b
    return False


_CACHE_LIMIT = 8192  # the words a chat repeats most fit; memory stays bounded
_cache: dict[str, int] = {}


# A word's hints and the bit each sets.
_WORD_HINTS = ((REQUEST_HINT_RE, REQUEST), (REQUEST_VERB_HINT_RE, REQUEST_VERB), (ADDRESS_HINT_RE, ADDRESS),
               (ACCESS_HINT_RE, ACCESS), (LATIN_HINT_RE, LATIN), (NUMBER_WORD_RE, NUMBER_WORD), (ID_WORDS_RE, ID_WORD))


# One search that fails on most words before the separate ones run.
_ANY_HINT_RE = re.compile(
    "|".join(f"(?:{r.pattern})" for r in (_DIGIT_RE, *(hint for hint, _ in _WORD_HINTS), _SEPARATOR_RE, MIXED_PAIR_RE))
)


def word_bits(word: str) -> int:
    """The rule bits of one whitespace-separated word of a normalised message."""
    if not _ANY_HINT_RE.search(word):
        return 0
    bits = SEPARATOR if _SEPARATOR_RE.fullmatch(word) else 0
    if _DIGIT_RE.search(word):
        bits |= DIGIT
        if _DIGITS4_RE.search(word):
            bits |= DIGITS4
        if _DIGIT_TAIL_RE.search(word):
            bits |= DIGIT_TAIL
        if _DIGIT_HEAD_RE.search(word):
            bits |= DIGIT_HEAD
    for hint, bit in _WORD_HINTS:
        if hint.search(word):
            bits |= bit
    if MIXED_PAIR_RE.search(word):
        plain = unmixed(word)
        if plain != word:
            bits |= MIXED | word_bits(plain)
    return bits


def text_bits(text: str) -> int:
    """The OR of `word_bits` over the words of `text` (cached per word)."""
    cache = _cache
    bits = 0
    for word in text.split():
        b = cache.get(word)
        if b is None:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            b = cache[word] = word_bits(word)
        bits |= b
    return bits
