"""The VK emulator over real HTTP: shapes, errors and faults the bot will meet on VK."""

from __future__ import annotations

import asyncio
import json
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.emulator import VkEmulator

TOKEN = "sandbox-token"
GROUP_ID = 56
BOT = -GROUP_ID
ALICE, BOB, CAROL = 101, 102, 103


@pytest.fixture
async def emu() -> AsyncIterator[VkEmulator]:
    emulator = VkEmulator(group_id=GROUP_ID)
    emulator.add_user(ALICE, "Анна", "Иванова")
    emulator.add_user(BOB, "Пётр", "Смирнов")
    emulator.add_user(CAROL, "Мария", "Кузнецова", allows_messages=False)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(http: aiohttp.ClientSession, emu: VkEmulator, method: str, *, token: str | None = TOKEN, **params: Any) -> dict[str, Any]:
    """POST like vkbottle does: token and v in the query, params in the form body."""
    query = {"v": "5.199"}
    if token is not None:
        query["access_token"] = token
    form = {key: str(value) for key, value in params.items()}
    async with http.post(emu.api_url + method, params=query, data=form) as resp:
        assert resp.status == 200
        return await resp.json()


async def ok(http: aiohttp.ClientSession, emu: VkEmulator, method: str, **params: Any) -> Any:
    body = await call(http, emu, method, **params)
    assert "response" in body, body
    return body["response"]


async def error_code(http: aiohttp.ClientSession, emu: VkEmulator, method: str, **params: Any) -> int:
    body = await call(http, emu, method, **params)
    assert "error" in body, body
    return body["error"]["error_code"]


async def longpoll_server(http: aiohttp.ClientSession, emu: VkEmulator) -> dict[str, Any]:
    return await ok(http, emu, "groups.getLongPollServer", group_id=GROUP_ID)


async def poll(http: aiohttp.ClientSession, lp: dict[str, Any], *, ts: Any = None, key: str | None = None, wait: float = 0) -> dict[str, Any]:
    params = {"act": "a_check", "key": key or lp["key"], "ts": str(ts if ts is not None else lp["ts"]), "wait": str(wait)}
    async with http.get(lp["server"], params=params) as resp:
        return await resp.json()


