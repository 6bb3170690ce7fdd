"""The MAX Bot API emulator over real HTTP: shapes, errors, delivery and faults the bot will meet on MAX."""

from __future__ import annotations

import asyncio
import time
import types
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.sandbox import max_emulator as max_emulator_module
from bot.sandbox.max_emulator import ENDPOINT_KEYS, MaxEmulator

Http = aiohttp.ClientSession
TOKEN = "sandbox-token"
ALICE, BOB, CAROL, DAN = 101, 102, 103, 104
SUCCESS = {"success": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def emu() -> AsyncIterator[MaxEmulator]:
    emulator = MaxEmulator(webhook_retry_delays=(0.01, 0.01, 0.01))
    emulator.add_user(ALICE, "Анна", "Иванова", "anna")
    emulator.add_user(BOB, "Пётр", "Смирнов")
    emulator.add_user(CAROL, "Мария", "Кузнецова", allows_messages=False)
    emulator.add_user(DAN, "Данила", "Орлов")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def api(
    http: Http, emu: MaxEmulator, method: str, path: str, *,
    params: dict[str, Any] | None = None, json: Any = None, token: str | None = TOKEN, auth: str | None = None,
) -> tuple[int, Any]:
    headers = {"Authorization": auth if auth is not None else token} if (token or auth) else {}
    query = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (params or {}).items()}
    async with http.request(method, emu.api_url + path, params=query, json=json, headers=headers) as resp:
        body = await resp.json() if resp.content_type == "application/json" else await resp.text()
        return resp.status, body


async def ok(http: Http, emu: MaxEmulator, method: str, path: str, **kwargs: Any) -> Any:
    status, body = await api(http, emu, method, path, **kwargs)
    assert status == 200, body
    return body


async def err(http: Http, emu: MaxEmulator, method: str, path: str, **kwargs: Any) -> tuple[int, str]:
    status, body = await api(http, emu, method, path, **kwargs)
    assert status != 200 and set(body) == {"code", "message"}, (status, body)
    return status, body["code"]


async def send_fails(http: Http, emu: MaxEmulator, where: dict[str, int], body: Any) -> tuple[int, str]:
    return await err(http, emu, "POST", "/messages", params=where, json=body)


async def delete_fails(http: Http, emu: MaxEmulator, message: dict[str, Any]) -> tuple[int, str]:
    return await err(http, emu, "DELETE", "/messages", params={"message_id": message["body"]["mid"]})


async def poll(http: Http, emu: MaxEmulator, **params: Any) -> dict[str, Any]:
    return await ok(http, emu, "GET", "/updates", params={"timeout": 0, **params})


def keyboard(*payloads: str) -> dict[str, Any]:
    return {"type": "inline_keyboard",
            "payload": {"buttons": [[{"type": "callback", "text": p, "payload": p} for p in payloads]]}}


async def send(http: Http, emu: MaxEmulator, where: dict[str, int], **body: Any) -> dict[str, Any]:
    return (await ok(http, emu, "POST", "/messages", params=where, json=body))["message"]


async def upload(http: Http, emu: MaxEmulator, kind: str, data: bytes, name: str) -> dict[str, Any]:
    url = (await ok(http, emu, "POST", "/uploads", params={"type": kind}))["url"]
    form = aiohttp.FormData()
    form.add_field("data", data, filename=name, content_type="application/octet-stream")
    async with http.post(url, data=form) as resp:  # the upload URL takes no token
        assert resp.status == 200
        return await resp.json()


# --- auth and limits ---------------------------------------------------------------------------
async def test_auth_takes_the_bare_token_from_the_header_only(emu: MaxEmulator, http: Http) -> None:
    assert await err(http, emu, "GET", "/me", token=None) == (401, "verify.token")
    assert await err(http, emu, "GET", "/me", token="wrong") == (401, "verify.token")
    assert await err(http, emu, "GET", "/me", auth=f"Bearer {TOKEN}") == (401, "verify.token")
    assert await err(http, emu, "GET", "/me", token=None, params={"access_token": TOKEN}) == (401, "verify.token")
    me = await ok(http, emu, "GET", "/me")
    assert (me["user_id"], me["username"], me["is_bot"]) == (emu.bot_id, "school56_bot", True)
    assert me["name"] == me["first_name"] == "Школьный бот"
    emu.accept_bearer = True
    assert (await ok(http, emu, "GET", "/me", auth=f"Bearer {TOKEN}"))["user_id"] == emu.bot_id
    assert [r.status for r in emu.calls("GET /me")] == [401, 401, 401, 401, 200, 200]
    assert "sandbox-token" not in repr(emu.requests[-1])


