"""Deciding a /bind (clause 3.2: the administrator builds the school's structure of chats)."""

from __future__ import annotations

from bot.chats import ChatBinding, ChatPurpose, is_group_chat
from bot.errors import WrongPlace
from bot.membership.groups import Audience, parse_binding
from bot.people import Person
from bot.roles import Action, require

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


def decide_bind(actor: Person, peer_id: int, args: str) -> ChatBinding:
    """The binding to store, or the reason not to (permission first: strangers learn nothing)."""
    require(actor.roles, Action.BIND_CHAT)
    if not is_group_chat(peer_id):
        raise WrongPlace("bind in dm", text="Эту команду нужно написать в том групповом чате, который вы хотите привязать.")
    return parse_bind_args(args)
