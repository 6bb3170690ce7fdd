"""Result types of the moderation check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Label(StrEnum):
    PROFANITY = "profanity"
    INSULT = "insult"
    PERSONAL_DATA = "personal_data"
    ACCOUNT_SHARING = "account_sharing"


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One finding; `start`/`end` index the ORIGINAL message text (half-open)."""

    label: Label
    start: int
    end: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"label": str(self.label), "start": self.start, "end": self.end, "reason": self.reason}


@dataclass(frozen=True, kw_only=True)
class Verdict:
    hits: tuple[Hit, ...] = ()

    @property
    def labels(self) -> tuple[Label, ...]:
        return tuple(sorted({hit.label for hit in self.hits}, key=str))

    @property
    def clean(self) -> bool:
        return not self.hits

    def to_json(self) -> dict[str, Any]:
        return {"labels": [str(label) for label in self.labels], "hits": [hit.to_json() for hit in self.hits]}
