"""The second independent check (round 2, 2026-11-29): 821 messages written from the policy alone in a
session that never saw the rules, scored once after the round-2 rules were frozen and reported in the
README and bench/RESULTS-moderation.md (macro-F1 0.946, 7 of 452 clean messages flagged). It is never
tuned on; this test only guards against a regression. The next round of rules needs a new set."""

import json
from pathlib import Path

from bot.moderation.check import default_checker

SET = Path(__file__).parent / "data" / "moderation_blind_round2_2026-11-29.jsonl"
LABELS = ("profanity", "insult", "personal_data", "account_sharing")


def test_the_round2_blind_set_scores_as_reported() -> None:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
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
    assert len(rows) == 821
    assert sum(f1.values()) / 4 >= 0.945, f1
    assert flagged <= 7, flagged
