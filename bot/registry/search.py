"""Find registry services by what people actually type on a phone.

A query is cut into chunks (whitespace-separated). Each chunk becomes one *slot* with a few
spellings: as typed, transliterated (`fipi` → `фипи`), and retyped in the other keyboard
layout (`ашзш` → `fipi`). Every spelling is lemmatised with pymorphy3 and looked up in an
index of the services' names, abbreviations, keywords and web addresses, exactly first and
with a small number of typos (rapidfuzz OSA distance) when that fails.

A service scores by its best-covered *alias* (a name, abbreviation or keyword phrase): the
share of the alias's words, weighted by how rare each word is across services, that the query
matched. Other query words that hit the service add a little. Services under a threshold are
dropped, so small talk («как дела») finds nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.registry.model import Registry, Service
from bot.russian_dictionary import analyzer

MAX_QUERY_CHARS = 256  # longer messages are not registry questions; cut to keep search fast
MAX_WORDS = 16  # a registry question is a few words; the rest of a long message is ignored
MAX_WORD_LEN = 32  # no indexed word is longer; longer "words" are junk
THRESHOLD = 0.65  # tuned on tests/data: legit queries score ≥ 0.78, small talk ≤ 0.5
MAX_GAP = 0.25  # runners-up much weaker than the best are noise («школа» in «РЭШ» vs «Моя школа»)
EXTRA_WEIGHT = 0.1  # how much query words outside the best alias add

# Lower-quality spellings of a chunk: prefer the word as typed when it matches too.
_AS_TYPED, _TRANSLIT, _LAYOUT, _LAYOUT_TRANSLIT = 1.0, 0.95, 0.9, 0.85

# How much a fully covered alias of each kind is worth.
_KIND_NAME, _KIND_KEYWORD, _KIND_HOST, _KIND_HOST_EXTRA = 1.0, 0.95, 0.9, 0.5
_DESCRIPTION_WEIGHT = 0.5
# «Моя» in «Моя школа» is a rare word in the registry but a common one in chats («мой сын …»).
_PRONOUN_WEIGHT = 0.6

# Words that carry no meaning for choosing a service, as matching keys (lower case, ё/э → е).
# They are dropped from queries and from aliases alike, so an alias never needs one to match.
_STOP_WORDS = frozenset(
    """
    где как что чем чего такое такой это этот эта кто какой какая какие куда зачем почему
    сайт сайта ссылка ссылку найти искать скачать мне меня я мы нам вы вам ты тебе нужен
    нужна нужно нужный надо можно мочь хотеть хочу подсказать подскажите пожалуйста пж плиз
    посмотреть смотреть зайти войти открыть скинуть скиньте дать дайте получить есть быть
    там тут здесь вот еще уже тоже же ли бы не ни да нет и или а но в во на по для о об
    обо от с со к ко у из за до про при под над без через его ее их он она они оно весь все
    вообще также если то привет здравствуйте добрый день спасибо помочь помогите
    сервис портал платформа страница официальный адрес бот
    www http https html ru edu com org net
    """.split()
)

_LAT_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,./`{}:\"<>?~"
_CYR_KEYS = "йцукенгшщзхъфывапролджэячсмитьбю.ехъжэбю,е"
_TO_CYRILLIC_LAYOUT = str.maketrans(_LAT_KEYS, _CYR_KEYS)
_TO_LATIN_LAYOUT = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`")

_LATIN_TO_CYRILLIC = {
    "shch": "щ", "sch": "щ", "zh": "ж", "kh": "х", "ts": "ц", "tz": "ц", "ch": "ч", "sh": "ш",
    "yo": "е", "yu": "ю", "ya": "я", "ye": "е", "ju": "ю", "ja": "я", "jo": "е", "ia": "я",
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "j": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
    "u": "у", "f": "ф", "h": "х", "c": "к", "w": "в", "x": "кс", "q": "к",
}  # fmt: skip
_TRANSLIT_RE = re.compile("|".join(sorted(_LATIN_TO_CYRILLIC, key=len, reverse=True)) + "|y")
_VOWELS = frozenset("aeiouy")
_WORD_RE = re.compile(r"[а-яё]+|[a-z]+")


@dataclass(frozen=True, slots=True)
class Match:
    """A service found for a query; `score` is in (0, 1], higher is better."""

    service: Service
    score: float


@dataclass(frozen=True, slots=True)
class _Alias:
    service: int  # position in the registry
    words: tuple[str, ...]
    weights: tuple[float, ...]  # rarity of each word across services
    total: float  # sum of weights
    value: float  # what full coverage is worth (by kind)


# --- text normalisation ------------------------------------------------------------------


def _clean(text: str) -> str:
    """Case, compatibility forms (full-width letters …) and ё folded away."""
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е")


def _key(word: str) -> str:
    # People write РЭШ/РЕШ and ОГЭ/ОГЕ interchangeably; matching ignores the difference.
    return word.replace("ё", "е").replace("э", "е")


@lru_cache(maxsize=16384)
def _lemma(word: str) -> str:
    """The dictionary form of a Cyrillic word (best guess for unknown words)."""
    return _key(analyzer().parse(word)[0].normal_form)


@lru_cache(maxsize=4096)
def _is_pronoun(lemma: str) -> bool:
    tag = analyzer().parse(lemma)[0].tag
    return tag.POS == "NPRO" or "Apro" in tag


@lru_cache(maxsize=16384)
def _is_known(word: str) -> bool:
    return bool(analyzer().word_is_known(word))


def _transliterate(word: str) -> str:
    """Latin → Cyrillic the way people spell Russian in Latin letters (bilet v budushchee)."""

    def one(found: re.Match[str]) -> str:
        text = found.group()
        if text != "y":
            return _LATIN_TO_CYRILLIC[text]
        before = word[found.start() - 1] if found.start() else ""
        return "й" if before in _VOWELS else "ы"

    return _TRANSLIT_RE.sub(one, word)


def _words(text: str) -> list[str]:
    # One-letter words are prepositions or noise; over-long ones are junk.
    return [w for w in _WORD_RE.findall(text) if 1 < len(w) <= MAX_WORD_LEN]


def _is_cyrillic(word: str) -> bool:
    return not word.isascii()


def _best_hits(slots: list[dict[str, float]]) -> dict[str, tuple[float, int]]:
    """Each canonical word the query hit: the best similarity and the slot that gave it."""
    best: dict[str, tuple[float, int]] = {}
    for index, slot in enumerate(slots):
        for word, similarity in slot.items():
            if similarity > best.get(word, (0.0, -1))[0]:
                best[word] = (similarity, index)
    return best


def _fuzzy_budget(word: str) -> int:
    """Typos tolerated: none in short words and abbreviations, more in long words."""
    size = len(word)
    return 0 if size <= 3 else 1 if size <= 7 else 2 if size <= 11 else 3


# --- the index ---------------------------------------------------------------------------


class RegistrySearch:
    """Search over one registry; the index is built once, queries are cheap."""

    def __init__(self, registry: Registry) -> None:
        self._services = registry.services
        self._forms: dict[str, set[str]] = {}  # spelling → canonical words
        alias_words = [list(self._service_aliases(s)) for s in self._services]
        document_freq: dict[str, int] = {}
        for aliases in alias_words:
            for word in {w for _, words in aliases for w in words}:
                document_freq[word] = document_freq.get(word, 0) + 1
        total = len(self._services)
        self._rarity = {w: self._rarity_of(w, n, total) for w, n in document_freq.items()}
        self._aliases_of_word: dict[str, list[_Alias]] = {}
        for index, aliases in enumerate(alias_words):
            for value, words in aliases:
                alias = self._alias(index, words, value)
                for word in words:
                    self._aliases_of_word.setdefault(word, []).append(alias)
        self._word_weight = [self._weights(s, aliases) for s, aliases in zip(self._services, alias_words, strict=True)]
        self._cyrillic_forms = sorted(f for f in self._forms if _is_cyrillic(f))
        # Guessing the lemma of an unknown word is pymorphy's slow path (~0.2 ms); only worth it
        # when the word could be an inflection of something indexed.
        self._prefixes = frozenset(f[:2] for f in self._cyrillic_forms)
        self._latin_forms = sorted(f for f in self._forms if not _is_cyrillic(f))

    @staticmethod
    def _rarity_of(word: str, services_with_word: int, total: int) -> float:
        weight = math.log(1 + total / services_with_word)
        return weight * _PRONOUN_WEIGHT if _is_cyrillic(word) and _is_pronoun(word) else weight

    def _canonical(self, text: str) -> tuple[str, ...]:
        """Meaningful words of an index phrase, as lemmas; every spelling is remembered."""
        result: list[str] = []
        for word in _words(_clean(text)):
            canonical = _lemma(word) if _is_cyrillic(word) else word
            if _key(word) in _STOP_WORDS or canonical in _STOP_WORDS:
                continue
            for form in {_key(word), canonical}:
                self._forms.setdefault(form, set()).add(canonical)
            result.append(canonical)
        return tuple(dict.fromkeys(result))

    def _service_aliases(self, service: Service) -> Iterator[tuple[float, tuple[str, ...]]]:
        for phrase in (service.name, service.short, *service.abbreviations):
            yield _KIND_NAME, self._canonical(phrase)
        for phrase in service.keywords:
            yield _KIND_KEYWORD, self._canonical(phrase)
        parts = urlsplit(service.url)
        labels = [label for label in (parts.hostname or "").split(".") if label not in _STOP_WORDS]
        path = [p for p in parts.path.split("/") if p.isalpha()]
        for position, label in enumerate(labels + path):
            words = self._canonical(label)
            if words:
                yield (_KIND_HOST if position == 0 else _KIND_HOST_EXTRA), words

    def _alias(self, service: int, words: tuple[str, ...], value: float) -> _Alias:
        weights = tuple(self._rarity[w] for w in words)
        return _Alias(service, words, weights, sum(weights), value)

    def _weights(self, service: Service, aliases: list[tuple[float, tuple[str, ...]]]) -> dict[str, float]:
        weights = dict.fromkeys(self._canonical(service.description), _DESCRIPTION_WEIGHT)
        for value, words in aliases:
            for word in words:
                weights[word] = max(weights.get(word, 0.0), value)
        return weights

    # --- querying --------------------------------------------------------------------------

    def search(self, query: str, limit: int = 3) -> list[Match]:
        """Services matching `query`, best first; [] when nothing matches well."""
        if limit <= 0 or not query:
            return []
        slots = [slot for slot in map(self._slot, self._chunks(query)) if slot]
        tops = self._best_aliases(_best_hits(slots))
        scored = [(top + EXTRA_WEIGHT * self._extra(i, slots, used), i) for i, (top, used) in tops.items()]
        good = sorted((p for p in scored if p[0] >= THRESHOLD), key=lambda p: (-p[0], self._services[p[1]].number))
        floor = good[0][0] - MAX_GAP if good else 0.0
        return [Match(self._services[i], round(min(score, 1.0), 3)) for score, i in good[:limit] if score >= floor]

    def _best_aliases(self, best: dict[str, tuple[float, int]]) -> dict[int, tuple[float, frozenset[int]]]:
        """For each service touched by the query: its best alias coverage and the slots it used."""
        tops: dict[int, tuple[float, frozenset[int]]] = {}
        for alias in {a for word in best for a in self._aliases_of_word.get(word, ())}:
            value, used = self._coverage(alias, best)
            if value > tops.get(alias.service, (0.0, frozenset()))[0]:
                tops[alias.service] = (value, used)
        return tops

    @staticmethod
    def _chunks(query: str) -> Iterator[str]:
        """Whitespace-separated pieces of the query, within the word budget."""
        budget = MAX_WORDS
        for chunk in _clean(query[:MAX_QUERY_CHARS]).split():
            budget -= max(1, len(_WORD_RE.findall(chunk)))
            if budget < 0:
                return
            yield chunk

    def _slot(self, chunk: str) -> dict[str, float]:
        """Canonical words one chunk may mean, with similarity × spelling confidence."""
        found: dict[str, float] = {}
        typed = _words(chunk)
        if len(typed) == 1 and _key(typed[0]) in _STOP_WORDS:
            return found  # «где» must not come back as «ult» in the other layout
        for words, confidence in self._spellings(chunk, typed):
            for word in words:
                for canonical, similarity in self._lookup(word).items():
                    found[canonical] = max(found.get(canonical, 0.0), similarity * confidence)
        return found

    def _spellings(self, chunk: str, typed: list[str]) -> Iterator[tuple[list[str], float]]:
        yield typed, _AS_TYPED
        latin = [w for w in typed if not _is_cyrillic(w)]
        if latin:
            yield [_transliterate(w) for w in latin], _TRANSLIT
            yield _words(chunk.translate(_TO_CYRILLIC_LAYOUT)), _LAYOUT
        strange = [w for w in typed if _is_cyrillic(w) and not _is_known(w) and _key(w) not in self._forms]
        if strange:
            retyped = _words(" ".join(strange).translate(_TO_LATIN_LAYOUT))
            yield retyped, _LAYOUT
            yield [_transliterate(w) for w in retyped], _LAYOUT_TRANSLIT

    def _lookup(self, word: str) -> dict[str, float]:
        """Canonical index words for one query word: exact spellings first, then typos."""
        key = _key(word)
        forms = [key]
        if _is_cyrillic(word) and (key[:2] in self._prefixes or _is_known(word)):
            forms.append(_lemma(word))
        if any(f in _STOP_WORDS for f in forms):
            return {}
        exact = {c: 1.0 for f in forms for c in self._forms.get(f, ())}
        if exact:
            return exact
        return self._fuzzy(forms, self._cyrillic_forms if _is_cyrillic(word) else self._latin_forms)

    def _fuzzy(self, forms: list[str], choices: list[str]) -> dict[str, float]:
        found: dict[str, float] = {}
        for form in forms:
            budget = _fuzzy_budget(form)
            if not budget:
                continue
            hits = process.extract(form, choices, scorer=OSA.distance, score_cutoff=budget, limit=None)
            for choice, distance, _ in hits:
                similarity = 1.0 - distance / max(len(form), len(choice))
                for canonical in self._forms[choice]:
                    found[canonical] = max(found.get(canonical, 0.0), similarity)
        return found

    @staticmethod
    def _coverage(alias: _Alias, best: dict[str, tuple[float, int]]) -> tuple[float, frozenset[int]]:
        """Rarity-weighted share of the alias's words found in the query, and the slots used."""
        hits = [best.get(w, (0.0, -1)) for w in alias.words]
        covered = sum(sim * weight for (sim, _), weight in zip(hits, alias.weights, strict=True))
        return alias.value * covered / alias.total, frozenset(slot for _, slot in hits if slot >= 0)

    def _extra(self, index: int, slots: list[dict[str, float]], used: frozenset[int]) -> float:
        """Evidence from query words outside the best alias (e.g. «огэ» next to «демоверсии»)."""
        weights = self._word_weight[index]
        return sum(
            max((sim * weights[w] for w, sim in slot.items() if w in weights), default=0.0)
            for position, slot in enumerate(slots)
            if position not in used
        )
