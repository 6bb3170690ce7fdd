"""Deciding a /bind (clause 3.2: the administrator builds the school's structure of chats)."""

from __future__ import annotations

from bot.chats import ChatBinding, ChatPurpose
from bot.membership.groups import Audience, parse_binding

_PURPOSE_OF_AUDIENCE = {
    Audience.STAFF: ChatPurpose.STAFF,
    Audience.ADMINISTRATION: ChatPurpose.ADMINISTRATION,
    Audience.STUDENTS: ChatPurpose.CLASS_STUDENTS,
    Audience.PARENTS: ChatPurpose.CLASS_PARENTS,
    Audience.SUBJECT: ChatPurpose.SUBJECT,
}


def parse_bind_args(args: str) -> ChatBinding:
    """«учительская», «руководство», «5А ученики», «5А родители», «7Б физика» → what the chat is for."""
    binding = parse_binding(args)
    school_class = binding.group.school_class
    return ChatBinding(
        purpose=_PURPOSE_OF_AUDIENCE[binding.audience],
        class_label=str(school_class) if school_class is not None else None,
        subject=binding.group.subject,
    )
