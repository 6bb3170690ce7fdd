"""Masked excerpts for the staff log and the database.

The excerpt never contains the offending word in full, a full identifier
number, or a secret: obscene and insulting words keep their first and last
letter («п****ц»), numbers keep a few leading (and for cards the last four)
digits, passwords and codes are starred out completely. As safety nets,
any remaining run of five or more digits in the excerpt is masked too, and
so are logins, passwords and codes written after their keyword («логин
levkin11, пароль zayac777» → «логин l*******, пароль ********») and the
local part of e-mail addresses, whether or not a rule flagged them.
"""

from __future__ import annotations

import re

from bot.moderation.verdict import Hit, Label, Verdict

_LONG_DIGITS_RE = re.compile(r"\d(?:[ \-()]{0,2}\d){4,}")
_MASK = "*"
# A credential keyword, a few connecting words («от дневника —»), then the value.
_CREDENTIAL_RE = re.compile(
    r"(?<![^\W\d_])(?P<key>логин\w*|login\w*|юзернейм|username|user|парол\w*|parol\w*|password|passwd|pass|pwd|пасс|"
    r"пин(?:-?код)?|pin|код\w*|kod|code)(?![^\W\d_])(?P<gap>[^\S\n]*(?:[:=—–-][^\S\n]*)?(?:(?:от|для|к|ot|dlya)[^\S\n]+[^\s:—–-]+[^\S\n]*(?:[:=—–-][^\S\n]*)?)?)"
    r"(?!(?:логин|login|парол|parol|pass|pwd|код|kod|code)\w*(?![^\W\d_]))(?P<value>[^\s,;«»\"'()]+)",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-])([\w.+-]*)(@[\w-]+(?:\.[\w-]+)+)")
_LOGIN_KEYS = ("логин", "login", "юзернейм", "username", "user")


def masked_excerpt(text: str, verdict: Verdict, *, limit: int = 80) -> str:
    chars = list(text)
    for hit in verdict.hits:
        _mask_hit(chars, hit)
    masked = "".join(chars)
    masked = _CREDENTIAL_RE.sub(_mask_credential, masked)
    masked = _EMAIL_RE.sub(lambda m: m.group(1) + _MASK * len(m.group(2)) + m.group(3), masked)
    masked = _LONG_DIGITS_RE.sub(lambda m: _mask_digits(m.group(), keep_head=2, keep_tail=0), masked)
    return _window(masked, verdict, limit)


def _mask_credential(m: re.Match[str]) -> str:
    """Star out the value after «логин»/«пароль»/«код» when it looks like one.

    A value counts when it follows a colon or dash, or holds a digit or a Latin
    letter; «код не приходит» keeps its words. A login keeps its first letter
    (staff can tell accounts apart), a password or code keeps nothing.
    """
    key, gap, value = m.group("key"), m.group("gap"), m.group("value")
    explicit = any(ch in gap for ch in ":=—–-")
    secretish = any(ch.isdigit() or ("a" <= ch.lower() <= "z") for ch in value)
    if not (explicit or secretish) or value.strip(".!?") == "":
        return m.group()
    keep = 1 if key.lower().startswith(_LOGIN_KEYS) else 0
    body = value.rstrip(".!?")
    tail = value[len(body) :]
    masked = "".join(ch if i < keep or (not ch.isalnum() and ch not in "_@$") else _MASK for i, ch in enumerate(body))
    return key + gap + masked + tail


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
    keep = set(positions[:1]) if len(positions) <= 2 else {positions[0], positions[-1]}
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
