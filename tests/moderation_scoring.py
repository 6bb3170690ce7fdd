"""Scoring the moderation check on a labelled set, as the README and bench/RESULTS-moderation.md report it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.moderation.check import default_checker

LABELS = ("profanity", "insult", "personal_data", "account_sharing")


@dataclass(frozen=True)
class Score:
    messages: int
    clean: int
    flagged_clean: int
    f1: dict[str, float]

    @property
    def macro_f1(self) -> float:
        return sum(self.f1.values()) / len(self.f1)


def labels(text: str) -> set[str]:
    """The labels the default check gives a message, as plain strings."""
    return {str(label) for label in default_checker().check(text).labels}


def score(path: Path) -> Score:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    checker = default_checker()
    counts = {label: [0, 0, 0] for label in LABELS}  # tp, fp, fn
    clean = flagged = 0
    for row in rows:
        got = {str(label) for label in checker.check(row["text"]).labels}
        want = set(row["labels"])
        for label in LABELS:
            if label in got or label in want:
                counts[label][0 if label in got and label in want else 1 if label in got else 2] += 1
        clean += not want
        flagged += not want and bool(got)
    f1 = {label: 2 * tp / (2 * tp + fp + fn) for label, (tp, fp, fn) in counts.items()}
    return Score(messages=len(rows), clean=clean, flagged_clean=flagged, f1=f1)
