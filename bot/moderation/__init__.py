"""Moderation check of chat messages (regulation clauses 4.5 and 4.6).

Pure and deterministic: `default_checker().check(text)` returns a `Verdict`
with labels profanity / insult / personal_data / account_sharing and spans in
the original text; `masked_excerpt` gives a loggable excerpt without the
offending words, identifiers or secrets.
"""

from bot.moderation.check import ModerationChecker, default_checker
from bot.moderation.masking import masked_excerpt
from bot.moderation.verdict import Hit, Label, Verdict

__all__ = ["Hit", "Label", "ModerationChecker", "Verdict", "default_checker", "masked_excerpt"]