def png(width: int, height: int) -> bytes:
    """A tiny valid PNG, enough for the upload server to read its size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def callback_keyboard(payload: dict[str, Any]) -> str:
    button = {"action": {"type": "callback", "label": "Подтвердить", "payload": json.dumps(payload)}}
    return json.dumps({"inline": True, "buttons": [[button]]})


# --- messages.send -------------------------------------------------------------------------
async def test_send_dedups_repeated_random_id(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "Привет")
    first = await ok(http, emu, "messages.send", peer_id=ALICE, random_id=777, message="Здравствуйте")
    again = await ok(http, emu, "messages.send", peer_id=ALICE, random_id=777, message="Здравствуйте")
    assert isinstance(first, int) and again == first
    assert [m["text"] for m in emu.bot_messages(ALICE)] == ["Здравствуйте"]
    await ok(http, emu, "messages.send", peer_id=ALICE, random_id=0, message="a")
    await ok(http, emu, "messages.send", peer_id=ALICE, random_id=0, message="a")
    assert len(emu.bot_messages(ALICE)) == 3  # random_id 0 never dedups
    cmids = [m["conversation_message_id"] for m in emu.messages(ALICE)]
    assert cmids == [1, 2, 3, 4]
    assert emu.calls("messages.send")[0].params["message"] == "Здравствуйте"


async def test_send_errors(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")
    assert await error_code(http, emu, "messages.send", peer_id=CAROL, random_id=1, message="x") == 901
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, message="x") == 100
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, random_id=2, message="я" * 4097) == 914
    long_label = json.dumps({"buttons": [[{"action": {"type": "text", "label": "x" * 41}}]]})
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, random_id=3, message="x", keyboard=long_label) == 911
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, random_id=4, message="x", keyboard="{not json") == 911
    big_payload = callback_keyboard({"p": "x" * 300})
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, random_id=5, message="x", keyboard=big_payload) == 911
    assert await error_code(http, emu, "messages.send", peer_id=2_000_000_099, random_id=6, message="x") == 917
    assert emu.bot_messages(ALICE) == []
    await ok(http, emu, "messages.send", peer_id=ALICE, random_id=7, message="я" * 4096)


async def test_send_to_peer_ids_reports_per_peer(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")
    chat = emu.add_chat("5А", [ALICE, BOB])
    result = await ok(http, emu, "messages.send", peer_ids=f"{ALICE},{chat},{CAROL}", random_id=9, message="Объявление")
    assert [item["peer_id"] for item in result] == [ALICE, chat, CAROL]
    assert result[0]["conversation_message_id"] == 2 and result[1]["conversation_message_id"] == 1
    assert result[2]["error"]["code"] == 901
    keyboard = json.loads(callback_keyboard({"a": 1}))
    await ok(http, emu, "messages.send", peer_id=chat, random_id=10, message="k", keyboard=json.dumps(keyboard))
    assert emu.bot_messages(chat)[-1]["keyboard"] == keyboard


# --- auth, unknown methods, rate limit ------------------------------------------------------
async def test_auth_and_request_errors(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    body = await call(http, emu, "users.get", token="wrong", user_ids=ALICE)
    assert body["error"]["error_code"] == 5
    assert body["error"]["error_msg"] == "User authorization failed: invalid access_token (4)."
    assert {"key": "user_ids", "value": str(ALICE)} in body["error"]["request_params"]
    assert all(p["key"] != "access_token" for p in body["error"]["request_params"])
    assert (await call(http, emu, "users.get", token=None))["error"]["error_code"] == 5
    assert await error_code(http, emu, "messages.fly") == 3
    assert await error_code(http, emu, "groups.getLongPollServer") == 100
    recorded = emu.requests[0]
    assert recorded.token == "wrong" and "access_token" not in recorded.params
    assert "wrong" not in repr(recorded)


async def test_get_requests_and_query_params_are_accepted(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    params = {"access_token": TOKEN, "v": "5.199", "user_ids": f"{ALICE},id{BOB},999"}
    async with http.get(emu.api_url + "users.get", params=params) as resp:
        users = (await resp.json())["response"]
    assert [u["id"] for u in users] == [ALICE, BOB]  # unknown ids are skipped
    assert users[0] == {"id": ALICE, "first_name": "Анна", "last_name": "Иванова", "can_access_closed": True, "is_closed": False}
    group = (await ok(http, emu, "groups.getById"))["groups"][0]
    assert group["id"] == GROUP_ID and group["screen_name"] == "school56" and group["is_closed"] == 0


async def test_rate_limit_answers_error_6() -> None:
    emulator = VkEmulator(rate_limit=5)
    await emulator.start()
    try:
        async with aiohttp.ClientSession() as session:
            codes = await asyncio.gather(*(call(session, emulator, "groups.getById") for _ in range(7)))
        errors = [body["error"]["error_code"] for body in codes if "error" in body]
        assert errors == [6, 6]
        assert len(emulator.calls("groups.getById")) == 7
    finally:
        await emulator.stop()


# --- long poll -----------------------------------------------------------------------------
async def test_longpoll_delivers_events_in_order(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    lp = await longpoll_server(http, emu)
    assert lp["server"].endswith(f"/lp/{GROUP_ID}") and isinstance(lp["ts"], str)
    await emu.user_writes(ALICE, "первое", payload={"cmd": "start"}, ref="invite123")
    await emu.user_writes(BOB, "второе")
    body = await poll(http, lp, wait=1)
    updates = body["updates"]
    assert [u["object"]["message"]["text"] for u in updates] == ["первое", "второе"]
    first = updates[0]
    assert first["type"] == "message_new" and first["group_id"] == GROUP_ID and first["v"] == "5.199"
    message = first["object"]["message"]
    assert message["peer_id"] == ALICE and message["from_id"] == ALICE and message["id"] > 0
    assert json.loads(message["payload"]) == {"cmd": "start"} and message["ref"] == "invite123"
    assert "keyboard" not in message and "deleted" not in message
    assert first["object"]["client_info"]["inline_keyboard"] is True
    assert int(body["ts"]) == int(lp["ts"]) + 2
    assert (await poll(http, lp, ts=body["ts"], wait=0))["updates"] == []


async def test_longpoll_holds_until_an_event_arrives(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    lp = await longpoll_server(http, emu)

    async def write_later() -> None:
        await asyncio.sleep(0.2)
        await emu.user_writes(ALICE, "позже")

    started = time.monotonic()
    writer = asyncio.create_task(write_later())
    body = await poll(http, lp, wait=3)
    elapsed = time.monotonic() - started
    await writer
    assert [u["object"]["message"]["text"] for u in body["updates"]] == ["позже"]
    assert 0.15 < elapsed < 1.5
    started = time.monotonic()
    empty = await poll(http, lp, ts=body["ts"], wait=0.3)
    assert empty["updates"] == [] and 0.25 < time.monotonic() - started < 1.5


async def test_longpoll_failures(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    lp = await longpoll_server(http, emu)
    assert await poll(http, lp, key="bad") == {"failed": 2}
    future = await poll(http, lp, ts=int(lp["ts"]) + 50)
    assert future == {"failed": 1, "ts": lp["ts"]}
    emu.expire_key()
    assert await poll(http, lp) == {"failed": 2}
    fresh = await longpoll_server(http, emu)
    assert fresh["key"] != lp["key"] and fresh["ts"] == lp["ts"]
    assert (await poll(http, fresh))["updates"] == []
    for i in range(1005):  # overflow the 1000 kept events
        await emu.user_writes(ALICE, str(i))
    old = await poll(http, fresh)
    assert old["failed"] == 1 and int(old["ts"]) == int(fresh["ts"]) + 1005


async def test_held_poll_learns_about_expired_key(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    lp = await longpoll_server(http, emu)
    held = asyncio.create_task(poll(http, lp, wait=5))
    await asyncio.sleep(0.1)
    emu.expire_key()
    assert await asyncio.wait_for(held, 1) == {"failed": 2}


async def test_duplicate_event_keeps_event_id(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    lp = await longpoll_server(http, emu)
    emu.duplicate_next_event()
    await emu.user_writes(ALICE, "дважды")
    await emu.user_writes(ALICE, "однажды")
    updates = (await poll(http, lp))["updates"]
    assert [u["object"]["message"]["text"] for u in updates] == ["дважды", "дважды", "однажды"]
    assert updates[0]["event_id"] == updates[1]["event_id"] != updates[2]["event_id"]


# --- fault injection -----------------------------------------------------------------------
async def test_fail_next_injects_errors(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")
    emu.fail_next("messages.send", 10, times=2)
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, random_id=1, message="x") == 10
    assert await error_code(http, emu, "messages.send", peer_id=ALICE, random_id=1, message="x") == 10
    assert emu.bot_messages(ALICE) == []
    await ok(http, emu, "messages.send", peer_id=ALICE, random_id=1, message="x")
    emu.fail_next("users.get", 14)
    captcha = (await call(http, emu, "users.get", user_ids=ALICE))["error"]
    assert captcha["error_code"] == 14 and "captcha_sid" in captcha


async def test_drop_next_loses_the_answer_but_not_the_effect(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")
    emu.drop_next("messages.send")
    with pytest.raises(aiohttp.ClientError):
        await call(http, emu, "messages.send", peer_id=ALICE, random_id=42, message="once")
    retried = await ok(http, emu, "messages.send", peer_id=ALICE, random_id=42, message="once")
    assert [m["id"] for m in emu.bot_messages(ALICE)] == [retried]
    lp = await longpoll_server(http, emu)
    emu.drop_next("longpoll")
    with pytest.raises(aiohttp.ClientError):
        await poll(http, lp)
    emu.fail_next("longpoll", 3)
    assert await poll(http, lp) == {"failed": 3}
    assert await poll(http, lp) == {"failed": 2}  # failed 3 really rotated the key


async def test_delay_next_slows_one_call(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    emu.delay_next("users.get", 0.3)
    started = time.monotonic()
    await ok(http, emu, "users.get", user_ids=ALICE)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await ok(http, emu, "users.get", user_ids=ALICE)
    assert time.monotonic() - started < 0.2


# --- chat administration -------------------------------------------------------------------
async def test_delete_needs_admin_and_marks_history(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB], admins=[ALICE], bot_is_admin=False)
    spam = await emu.user_writes(BOB, "спам", peer_id=chat)
    assert spam["id"] == 0 and spam["conversation_message_id"] == 1
    own = await ok(http, emu, "messages.send", peer_id=chat, random_id=1, message="бот")
    assert own > 0
    assert await error_code(http, emu, "messages.delete", peer_id=chat, cmids=1, delete_for_all=1) == 925
    deleted_own = await ok(http, emu, "messages.delete", peer_id=chat, cmids=2, delete_for_all=1)
    assert deleted_own == [{"peer_id": chat, "conversation_message_id": 2, "response": 1}]
    emu.set_bot_admin(chat, True)
    assert await error_code(http, emu, "messages.delete", peer_id=chat, cmids=1) == 924
    result = await ok(http, emu, "messages.delete", peer_id=chat, cmids="1", delete_for_all=1)
    assert result == [{"peer_id": chat, "conversation_message_id": 1, "response": 1}]
    assert [m["deleted"] for m in emu.messages(chat)] == [True, True]


async def test_remove_chat_user_emits_kick(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB, CAROL], admins=[ALICE])
    chat_id = chat - 2_000_000_000
    lp = await longpoll_server(http, emu)
    assert await ok(http, emu, "messages.removeChatUser", chat_id=chat_id, member_id=BOB) == 1
    assert emu.chat_members(chat) == {ALICE, CAROL, BOT}
    kick = (await poll(http, lp))["updates"][0]["object"]["message"]
    assert kick["from_id"] == BOT and kick["action"] == {"type": "chat_kick_user", "member_id": BOB}
    assert await error_code(http, emu, "messages.removeChatUser", chat_id=chat_id, member_id=BOB) == 935
    assert await error_code(http, emu, "messages.removeChatUser", chat_id=chat_id, member_id=ALICE) == 15
    emu.set_bot_admin(chat, False)
    assert await error_code(http, emu, "messages.removeChatUser", chat_id=chat_id, member_id=CAROL) == 925


async def test_conversation_members_paginate_with_vk_default(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    people = list(range(1000, 1030))
    chat = emu.add_chat("Родители 5А", people, admins=[1000])
    first = await ok(http, emu, "messages.getConversationMembers", peer_id=chat)
    assert first["count"] == 31 and len(first["items"]) == 20  # VK's default count is 20
    assert first["items"][0] == {"member_id": 1000, "invited_by": 0, "join_date": first["items"][0]["join_date"],
                                 "is_admin": True, "can_kick": False, "is_owner": True}
    assert first["items"][1]["can_kick"] is True and first["items"][1]["invited_by"] == 1000
    assert len(first["profiles"]) == 20 and first["groups"][0]["id"] == GROUP_ID
    rest = await ok(http, emu, "messages.getConversationMembers", peer_id=chat, offset=20, count=200)
    ids = {i["member_id"] for i in first["items"]} | {i["member_id"] for i in rest["items"]}
    assert len(rest["items"]) == 11 and ids == set(people) | {BOT}
    emu.set_bot_admin(chat, False)
    assert await error_code(http, emu, "messages.getConversationMembers", peer_id=chat) == 917


async def test_invite_link_reset_kills_old_link(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    chat = emu.add_chat("5А", [ALICE])
    old = (await ok(http, emu, "messages.getInviteLink", peer_id=chat))["link"]
    assert old.startswith("https://vk.me/join/")
    assert (await ok(http, emu, "messages.getInviteLink", peer_id=chat, reset=0))["link"] == old
    new = (await ok(http, emu, "messages.getInviteLink", peer_id=chat, reset=1))["link"]
    assert new != old
    with pytest.raises(ValueError):
        await emu.user_joins_by_link(BOB, old)
    lp = await longpoll_server(http, emu)
    assert await emu.user_joins_by_link(BOB, new) == chat
    joined = (await poll(http, lp))["updates"][0]["object"]["message"]
    assert joined["from_id"] == BOB and joined["action"] == {"type": "chat_invite_user_by_link", "member_id": BOB}
    assert BOB in emu.chat_members(chat)
    emu.set_bot_admin(chat, False)
    assert await error_code(http, emu, "messages.getInviteLink", peer_id=chat) == 925


async def test_people_join_leave_and_edit(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    chat = emu.add_chat("5А", [ALICE])
    lp = await longpoll_server(http, emu)
    await emu.user_added(chat, BOB, by=ALICE)
    question = await emu.user_writes(BOB, "вопрос", peer_id=chat)
    await emu.user_writes(ALICE, "ответ", peer_id=chat, reply_to_cmid=question["conversation_message_id"], fwd_cmids=[2])
    await emu.user_edits(BOB, chat, 2, "вопрос (исправлено)")
    await emu.user_leaves(chat, BOB)
    updates = (await poll(http, lp))["updates"]
    assert [u["type"] for u in updates] == ["message_new"] * 3 + ["message_edit", "message_new"]
    assert updates[0]["object"]["message"]["action"] == {"type": "chat_invite_user", "member_id": BOB}
    answer = updates[2]["object"]["message"]
    assert answer["reply_message"]["text"] == "вопрос" and answer["fwd_messages"][0]["from_id"] == BOB
    assert updates[3]["object"]["text"] == "вопрос (исправлено)" and updates[3]["object"]["conversation_message_id"] == 2
    assert updates[4]["object"]["message"]["action"] == {"type": "chat_kick_user", "member_id": BOB}
    assert emu.chat_members(chat) == {ALICE, BOT}
    with pytest.raises(ValueError):
        await emu.user_writes(BOB, "я тут?", peer_id=chat)


# --- callback buttons ----------------------------------------------------------------------
async def test_message_event_and_answer(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")
    await ok(http, emu, "messages.send", peer_id=ALICE, random_id=5, message="?", keyboard=callback_keyboard({"ok": 1}))
    sent = await emu.wait_for_bot_message(ALICE, timeout=1)
    lp = await longpoll_server(http, emu)
    event_id = await emu.press_button(ALICE, ALICE, sent["conversation_message_id"], {"ok": 1})
    event = (await poll(http, lp))["updates"][0]
    assert event["type"] == "message_event"
    assert event["object"] == {"user_id": ALICE, "peer_id": ALICE, "event_id": event_id, "payload": {"ok": 1},
                               "conversation_message_id": sent["conversation_message_id"]}
    snackbar = json.dumps({"type": "show_snackbar", "text": "Готово"})
    answer = await ok(http, emu, "messages.sendMessageEventAnswer", event_id=event_id, user_id=ALICE, peer_id=ALICE, event_data=snackbar)
    assert answer == 1 and emu.event_answers[0]["event_data"] == snackbar
    assert await error_code(http, emu, "messages.sendMessageEventAnswer", event_id="nope", user_id=ALICE, peer_id=ALICE) == 100


async def test_edit_replaces_text_and_keyboard(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    chat = emu.add_chat("5А", [ALICE])
    await ok(http, emu, "messages.send", peer_id=chat, random_id=5, message="?", keyboard=callback_keyboard({"ok": 1}))
    assert await ok(http, emu, "messages.edit", peer_id=chat, conversation_message_id=1, message="Принято") == 1
    edited = emu.bot_messages(chat)[0]
    assert edited["text"] == "Принято" and edited["keyboard"] is None
    await emu.user_writes(ALICE, "моё", peer_id=chat)
    assert await error_code(http, emu, "messages.edit", peer_id=chat, conversation_message_id=2, message="x") == 15


async def test_wait_for_bot_message_consumes_in_order(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")

    async def bot_replies() -> None:
        await asyncio.sleep(0.05)
        for n, text in enumerate(["раз", "два", "три"], start=1):
            await ok(http, emu, "messages.send", peer_id=ALICE, random_id=n, message=text)

    sender = asyncio.create_task(bot_replies())
    assert (await emu.wait_for_bot_message(ALICE, timeout=1))["text"] == "раз"
    assert (await emu.wait_for_bot_message(ALICE, predicate=lambda m: m["text"] == "три", timeout=1))["text"] == "три"
    await sender
    with pytest.raises(asyncio.TimeoutError):
        await emu.wait_for_bot_message(ALICE, timeout=0.1)


# --- uploads -------------------------------------------------------------------------------
async def test_photo_upload_flow(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    await emu.user_writes(ALICE, "hi")
    server = await ok(http, emu, "photos.getMessagesUploadServer", peer_id=ALICE)
    assert server["upload_url"].startswith("http://127.0.0.1:") and server["group_id"] == GROUP_ID
    image = png(32, 16)
    form = aiohttp.FormData()
    form.add_field("photo", image, filename="chart.png", content_type="image/png")
    async with http.post(server["upload_url"], data=form) as resp:
        uploaded = await resp.json()
    assert set(uploaded) == {"server", "photo", "hash"} and isinstance(uploaded["photo"], str)
    saved = await ok(http, emu, "photos.saveMessagesPhoto", **uploaded)
    photo = saved[0]
    assert photo["owner_id"] == BOT and photo["sizes"][0]["width"] == 32 and photo["sizes"][0]["height"] == 16
    attachment = f"photo{photo['owner_id']}_{photo['id']}_{photo['access_key']}"
    await ok(http, emu, "messages.send", peer_id=ALICE, random_id=1, attachment=attachment)
    sent = emu.bot_messages(ALICE)[0]
    assert sent["attachments"][0]["photo"]["id"] == photo["id"]
    assert emu.uploads[0].filename == "chart.png" and emu.uploads[0].size == len(image)
    bad = dict(uploaded, hash="0" * 32)
    assert await error_code(http, emu, "photos.saveMessagesPhoto", **bad) in (100, 121)


async def test_doc_upload_flow(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    chat = emu.add_chat("5А", [ALICE])
    server = await ok(http, emu, "docs.getMessagesUploadServer", type="doc", peer_id=chat)
    content = "ФИО;класс\nИванова Анна;5А\n".encode()
    form = aiohttp.FormData()
    form.add_field("file", content, filename="report.csv", content_type="text/csv")
    async with http.post(server["upload_url"], data=form) as resp:
        uploaded = await resp.json()
    saved = await ok(http, emu, "docs.save", file=uploaded["file"], title="Отчёт.csv")
    doc = saved["doc"]
    assert saved["type"] == "doc" and doc["title"] == "Отчёт.csv" and doc["ext"] == "csv" and doc["size"] == len(content)
    await ok(http, emu, "messages.send", peer_id=chat, random_id=1, attachment=f"doc{doc['owner_id']}_{doc['id']}")
    assert emu.bot_messages(chat)[0]["attachments"][0]["doc"]["size"] == len(content)
    assert emu.uploads[0].filename == "report.csv"
    assert await error_code(http, emu, "docs.save", file=uploaded["file"]) == 100  # a file is saved once


# --- control API ---------------------------------------------------------------------------
async def test_control_api_mirrors_python_api(emu: VkEmulator, http: aiohttp.ClientSession) -> None:
    base = emu.api_url.removesuffix("/method/")
    async with http.post(f"{base}/_emulator/add_user", json={"user_id": 200, "first_name": "Ия", "last_name": "Ли"}) as resp:
        assert resp.status == 200
    async with http.post(f"{base}/_emulator/user_writes", json={"user_id": 200, "text": "/start"}) as resp:
        written = (await resp.json())["result"]
    assert written["text"] == "/start" and written["peer_id"] == 200
    async with http.get(f"{base}/_emulator/messages", params={"peer_id": "200"}) as resp:
        items = (await resp.json())["items"]
    assert [m["text"] for m in items] == ["/start"]
    async with http.post(f"{base}/_emulator/user_writes", json={"user_id": 200}) as resp:
        assert resp.status == 400
    async with http.post(f"{base}/_emulator/stop", json={}) as resp:
        assert resp.status == 404