async def test_more_than_30_requests_a_second_get_429(
    emu: MaxEmulator, http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(max_emulator_module, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    results = await asyncio.gather(*(api(http, emu, "GET", "/me") for _ in range(30)))
    assert all(status == 200 for status, _ in results)
    assert await err(http, emu, "GET", "/me") == (429, "too.many.requests")
    clock[0] += 0.5
    assert await err(http, emu, "GET", "/me") == (429, "too.many.requests")
    clock[0] += 0.6  # the window slid past the first 30
    await ok(http, emu, "GET", "/me")


# --- sending, editing, deleting ------------------------------------------------------------
async def test_send_to_a_user_and_to_a_chat_has_the_schema_shape(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB])
    sent = await send(http, emu, {"user_id": ALICE}, text="Привет", format="markdown", notify=False,
                      attachments=[keyboard("yes", "no")])
    assert sent["sender"]["user_id"] == emu.bot_id and sent["sender"]["is_bot"] is True
    assert sent["recipient"] == {"chat_id": emu.dialog_id(ALICE), "chat_type": "dialog", "user_id": ALICE}
    assert sent["body"]["mid"].startswith("mid.") and isinstance(sent["body"]["seq"], int)
    assert sent["body"]["text"] == "Привет" and sent["body"]["attachments"][0]["type"] == "inline_keyboard"
    assert abs(sent["timestamp"] - time.time() * 1000) < 5000  # milliseconds
    same = await send(http, emu, {"chat_id": emu.dialog_id(ALICE)}, text="ещё")
    assert same["recipient"]["chat_id"] == emu.dialog_id(ALICE)
    incoming = await emu.user_writes(BOB, "вопрос", chat_id=chat)
    link = {"type": "reply", "mid": incoming["body"]["mid"]}
    reply = await send(http, emu, {"chat_id": chat}, text="ответ", link=link)
    assert reply["recipient"] == {"chat_id": chat, "chat_type": "chat"}
    assert reply["link"]["type"] == "reply" and reply["link"]["sender"]["user_id"] == BOB
    assert reply["link"]["chat_id"] == chat and reply["link"]["message"]["text"] == "вопрос"
    view = emu.bot_messages(ALICE)[0]
    assert (view["format"], view["notify"], view["deleted"]) == ("markdown", False, False)


async def test_send_is_validated_and_refused_where_max_refuses(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5Б", [ALICE], bot_member=False)
    to_alice = {"user_id": ALICE}
    await send(http, emu, {"user_id": ALICE}, text="я" * 4000)
    assert await send_fails(http, emu, {"user_id": ALICE}, {"text": "я" * 4001}) == (400, "proto.payload")
    assert await send_fails(http, emu, {"user_id": ALICE}, {"text": ""}) == (400, "proto.payload")
    assert await send_fails(http, emu, {"user_id": ALICE, "chat_id": chat}, {"text": "x"}) == (400, "proto.payload")
    assert await send_fails(http, emu, {"user_id": CAROL}, {"text": "x"}) == (403, "chat.denied")
    assert await send_fails(http, emu, {"chat_id": chat}, {"text": "x"}) == (403, "chat.denied")
    assert await send_fails(http, emu, {"user_id": 999}, {"text": "x"}) == (404, "not.found")
    bad_button = {"type": "inline_keyboard", "payload": {"buttons": [[{"type": "callback", "text": "x"}]]}}
    assert await send_fails(http, emu, to_alice, {"text": "x", "attachments": [bad_button]}) == (400, "proto.payload")
    link_button = {"type": "link", "text": "x", "url": "https://e.ru"}
    too_wide = {"type": "inline_keyboard", "payload": {"buttons": [[link_button] * 4]}}  # 3 a row with links
    assert await send_fails(http, emu, to_alice, {"text": "x", "attachments": [too_wide]}) == (400, "proto.payload")
    status, body = await api(http, emu, "POST", "/messages", params={"user_id": ALICE}, json=None)
    assert status == 400 and body["code"] == "proto.payload"
    await emu.user_stops_bot(ALICE)
    assert await send_fails(http, emu, {"user_id": ALICE}, {"text": "x"}) == (403, "chat.denied")
    assert [u["update_type"] for u in emu.updates] == ["bot_stopped"]


async def test_edit_replaces_text_and_keyboard(emu: MaxEmulator, http: Http) -> None:
    sent = await send(http, emu, {"user_id": ALICE}, text="Голосуем?", attachments=[keyboard("yes")])
    mid = sent["body"]["mid"]
    assert await ok(http, emu, "PUT", "/messages", params={"message_id": mid}, json={"text": "Итоги"}) == SUCCESS
    edited = await ok(http, emu, "GET", f"/messages/{mid}")
    assert edited["body"]["text"] == "Итоги" and edited["body"]["attachments"][0]["type"] == "inline_keyboard"
    await ok(http, emu, "PUT", "/messages", params={"message_id": mid}, json={"attachments": []})
    edited = await ok(http, emu, "GET", f"/messages/{mid}")
    assert edited["body"]["text"] == "Итоги" and "attachments" not in edited["body"]
    assert emu.bot_messages(ALICE)[0]["edited"] is True
    theirs = await emu.user_writes(ALICE, "моё")
    edit = {"text": "x"}
    assert await err(http, emu, "PUT", "/messages", params={"message_id": theirs["body"]["mid"]}, json=edit) == (
        403, "access.denied")
    assert await err(http, emu, "PUT", "/messages", params={"message_id": "mid.nope"}, json=edit) == (404, "not.found")


async def test_delete_own_always_others_only_as_admin_with_delete(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB], admins=[ALICE], bot_is_admin=False)
    spam = await emu.user_writes(BOB, "спам", chat_id=chat)
    own = await send(http, emu, {"chat_id": chat}, text="бот")
    assert await delete_fails(http, emu, spam) == (403, "access.denied")
    assert await ok(http, emu, "DELETE", "/messages", params={"message_id": own["body"]["mid"]}) == {"success": True}
    assert await err(http, emu, "DELETE", "/messages", params={"message_id": own["body"]["mid"]}) == (404, "not.found")
    emu.set_bot_permissions(chat, ["read_all_messages", "write"])
    assert await delete_fails(http, emu, spam) == (403, "access.denied")
    emu.set_bot_permissions(chat, ["read_all_messages", "delete"])
    await ok(http, emu, "DELETE", "/messages", params={"message_id": spam["body"]["mid"]})
    assert [m["deleted"] for m in emu.messages(chat)] == [True, True]
    dm = await emu.user_writes(ALICE, "личное")
    assert await delete_fails(http, emu, dm) == (403, "access.denied")


async def test_get_messages_newest_first_and_gated(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB], bot_permissions=["write"])
    await emu.user_writes(ALICE, "не видно боту", chat_id=chat)
    for text in ("раз", "два", "три"):
        await send(http, emu, {"chat_id": chat}, text=text)
    page = await ok(http, emu, "GET", "/messages", params={"chat_id": chat, "count": 2})
    assert [m["body"]["text"] for m in page["messages"]] == ["три", "два"]
    assert len((await ok(http, emu, "GET", "/messages", params={"chat_id": chat}))["messages"]) == 3
    hidden = emu.messages(chat)[0]["body"]["mid"]
    assert await err(http, emu, "GET", f"/messages/{hidden}") == (404, "not.found")
    emu.set_bot_permissions(chat, ["read_all_messages"])
    assert (await ok(http, emu, "GET", f"/messages/{hidden}"))["body"]["text"] == "не видно боту"
    assert await err(http, emu, "GET", "/messages", params={"chat_id": chat, "count": 101}) == (400, "proto.payload")


