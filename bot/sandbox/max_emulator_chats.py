"""MAX API methods about chats, members, uploads and webhook subscriptions."""

from __future__ import annotations

import secrets
from typing import Any

from bot.sandbox.max_emulator_methods import SUCCESS, denied, not_found
from bot.sandbox.max_emulator_params import ApiCall, bad, check_subscription
from bot.sandbox.max_emulator_state import Chat, MaxApiError, MaxState, Member, Subscription, UploadedFile, now_ms

_DEFAULT_MEMBERS_PAGE = 20
_MAX_MEMBERS_PAGE = 100
UPLOAD_TYPES = ("image", "video", "audio", "file")
SENDER_ACTIONS = ("typing_on", "sending_photo", "sending_video", "sending_audio", "sending_file", "mark_seen")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


# --- helpers -----------------------------------------------------------------------------
def known_chat(st: MaxState, call: ApiCall) -> Chat:
    chat_id = call.int("chatId", required=True)
    assert chat_id is not None
    chat = st.chats.get(chat_id)
    if chat is None or chat.status == "absent":
        raise not_found(f"Chat {chat_id}")
    return chat


def member_chat(st: MaxState, call: ApiCall) -> Chat:
    chat = known_chat(st, call)
    if not chat.is_dialog and st.bot_member(chat) is None:
        raise denied()
    return chat


def member_json(st: MaxState, member: Member) -> dict[str, Any]:
    return {
        **st.user(member.user_id).to_json(),
        "last_access_time": member.last_access_time,
        "is_owner": member.is_owner,
        "is_admin": member.is_admin,
        "join_time": member.join_time,
        "permissions": list(member.permissions) if member.is_admin else None,
        "alias": None,
    }


def chat_json(st: MaxState, chat: Chat) -> dict[str, Any]:
    out: dict[str, Any] = {
        "chat_id": chat.chat_id,
        "type": chat.type,
        "status": chat.status,
        "title": chat.title,
        "icon": None,
        "last_event_time": chat.last_event_time,
        "participants_count": 2 if chat.is_dialog else len(chat.members),
        "is_public": False,
        "description": None,
    }
    if chat.is_dialog:
        assert chat.dialog_user is not None
        out["dialog_with_user"] = {**st.user(chat.dialog_user).to_json(), "description": None, "avatar_url": None,
                                   "full_avatar_url": None}
        return out
    bot = st.bot_member(chat)
    if bot is not None and bot.is_admin:  # owner and participants are shown to admins only
        out["owner_id"] = chat.owner_id
        out["participants"] = {str(m.user_id): m.last_access_time for m in chat.ordered_members()}
    if chat.link:
        out["link"] = chat.link
    out["messages_count"] = sum(1 for m in chat.messages if not m["deleted"])
    pinned = st.find_message(chat.pinned_mid) if chat.pinned_mid else None
    if pinned is not None and not pinned[1]["deleted"]:
        out["pinned_message"] = st.message_json(pinned[1])
    return out


# --- chats ---------------------------------------------------------------------------------
def get_chat(st: MaxState, call: ApiCall) -> Any:
    return chat_json(st, known_chat(st, call))


