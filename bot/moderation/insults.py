"""Insults: a pejorative characterising someone else, read from sentence structure.

A pejorative noun (дебил, чмо, мудак) counts unless the sentence shows it is
not aimed at another person: self-reference («я дура»), talking about the
word («слово «дебил»», quotes), titles and names («Иван-дурак», «Козлов»),
negation («ты не дурак»). Words that also have a literal sense (козёл,
тормоз, гнида) and pejorative adjectives (тупой) count only when addressed to
or predicated of a person: «ты …», «эй, овца, …», «X — овца», «она овца».
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.moderation import morphology

SECOND_PERSON = frozenset("ты тебя тебе тобой тобою вы вас вам вами твой твоя твое твои".split())
THIRD_PERSON = frozenset(
    "он она они его ее их него нее них этот эта эти этого этой этих такой такая такие этот тот та те".split()
)
_CALLS = frozenset("эй слышь ну ах ой ты".split())
SELF_WORDS = frozenset("я мы сам сама сами себя себе".split())
# Words showing that a word is discussed rather than used.
META_RE = re.compile(
    r"слов(?:о|а|е|у|ом)\s*[«\"“„]|(?:это|такое|этим|этого) слов|слово [а-я]+ [—–-]|значит|означа|называ|обзыва|обозвал|выражени|ругательств|оскорблени|фразеологизм|синдром|диагноз|термин"
)
# «заткнись», «закрой рот», «завали хлебало».
PHRASE_RE = re.compile(
    r"(?<![а-я])(?:заткни(?:сь|тесь)|завали(?:сь|тесь)|захлопни(?:те)? (?:варежку|пасть|рот|хлебало)|"
    r"(?:закрой(?:те)?|завали(?:те)?) (?:свой |свою )?(?:рот|пасть|варежку|хлебало|ебало|ебальник|хайло)|"
    r"(?:рот|пасть|варежку|хлебало) (?:закрой|завали|захлопни))(?![а-я])"
)


@dataclass(frozen=True, slots=True)
class Word:
    """A token as the insult rules see it."""

    text: str  # normalised token
    start: int  # normalised span
    end: int
    capitalised: bool  # original starts with an upper-case letter, rest not all caps
    quoted: bool  # inside quotation marks in the original
    hyphen_joined: bool  # part of a hyphenated compound («Иван-дурак»)
    followed_by: str  # first non-space character after the word ('' at the end)
    dash_after: bool  # a spaced dash follows («Тимофей — болван»), not a hyphen


def is_insult(words: list[Word], index: int, kind: str) -> bool:
    """Whether the pejorative at `words[index]` insults someone in its sentence.

    `kind` is a lexicon kind, or "expletive" for сука/блядь, which are also
    interjections («сука, ручка потекла») and so need an explicit target.
    """
    word = words[index]
    if word.quoted or word.hyphen_joined:
        return False
    if word.capitalised and (index > 0 or morphology.is_proper_name(word.text)):
        return False  # a name, surname or title: «Козлов», «синдром Дауна»
    before = [w.text for w in words[max(0, index - 4) : index]]
    if before and before[-1] == "не":
        return False
    if META_RE.search(" ".join(w.text for w in words)):
        return False
    addressed = any(w.text in SECOND_PERSON for w in words)
    after = words[index + 1].text if index + 1 < len(words) else ""
    if not addressed and SELF_WORDS.intersection([*before, after]):
        return False
    if kind == "strong":
        return True
    if kind == "expletive":
        # «сука, ты опять…» is an interjection; «ты сука» / «эта сука» / «X — сука» is not.
        near = [*before[-2:], after]
        return bool(SECOND_PERSON.intersection(near) or THIRD_PERSON.intersection(before[-1:])) or _after_dash(words, index)
    if addressed or _after_dash(words, index) or (before and before[-1] in THIRD_PERSON):
        return True
    if before[-2:] == ["у", "нас"]:
        return True  # «Воронцов у нас имбецил»
    return _is_vocative(words, index)


def _is_vocative(words: list[Word], index: int) -> bool:
    """«овца, отдай телефон»: the word opens the sentence and a comma/!/? follows."""
    if words[index].followed_by not in {",", "!", "?", ""}:
        return False
    return index == 0 or (index == 1 and words[0].text in _CALLS)


def _after_dash(words: list[Word], index: int) -> bool:
    """«Тимофей — болван», «родители 6Г — стадо баранов»: a dash just before."""
    return any(words[prev].dash_after for prev in range(max(0, index - 3), index))
