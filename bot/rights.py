"""Does the bot have, in a bound chat, the rights its work there needs? Pure."""

from __future__ import annotations

from bot.port.gateway import BotRights

NEEDED = ("reads_all", "can_delete", "can_remove", "can_write")
"""Reading every message (moderation, commands), deleting, removing strangers, writing notices."""
RIGHTS_NOTICE = "rights"


def missing_rights(rights: BotRights) -> list[str]:
    return [name for name in NEEDED if not getattr(rights, name)]