# --- callbacks -------------------------------------------------------------------------------
async def test_button_press_and_answers(emu: MaxEmulator, http: Http) -> None:
    sent = await send(http, emu, {"user_id": ALICE}, text="Согласны?", attachments=[keyboard("yes", "no")])
    mid = sent["body"]["mid"]
    with pytest.raises(ValueError):
        await emu.press_button(ALICE, mid, "maybe")
    callback_id = await emu.press_button(ALICE, mid, "yes")
    update = (await poll(http, emu))["updates"][-1]
    assert update["update_type"] == "message_callback" and update["user_locale"] == "ru"
    assert update["callback"]["callback_id"] == callback_id and update["callback"]["payload"] == "yes"
    assert update["callback"]["user"]["user_id"] == ALICE and update["message"]["body"]["mid"] == mid
    answer = {"notification": "Принято", "message": {"text": "Спасибо!", "attachments": []}}
    assert await ok(http, emu, "POST", "/answers", params={"callback_id": callback_id}, json=answer) == SUCCESS
    assert emu.callback_answers == [{"callback_id": callback_id, "user_id": ALICE, "chat_id": emu.dialog_id(ALICE),
                                     "mid": mid, "notification": "Принято", "message": answer["message"]}]
    assert emu.bot_messages(ALICE)[0]["body"] == {"mid": mid, "seq": sent["body"]["seq"], "text": "Спасибо!"}
    again = {"notification": "x"}
    assert await err(http, emu, "POST", "/answers", params={"callback_id": callback_id}, json=again) == (
        400, "callback.answered")
    assert await err(http, emu, "POST", "/answers", params={"callback_id": "nope"}, json=again) == (404, "not.found")
    other = await emu.press_button(ALICE, mid, "no", check=False)  # a stale client still shows the old keyboard
    assert await err(http, emu, "POST", "/answers", params={"callback_id": other}, json={}) == (400, "proto.payload")


