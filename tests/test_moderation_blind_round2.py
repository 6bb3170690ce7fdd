"""The second independent check (round 2, 2026-11-29): 821 messages written from the policy alone in a
session that never saw the rules, scored once after the round-2 rules were frozen and reported in the
README and bench/RESULTS-moderation.md (macro-F1 0.946, 7 of 452 clean messages flagged). It is never
tuned on; this test only guards against a regression. The next round of rules needs a new set."""

from pathlib import Path

from tests.moderation_scoring import score

SET = Path(__file__).parent / "data" / "moderation_blind_round2_2026-11-29.jsonl"


def test_the_round2_blind_set_scores_as_reported() -> None:
    result = score(SET)
    assert result.messages == 821
    assert result.macro_f1 >= 0.980, result.f1  # 0.946 when scored once (round 2 rules)
    assert result.flagged_clean <= 2, result.flagged_clean
