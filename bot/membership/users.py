"""User references in command arguments: mentions, typed ids, profile links, a replied-to author.

Neutral: a mention arrives as a span of the text with the person it names (the adapter read the
platform's markup); a profile link is read by the platform's own parser, handed in as a function.
Screen names (@ivanov) would need the platform's API, so they are refused with a hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.errors import BadCommand
from bot.port.events import Mention
from bot.port.ids import PersonId, Platform, parse_person_id, person_id

ProfileLinkParser = Callable[[str], PersonId | None]

_ID_FORM = re.compile(r"[@*]?id([1-9]\d{0,11})", re.IGNORECASE)
_PLAIN = re.compile(r"[1-9]\d{0,11}")
# Things that clearly try to name somebody, so a failure to parse them must be reported.
_LOOKS_LIKE_REF = re.compile(r"^(?:\[|[@*]|(?:https?://)?(?:www\.|m\.)?(?:vk\.(?:com|ru|me)|max\.ru)/)", re.IGNORECASE)
_COMMUNITY = re.compile(r"^\[(?:club|public|event)\d+\|", re.IGNORECASE)

USER_HINT = (
    "Укажите пользователя упоминанием (наберите @ и выберите его из списка), "
    "ответьте на его сообщение или напишите его номер, например: id123456."
)


@dataclass(frozen=True, kw_only=True)
class UserRefContext:
    """What a user reference is read against: the platform of the message and its context."""

    platform: Platform
    """Numbers without a platform are ids on the platform the command was written on."""
    mentions: Sequence[Mention] = ()
    """Mentions in the arguments, offsets relative to the arguments' text."""
    reply_author: PersonId | None = None
    """The author of the message the command replies to."""
    profile_link: ProfileLinkParser = lambda _: None
    """The platform's profile links («vk.com/id123»)."""


def _bad_ref(token: str) -> BadCommand:
    if _COMMUNITY.match(token):
        return BadCommand("community", text="Это сообщество, а не человек. " + USER_HINT)
    return BadCommand("bad user ref", text="Не смог понять, о ком речь. " + USER_HINT)


def _explicit(token: str, ctx: UserRefContext) -> PersonId | None:
    """A typed id («id123», «vk:123») or a profile link; None for anything else."""
    qualified = parse_person_id(token)
    if qualified is not None:
        return qualified
    match = _ID_FORM.fullmatch(token)
    if match:
        return person_id(ctx.platform, int(match[1]))
    return ctx.profile_link(token)


def parse_user_ref(token: str, ctx: UserRefContext) -> PersonId:
    """A person from a typed id, a profile link or a plain number."""
    token = token.strip()
    found = _explicit(token, ctx)
    if found is None and _PLAIN.fullmatch(token):
        found = person_id(ctx.platform, int(token))
    if found is None:
        raise _bad_ref(token)
    return found


def split_user_and_rest(args: str, ctx: UserRefContext) -> tuple[PersonId | None, str]:
    """Take the first user reference off `args`; the rest is returned stripped.

    With a replied-to message a leading plain number is kept in the rest, because it is more
    likely a count or an id of something else than a user; explicit forms still win.
    """
    leading = len(args) - len(args.lstrip())
    mention = next((m for m in ctx.mentions if m.start == leading), None)
    if mention is not None:  # a mention may contain spaces: «@Иван Петров»
        return mention.person, args[mention.end :].strip()
    text = args.strip()
    parts = text.split(maxsplit=1)
    first = parts[0] if parts else ""
    rest = parts[1].strip() if len(parts) > 1 else ""
    found = _explicit(first, ctx) if first else None
    if found is not None:
        return found, rest
    if ctx.reply_author is None and _PLAIN.fullmatch(first):
        return person_id(ctx.platform, int(first)), rest
    if first and _LOOKS_LIKE_REF.match(first):
        raise _bad_ref(text)
    return ctx.reply_author, text


def take_user(args: str, ctx: UserRefContext, usage: str) -> tuple[PersonId, str]:
    """Like split_user_and_rest, but a user is required; `usage` is the correct form to show."""
    user, rest = split_user_and_rest(args, ctx)
    if user is None:
        raise BadCommand("no user", text=f"{usage}\n{USER_HINT}")
    return user, rest
