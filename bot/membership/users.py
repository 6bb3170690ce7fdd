"""User references in command arguments: mentions, ids and profile links.

Screen names (@ivanov) need the VK API to resolve, and this module does no I/O, so they are
refused with a hint; the handler passes the author of a replied-to message as `reply_user_id`.
"""

from __future__ import annotations

import re

from bot.errors import BadCommand

_ID = r"([1-9]\d{0,11})"
_MENTION = re.compile(r"\[id" + _ID + r"\|[^\[\]]*\]", re.IGNORECASE)
_ID_FORM = re.compile(r"[@*]?id" + _ID, re.IGNORECASE)
_LINK = re.compile(r"(?:https?://)?(?:www\.|m\.)?vk\.(?:com|ru)/id" + _ID + r"/?", re.IGNORECASE)
_PLAIN = re.compile(_ID)
_EXPLICIT_FORMS = (_MENTION, _ID_FORM, _LINK)

# Things that clearly try to name somebody, so a failure to parse them must be reported.
_LOOKS_LIKE_REF = re.compile(r"^(?:\[|[@*]|(?:https?://)?(?:www\.|m\.)?vk\.(?:com|ru|me)/)", re.IGNORECASE)
_COMMUNITY = re.compile(r"^\[(?:club|public|event)\d+\|", re.IGNORECASE)

USER_HINT = (
    "Укажите пользователя упоминанием (наберите @ и выберите его из списка), "
    "ответьте на его сообщение или напишите id, например: id123456."
)


def _bad_ref(token: str) -> BadCommand:
    if _COMMUNITY.match(token):
        return BadCommand("community", text="Это сообщество, а не человек. " + USER_HINT)
    return BadCommand(f"bad user ref {token!r}", text="Не смог понять, о ком речь. " + USER_HINT)


def _explicit_id(token: str) -> int | None:
    for form in _EXPLICIT_FORMS:
        match = form.fullmatch(token)
        if match:
            return int(match.group(1))
    return None


def parse_user_ref(token: str) -> int:
    """A VK user id from a mention, @id123, id123, a vk.com/vk.ru profile link or a plain number."""
    token = token.strip()
    user_id = _explicit_id(token)
    if user_id is None and _PLAIN.fullmatch(token):
        user_id = int(token)
    if user_id is None:
        raise _bad_ref(token)
    return user_id


def split_user_and_rest(args: str, reply_user_id: int | None = None) -> tuple[int | None, str]:
    """Take the first user reference off `args`; the rest is returned stripped.

    With a replied-to message a leading plain number is kept in the rest, because it is more
    likely a count or an id of something else than a user; explicit forms still win.
    """
    text = args.strip()
    mention = _MENTION.match(text)  # a mention may contain spaces: [id1|Иван Петров]
    if mention:
        return int(mention.group(1)), text[mention.end() :].strip()
    parts = text.split(maxsplit=1)
    first = parts[0] if parts else ""
    rest = parts[1].strip() if len(parts) > 1 else ""
    user_id = _explicit_id(first)
    if user_id is not None:
        return user_id, rest
    if reply_user_id is None and _PLAIN.fullmatch(first):
        return int(first), rest
    if first and _LOOKS_LIKE_REF.match(first):
        raise _bad_ref(text)
    return reply_user_id, text


def take_user(args: str, reply_user_id: int | None, usage: str) -> tuple[int, str]:
    """Like split_user_and_rest, but a user is required; `usage` is the correct form to show."""
    user_id, rest = split_user_and_rest(args, reply_user_id)
    if user_id is None:
        raise BadCommand("no user", text=f"{usage}\n{USER_HINT}")
    return user_id, rest