# --- updates -------------------------------------------------------------------------------
async def test_long_poll_marker_commits_and_old_marker_replays(emu: MaxEmulator, http: Http) -> None:
    first = await poll(http, emu)
    assert first["updates"] == [] and isinstance(first["marker"], int)
    await emu.user_starts_bot(ALICE, "invite-42")
    await emu.user_writes(ALICE, "раз")
    got = await poll(http, emu, marker=first["marker"])
    started, written = got["updates"]
    assert started == {"update_type": "bot_started", "timestamp": started["timestamp"], "chat_id": emu.dialog_id(ALICE),
                       "user": started["user"], "payload": "invite-42", "user_locale": "ru"}
    assert started["user"]["user_id"] == ALICE and started["user"]["username"] == "anna"
    assert written["update_type"] == "message_created" and written["message"]["body"]["text"] == "раз"
    assert (await poll(http, emu, marker=got["marker"]))["updates"] == []
    await emu.user_writes(ALICE, "два")
    no_marker = await poll(http, emu)  # everything after the committed marker
    assert [u["message"]["body"]["text"] for u in no_marker["updates"]] == ["два"]
    replay = await poll(http, emu, marker=first["marker"])  # a restarted bot with its saved marker
    assert [u["update_type"] for u in replay["updates"]] == ["bot_started", "message_created", "message_created"]
    limited = await poll(http, emu, marker=first["marker"], limit=1)
    assert len(limited["updates"]) == 1
    assert (await poll(http, emu, marker=limited["marker"]))["updates"][0]["update_type"] == "message_created"
    only = await poll(http, emu, marker=first["marker"], types="bot_started")
    assert [u["update_type"] for u in only["updates"]] == ["bot_started"]
    await emu.user_starts_bot(BOB, "x" * 129)
    assert (await poll(http, emu))["updates"][-1]["payload"] is None
    assert await err(http, emu, "GET", "/updates", params={"limit": 0}) == (400, "proto.payload")


async def test_long_poll_is_held_until_an_update_or_stop(emu: MaxEmulator, http: Http) -> None:
    marker = (await poll(http, emu))["marker"]
    held = asyncio.create_task(ok(http, emu, "GET", "/updates", params={"marker": marker, "timeout": 5}))
    await asyncio.sleep(0.1)
    assert not held.done()
    started = time.monotonic()
    await emu.user_writes(BOB, "проснись")
    woken = await held
    assert woken["updates"][0]["message"]["body"]["text"] == "проснись"
    assert time.monotonic() - started < 1
    marker = woken["marker"]
    emu.max_poll_timeout = 0.2  # the held time is capped
    started = time.monotonic()
    assert (await ok(http, emu, "GET", "/updates", params={"marker": marker, "timeout": 90}))["updates"] == []
    assert 0.2 <= time.monotonic() - started < 1
    emu.max_poll_timeout = 30
    held = asyncio.create_task(api(http, emu, "GET", "/updates", params={"marker": marker, "timeout": 30}))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await emu.stop()
    assert time.monotonic() - started < 1.5
    status, body = await held  # released with an empty page, not left hanging
    assert status == 200 and body["updates"] == []
    await emu.start()


async def test_group_updates_need_admin_with_read_all_messages(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB], admins=[ALICE], bot_member=False)
    await emu.bot_added_to_chat(chat, by_user=ALICE)
    await emu.user_writes(BOB, "не видно", chat_id=chat)
    await emu.user_added(chat, CAROL, by=ALICE)
    emu.set_bot_permissions(chat, ["read_all_messages", "add_remove_members"], by=ALICE)
    await emu.user_writes(BOB, "видно", chat_id=chat)
    await emu.user_joins_by_link(DAN, emu.chat_link(chat) or "")
    await emu.user_leaves(chat, CAROL)
    await emu.user_changes_title(ALICE, chat, "5А класс")
    emu.set_bot_permissions(chat, [], by=ALICE)
    await emu.user_writes(BOB, "снова не видно", chat_id=chat)
    await emu.bot_removed_from_chat(chat, by_user=ALICE)
    updates = (await poll(http, emu))["updates"]
    assert [u["update_type"] for u in updates] == [
        "bot_added", "bot_admin_permissions_changed", "message_created", "user_added", "user_removed",
        "chat_title_changed", "bot_admin_permissions_changed", "bot_removed",
    ]
    added, perms, message, joined, left, title, revoked, removed = updates
    assert added["chat_id"] == chat and added["user"]["user_id"] == ALICE and added["is_channel"] is False
    assert perms == {**perms, "chat_id": chat, "user_id": ALICE, "bot_id": emu.bot_id, "is_admin": True,
                     "permissions": ["read_all_messages", "add_remove_members"]}
    assert message["message"]["body"]["text"] == "видно" and "user_locale" not in message
    assert joined["user"]["user_id"] == DAN and joined["inviter_id"] is None
    assert left["user"]["user_id"] == CAROL and left["admin_id"] is None
    assert title["title"] == "5А класс" and revoked["is_admin"] is False and revoked["permissions"] is None
    assert removed["update_type"] == "bot_removed" and removed["user"]["user_id"] == ALICE
    assert (await ok(http, emu, "GET", f"/chats/{chat}"))["status"] == "removed"
    assert await send_fails(http, emu, {"chat_id": chat}, {"text": "x"}) == (403, "chat.denied")


