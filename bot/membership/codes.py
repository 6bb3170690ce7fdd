"""Invitation codes and the throttle for people who keep typing wrong ones.

Codes use an alphabet without 0, O, 1, I and L, so a code read aloud or copied from paper is
never ambiguous. Because both members of each confusable pair are excluded, a typed O, 0, 1, I
or L cannot be mapped to a unique letter: such text is simply not a code (None).
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict, deque
from dataclasses import dataclass, field

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31**8 ≈ 2**39.6, plenty against guessing with the throttle below
_GROUP = 4

# Letters a Russian keyboard produces for the Latin ones of the alphabet (after upper()).
_CYRILLIC_LOOKALIKES = str.maketrans(
    {"А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y"}
)
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.]+")
_CODE_RE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_MAX_INPUT = 64  # anything longer is not a code; keeps work bounded


def format_code(raw: str) -> str:
    """«ABCDEFGH» → «ABCD-EFGH», easier to read and dictate."""
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def new_code() -> str:
    """A fresh random code from the OS CSPRNG, formatted «ABCD-EFGH»."""
    return format_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def normalise_code(text: str) -> str | None:
    """The canonical «ABCD-EFGH» form of a typed code, or None if it is not a well-formed code.

    Case, spaces, dashes and Cyrillic look-alike letters are forgiven.
    """
    if len(text) > _MAX_INPUT:
        return None
    raw = _SEPARATORS.sub("", text).upper().translate(_CYRILLIC_LOOKALIKES)
    if not _CODE_RE.fullmatch(raw):
        return None
    return format_code(raw)


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    level: int = 0  # how many times the user has been made to wait in this streak
    blocked_until: float = 0.0


class WrongCodeThrottle:
    """Per-user brake on wrong codes; pure, the caller passes the clock in seconds.

    After `threshold` wrong codes within `window` seconds every further wrong code makes the
    user wait `base`, then twice as long, up to `cap`. A user quiet for `window` seconds after
    the last wait is forgotten, which also keeps memory bounded; `max_users` is a hard cap.
    """

    def __init__(
        self,
        *,
        threshold: int = 3,
        window: float = 600.0,
        base: float = 30.0,
        cap: float = 3600.0,
        max_users: int = 10_000,
    ) -> None:
        self._threshold = threshold
        self._window = window
        self._base = base
        self._cap = cap
        self._max_users = max_users
        self._records: OrderedDict[str, _Record] = OrderedDict()  # least recently failed first

    def __len__(self) -> int:
        return len(self._records)

    def check(self, user_id: str, now: float) -> float:
        """Seconds the user must still wait before trying a code; 0 means allowed."""
        record = self._live(user_id, now)
        return 0.0 if record is None else max(0.0, record.blocked_until - now)

    def record_failure(self, user_id: str, now: float) -> None:
        record = self._live(user_id, now) or _Record()
        while record.failures and record.failures[0] <= now - self._window:
            record.failures.popleft()
        record.failures.append(now)
        if len(record.failures) > self._threshold:
            record.failures.popleft()  # only the last `threshold` ones matter
        if len(record.failures) >= self._threshold:
            delay = min(self._base * 2 ** min(record.level, 32), self._cap)
            record.blocked_until = max(record.blocked_until, now + delay)
            record.level += 1
        self._records[user_id] = record
        self._records.move_to_end(user_id)
        self._forget_stale(now)

    def record_success(self, user_id: str) -> None:
        self._records.pop(user_id, None)

    def _is_stale(self, record: _Record, now: float) -> bool:
        last = max(record.failures[-1] if record.failures else 0.0, record.blocked_until)
        return now - last >= self._window

    def _live(self, user_id: str, now: float) -> _Record | None:
        record = self._records.get(user_id)
        if record is not None and self._is_stale(record, now):
            del self._records[user_id]
            return None
        return record

    def _forget_stale(self, now: float) -> None:
        # Oldest failures sit at the front, so sweeping stops at the first live record.
        while self._records:
            user_id, record = next(iter(self._records.items()))
            if not self._is_stale(record, now) and len(self._records) <= self._max_users:
                break
            del self._records[user_id]
