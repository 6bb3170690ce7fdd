"""Deciding a /bind (clause 3.2: the administrator builds the school's structure of chats)."""

from __future__ import annotations

from bot.chats import ChatBinding, ChatPurpose
from bot.errors import BadCommand
from bot.membership.groups import BINDING_FORMS, Audience, parse_binding

_PURPOSE_OF_AUDIENCE = {
    Audience.STAFF: ChatPurpose.STAFF,
    Audience.ADMINISTRATION: ChatPurpose.ADMINISTRATION,
    Audience.STUDENTS: ChatPurpose.CLASS_STUDENTS,
    Audience.PARENTS: ChatPurpose.CLASS_PARENTS,
    Audience.SUBJECT: ChatPurpose.SUBJECT,
}


_CHANNEL_WORDS = frozenset({"канал", "channel"})
_CHANNELS = {
    "общий": ChatPurpose.CHANNEL_GENERAL, "общая": ChatPurpose.CHANNEL_GENERAL, "школы": ChatPurpose.CHANNEL_GENERAL,
    "все": ChatPurpose.CHANNEL_GENERAL, "general": ChatPurpose.CHANNEL_GENERAL, "": ChatPurpose.CHANNEL_GENERAL,
    "сотрудники": ChatPurpose.CHANNEL_STAFF, "сотрудников": ChatPurpose.CHANNEL_STAFF,
    "учителя": ChatPurpose.CHANNEL_STAFF, "staff": ChatPurpose.CHANNEL_STAFF,
}
CHANNEL_USAGE = (f"Формат: /привязать <чат>. Варианты: {BINDING_FORMS}; канал общий; канал сотрудники. "
                 "Пример: /привязать канал общий")


def parse_bind_args(args: str) -> ChatBinding:
    """«учительская», «руководство», «5А ученики», «5А родители», «7Б физика», «канал общий|сотрудники»
    → what the chat is for."""
    first, _, rest = args.strip().lower().replace("ё", "е").partition(" ")
    if first in _CHANNEL_WORDS:
        purpose = _CHANNELS.get(" ".join(rest.split()))
        if purpose is None:
            raise BadCommand("bad channel", text=CHANNEL_USAGE)
        return ChatBinding(purpose=purpose)
    binding = parse_binding(args)
    school_class = binding.group.school_class
    return ChatBinding(
        purpose=_PURPOSE_OF_AUDIENCE[binding.audience],
        class_label=str(school_class) if school_class is not None else None,
        subject=binding.group.subject,
    )
