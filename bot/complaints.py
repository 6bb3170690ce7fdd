"""Confidential complaints about messages (clause 4.5): the pure decisions.

Who may read a complaint card, whether a plain message is a complaint at all, and what a
complaint written in a DM is about. The bot promises the complainant «ваше имя видят только
администраторы», so a card never goes to a chat where the accused sits (the staff room holds
every teacher, including the one complained about), and every answer to the complainant goes
to their DM: the chat sees neither the /жалоба (it is removed) nor any reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.moderation.masking import masked_excerpt
from bot.moderation.verdict import Verdict
from bot.port.events import Quoted
from bot.port.ids import ChatId, PersonId, Where
from bot.reports import mask_excerpt
from bot.roles import Role

REASON_LIMIT = 300  # what the complainant wrote, masked; the reports table allows no more
COMPLAINT_WORDS = frozenset({"жалоба", "пожаловаться", "жалуюсь"})
"""A plain message that is only one of these words, written in reply to a message, is a complaint."""
# Roles whose holders may sit in the administration chat (3.2: the director with deputies, and
# the administrators who run the bot): a complaint about one of them never goes to that chat.
MANAGEMENT_ROLES = frozenset({Role.ADMIN, Role.EXTRA_ADMIN, Role.ADMINISTRATION})

_EDGES = " \t\n.,!?…:;-—–()«»\"'"
_DESCRIBED = re.compile(r"^(?:жалоба|пожаловаться|жалуюсь)(?:\s*[:,—–-]\s*|\s+)(?P<rest>\S.*)$",
                        re.IGNORECASE | re.DOTALL)


def is_complaint_word(text: str) -> bool:
    """«жалоба», «Жалоба!», «пожаловаться.» — and nothing else: a reply «жалоба на погоду» or a
    sentence mentioning a complaint is ordinary conversation and is moderated, not filed."""
    return text.strip(_EDGES).lower().replace("ё", "е") in COMPLAINT_WORDS


def described_complaint(text: str) -> str | None:
    """In a DM, «Жалоба: в чате 5А меня оскорбляют» is a complaint with its description (the
    words after the first one); None when the text does not start with a complaint word."""
    match = _DESCRIBED.match(text.strip())
    if match is None:
        return None
    rest = match["rest"].strip()
    return rest or None


@dataclass(frozen=True, kw_only=True)
class ForwardedComplaint:
    """What a complaint made in a DM by forwarding is about."""

    author: PersonId | None
    """Who wrote the forwarded message(s); None when the platform hides it."""
    text: str
    """The forwarded texts, joined (masked and cut before anything is stored)."""
    own: bool = False
    """The person forwarded their own message."""


def forwarded_complaint(forwarded: Sequence[Quoted], complainant: PersonId) -> ForwardedComplaint | None:
    """The forwarded messages of a DM as one complaint (the first author is the accused); None
    when nothing was forwarded."""
    if not forwarded:
        return None
    authors = [q.author for q in forwarded if q.author is not None]
    author = authors[0] if authors else None
    text = " / ".join(q.text.strip() for q in forwarded if q.text.strip())
    return ForwardedComplaint(author=author, text=text, own=author == complainant)


@dataclass(frozen=True, kw_only=True)
class AdminChat:
    """A bound administration chat and whether the accused is in it."""

    id: ChatId
    accused_member: bool | None
    """From the platform's member list; None when the list could not be read (then unsafe)."""


def complaint_recipients(
    *,
    accused: PersonId | None,
    accused_roles: frozenset[Role],
    admin_chats: Sequence[AdminChat],
    order_admins: Sequence[PersonId],
    extra_admins: Sequence[PersonId] = (),
) -> list[Where]:
    """Where the card of a complaint goes: never where the accused can read it.

    1. The administration chat(s) whose member list, read from the platform, does not hold the
       accused — if the accused is known and holds no management role (the roster says whether
       they may sit in that chat, e.g. under another messenger's account). A chat whose list
       could not be read, or that lives on another messenger than the accused's account (nobody
       can tell who is who there), is not used.
    2. Otherwise the order's administrators (clause 3.1) by DM, except the accused.
    3. If the accused is the only one of those, the additional administrators, except the accused.
    A complaint that names nobody (described in a DM) goes to the administrators' DMs: nobody
    can check who the description is about.
    """
    if accused is not None and not (accused_roles & MANAGEMENT_ROLES):
        safe: list[Where] = [chat.id for chat in admin_chats if chat.accused_member is False]
        if safe:
            return safe
    admins = [admin for admin in dict.fromkeys(order_admins) if admin != accused]
    if admins:
        return list(admins)
    return [admin for admin in dict.fromkeys(extra_admins) if admin != accused]


def class_teacher_to_tell(class_teacher: PersonId | None, *, accused: PersonId | None,
                          complainant: PersonId) -> PersonId | None:
    """The class teacher of the chat's class hears of a complaint from their class — unless they
    are the accused (the card must not reach them) or the complainant themselves."""
    if class_teacher is None or class_teacher in (accused, complainant):
        return None
    return class_teacher


def accused_in_chat(members: Mapping[ChatId, Sequence[PersonId] | None], accused: PersonId) -> list[AdminChat]:
    """The member lists read from the platforms as AdminChat facts (None: unreadable)."""
    return [AdminChat(id=chat, accused_member=None if found is None else accused in found)
            for chat, found in members.items()]


def masked_for_card(text: str, check: Callable[[str], Verdict], limit: int) -> str:
    """What a card may quote of someone's words: obscenities, documents, logins and passwords
    starred (as in the moderation log), phones and e-mails hidden, mentions defanged, cut to `limit`.
    `check` is the moderation check (the school's own words included)."""
    window = text[: limit * 20]
    return mask_excerpt(masked_excerpt(window, check(window), limit=len(window) or 1), limit)
