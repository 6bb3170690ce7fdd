"""Russian grammar for texts about people: names in the case a sentence needs, gendered past tenses,
numbers with their nouns. Pure (pymorphy3's dictionary is data, loaded once).

Names come from the platforms' profiles («Имя Фамилия») or from parents («Фамилия Имя»), so each
word is recognised for what it is: a first name or a patronymic the dictionary knows is declined
by the dictionary; surnames follow the rules of Russian grammar, which depend on the person's
gender (Иванов → у Иванова, Иванова → у Ивановой, Смит → у Смита but у Анны Смит). When neither
the profile nor the name tells the gender and the form depends on it, `decline_name` says so
(None) and `name_in` falls back to a declined noun with the name in apposition: «у участника
Ли Вэй» — always grammatical, never «(а)».
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from bot.port.gateway import Gender
from bot.russian_dictionary import analyzer


class Case(StrEnum):
    """Grammatical cases, named as pymorphy3 names them."""

    NOMN = "nomn"  # кто: Петя Иванов
    GENT = "gent"  # у кого: у Пети Иванова
    DATV = "datv"  # кому: Пете Иванову
    ACCS = "accs"  # кого: исключить Петю Иванова
    ABLT = "ablt"  # с кем: с Петей Ивановым
    LOCT = "loct"  # о ком: о Пете Иванове


_CASES = (Case.GENT, Case.DATV, Case.ACCS, Case.ABLT, Case.LOCT)
_WORD = re.compile(r"^[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*$")
_VOWELS = set("аеёиоуыэюя")
_HUSHING = set("жшщчц")
_VELAR_OR_HUSHING = set("гкхжшщч")
_INDECLINABLE_ENDINGS = ("о", "е", "э", "и", "ы", "у", "ю", "их", "ых")
_MALE_SURNAME_ENDINGS = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ской", "цкой", "ый", "ой")
_FEMALE_SURNAME_ENDINGS = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")




class _Kind(StrEnum):
    FIRST = "first"
    PATRONYMIC = "patronymic"
    SURNAME = "surname"


# --- gender -------------------------------------------------------------------------------------


def infer_gender(name: str, known: Gender = Gender.UNKNOWN) -> Gender:
    """The profile's gender when it has one; otherwise what the name says (or UNKNOWN).

    A first name the dictionary knows decides («Мария», «Игорь»; «Саша» does not); then a
    patronymic («…вич», «…вна»); then a Russian surname's ending («Иванова», «Толстой»).
    """
    if known is not Gender.UNKNOWN:
        return known
    words = _words(name)
    if words is None:
        return Gender.UNKNOWN
    kinds = _kinds(tuple(words))
    for word, kind in zip(words, kinds, strict=True):
        if kind is _Kind.FIRST:
            gender = _first_name_gender(word)
            if gender is not Gender.UNKNOWN:
                return gender
    for word, kind in zip(words, kinds, strict=True):
        if kind is _Kind.PATRONYMIC:
            return Gender.FEMALE if word.lower().endswith("на") else Gender.MALE
    for word, kind in zip(words, kinds, strict=True):
        lower = word.lower().split("-")[-1]
        if kind is _Kind.SURNAME:
            if lower.endswith(_FEMALE_SURNAME_ENDINGS):
                return Gender.FEMALE
            if lower.endswith(_MALE_SURNAME_ENDINGS):
                return Gender.MALE
    return Gender.UNKNOWN


# --- declension ---------------------------------------------------------------------------------


def decline_name(name: str, case: Case, gender: Gender = Gender.UNKNOWN) -> str | None:
    """«Петя Иванов» in `case` («Пети Иванова»); None when unsure (no gender where one is needed,
    Latin letters, digits, more than four words)."""
    words = _words(name)
    if words is None:
        return None
    if case is Case.NOMN:
        return " ".join(words)
    gender = infer_gender(name, gender)
    kinds = _kinds(tuple(words))
    declined = [_decline_word(word, kind, case, gender) for word, kind in zip(words, kinds, strict=True)]
    if any(word is None for word in declined):
        return None
    return " ".join(word for word in declined if word is not None)


def name_in(name: str, case: Case, gender: Gender = Gender.UNKNOWN, *, noun: str = "участник") -> str:
    """The name in `case`, or — when it cannot be declined surely — `noun` in that case with the
    name as it is: «у участника Ли Вэй», «у участника без имени»."""
    shown = name.strip() or "без имени"
    declined = decline_name(shown, case, gender)
    if declined is not None:
        return declined
    return f"{decline_word(noun, case)} {shown}"


@lru_cache(maxsize=2_000)
def decline_word(word: str, case: Case) -> str:
    """A common noun or adjective in `case` («участник» → «участника»); unchanged if unknown."""
    if case is Case.NOMN:
        return word
    for parse in analyzer().parse(word):
        if "nomn" in parse.tag and parse.tag.POS in ("NOUN", "ADJF"):
            inflected = parse.inflect({case.value})
            if inflected is not None:
                return _like(word, inflected.word)
    return word


def _words(name: str) -> list[str] | None:
    words = name.split()
    if not 1 <= len(words) <= 4 or not all(_WORD.match(word) for word in words):
        return None
    return words


@lru_cache(maxsize=4096)
def _kinds(words: tuple[str, ...]) -> tuple[_Kind, ...]:
    """What each word of a name is. A word that may be a first name or a surname («Ким») is a
    surname when another word is surely a first name («Саша Ким»)."""
    found = [_grammemes(word) for word in words]
    sure_name = any("Name" in g and "Surn" not in g for g in found)
    kinds = []
    for grammemes in found:
        if "Name" in grammemes and not (sure_name and "Surn" in grammemes):
            kinds.append(_Kind.FIRST)
        elif "Patr" in grammemes:
            kinds.append(_Kind.PATRONYMIC)
        else:
            kinds.append(_Kind.SURNAME)
    if sure_name:  # one first name: another word the dictionary also calls a name is the surname
        first = kinds.index(_Kind.FIRST)
        kinds = [k if k is not _Kind.FIRST or i == first else _Kind.SURNAME for i, k in enumerate(kinds)]
    return tuple(kinds)


@lru_cache(maxsize=4096)
def _grammemes(word: str) -> frozenset[str]:
    """Name, Surn, Patr: what the dictionary says a word in the nominative singular may be."""
    found: set[str] = set()
    for part in word.split("-"):
        for parse in analyzer().parse(part.lower()):
            if parse.score < 0.05 or "nomn" not in parse.tag or "plur" in parse.tag:
                continue
            found |= {"Name", "Surn", "Patr"} & set(parse.tag.grammemes)
        if found:
            break
    return frozenset(found)


def _name_parses(word: str, grammeme: str) -> list[object]:
    return [p for p in analyzer().parse(word.lower())
            if grammeme in p.tag and "nomn" in p.tag and "plur" not in p.tag]


@lru_cache(maxsize=4096)
def _first_name_gender(word: str) -> Gender:
    genders = set()
    for part in word.split("-"):
        for parse in _name_parses(part, "Name"):
            tag = parse.tag  # type: ignore[attr-defined]
            if "ms-f" in tag:
                genders.add(Gender.UNKNOWN)
            elif "femn" in tag:
                genders.add(Gender.FEMALE)
            elif "masc" in tag:
                genders.add(Gender.MALE)
        if genders:
            break  # the first part of «Анна-Мария» decides
    known = genders - {Gender.UNKNOWN}
    return known.pop() if len(known) == 1 else Gender.UNKNOWN


def _decline_word(word: str, kind: _Kind, case: Case, gender: Gender) -> str | None:
    parts = word.split("-")
    declined = [_decline_part(part, case, gender, kind) for part in parts]
    if any(part is None for part in declined):
        return None
    return "-".join(part for part in declined if part is not None)


@lru_cache(maxsize=4096)
def _decline_part(part: str, case: Case, gender: Gender, kind: _Kind) -> str | None:
    if kind is not _Kind.SURNAME:
        by_dictionary = _by_dictionary(part, case, gender, "Name" if kind is _Kind.FIRST else "Patr")
        if by_dictionary is not None:
            return by_dictionary
        return _first_name_by_rules(part, case, gender)
    return _surname_by_rules(part, case, gender)


def _by_dictionary(part: str, case: Case, gender: Gender, grammeme: str) -> str | None:
    wanted = {Gender.MALE: "masc", Gender.FEMALE: "femn"}.get(gender)
    parses = _name_parses(part, grammeme)
    if not parses:
        return None
    fitting = [p for p in parses if wanted is None or wanted in p.tag or "ms-f" in p.tag]  # type: ignore[attr-defined]
    if not fitting:
        return None
    inflected = fitting[0].inflect({case.value})  # type: ignore[attr-defined]
    return _like(part, inflected.word) if inflected is not None else None


def _first_name_by_rules(part: str, case: Case, gender: Gender) -> str | None:
    """A first name the dictionary does not know («Аделина», «Джейден», «Ирэн»)."""
    lower = part.lower()
    if lower.endswith(("а", "я")):
        return _like(part, _first_declension(lower, case))
    if lower[-1] in _VOWELS:
        return part  # «Рене», «Тимо»: not declined
    if gender is Gender.FEMALE:
        return part  # «Ирэн», «Кармен»
    if gender is Gender.MALE:
        return _like(part, _second_declension(lower, case))
    return None


def _surname_by_rules(part: str, case: Case, gender: Gender) -> str | None:
    lower = part.lower()
    if lower.endswith(_INDECLINABLE_ENDINGS) or len(lower) < 2:
        return part  # Шевченко, Черных, Гюго, Ли
    if gender is Gender.UNKNOWN:
        return None
    if gender is Gender.FEMALE:
        if lower.endswith(("ова", "ева", "ёва", "ина", "ына")):
            return _like(part, lower[:-1] + ("у" if case is Case.ACCS else "ой"))
        if lower.endswith("ая"):
            return _like(part, lower[:-2] + ("ую" if case is Case.ACCS else "ой"))
        if lower.endswith("яя"):
            return _like(part, lower[:-2] + ("юю" if case is Case.ACCS else "ей"))
        if lower.endswith(("а", "я")):
            return _like(part, _first_declension(lower, case))
        return part  # Анна Смит, Мария Ким: a woman's surname on a consonant is not declined
    if lower.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return _like(part, lower + {Case.GENT: "а", Case.DATV: "у", Case.ACCS: "а", Case.ABLT: "ым",
                                    Case.LOCT: "е"}[case])
    if lower.endswith(("ий", "ый", "ой")):
        stem = lower[:-2]
        soft = stem[-1:] in _VELAR_OR_HUSHING
        ending = {Case.GENT: "ого", Case.DATV: "ому", Case.ACCS: "ого", Case.ABLT: "им" if soft else "ым",
                  Case.LOCT: "ом"}[case]
        return _like(part, stem + ending)
    if lower.endswith(("а", "я")):
        return _like(part, _first_declension(lower, case))
    return _like(part, _second_declension(lower, case))


def _first_declension(lower: str, case: Case) -> str:
    """Nouns in -а/-я: Маша, Илья, Мария, Окуджава."""
    stem, last = lower[:-1], lower[-1]
    soft = last == "я"
    if lower.endswith("ия"):
        return stem + {Case.GENT: "и", Case.DATV: "и", Case.ACCS: "ю", Case.ABLT: "ей", Case.LOCT: "и"}[case]
    after = stem[-1:]
    gent = "и" if soft or after in _VELAR_OR_HUSHING else "ы"
    ablt = "ей" if soft or after in _HUSHING else "ой"
    return stem + {Case.GENT: gent, Case.DATV: "е", Case.ACCS: "ю" if soft else "у", Case.ABLT: ablt,
                   Case.LOCT: "е"}[case]


def _second_declension(lower: str, case: Case) -> str:
    """Men's names and surnames on a consonant: Джон, Смит, Гоголь, Гайдай."""
    if lower.endswith(("й", "ь")):
        stem = lower[:-1]
        return stem + {Case.GENT: "я", Case.DATV: "ю", Case.ACCS: "я", Case.ABLT: "ем", Case.LOCT: "е"}[case]
    ablt = "ем" if lower[-1] in _HUSHING else "ом"
    return lower + {Case.GENT: "а", Case.DATV: "у", Case.ACCS: "а", Case.ABLT: ablt, Case.LOCT: "е"}[case]


def _like(original: str, word: str) -> str:
    """`word` with the capitalisation of `original` («Петя» → «Пети»)."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# --- verbs and numbers --------------------------------------------------------------------------


def gendered(gender: Gender, male: str, female: str, neutral: str) -> str:
    """«пожаловался» / «пожаловалась», or a construction that needs no gender when it is unknown."""
    if gender is Gender.MALE:
        return male
    if gender is Gender.FEMALE:
        return female
    return neutral


def plural(count: int, one: str, few: str, many: str) -> str:
    """«1 сообщение», «3 сообщения», «5 сообщений»."""
    tens, ones = count % 100, count % 10
    if ones == 1 and tens != 11:
        word = one
    elif 2 <= ones <= 4 and not 12 <= tens <= 14:
        word = few
    else:
        word = many
    return f"{count} {word}"


def all_cases() -> tuple[Case, ...]:
    """The cases a name is declined in (the nominative is the name itself)."""
    return _CASES