async def test_invited_members_carry_the_inviter(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE], admins=[ALICE])
    await emu.user_added(chat, BOB, by=ALICE)
    await emu.admin_removes(chat, BOB, by=ALICE)
    added, removed = (await poll(http, emu))["updates"]
    assert (added["inviter_id"], removed["admin_id"]) == (ALICE, ALICE)
    assert emu.chat_members(chat) == {ALICE, emu.bot_id}


# --- chats and members -----------------------------------------------------------------------
async def test_chat_info_and_member_paging(emu: MaxEmulator, http: Http) -> None:
    people = list(range(1000, 1150))
    chat = emu.add_chat("Родители 5А", people, admins=[ALICE])
    info = await ok(http, emu, "GET", f"/chats/{chat}")
    assert chat < 0 and (info["type"], info["status"], info["title"]) == ("chat", "active", "Родители 5А")
    assert info["participants_count"] == 152 and info["link"].startswith("https://max.ru/join/")
    assert info["owner_id"] == ALICE and info["is_public"] is False
    first = await ok(http, emu, "GET", f"/chats/{chat}/members", params={"count": 100})
    assert len(first["members"]) == 100 and first["members"][0]["is_owner"] is True
    second = await ok(http, emu, "GET", f"/chats/{chat}/members", params={"count": 100, "marker": first["marker"]})
    assert len(second["members"]) == 52 and second["marker"] is None
    ids = [m["user_id"] for m in first["members"] + second["members"]]
    assert len(set(ids)) == 152 and emu.bot_id in ids
    assert len((await ok(http, emu, "GET", f"/chats/{chat}/members"))["members"]) == 20
    picked = await ok(http, emu, "GET", f"/chats/{chat}/members", params={"user_ids": f"1003,{ALICE}", "count": 1})
    assert sorted(m["user_id"] for m in picked["members"]) == [ALICE, 1003]
    plain = next(m for m in picked["members"] if m["user_id"] == 1003)
    assert (plain["is_admin"], plain["permissions"], plain["first_name"]) == (False, None, "Пользователь")
    assert {"last_access_time", "join_time", "is_owner"} <= set(plain)
    assert await err(http, emu, "GET", f"/chats/{chat}/members", params={"count": 101}) == (400, "proto.payload")
    me = await ok(http, emu, "GET", f"/chats/{chat}/members/me")
    assert me["user_id"] == emu.bot_id and me["is_admin"] is True and "read_all_messages" in me["permissions"]
    assert await err(http, emu, "GET", "/chats/-1") == (404, "not.found")
    dialog = await ok(http, emu, "GET", f"/chats/{emu.dialog_id(ALICE)}")
    assert dialog["type"] == "dialog" and dialog["dialog_with_user"]["user_id"] == ALICE
    no_link = emu.add_chat("Без ссылки", [ALICE], bot_is_admin=False, with_link=False)
    hidden = await ok(http, emu, "GET", f"/chats/{no_link}")
    assert "link" not in hidden and "participants" not in hidden


async def test_pin_and_chat_actions(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE], bot_permissions=["write"])
    rules = await send(http, emu, {"chat_id": chat}, text="Правила чата")
    pin = {"message_id": rules["body"]["mid"], "notify": False}
    assert await err(http, emu, "PUT", f"/chats/{chat}/pin", json=pin) == (403, "access.denied")
    emu.set_bot_permissions(chat, ["write", "pin_message"])
    assert await ok(http, emu, "PUT", f"/chats/{chat}/pin", json=pin) == {"success": True}
    assert (await ok(http, emu, "GET", f"/chats/{chat}/pin"))["message"]["body"]["text"] == "Правила чата"
    assert (await ok(http, emu, "GET", f"/chats/{chat}"))["pinned_message"]["body"]["mid"] == pin["message_id"]
    await ok(http, emu, "DELETE", f"/chats/{chat}/pin")
    assert (await ok(http, emu, "GET", f"/chats/{chat}/pin"))["message"] is None
    assert await ok(http, emu, "POST", f"/chats/{chat}/actions", json={"action": "typing_on"}) == {"success": True}
    assert await err(http, emu, "POST", f"/chats/{chat}/actions", json={"action": "dancing"}) == (400, "proto.payload")


