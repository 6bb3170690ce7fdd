"""Where something is written: a DM with the bot, or a chat by what it is bound for.

Commands declare the places they belong to; lists that name people never go to a chat of families.
"""

from __future__ import annotations

from enum import StrEnum

from bot.chats import ChatPurpose


class Place(StrEnum):
    DM = "dm"  # the DM with the bot
    STAFF = "staff"  # «Учительская»
    ADMINISTRATION = "administration"  # the administration's chat
    CLASS = "class"  # a class chat of students or parents: children and families read it
    SUBJECT = "subject"  # a subject group of a class
    CHANNEL = "channel"  # one of the school's channels: the bot posts there, families may read it
    UNBOUND = "unbound"  # a group chat not bound to the school's structure


PLACE_OF_PURPOSE = {
    ChatPurpose.STAFF: Place.STAFF,
    ChatPurpose.ADMINISTRATION: Place.ADMINISTRATION,
    ChatPurpose.CLASS_STUDENTS: Place.CLASS,
    ChatPurpose.CLASS_PARENTS: Place.CLASS,
    ChatPurpose.SUBJECT: Place.SUBJECT,
    ChatPurpose.CHANNEL_GENERAL: Place.CHANNEL,
    ChatPurpose.CHANNEL_STAFF: Place.CHANNEL,
}
GROUP_PLACES = frozenset({Place.STAFF, Place.ADMINISTRATION, Place.CLASS, Place.SUBJECT, Place.UNBOUND, Place.CHANNEL})
EVERYWHERE = frozenset(Place)
