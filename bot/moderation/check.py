"""The moderation check: one message in, a `Verdict` out. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.moderation import gates, lexicon
from bot.moderation.account_sharing import find_account_sharing
from bot.moderation.normalise import Normalised, normalise
from bot.moderation.personal_data import Finding, find_personal_data
from bot.moderation.script_view import View, cyrillic_view, digit_view, unmixed
from bot.moderation.verdict import Hit, Label, Verdict
from bot.moderation.words import WordScanner
from bot.russian_dictionary import analyzer

_CLEAN = Verdict()
_CACHE_LIMIT = 8192  # the words a chat repeats most fit; memory stays bounded


class ModerationChecker:
    """Loads the dictionary and word lists once; `check` is then cheap."""

    def __init__(self, *, extra_blocked: Iterable[str] = (), extra_allowed: Iterable[str] = ()) -> None:
        analyzer()  # the dictionary loads now, not on the first message
        self._words = WordScanner(
            pejoratives=lexicon.pejorative_forms(),
            obscene_persons=lexicon.obscene_person_stems(),
            blocked=lexicon.word_forms(extra_blocked),
            allowed=lexicon.word_forms(extra_allowed),
        )
        # Gate bits per whitespace-separated word (see gates.py): the rule keywords it holds,
        # and whether the word scanner must look at it.
        self._bits: dict[str, int] = {}

    def check(self, text: str) -> Verdict:
        norm = normalise(text)
        bits, twice = self._message_bits(norm.text)
        if not bits:
            return _CLEAN  # the usual chat message: nothing any rule could start from
        spelled = gates.spelled_possible(bits, twice, norm.text, self._bits)
        hits = self._words.scan_gated(norm, bits, spelled) if bits & gates.WORDS or spelled else []
        numbers = gates.numbers_possible(bits, twice, norm.text, self._bits)
        keywords = unmixed(norm.text) if bits & gates.MIXED else norm.text  # «кoд» with a Latin «o» is «код»
        address = bits & gates.DIGIT and bits & gates.ADDRESS
        request = bits & gates.REQUEST and bits & gates.REQUEST_VERB
        if numbers or address or request:
            found = find_personal_data(
                keywords,
                text,
                digits=bool(bits & gates.DIGIT),
                numbers=numbers,
                address=bool(address),
                request=bool(request),
            )
            if found:
                hits += _to_hits(norm, found, Label.PERSONAL_DATA)
        if bits & gates.ACCESS:
            found = find_account_sharing(keywords, hinted=True, digits=bool(bits & gates.DIGIT), numbers=numbers)
            if found:
                hits += _to_hits(norm, found, Label.ACCOUNT_SHARING)
        # Transliterated keywords («parol», «adres») and numbers in words are
        # read through a rewritten copy; most messages have neither.
        if bits & gates.LATIN:
            latin = cyrillic_view(norm.text)
            if latin is not None:
                hits += _to_hits(norm, find_personal_data(latin.text, text), Label.PERSONAL_DATA, latin)
                hits += _to_hits(norm, find_account_sharing(latin.text), Label.ACCOUNT_SHARING, latin)
        if bits & gates.NUMBER_WORD and bits & gates.ID_WORD:
            in_words = digit_view(norm.text)
            if in_words is not None:
                hits += _to_hits(norm, find_personal_data(in_words.text, text), Label.PERSONAL_DATA, in_words)
                hits += _to_hits(norm, find_account_sharing(in_words.text), Label.ACCOUNT_SHARING, in_words)
        return Verdict(hits=_merge(hits)) if hits else _CLEAN

    def _message_bits(self, text: str) -> tuple[int, int]:
        """The gate bits of the message's words (see gates.py), and those seen in two words or more."""
        cache = self._bits
        bits = twice = 0
        for word in text.split():
            b = cache.get(word)
            if b is None:
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                b = cache[word] = gates.word_bits(word) | self._words.word_bits(word)
            twice |= bits & b
            bits |= b
        return bits, twice


def _to_hits(norm: Normalised, findings: list[Finding], label: Label, view: View | None = None) -> list[Hit]:
    out = []
    for finding in findings:
        first, last = (finding.start, finding.end) if view is None else view.span(finding.start, finding.end)
        start, end = norm.span(first, last)
        out.append(Hit(label=label, start=start, end=end, reason=finding.reason))
    return out


def _merge(hits: list[Hit]) -> tuple[Hit, ...]:
    """Sort by position and drop hits of one label nested in another of the same label."""
    ordered = sorted(hits, key=lambda h: (h.start, -h.end, str(h.label)))
    kept: list[Hit] = []
    reach: dict[Label, int] = {}  # furthest end of a kept hit per label
    for hit in ordered:
        if reach.get(hit.label, -1) >= hit.end:
            continue  # nested in an earlier hit of the same label (starts are sorted)
        reach[hit.label] = hit.end
        kept.append(hit)
    return tuple(kept)


@lru_cache(maxsize=1)
def default_checker() -> ModerationChecker:
    return ModerationChecker()
