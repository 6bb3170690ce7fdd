"""Quality targets on the labelled set tests/data/moderation_set.jsonl (and the holdout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.moderation import default_checker

DATA = Path(__file__).parent / "data"
LABELS = ("profanity", "insult", "personal_data", "account_sharing")
TARGET_F1 = {"profanity": 0.97, "insult": 0.90, "personal_data": 0.95, "account_sharing": 0.90}


def _evaluate(name: str) -> tuple[dict[str, float], float, int]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {label: [0, 0, 0] for label in LABELS}
    clean = clean_fp = 0
    checker = default_checker()
    for row in rows:
        got = {str(label) for label in checker.check(row["text"]).labels}
        expected = set(row["labels"])
        if not expected:
            clean += 1
            clean_fp += "profanity" in got
        for label in LABELS:
            tp_fp_fn = counts[label]
            if label in got and label in expected:
                tp_fp_fn[0] += 1
            elif label in got:
                tp_fp_fn[1] += 1
            elif label in expected:
                tp_fp_fn[2] += 1
    f1 = {label: 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0 for label, (tp, fp, fn) in counts.items()}
    return f1, clean_fp / clean, len(rows)


@pytest.mark.parametrize("name", ["moderation_set.jsonl", "moderation_holdout.jsonl"])
def test_quality_targets(name: str) -> None:
    f1, profanity_fp_rate, size = _evaluate(name)
    assert size >= (1000 if name == "moderation_set.jsonl" else 200)
    for label, target in TARGET_F1.items():
        assert f1[label] >= target, (label, f1[label])
    assert profanity_fp_rate <= 0.005
