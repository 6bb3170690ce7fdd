"""Masked excerpts for the staff log and the database.

The excerpt never contains the offending word in full, a full identifier
number, or a secret: obscene and insulting words keep their first and last
letter («п****ц»), numbers keep a few leading (and for cards the last four)
digits, passwords and codes are starred out completely. As a safety net,
any remaining run of five or more digits in the excerpt is masked too.
"""

from __future__ import annotations

import re

from bot.moderation.verdict import Hit, Label, Verdict

_LONG_DIGITS_RE = re.compile(r"\d(?:[ \-()]{0,2}\d){4,}")
_MASK = "*"


def masked_excerpt(text: str, verdict: Verdict, *, limit: int = 80) -> str:
    chars = list(text)
    for hit in verdict.hits:
        _mask_hit(chars, hit)
    masked = "".join(chars)
    masked = _LONG_DIGITS_RE.sub(lambda m: _mask_digits(m.group(), keep_head=2, keep_tail=0), masked)
    return _window(masked, verdict, limit)


def _mask_hit(chars: list[str], hit: Hit) -> None:
    piece = "".join(chars[hit.start : hit.end])
    if hit.label in (Label.PROFANITY, Label.INSULT):
        new = _mask_word(piece)
    elif hit.label == Label.ACCOUNT_SHARING:
        new = "".join(_MASK if ch.isalnum() else ch for ch in piece) if _has_secret(piece) else piece
    else:
        new = _mask_personal(piece)
    chars[hit.start : hit.end] = list(new)


_LETTER_SYMBOLS = frozenset("@$")


def _mask_word(piece: str) -> str:
    """Keep the first and the last letter: «пиздец» → «п****ц», «х у й» → «х * й»."""
    # Symbols standing for letters («бл@ть», «$ука») are letters here, or they would show through.
    positions = [i for i, ch in enumerate(piece) if ch.isalnum() or ch in _LETTER_SYMBOLS]
    if len(positions) <= 2:
        keep = set(positions[:1])
    else:
        keep = {positions[0], positions[-1]}
    return "".join(_MASK if i in positions and i not in keep else ch for i, ch in enumerate(piece))


def _has_secret(piece: str) -> bool:
    # Offers and requests («дам свой аккаунт») contain no secret worth hiding;
    # anything with a digit or a Latin letter is treated as one.
    return any(ch.isdigit() or ("a" <= ch.lower() <= "z") for ch in piece)


def _mask_personal(piece: str) -> str:
    digits = sum(ch.isdigit() for ch in piece)
    if 13 <= digits <= 19:
        return _mask_digits(piece, keep_head=4, keep_tail=4)
    if digits == 0:
        return piece  # a request to post data: nothing to hide
    head = 2 if digits >= 8 else 0
    masked = _mask_digits(piece, keep_head=head, keep_tail=0)
    if piece.lstrip().startswith("+"):
        masked = _mask_digits(piece, keep_head=2, keep_tail=0)
    return masked


def _mask_digits(piece: str, *, keep_head: int, keep_tail: int) -> str:
    total = sum(ch.isdigit() for ch in piece)
    out = []
    seen = 0
    for ch in piece:
        if ch.isdigit():
            seen += 1
            if seen > keep_head and seen <= total - keep_tail:
                ch = _MASK
        out.append(ch)
    return "".join(out)


def _window(masked: str, verdict: Verdict, limit: int) -> str:
    if len(masked) <= limit:
        return masked
    if verdict.hits:
        first = min(h.start for h in verdict.hits)
        start = max(0, min(first - limit // 4, len(masked) - limit))
    else:
        start = 0
    end = start + limit
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(masked) else ""
    return prefix + masked[start:end].strip() + suffix
