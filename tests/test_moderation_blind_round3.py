"""The third independent check (round 3, 2026-11-30): 832 messages written from the policy alone in a
session that never saw the rules, scored once after the round-3 rules were frozen (b7042f6) and
reported in the README and bench/RESULTS-moderation.md (macro-F1 0.938, 5 of 476 clean messages
flagged). Its misses were read afterwards, so it guards against a regression and is no longer independent."""

from pathlib import Path

from tests.moderation_scoring import score

SET = Path(__file__).parent / "data" / "moderation_blind_round3_2026-11-30.jsonl"


def test_the_round3_blind_set_scores_at_least_as_reported() -> None:
    result = score(SET)
    assert result.messages == 832
    assert result.macro_f1 >= 0.970, result.f1  # 0.938 when scored once; round 4 was developed from its misses
    assert result.flagged_clean <= 3, result.flagged_clean
