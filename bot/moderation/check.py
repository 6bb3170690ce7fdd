"""The moderation check: one message in, a `Verdict` out. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.moderation import lexicon, morphology
from bot.moderation.account_sharing import find_account_sharing
from bot.moderation.normalise import Normalised, normalise
from bot.moderation.personal_data import Finding, find_personal_data
from bot.moderation.script_view import View, cyrillic_view, digit_view
from bot.moderation.verdict import Hit, Label, Verdict
from bot.moderation.words import WordScanner


class ModerationChecker:
    """Loads the dictionary and word lists once; `check` is then cheap."""

    def __init__(self, *, extra_blocked: Iterable[str] = (), extra_allowed: Iterable[str] = ()) -> None:
        morphology.analyzer()
        self._words = WordScanner(
            pejoratives=lexicon.pejorative_forms(),
            obscene_persons=lexicon.obscene_person_stems(),
            blocked=lexicon.word_forms(extra_blocked),
            allowed=lexicon.word_forms(extra_allowed),
        )

    def check(self, text: str) -> Verdict:
        norm = normalise(text)
        hits = self._words.scan(norm)
        hits += _to_hits(norm, find_personal_data(norm.text), Label.PERSONAL_DATA)
        hits += _to_hits(norm, find_account_sharing(norm.text), Label.ACCOUNT_SHARING)
        # Transliterated keywords («parol», «adres») and numbers in words are
        # read through a rewritten copy; most messages have neither.
        latin = cyrillic_view(norm.text)
        if latin is not None:
            hits += _to_hits(norm, find_personal_data(latin.text), Label.PERSONAL_DATA, latin)
            hits += _to_hits(norm, find_account_sharing(latin.text), Label.ACCOUNT_SHARING, latin)
        spelled = digit_view(norm.text)
        if spelled is not None:
            hits += _to_hits(norm, find_personal_data(spelled.text), Label.PERSONAL_DATA, spelled)
        return Verdict(hits=_merge(hits))


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
