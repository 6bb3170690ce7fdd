"""The bound chats' member lists as last read from the platform (hourly by housekeeping, or on demand),
kept current by join and leave events, so /участники seldom waits for the platform. In memory: a restart
reads them again. Pure (the clock is passed in)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.port.gateway import Profile
from bot.port.ids import ChatId, PersonId

FRESH_FOR = timedelta(minutes=75)
"""Housekeeping reads every list hourly; past this a list is read again on demand, so an event the bot
missed (it lacked the rights for a while) never hides a stranger for long."""


@dataclass
class _List:
    members: dict[PersonId, None]
    """An ordered set."""
    profiles: dict[PersonId, Profile]
    read_at: datetime


@dataclass
class MemberLists:
    fresh_for: timedelta = FRESH_FOR
    _lists: dict[ChatId, _List] = field(default_factory=dict)

    def fresh(self, chat: ChatId, now: datetime) -> tuple[list[PersonId], dict[PersonId, Profile]] | None:
        """The list if it was read recently enough, else None."""
        found = self._lists.get(chat)
        if found is None or now - found.read_at >= self.fresh_for:
            return None
        return list(found.members), dict(found.profiles)

    def keep(self, chat: ChatId, members: Sequence[PersonId], profiles: Mapping[PersonId, Profile],
             now: datetime) -> None:
        self._lists[chat] = _List(members=dict.fromkeys(members), profiles=dict(profiles), read_at=now)

    def joined(self, chat: ChatId, person: PersonId) -> None:
        if chat in self._lists:
            self._lists[chat].members[person] = None

    def left(self, chat: ChatId, person: PersonId) -> None:
        if chat in self._lists:
            self._lists[chat].members.pop(person, None)

    def forget(self, chat: ChatId) -> None:
        self._lists.pop(chat, None)
