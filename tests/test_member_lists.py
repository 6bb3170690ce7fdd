"""Member lists kept between /участники calls, and VK's `execute` in the emulator that reads 25 at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import aiohttp

from bot.membership.member_lists import FRESH_FOR, MemberLists
from bot.port.gateway import Profile
from bot.port.ids import ChatId, PersonId
from bot.sandbox.emulator import VkEmulator

NOW = datetime(2026, 9, 1, tzinfo=UTC)
CHAT, A, B = ChatId("vk:2000000001"), PersonId("vk:1"), PersonId("vk:2")


def test_a_list_is_kept_current_by_events_until_it_is_read_again() -> None:
    lists = MemberLists()
    assert lists.fresh(CHAT, NOW) is None
    lists.keep(CHAT, [A], {A: Profile(name="Анна")}, NOW)
    lists.joined(CHAT, B)
    lists.left(CHAT, A)
    lists.joined(ChatId("vk:2000000002"), A)  # a chat never read stays unknown
    members, profiles = lists.fresh(CHAT, NOW + timedelta(minutes=5))  # type: ignore[misc]
    assert members == [B] and profiles == {A: Profile(name="Анна")}
    assert lists.fresh(CHAT, NOW + FRESH_FOR) is None
    assert lists.fresh(ChatId("vk:2000000002"), NOW) is None
    lists.forget(CHAT)
    assert lists.fresh(CHAT, NOW) is None


async def test_execute_runs_many_member_lists_as_one_request() -> None:
    async with VkEmulator(group_id=56) as emu, aiohttp.ClientSession() as http:
        chats = [emu.add_chat(f"чат {n}", [1, 2]) for n in range(3)]
        emu.set_bot_admin(chats[2], False)

        async def execute(code: str) -> dict:
            async with http.post(emu.api_url + "execute",
                                 data={"access_token": "sandbox-token", "v": "5.199", "code": code}) as response:
                return await response.json()

        calls = ",".join(f'API.messages.getConversationMembers({json.dumps({"peer_id": p, "count": 200})})'
                         for p in chats)
        answer = await execute(f"return [{calls}];")
        first, second, refused = answer["response"]
        assert first["count"] == 3 and {p["id"] for p in second["profiles"]} == {1, 2}
        assert refused is False and answer["execute_errors"][0]["error_code"] == 917
        assert len(emu.calls("execute")) == 1  # one request against the 20/s
        too_many = ",".join(["API.users.get({})"] * 26)
        assert (await execute(f"return [{too_many}];"))["error"]["error_code"] == 13
        assert (await execute("var a = 1; return a;"))["error"]["error_code"] == 12
        assert (await execute("return [API.users.get(5)];"))["error"]["error_code"] == 12