async def test_remove_member_needs_permission_and_block_needs_a_link(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE, BOB, CAROL, DAN], admins=[ALICE], bot_permissions=["read_all_messages"])
    assert await err(http, emu, "DELETE", f"/chats/{chat}/members", params={"user_id": BOB}) == (403, "access.denied")
    emu.set_bot_permissions(chat, ["read_all_messages", "add_remove_members"])
    marker = (await poll(http, emu))["marker"]
    assert await ok(http, emu, "DELETE", f"/chats/{chat}/members", params={"user_id": BOB, "block": True}) == SUCCESS
    removed = (await poll(http, emu, marker=marker))["updates"]
    assert [(u["update_type"], u["user"]["user_id"], u["admin_id"]) for u in removed] == [
        ("user_removed", BOB, emu.bot_id)]
    with pytest.raises(ValueError, match="blocked"):
        await emu.user_joins_by_link(BOB, emu.chat_link(chat) or "")
    await ok(http, emu, "DELETE", f"/chats/{chat}/members", params={"user_id": CAROL})
    assert await emu.user_joins_by_link(CAROL, emu.chat_link(chat) or "") == chat  # not blocked: may come back
    assert await err(http, emu, "DELETE", f"/chats/{chat}/members", params={"user_id": ALICE}) == (403, "access.denied")
    assert await err(http, emu, "DELETE", f"/chats/{chat}/members", params={"user_id": 999}) == (404, "not.found")
    emu.set_link(chat, None)
    await ok(http, emu, "DELETE", f"/chats/{chat}/members", params={"user_id": DAN, "block": True})  # block ignored
    emu.reset_link(chat)
    await emu.user_joins_by_link(DAN, emu.chat_link(chat) or "")
    assert emu.chat_members(chat) == {ALICE, CAROL, DAN, emu.bot_id}


# --- uploads -------------------------------------------------------------------------------
async def test_uploads_give_tokens_that_attach_to_messages(emu: MaxEmulator, http: Http) -> None:
    image = await upload(http, emu, "image", PNG, "chart.png")
    (photo_id, photo), = image["photos"].items()
    image_attachment = {"type": "image", "payload": {"token": photo["token"]}}
    sent = await send(http, emu, {"user_id": ALICE}, text="График", attachments=[image_attachment])
    attached = sent["body"]["attachments"][0]
    assert attached["type"] == "image" and attached["payload"]["token"] == photo["token"]
    assert str(attached["payload"]["photo_id"]) == photo_id
    async with http.get(attached["payload"]["url"]) as resp:
        assert await resp.read() == PNG
    file = await upload(http, emu, "file", b"a;b\n1;2\n", "report.csv")
    emu.attachment_not_ready()
    file_attachment = {"type": "file", "payload": {"token": file["token"]}}
    assert await send_fails(http, emu, {"user_id": ALICE}, {"attachments": [file_attachment]}) == (
        400, "attachment.not.ready")
    sent = await send(http, emu, {"user_id": ALICE}, attachments=[file_attachment])
    attached = sent["body"]["attachments"][0]
    assert (attached["type"], attached["filename"], attached["size"]) == ("file", "report.csv", 8)
    assert attached["payload"]["token"] == file["token"] and attached["payload"]["url"].startswith(emu.api_url)
    assert [(u.kind, u.filename, u.size) for u in emu.uploads] == [("image", "chart.png", 72),
                                                                   ("file", "report.csv", 8)]
    wrong_kind = {"type": "file", "payload": {"token": photo["token"]}}
    assert await send_fails(http, emu, {"user_id": ALICE}, {"attachments": [wrong_kind]}) == (400, "attachment.invalid")
    assert await err(http, emu, "POST", "/uploads", params={"type": "photo"}) == (400, "proto.payload")
    video = await ok(http, emu, "POST", "/uploads", params={"type": "video"})
    assert set(video) == {"url", "token"}
    url = (await ok(http, emu, "POST", "/uploads", params={"type": "image"}))["url"]
    form = aiohttp.FormData()
    form.add_field("data", b"not an image", filename="x.txt")
    async with http.post(url, data=form) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == "upload.format"
    async with http.post(url, data=form) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == "upload.invalid"  # an upload URL is single-use


