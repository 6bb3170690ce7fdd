"""The fourth independent check (round 4, 2026-11-30): 805 messages written from the policy alone in a
session that never saw the rules, scored once after the round-4 rules were frozen (325e1d8) and reported in
the README and bench/RESULTS-moderation.md (macro-F1 0.959, 4 of 452 clean flagged; every target met). It
is never tuned on; this test only guards against a regression. The next round of rules needs a new set."""

from pathlib import Path

from tests.moderation_scoring import score

SET = Path(__file__).parent / "data" / "moderation_blind_round4_2026-11-30.jsonl"


def test_the_round4_blind_set_scores_as_reported() -> None:
    result = score(SET)
    assert result.messages == 805
    assert result.macro_f1 >= 0.958, result.f1  # 0.9590
    assert result.flagged_clean <= 4, result.flagged_clean
    assert result.f1["account_sharing"] >= 0.94 and result.f1["personal_data"] >= 0.97, result.f1