def get_members(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    ordered = chat.ordered_members()
    wanted = call.int_list("user_ids")
    if wanted is not None:  # count and marker are ignored then
        picked = set(wanted)
        return {"members": [member_json(st, m) for m in ordered if m.user_id in picked], "marker": None}
    count = call.int("count", default=_DEFAULT_MEMBERS_PAGE) or 0
    if not 1 <= count <= _MAX_MEMBERS_PAGE:
        raise bad(f"count must be between 1 and {_MAX_MEMBERS_PAGE}")
    start = call.int("marker", default=0) or 0
    rest = [m for m in ordered if m.join_seq >= start]
    page, after = rest[:count], rest[count:]
    return {"members": [member_json(st, m) for m in page], "marker": after[0].join_seq if after else None}


def get_membership(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    return member_json(st, chat.members[st.bot_id])


def get_admins(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    bot = chat.members[st.bot_id]
    if not bot.is_admin:
        raise MaxApiError(403, "Bot must be an admin of the chat", "access.denied")
    return {"members": [member_json(st, m) for m in chat.ordered_members() if m.is_admin], "marker": None}


def leave_chat(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    if chat.is_dialog:
        raise bad("Bot cannot leave a dialog")
    del chat.members[st.bot_id]
    chat.status = "left"
    return SUCCESS


def remove_member(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    if chat.is_dialog:
        raise bad("Cannot remove members of a dialog")
    user_id = call.int("user_id", required=True)
    block = call.bool("block")
    if not st.bot_can(chat, "add_remove_members"):
        raise MaxApiError(403, "Bot must be an admin with the add_remove_members permission", "access.denied")
    if user_id == st.bot_id:
        raise bad("Use DELETE /chats/{chatId}/members/me to leave")
    member = chat.members.get(user_id or 0)
    if member is None:
        raise not_found(f"Member {user_id}")
    if member.is_owner:
        raise MaxApiError(403, "The chat owner cannot be removed", "access.denied")
    del chat.members[member.user_id]
    if block and chat.link:  # block is ignored in chats without a link, as the schema says
        chat.blocked.add(member.user_id)
    chat.last_event_time = now_ms()
    st.emit("user_removed", chat, chat_id=chat.chat_id, user=st.user(member.user_id).to_json(),
            admin_id=st.bot_id, is_channel=False)
    return SUCCESS


def send_action(st: MaxState, call: ApiCall) -> Any:
    member_chat(st, call)
    action = call.json_object().get("action")
    if action not in SENDER_ACTIONS:
        raise bad(f"action must be one of {', '.join(SENDER_ACTIONS)}")
    return SUCCESS


def get_pin(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    found = st.find_message(chat.pinned_mid) if chat.pinned_mid else None
    return {"message": st.message_json(found[1]) if found and not found[1]["deleted"] else None}


def pin(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    mid = call.json_object().get("message_id")
    if not isinstance(mid, str) or not mid:
        raise bad("message_id is required")
    found = st.find_message(mid)
    if found is None or found[0] is not chat or found[1]["deleted"]:
        raise not_found(f"Message {mid}")
    if not chat.is_dialog and not st.bot_can(chat, "pin_message"):
        raise MaxApiError(403, "Bot must be an admin with the pin_message permission", "access.denied")
    chat.pinned_mid = mid
    return SUCCESS


def unpin(st: MaxState, call: ApiCall) -> Any:
    chat = member_chat(st, call)
    if not chat.is_dialog and not st.bot_can(chat, "pin_message"):
        raise MaxApiError(403, "Bot must be an admin with the pin_message permission", "access.denied")
    chat.pinned_mid = None
    return SUCCESS


# --- uploads -------------------------------------------------------------------------------
def get_upload_url(st: MaxState, call: ApiCall) -> Any:
    kind = call.str("type", required=True)
    if kind == "photo":
        raise bad("type=photo is no longer supported, use type=image")
    if kind not in UPLOAD_TYPES:
        raise bad(f"type must be one of {', '.join(UPLOAD_TYPES)}")
    slot = secrets.token_urlsafe(12)
    st.upload_slots[slot] = kind
    out: dict[str, Any] = {"url": f"{st.base_url}/upload?slot={slot}"}
    if kind in ("video", "audio"):  # MAX hands out video/audio tokens before the upload
        token = secrets.token_urlsafe(24)
        st.upload_slots[slot] = f"{kind}:{token}"
        out["token"] = token
    return out


def receive_upload(st: MaxState, slot: str, upload: UploadedFile | None) -> tuple[int, dict[str, Any]]:
    """What the upload URL answers to a multipart POST with the file in the `data` field."""
    entry = st.upload_slots.pop(slot, None)
    if entry is None:
        return 400, {"code": "upload.invalid", "message": "Unknown or already used upload URL"}
    kind, _, preset = entry.partition(":")
    if upload is None or upload.size == 0:
        st.upload_slots[slot] = entry  # nothing was stored; the URL stays usable
        return 400, {"code": "upload.empty", "message": "Multipart field 'data' with a file is required"}
    if kind == "image" and not _looks_like_image(upload.data):
        return 400, {"code": "upload.format", "message": "Not a supported image format"}
    upload.kind = kind
    upload.token = preset or secrets.token_urlsafe(32)
    upload.object_id = st.next_object_id()
    st.uploads.append(upload)
    if kind == "image":
        return 200, {"photos": {str(upload.object_id): {"token": upload.token}}}
    return 200, {"token": upload.token}


def _looks_like_image(data: bytes) -> bool:
    if data.startswith(_IMAGE_MAGIC):
        return True
    return (data[:4] == b"RIFF" and data[8:12] == b"WEBP") or data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1")


# --- subscriptions -------------------------------------------------------------------------
def get_subscriptions(st: MaxState, call: ApiCall) -> Any:
    return {"subscriptions": [st.subscription.to_json()] if st.subscription else []}


def subscribe(st: MaxState, call: ApiCall) -> Any:
    url, types, secret = check_subscription(call.json_object())
    st.subscription = Subscription(url, now_ms(), types, secret)  # one per bot: a new one replaces it
    return SUCCESS


def unsubscribe(st: MaxState, call: ApiCall) -> Any:
    url = call.str("url", required=True)
    if st.subscription is None or st.subscription.url != url:
        return {"success": False, "message": f"No subscription for {url}", "code": "not.found"}
    st.subscription = None
    return SUCCESS
