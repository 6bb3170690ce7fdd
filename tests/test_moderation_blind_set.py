"""The first independent check of the moderation rules: 799 messages written from the policy alone by
someone who never saw the rules (2026-11-29, round 1), scored once after the round-1 rules were frozen
and reported in the README. Round 2 of the rules was developed after it was reported, and three of its
errors were seen while fixing false alarms (so it is no longer independent: the round-2 set is, see
test_moderation_blind_round2.py). This test only guards against a regression: the numbers are the
round-2 rules' (macro-F1 0.947, 7 of 442 clean messages flagged)."""

from pathlib import Path

from tests.moderation_scoring import score

SET = Path(__file__).parent / "data" / "moderation_blind_2026-11-29.jsonl"


def test_the_blind_set_scores_as_reported() -> None:
    result = score(SET)
    assert result.messages == 799
    assert result.macro_f1 >= 0.94, result.f1
    assert result.flagged_clean <= 7, result.flagged_clean