# --- webhook -------------------------------------------------------------------------------
@pytest.fixture
async def receiver() -> AsyncIterator[dict[str, Any]]:
    """A local webhook endpoint that records what it gets and fails as told."""
    seen: dict[str, Any] = {"requests": [], "fail": 0}

    async def hook(request: web.Request) -> web.Response:
        seen["requests"].append((dict(request.headers), await request.json()))
        if seen["fail"] > 0:
            seen["fail"] -= 1
            return web.Response(status=500)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    seen["url"] = f"http://{host}:{port}/hook"
    yield seen
    await runner.cleanup()


async def test_webhook_delivers_with_the_secret_and_retries(
    emu: MaxEmulator, http: Http, receiver: dict[str, Any]
) -> None:
    sub = {"url": receiver["url"], "secret": "s3cret-value", "update_types": ["message_created", "bot_started"]}
    bad_secret = {**sub, "secret": "bad secret"}
    assert await err(http, emu, "POST", "/subscriptions", json=bad_secret) == (400, "proto.payload")
    assert await ok(http, emu, "POST", "/subscriptions", json=sub) == {"success": True}
    listed = (await ok(http, emu, "GET", "/subscriptions"))["subscriptions"]
    assert listed == [{"url": receiver["url"], "time": listed[0]["time"], "update_types": sub["update_types"]}]
    assert await err(http, emu, "GET", "/updates") == (405, "method.not.allowed")
    receiver["fail"] = 2
    await emu.user_writes(ALICE, "через вебхук")
    (delivery,) = await emu.wait_for_webhook(1)
    assert delivery.attempts == [500, 500, 200] and delivery.delivered
    headers, update = receiver["requests"][-1]
    assert headers["X-Max-Bot-Api-Secret"] == "s3cret-value" and update["update_type"] == "message_created"
    assert update["message"]["body"]["text"] == "через вебхук"
    sent = await send(http, emu, {"user_id": ALICE}, text="кнопки", attachments=[keyboard("go")])
    await emu.press_button(ALICE, sent["body"]["mid"], "go")  # not in update_types: not delivered
    emu.duplicate_next_update()
    await emu.user_starts_bot(BOB)
    deliveries = await emu.wait_for_webhook(3)
    assert [d.update["update_type"] for d in deliveries] == ["message_created", "bot_started", "bot_started"]
    assert deliveries[1].update == deliveries[2].update
    assert await ok(http, emu, "DELETE", "/subscriptions", params={"url": receiver["url"]}) == {"success": True}
    assert (await ok(http, emu, "GET", "/subscriptions"))["subscriptions"] == []
    assert (await poll(http, emu))["updates"] == []  # what the webhook got is not served again
    await emu.user_writes(ALICE, "снова поллинг")
    assert (await poll(http, emu))["updates"][0]["message"]["body"]["text"] == "снова поллинг"


async def test_webhook_gives_up_after_retries(
    emu: MaxEmulator, http: Http, receiver: dict[str, Any]
) -> None:
    await ok(http, emu, "POST", "/subscriptions", json={"url": receiver["url"]})
    receiver["fail"] = 10
    await emu.user_writes(ALICE, "потеряется")
    (delivery,) = await emu.wait_for_webhook(1)
    assert delivery.attempts == [500] * 4 and not delivery.delivered
    assert "X-Max-Bot-Api-Secret" not in receiver["requests"][0][0]


# --- faults --------------------------------------------------------------------------------
async def test_fail_next_answers_the_status_without_effect(emu: MaxEmulator, http: Http) -> None:
    emu.fail_next("POST /messages", 503, times=2)
    for _ in range(2):
        assert await send_fails(http, emu, {"user_id": ALICE}, {"text": "x"}) == (503, "service.unavailable")
    assert emu.bot_messages(ALICE) == []
    await send(http, emu, {"user_id": ALICE}, text="x")
    emu.fail_next("POST /messages", 429)
    assert await send_fails(http, emu, {"user_id": ALICE}, {"text": "x"}) == (429, "too.many.requests")
    emu.fail_next("GET /updates", 502)
    status, page = await api(http, emu, "GET", "/updates", params={"timeout": 0})
    assert status == 502 and "Bad Gateway" in page  # a proxy's HTML page, not JSON
    emu.fail_next("GET /updates", 500)
    assert await err(http, emu, "GET", "/updates", params={"timeout": 0}) == (500, "internal.error")
    with pytest.raises(ValueError):
        emu.fail_next("POST /nowhere", 500)
    assert "GET /chats/{chatId}/members" in ENDPOINT_KEYS


