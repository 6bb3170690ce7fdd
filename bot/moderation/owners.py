"""Whose data it is: the person named next to a phone number, an address or an account.

The personal-data and account rules read the few words around a keyword
(«номер», «телефон», «адрес», «пароль») to tell someone else's data
(«номер Вики», «телефон её мамы», «Катин адрес», «адрес Кузнецовых», «пароль
у Вани») from one's own («мой номер», «наш адрес») and from things that are
no person at all («номер кабинета», «адрес школы», «код задачи»).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.moderation import morphology

# Family, friends and other private people, in any case form.
_KIN_RE = re.compile(
    r"^(?:мам(?:а|ы|е|у|ой|очк\w*|ул\w*|ин\w*|к[аиеу])?|пап(?:а|ы|е|у|ой|очк\w*|ин\w*|к[аиеу])?|"
    r"бабуш\w*|бабул\w*|баб(?:а|ы|е|у)|дедуш\w*|дед(?:а|у|ом|е|ов\w*)?|"
    r"брат(?:а|у|ом|е|ишк\w*|ик\w*|ья|ьев|ьям)?|сестр(?:а|ы|е|у|ой|енк\w*|ичк\w*)|"
    r"тет(?:я|и|е|ю|ей|ушк\w*)|дяд(?:я|и|е|ю|ей|юшк\w*)|сын(?:а|у|ом|е|ок|ка|ку|ишк\w*|овей|овья)?|"
    r"доч(?:ь|ка|ки|ке|ку|ери|ерью|ерей|урк\w*)|муж(?:а|у|ем|е)?|жен(?:а|ы|е|у|ой)|"
    r"подруг(?:а|и|е|у|ой)|друг(?:а|у|ом|е)?|друз(?:ья|ей|ьям)|сосед\w*|одноклассни\w*|"
    r"репетитор\w*|нян(?:я|и|е|ю|ей|ечк\w*)|крестн\w*|от(?:ец|ца|цу|цом|це)|отчим\w*|мачех\w*|"
    r"родител\w*|ребен\w*|ребят\w*|дет(?:и|ей|ям|ьми|ях)|внук\w*|внучк\w*|племянни\w*|"
    r"женщин\w*|мужчин\w*|девушк\w*|парн(?:я|ю|ем|е|и|ей)|"
    # A teacher or a coach is a private person too: their own mobile is not the school's number.
    r"учител(?:ь|я|ю|ем|е|и|ей|ям|ями|ях)|учительниц\w*|физрук\w*|трудовик\w*|тренер\w*|вожат\w*|воспитател\w*|"
    r"классух\w*|классрук\w*)$"
)
THIRD_PERSON_POSSESSIVE = frozenset({"его", "ее", "их", "него", "нее", "них", "ему", "ей", "им", "нему", "ней", "ним"})
# Possessives of the speaker: «мой номер», «наш адрес».
OWN_WORDS = frozenset({"мой", "моя", "мое", "мои", "наш", "наша", "наше", "наши"})
# «Катин», «Сонина», «Дашиной»: possessive adjectives made from first names.
_NAME_POSSESSIVE_RE = re.compile(r"^([а-я]{2,}?)(?:ин|ина|ино|ину|иной|иного|иному|ины|иных|иным|иными)$")


# A capitalised word inside a sentence (after a word or a comma, not at the start of a sentence).
_CAPITALISED_RE = re.compile(r"(?<=[^\s.!?…«\"„“(\[]\s)[A-ZА-ЯЁ][a-zа-яё]+")


@lru_cache(maxsize=512)
def capitalised_words(original: str) -> frozenset[str]:
    """Normalised forms of the words written with a capital letter inside a sentence of the original message."""
    return frozenset(w.lower().replace("ё", "е") for w in _CAPITALISED_RE.findall(original))


@lru_cache(maxsize=4096)
def is_person_word(word: str, capitalised: bool = False) -> bool:
    """Whether `word` (normalised) names a private person or points at one («её», «мамы», «Вики»).

    A capitalised word counts with any name reading («Кости»), a lower-case one
    only when the name reading is not rare («саньки», but not «темы»).
    """
    if word in THIRD_PERSON_POSSESSIVE or _KIN_RE.match(word):
        return True
    if len(word) < 3 or not word.isalpha():
        return False
    if morphology.is_person_name(word, 0.0 if capitalised else 0.03):
        return True
    m = _NAME_POSSESSIVE_RE.match(word)
    return m is not None and any(morphology.is_person_name(m.group(1) + end) for end in ("а", "я"))


def is_possessive_of_person(word: str) -> bool:
    """«её», «их», «Катин», «мамин», «бабушкиного»: a word saying whose, made from a person."""
    if word in ("его", "ее", "их"):
        return True
    m = _NAME_POSSESSIVE_RE.match(word)
    return m is not None and any(is_person_word(m.group(1) + end) for end in ("а", "я"))
