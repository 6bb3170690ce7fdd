"""What a bound chat is for. One chat, one purpose (clauses 3.2–3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.port.ids import ChatId, PersonId


class ChatPurpose(StrEnum):
    STAFF = "staff"  # «Учительская»: all teachers; administrators issue commands here (3.2)
    ADMINISTRATION = "administration"  # the director with deputies (3.2, second list)
    CLASS_STUDENTS = "class_students"  # a class teacher's chat with students (3.3)
    CLASS_PARENTS = "class_parents"  # a class teacher's chat with parents (3.3)
    SUBJECT = "subject"  # a subject group of a class (3.4)
    CHANNEL_GENERAL = "channel_general"  # the school's channel for everyone: announcements (3.2, system channels)
    CHANNEL_STAFF = "channel_staff"  # the school's channel for the staff


STAFF_PURPOSES = frozenset({ChatPurpose.STAFF, ChatPurpose.ADMINISTRATION})
"""Chats where only staff sit: lists that name people may be shown there."""
CHANNEL_PURPOSES = frozenset({ChatPurpose.CHANNEL_GENERAL, ChatPurpose.CHANNEL_STAFF})
"""The school's channels: the bot posts announcements there; no group of the nomenclature behind them."""


@dataclass(frozen=True, kw_only=True)
class ChatBinding:
    purpose: ChatPurpose
    """What the chat is for."""
    class_label: str | None = None
    """«5А» for class and subject chats."""
    subject: str | None = None
    """«физика» for subject chats."""

    def title(self) -> str:
        """A short Russian name of the purpose, for replies and lists."""
        match self.purpose:
            case ChatPurpose.STAFF:
                return "Учительская"
            case ChatPurpose.ADMINISTRATION:
                return "чат руководства"
            case ChatPurpose.CLASS_STUDENTS:
                return f"чат учеников {self.class_label}"
            case ChatPurpose.CLASS_PARENTS:
                return f"чат родителей {self.class_label}"
            case ChatPurpose.SUBJECT:
                return f"{self.class_label} {self.subject}"
            case ChatPurpose.CHANNEL_GENERAL:
                return "общий канал школы"
            case ChatPurpose.CHANNEL_STAFF:
                return "канал сотрудников"


@dataclass(frozen=True, kw_only=True)
class BoundChat:
    id: ChatId
    """«vk:2000000001», «max:-70123»."""
    binding: ChatBinding
    """What the chat is for."""
    bound_by: PersonId
    """Who bound it (audited as well)."""

    @property
    def title(self) -> str:
        return self.binding.title()