async def test_drop_next_loses_the_answer_but_not_the_effect(emu: MaxEmulator, http: Http) -> None:
    emu.drop_next("POST /messages")
    with pytest.raises(aiohttp.ClientError):
        await api(http, emu, "POST", "/messages", params={"user_id": ALICE}, json={"text": "однажды"})
    assert [m["body"]["text"] for m in emu.bot_messages(ALICE)] == ["однажды"]
    marker = (await poll(http, emu))["marker"]
    await emu.user_writes(ALICE, "не потеряй")
    emu.drop_next("GET /updates")
    with pytest.raises(aiohttp.ClientError):
        await poll(http, emu, marker=marker)
    again = await poll(http, emu, marker=marker)  # the same marker gets the same updates
    assert [u["message"]["body"]["text"] for u in again["updates"]] == ["не потеряй"]
    emu.drop_next("POST /upload")
    url = (await ok(http, emu, "POST", "/uploads", params={"type": "file"}))["url"]
    with pytest.raises(aiohttp.ClientError):
        form = aiohttp.FormData()
        form.add_field("data", b"x", filename="x.bin")
        async with http.post(url, data=form) as resp:
            await resp.read()
    assert len(emu.uploads) == 1


async def test_delay_next_slows_one_call(emu: MaxEmulator, http: Http) -> None:
    emu.delay_next("GET /me", 0.3)
    emu.delay_next("GET /updates", 0.3)
    started = time.monotonic()
    await ok(http, emu, "GET", "/me")
    await poll(http, emu)
    assert time.monotonic() - started >= 0.6
    started = time.monotonic()
    await ok(http, emu, "GET", "/me")
    assert time.monotonic() - started < 0.2


async def test_duplicate_next_update_repeats_it_under_a_new_marker(emu: MaxEmulator, http: Http) -> None:
    emu.duplicate_next_update()
    await emu.user_writes(ALICE, "дважды")
    await emu.user_writes(ALICE, "однажды")
    updates = (await poll(http, emu))["updates"]
    assert [u["message"]["body"]["text"] for u in updates] == ["дважды", "дважды", "однажды"]
    assert updates[0] == updates[1]


# --- inspection and control ------------------------------------------------------------------
async def test_requests_calls_and_waiting_for_bot_messages(emu: MaxEmulator, http: Http) -> None:
    chat = emu.add_chat("5А", [ALICE])
    waiter = asyncio.create_task(emu.wait_for_bot_message(ALICE, lambda m: "второе" in m["body"]["text"]))
    await send(http, emu, {"user_id": ALICE}, text="первое")
    await send(http, emu, {"user_id": ALICE}, text="второе")
    assert (await waiter)["body"]["text"] == "второе"
    await send(http, emu, {"chat_id": chat}, text="в чат")
    assert (await emu.wait_for_bot_message(chat))["body"]["text"] == "в чат"
    with pytest.raises(TimeoutError):
        await emu.wait_for_bot_message(ALICE, timeout=0.1)  # both were consumed
    calls = emu.calls("POST /messages")
    assert [c.query for c in calls] == [{"user_id": str(ALICE)}, {"user_id": str(ALICE)}, {"chat_id": str(chat)}]
    assert calls[0].json == {"text": "первое"} and calls[0].status == 200 and calls[0].path == "/messages"
    await ok(http, emu, "GET", f"/chats/{chat}/members/me")
    assert [c.key for c in emu.calls("/chats/")] == ["GET /chats/{chatId}/members/me"]


async def test_control_api_drives_the_world_over_http(emu: MaxEmulator, http: Http) -> None:
    base = emu.api_url + "/_emulator"
    async with http.post(f"{base}/user_writes", json={"user_id": ALICE, "text": "/start"}) as resp:
        assert resp.status == 200 and (await resp.json())["result"]["body"]["text"] == "/start"
    async with http.post(f"{base}/add_chat", json={"title": "7В", "members": [ALICE, BOB]}) as resp:
        chat = (await resp.json())["result"]
    async with http.post(f"{base}/fail_next", json={"endpoint": "GET /me", "status": 500}) as resp:
        assert resp.status == 200
    assert await err(http, emu, "GET", "/me") == (500, "internal.error")
    async with http.post(f"{base}/user_writes", json={"user_id": CAROL, "text": "x", "chat_id": chat}) as resp:
        assert resp.status == 400  # Carol is not in that chat
    async with http.post(f"{base}/explode", json={}) as resp:
        assert resp.status == 404
    async with http.get(f"{base}/messages", params={"where": str(ALICE)}) as resp:
        assert [m["body"]["text"] for m in (await resp.json())["items"]] == ["/start"]
    async with http.get(f"{base}/chats") as resp:
        titles = [c["title"] for c in (await resp.json())["items"] if c["type"] == "chat"]
        assert titles == ["7В"]
    async with http.get(f"{base}/requests") as resp:
        assert [r["key"] for r in (await resp.json())["items"]] == ["GET /me"]
