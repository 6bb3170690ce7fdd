"""Cached access to the pymorphy3 Russian dictionary.

The analyser is the process's one (bot.russian_dictionary); every lookup is memoised because
chat vocabulary repeats a lot and a pymorphy3 parse costs tens of microseconds.
Only tokens that already look suspicious (contain an obscene root or a
pejorative stem, or stand next to one) ever reach this module.
"""

from __future__ import annotations

from functools import lru_cache

from bot.russian_dictionary import analyzer

# Grammemes of proper names: a capitalised word with such a parse is a person or place.
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn"})
_SHORT_OR_COMPARATIVE = frozenset({"ADJS", "COMP", "PRTS"})
# Endings of nouns the dictionary does not know (slang): «жиртрест», «душнила», «дрищ».
_HARD_ENDINGS = ("", "а", "у", "ом", "е", "ы", "и", "ов", "ей", "ам", "ами", "ах")
_A_ENDINGS = ("а", "ы", "и", "е", "у", "ой", "ою", "", "ам", "ами", "ах")


@lru_cache(maxsize=8192)
def is_known(word: str) -> bool:
    return analyzer().word_is_known(word)


@lru_cache(maxsize=8192)
def lemmas(word: str) -> frozenset[str]:
    """Normal forms of all dictionary parses of `word` (ё folded to е)."""
    return frozenset(p.normal_form.replace("ё", "е") for p in analyzer().parse(word))


@lru_cache(maxsize=8192)
def is_proper_name(word: str) -> bool:
    return any(_PROPER & p.tag.grammemes for p in analyzer().parse(word) if p.score >= 0.1)


@lru_cache(maxsize=8192)
def is_first_name(word: str) -> bool:
    return any("Name" in p.tag for p in analyzer().parse(word) if p.score >= 0.1)


_PERSON_NAME = frozenset({"Name", "Surn", "Patr"})


@lru_cache(maxsize=8192)
def is_person_name(word: str, min_score: float = 0.03) -> bool:
    """A first name, surname or patronymic in any case («Вики», «Кузнецовых», «Петровны»).

    Chats are often written in lower case, so the threshold is low; words that
    are mostly ordinary nouns («мира», «дома») have no such parse at all.
    """
    if not word.isalpha():
        return False
    return any(_PERSON_NAME & p.tag.grammemes for p in analyzer().parse(word) if p.score >= min_score)


@lru_cache(maxsize=4096)
def is_place_name(word: str) -> bool:
    """A town or a region («Москва», «Казань», «Твери»)."""
    return word.isalpha() and any("Geox" in p.tag for p in analyzer().parse(word) if p.score >= 0.1)


@lru_cache(maxsize=8192)
def is_imperative_or_second(word: str) -> bool:
    """«отдай», «подвинься», «верните», «идёшь»: a verb addressed to someone."""
    if not word.isalpha():
        return False
    return any(("impr" in p.tag or "2per" in p.tag) and p.tag.POS == "VERB" for p in analyzer().parse(word) if p.score >= 0.1)


@lru_cache(maxsize=8192)
def verb_moods(word: str) -> frozenset[str]:
    """Moods and persons of the likely verb parses of `word` (e.g. {"impr"} for «проверьте»)."""
    if not word.isalpha():
        return frozenset()
    out: set[str] = set()
    for p in analyzer().parse(word):
        if p.score >= 0.1 and p.tag.POS == "VERB":
            out |= {g for g in ("impr", "indc", "1per", "2per", "3per") if g in p.tag}
    return frozenset(out)


@lru_cache(maxsize=8192)
def pos_tags(word: str) -> frozenset[str]:
    """Parts of speech of the likely parses of `word` (e.g. {"ADJF", "NOUN"})."""
    return frozenset(str(p.tag.POS) for p in analyzer().parse(word) if p.score >= 0.1)


@lru_cache(maxsize=8192)
def is_animate_noun(word: str) -> bool:
    return any(p.tag.POS == "NOUN" and "anim" in p.tag for p in analyzer().parse(word) if p.score >= 0.1)


@lru_cache(maxsize=8192)
def is_plural_thing(word: str) -> bool:
    """«пробки», «брёвна»: an inanimate noun that is not in the nominative singular, so not a call to
    someone (a thing is called in the singular: «бревно, ты опять…»)."""
    parses = [p for p in analyzer().parse(word) if p.score >= 0.1]
    return bool(parses) and all(
        p.tag.POS == "NOUN" and "inan" in p.tag and not ("nomn" in p.tag and "sing" in p.tag) for p in parses
    )


_OTHER_POS = frozenset({"NUMR", "VERB", "INFN", "PREP", "CONJ", "PRCL", "NPRO", "ADVB", "PRED", "INTJ", "GRND"})


def mostly_other_word(form: str) -> bool:
    """Whether a likely parse of `form` is a numeral, verb, adverb or function word."""
    if not is_known(form):
        return False  # a guessed parse says nothing about other words
    return any(p.tag.POS in _OTHER_POS for p in analyzer().parse(form) if p.score >= 0.2)


def lexeme_forms(lemma: str, *, full_only: bool = False) -> frozenset[str]:
    """All inflected forms of `lemma` (used at load time for word lists)."""
    forms = {lemma}
    found = False
    for parse in analyzer().parse(lemma):
        if parse.normal_form.replace("ё", "е") != lemma:
            continue
        found = True
        for form in parse.lexeme:
            if full_only and _SHORT_OR_COMPARATIVE & form.tag.grammemes:
                continue
            forms.add(form.word.replace("ё", "е"))
    if not found:
        forms |= _guess_noun_forms(lemma)
    return frozenset(forms)


_HARD_ADJECTIVE_ENDINGS = ("ый", "ая", "ое", "ые", "ого", "ой", "ому", "ым", "ом", "ую", "ых", "ыми", "ою")
_VELAR_ADJECTIVE_ENDINGS = ("ий", "ая", "ое", "ие", "ого", "ой", "ому", "им", "ом", "ую", "их", "ими", "ою")
_SOFT_ADJECTIVE_ENDINGS = ("ий", "ая", "ее", "ие", "его", "ей", "ему", "им", "ем", "ую", "их", "ими", "ею")


def _guess_noun_forms(lemma: str) -> set[str]:
    """Case forms of a noun (or an adjective, «отмороженный») the dictionary does not know, by its ending."""
    if lemma.endswith(("ый", "ой")) and len(lemma) > 4:
        return {lemma[:-2] + e for e in _HARD_ADJECTIVE_ENDINGS}
    if lemma.endswith("ий") and len(lemma) > 4:
        endings = _VELAR_ADJECTIVE_ENDINGS if lemma[-3] in "гкх" else _SOFT_ADJECTIVE_ENDINGS
        return {lemma[:-2] + e for e in endings}
    if lemma.endswith(("а", "я")):
        stem = lemma[:-1]
        return {stem + e for e in _A_ENDINGS}
    if lemma.endswith(("ь", "й")):
        stem = lemma[:-1]
        return {stem + e for e in ("я", "ю", "ем", "е", "и", "ей", "ям", "ями", "ях")}
    if lemma[-1:] in "бвгджзклмнпрстфхцчшщ":
        return {lemma + e for e in _HARD_ENDINGS}
    return set()
