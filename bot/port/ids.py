"""Platform-qualified identities: a person or a chat is (platform, id), written «vk:123».

They are plain strings at run time (NewType), so they travel through SQL, JSON and dict keys
unchanged; the functions below are the only place that knows their shape.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NewType


class Platform(StrEnum):
    """A messenger the bot serves; the values prefix every stored id."""

    VK = "vk"
    MAX = "max"


PLATFORM_TITLES: dict[Platform, str] = {Platform.VK: "ВКонтакте", Platform.MAX: "MAX"}

PersonId = NewType("PersonId", str)
"""«vk:123», «max:456»: a person's account on one platform."""
ChatId = NewType("ChatId", str)
"""«vk:2000000001», «max:-7012345»: a group chat on one platform."""
Where = PersonId | ChatId
"""A conversation: the DM with a person, or a group chat."""

SYSTEM = PersonId("system")
"""The bot itself as the actor of automatic decisions (audit log, housekeeping)."""

_ID = re.compile(r"^(vk|max):(-?[0-9]{1,20})$")


def person_id(platform: Platform, raw: int) -> PersonId:
    return PersonId(f"{platform.value}:{int(raw)}")


def chat_id(platform: Platform, raw: int) -> ChatId:
    return ChatId(f"{platform.value}:{int(raw)}")


def split_id(key: str) -> tuple[Platform, int]:
    """(platform, raw id); ValueError for anything that is not a qualified id."""
    match = _ID.match(key)
    if match is None:
        raise ValueError("not a platform-qualified id")
    return Platform(match[1]), int(match[2])


def platform_of(key: str) -> Platform:
    return split_id(key)[0]


def raw_id(key: str) -> int:
    return split_id(key)[1]


def is_qualified(key: str) -> bool:
    return _ID.match(key) is not None


def parse_person_id(text: str) -> PersonId | None:
    """A typed «vk:123» / «max:456»; None when the text is not one."""
    text = text.strip().lower()
    if not is_qualified(text) or raw_id(text) <= 0:
        return None
    platform, raw = split_id(text)
    return person_id(platform, raw)  # «vk:0123» and «vk:123» are one account
