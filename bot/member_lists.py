"""Reading the bound chats' member lists for /участники and for the hourly upkeep: from memory when read
recently (bot.membership.member_lists, kept current by join and leave events), else from each platform
at once (VK: 25 chats in one `execute`; MAX: one request a chat, spaced by its rate limit), page by page."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence

from bot.port.gateway import GatewayError, MembersPage, Profile
from bot.port.ids import ChatId, PersonId, Platform, platform_of
from bot.services import Services

Read = tuple[list[PersonId] | None, Mapping[PersonId, Profile]]
"""A chat's members with the names the platform gave; None when the platform refused the list."""


async def read_member_lists(s: Services, chats: Sequence[ChatId], *, fresh_ok: bool = True) -> dict[ChatId, Read]:
    now = s.now()
    lists = s.features.member_lists
    found: dict[ChatId, Read] = {}
    if fresh_ok:
        for chat in chats:
            cached = lists.fresh(chat, now)
            if cached is not None:
                found[chat] = cached
    missing = [chat for chat in dict.fromkeys(chats) if chat not in found and s.serves(chat)]
    by_platform: dict[Platform, list[ChatId]] = defaultdict(list)
    for chat in missing:
        by_platform[platform_of(chat)].append(chat)
    firsts = await asyncio.gather(*(s.gateways[p].first_pages(ids) for p, ids in by_platform.items()))
    pages = {chat: page for answer in firsts for chat, page in answer.items()}
    rest = await asyncio.gather(*(_the_rest(s, chat, pages[chat]) for chat in missing))
    for chat, read in zip(missing, rest, strict=True):
        found[chat] = read
        if read[0] is not None:
            lists.keep(chat, read[0], read[1], now)
        else:
            lists.forget(chat)
    return found


async def _the_rest(s: Services, chat: ChatId, first: MembersPage | GatewayError) -> Read:
    if isinstance(first, GatewayError):
        return None, {}
    members, profiles = list(first.members), dict(first.profiles)
    cursor = first.cursor
    gateway = s.gateway(chat)
    try:
        while cursor is not None:
            page = await gateway.members(chat, cursor)
            members += page.members
            profiles.update(page.profiles)
            cursor = page.cursor
    except GatewayError:
        return None, {}
    return members, profiles


async def refresh_member_lists(s: Services) -> int:
    """Hourly: every bound chat's list read again, so /участники rarely waits for the platform."""
    chats = [chat.id for chat in await s.repos.chats.all() if s.serves(chat.id)]
    read = await read_member_lists(s, chats, fresh_ok=False)
    return sum(1 for members, _ in read.values() if members is not None)
