"""VK API methods of the emulator: each takes the state and the request params, returns `response`.

Handlers raise `VkApiError` exactly where VK answers with an error object.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import struct
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.emulator_params import INT32_MAX, INT32_MIN, Params, parse_keyboard, parse_user_ids
from bot.sandbox.emulator_state import (
    CHAT_PEER_BASE,
    MAX_TEXT_LENGTH,
    Chat,
    EmulatorState,
    UploadedFile,
    VkApiError,
    dumps,
    public_message,
)

Handler = Callable[[EmulatorState, Params], Any]

_ATTACHMENT_RE = re.compile(r"^([a-z_]+)(-?\d+)_(\d+)(?:_(\w+))?$")
_SNACKBAR_MAX = 90
_MAX_MEMBERS_PAGE = 200


# --- helpers -----------------------------------------------------------------------------
def _chat_for_bot(st: EmulatorState, peer_id: int) -> Chat:
    """The chat if the bot is in it; 917 otherwise, as VK says for chats it cannot see."""
    chat = st.chats.get(peer_id)
    if chat is None or not st.bot_in_chat(chat):
        raise VkApiError(917)
    return chat


def _admin_chat(st: EmulatorState, peer_id: int) -> Chat:
    chat = _chat_for_bot(st, peer_id)
    if not st.bot_is_admin(chat):
        raise VkApiError(925)
    return chat


def _check_can_send(st: EmulatorState, peer_id: int) -> None:
    if peer_id > CHAT_PEER_BASE:
        _chat_for_bot(st, peer_id)
    elif peer_id > 0:
        user = st.users.get(peer_id)
        if user is None or not user.allows_messages:
            raise VkApiError(901)
    else:
        raise VkApiError(7)


def _send_targets(p: Params) -> tuple[list[int], bool]:
    """Peers to send to and whether the caller asked for a list response (peer_ids)."""
    if p.has("peer_ids"):
        return p.int_list("peer_ids", limit=100), True
    for name in ("peer_id", "user_id"):
        if p.has(name):
            return [p.int(name) or 0], False
    if p.has("chat_id"):
        return [CHAT_PEER_BASE + (p.int("chat_id") or 0)], False
    raise VkApiError(100, "you should specify peer_id, user_id, chat_id or peer_ids param")


def _parse_attachments(st: EmulatorState, raw: str | None) -> list[dict[str, Any]]:
    result = []
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        match = _ATTACHMENT_RE.match(item)
        if match is None:
            raise VkApiError(100, f"attachment is invalid: {item}")
        kind, owner, obj_id, _access_key = match.groups()
        known = st.attachments.get(f"{kind}{owner}_{obj_id}")
        result.append(known or {"type": kind, kind: {"id": int(obj_id), "owner_id": int(owner)}})
    return result


def _check_text(text: str) -> None:
    if len(text) > MAX_TEXT_LENGTH:
        raise VkApiError(914)


def _quotes(st: EmulatorState, peer_id: int, p: Params) -> dict[str, Any]:
    """reply_message / fwd_messages from reply_to, forward_messages or forward (JSON)."""
    fields: dict[str, Any] = {}
    if p.has("reply_to"):
        replied = st.find_message(peer_id, message_id=p.int("reply_to"))
        if replied is None:
            raise VkApiError(100, "reply_to is invalid")
        fields["reply_message"] = public_message(replied, with_reply=False)
    if p.has("forward_messages"):
        found = [st.find_message(peer_id, message_id=mid) for mid in p.int_list("forward_messages")]
        fields["fwd_messages"] = [public_message(m, with_reply=False) for m in found if m is not None]
    forward = p.json("forward")
    if isinstance(forward, dict):
        source = int(forward.get("peer_id", peer_id))
        cmids = forward.get("conversation_message_ids") or forward.get("cmids") or []
        try:
            quoted = st.quoted(source, [int(c) for c in cmids])
        except ValueError:
            raise VkApiError(100, "forward is invalid") from None
        if forward.get("is_reply") and quoted:
            fields["reply_message"] = quoted[0]
        else:
            fields["fwd_messages"] = quoted
    return fields


def _send_one(st: EmulatorState, peer_id: int, random_id: int, p: Params, content: dict[str, Any]) -> dict[str, Any]:
    earlier = st.recall_random_id(peer_id, random_id)
    if earlier is not None:
        return earlier  # VK answers a repeated random_id with the first message and stores nothing
    _check_can_send(st, peer_id)
    message = st.store_message(peer_id, st.bot_id, random_id=random_id, **content, **_quotes(st, peer_id, p))
    result = {"peer_id": peer_id, "message_id": message["id"], "conversation_message_id": message["conversation_message_id"]}
    st.remember_random_id(peer_id, random_id, result)
    return result


def _message_content(st: EmulatorState, p: Params) -> dict[str, Any]:
    text = p.str("message", default="") or ""
    _check_text(text)
    keyboard = parse_keyboard(p.raw["keyboard"]) if p.has("keyboard") else None
    attachments = _parse_attachments(st, p.str("attachment"))
    has_quote = any(p.has(name) for name in ("forward", "forward_messages", "sticker_id"))
    if not text.strip() and not attachments and not has_quote:
        raise VkApiError(100, "message is empty or invalid")
    return {"text": text, "keyboard": keyboard, "attachments": attachments}


# --- groups ------------------------------------------------------------------------------
def groups_get_by_id(st: EmulatorState, p: Params) -> Any:
    wanted = p.str("group_ids") or p.str("group_id")
    if wanted:
        own = {str(st.group_id), st.screen_name, f"club{st.group_id}", f"public{st.group_id}"}
        if any(part.strip() not in own for part in wanted.split(",") if part.strip()):
            raise VkApiError(100, "group_ids is invalid")
    return {"groups": [st.group_object()], "profiles": []}


def groups_get_long_poll_server(st: EmulatorState, p: Params) -> Any:
    group_id = p.int("group_id", required=True)
    if group_id != st.group_id:
        raise VkApiError(15, "no access to call this method")
    return {"key": st.events.key, "server": f"{st.base_url}/lp/{group_id}", "ts": str(st.events.next_ts)}


def groups_get_callback_confirmation_code(st: EmulatorState, p: Params) -> Any:
    """The string a callback server must answer to VK's `confirmation` request."""
    group_id = p.int("group_id", required=True)
    if group_id != st.group_id:
        raise VkApiError(15, "no access to call this method")
    return {"code": st.callback_confirmation_code}


# --- messages ----------------------------------------------------------------------------
def messages_send(st: EmulatorState, p: Params) -> Any:
    random_id = p.int("random_id", required=True)
    assert random_id is not None
    if not INT32_MIN <= random_id <= INT32_MAX:
        raise VkApiError(100, "random_id is out of int32 range")
    peers, many = _send_targets(p)
    content = _message_content(st, p)
    results = []
    for peer_id in peers:
        try:
            results.append(_send_one(st, peer_id, random_id, p, content))
        except VkApiError as err:
            if not many:
                raise
            results.append({"peer_id": peer_id, "error": {"code": err.code, "description": err.msg}})
    return results if many else results[0]["message_id"]


def messages_edit(st: EmulatorState, p: Params) -> Any:
    peer_id = p.int("peer_id", required=True)
    assert peer_id is not None
    cmid, message_id = p.int("conversation_message_id"), p.int("message_id")
    if cmid is None and message_id is None:
        raise VkApiError(100, "message_id or conversation_message_id is undefined")
    message = st.find_message(peer_id, cmid=cmid, message_id=message_id)
    if message is None or message["deleted"]:
        raise VkApiError(100, "message not found")
    if message["from_id"] != st.bot_id:
        raise VkApiError(15, "can't edit a message of another author")
    if p.has("message"):
        _check_text(p.raw["message"])
        message["text"] = p.raw["message"]
    # VK drops the keyboard on an edit that does not resend it.
    message["keyboard"] = parse_keyboard(p.raw["keyboard"]) if p.has("keyboard") else None
    if p.has("attachment"):
        message["attachments"] = _parse_attachments(st, p.str("attachment"))
    message["update_time"] = int(time.time())
    return 1


def messages_delete(st: EmulatorState, p: Params) -> Any:
    peer_id = p.int("peer_id")
    cmids = p.int_list("cmids", limit=100) or p.int_list("conversation_message_ids", limit=100)
    message_ids = p.int_list("message_ids", limit=100)
    if not cmids and not message_ids:
        raise VkApiError(100, "cmids or message_ids is undefined")
    if cmids and peer_id is None:
        raise VkApiError(100, "peer_id is undefined")
    for_all = p.flag("delete_for_all")
    targets = _delete_targets(st, peer_id, cmids, message_ids)
    _check_delete_rights(st, peer_id, [m for m in targets if m is not None], for_all)
    return [_delete_entry(peer_id, cmid_or_id, message, bool(cmids)) for cmid_or_id, message in zip(cmids or message_ids, targets, strict=True)]


def _delete_targets(st: EmulatorState, peer_id: int | None, cmids: list[int], message_ids: list[int]) -> list[dict[str, Any] | None]:
    if cmids:
        assert peer_id is not None
        return [st.find_message(peer_id, cmid=cmid) for cmid in cmids]
    peers = [peer_id] if peer_id is not None else list(st.conversations)
    return [_find_by_id(st, peers, mid) for mid in message_ids]


def _find_by_id(st: EmulatorState, peers: list[int], message_id: int) -> dict[str, Any] | None:
    for peer in peers:
        message = st.find_message(peer, message_id=message_id)
        if message is not None:
            return message
    return None


def _check_delete_rights(st: EmulatorState, peer_id: int | None, messages: list[dict[str, Any]], for_all: bool) -> None:
    foreign = [m for m in messages if m["from_id"] != st.bot_id]
    if peer_id is not None and peer_id > CHAT_PEER_BASE:
        chat = _chat_for_bot(st, peer_id)
        if foreign and not st.bot_is_admin(chat):
            raise VkApiError(925)
        if foreign and not for_all:
            raise VkApiError(924)
    elif foreign and for_all:
        raise VkApiError(924)  # nobody can unsend a user's DM message


def _delete_entry(peer_id: int | None, key: int, message: dict[str, Any] | None, by_cmid: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"peer_id": peer_id if peer_id is not None else (message or {}).get("peer_id", 0)}
    entry["conversation_message_id" if by_cmid else "message_id"] = key
    if message is None or message["deleted"]:
        entry.update(response=0, error={"code": 100, "description": "Message not found"})
        return entry
    message["deleted"] = True
    entry["response"] = 1
    return entry


def messages_get_invite_link(st: EmulatorState, p: Params) -> Any:
    peer_id = p.int("peer_id", required=True)
    assert peer_id is not None
    chat = _admin_chat(st, peer_id)
    if chat.invite_link is None or p.flag("reset"):
        chat.invite_link = f"https://vk.me/join/{secrets.token_urlsafe(24)}"  # the old one dies here
    return {"link": chat.invite_link}


def messages_remove_chat_user(st: EmulatorState, p: Params) -> Any:
    chat_id = p.int("chat_id", required=True)
    member_id = p.int("member_id") or p.int("user_id")
    if member_id is None:
        raise VkApiError(100, "member_id is undefined")
    chat = _admin_chat(st, CHAT_PEER_BASE + (chat_id or 0))
    member = chat.members.get(member_id)
    if member is None:
        raise VkApiError(935)
    if member_id == st.bot_id:
        del chat.members[member_id]  # the bot leaves; it sees nothing more from this chat
        return 1
    if member.is_admin or member_id == chat.owner_id:
        raise VkApiError(15, "can't remove this user")
    del chat.members[member_id]
    kick = st.store_message(chat.peer_id, st.bot_id, "", action={"type": "chat_kick_user", "member_id": member_id})
    st.deliver_message_new(kick)
    return 1


def messages_get_conversation_members(st: EmulatorState, p: Params) -> Any:
    peer_id = p.int("peer_id", required=True)
    assert peer_id is not None
    chat = _chat_for_bot(st, peer_id)
    if not st.bot_is_admin(chat):
        raise VkApiError(917)
    count = max(0, min(p.int("count", default=20) or 0, _MAX_MEMBERS_PAGE))
    offset = max(0, p.int("offset", default=0) or 0)
    members = list(chat.members.values())
    page = members[offset:offset + count]
    items = [_member_item(st, chat, m.member_id) for m in page]
    profiles = [st.ensure_user(m.member_id).to_vk() for m in page if m.member_id > 0]
    return {"count": len(members), "items": items, "profiles": profiles, "groups": [st.group_object()]}


def _member_item(st: EmulatorState, chat: Chat, member_id: int) -> dict[str, Any]:
    member = chat.members[member_id]
    is_owner = member_id == chat.owner_id
    item: dict[str, Any] = {
        "member_id": member_id,
        "invited_by": member.invited_by,
        "join_date": member.join_date,
        "is_admin": member.is_admin or is_owner,
        "can_kick": not (member.is_admin or is_owner or member_id == st.bot_id),
    }
    if is_owner:
        item["is_owner"] = True
    return item


def messages_get_conversations_by_id(st: EmulatorState, p: Params) -> Any:
    items = []
    for peer_id in p.int_list("peer_ids", required=True, limit=100):
        if peer_id > CHAT_PEER_BASE:
            chat = st.chats.get(peer_id)
            if chat is not None and st.bot_in_chat(chat):
                items.append(_chat_conversation(st, chat))
        elif peer_id in st.users:
            allowed = st.users[peer_id].allows_messages
            items.append({"peer": {"id": peer_id, "type": "user", "local_id": peer_id}, "can_write": {"allowed": allowed}})
    return {"count": len(items), "items": items}


def _chat_conversation(st: EmulatorState, chat: Chat) -> dict[str, Any]:
    admins = [m.member_id for m in chat.members.values() if m.is_admin]
    return {
        "peer": {"id": chat.peer_id, "type": "chat", "local_id": chat.chat_id},
        "can_write": {"allowed": True},
        "chat_settings": {
            "owner_id": chat.owner_id,
            "title": chat.title,
            "state": "in",
            "members_count": len(chat.members),
            "admin_ids": admins,
            "active_ids": [],
            "is_group_channel": False,
        },
    }


def messages_get_by_conversation_message_id(st: EmulatorState, p: Params) -> Any:
    peer_id = p.int("peer_id", required=True)
    assert peer_id is not None
    if peer_id > CHAT_PEER_BASE:
        _chat_for_bot(st, peer_id)
    found = [st.find_message(peer_id, cmid=c) for c in p.int_list("conversation_message_ids", required=True, limit=100)]
    items = [public_message(m) for m in found if m is not None and not m["deleted"]]
    return {"count": len(items), "items": items}


def messages_send_message_event_answer(st: EmulatorState, p: Params) -> Any:
    event_id = p.str("event_id", required=True)
    user_id = p.int("user_id", required=True)
    peer_id = p.int("peer_id", required=True)
    if st.pending_callbacks.get(event_id or "") != (user_id, peer_id):
        raise VkApiError(100, "event_id is invalid")
    data = p.json("event_data")
    if data is not None:
        _check_event_data(data)
    st.event_answers.append(dict(p.raw))
    return 1


def _check_event_data(data: Any) -> None:
    if not isinstance(data, dict) or data.get("type") not in {"show_snackbar", "open_link", "open_app"}:
        raise VkApiError(100, "event_data is invalid")
    if data["type"] == "show_snackbar":
        text = data.get("text")
        if not isinstance(text, str) or not text or len(text) > _SNACKBAR_MAX:
            raise VkApiError(100, "event_data.text should be 1..90 characters")


def messages_set_activity(st: EmulatorState, p: Params) -> Any:
    p.int("peer_id", required=True)
    return 1


# --- users -------------------------------------------------------------------------------
def users_get(st: EmulatorState, p: Params) -> Any:
    fields = {f.strip() for f in (p.str("fields") or "").split(",")}
    result = []
    for user_id in parse_user_ids(p.str("user_ids") or p.str("user_id") or ""):
        user = st.users.get(user_id)
        if user is None:
            continue  # VK silently omits unknown ids
        obj = user.to_vk()
        for name in fields & {"screen_name", "domain"}:
            obj[name] = f"id{user_id}"
        for name in fields & {"photo_50", "photo_100", "photo_200"}:
            obj[name] = f"https://sun9-1.userapi.com/u{user_id}/{name}.jpg"
        if "sex" in fields:
            obj["sex"] = user.sex
        result.append(obj)
    return result


# --- uploads -----------------------------------------------------------------------------
def _upload_server(st: EmulatorState, kind: str, peer_id: int) -> str:
    key = secrets.token_hex(12)
    st.upload_slots[key] = (kind, peer_id)
    return f"{st.base_url}/upload/{kind}?key={key}&gid={st.group_id}"


def photos_get_messages_upload_server(st: EmulatorState, p: Params) -> Any:
    url = _upload_server(st, "photo", p.int("peer_id", default=0) or 0)
    return {"upload_url": url, "album_id": -3, "group_id": st.group_id}


def docs_get_messages_upload_server(st: EmulatorState, p: Params) -> Any:
    peer_id = p.int("peer_id", required=True) or 0
    if (p.str("type") or "doc") not in {"doc", "audio_message", "graffiti"}:
        raise VkApiError(100, "type is invalid")
    return {"upload_url": _upload_server(st, "doc", peer_id)}


def _upload_hash(token: str, server: int) -> str:
    return hashlib.md5(f"{token}:{server}".encode()).hexdigest()


def receive_upload(st: EmulatorState, kind: str, key: str, upload: UploadedFile | None) -> dict[str, Any]:
    """What VK's upload server answers to a multipart POST (errors are `{"error": ...}` too)."""
    slot = st.upload_slots.get(key)
    if slot is None or slot[0] != kind:
        return {"error": "ERR_UPLOAD_BAD_KEY: invalid upload key"}
    if upload is None:
        field = "photo" if kind == "photo" else "file"
        return {"error": f"ERR_UPLOAD_FILE_NOT_UPLOADED: no '{field}' field"}
    upload.token = secrets.token_hex(16)
    st.uploads.append(upload)
    if kind == "doc":
        return {"file": upload.token}
    server = 800000 + st.group_id % 100000
    # Non-images are accepted by the upload server but come back as an empty list, like VK's.
    photos = [{"photo": upload.token, "sizes": []}] if _image_size(upload.data) else []
    return {"server": server, "photo": dumps(photos), "hash": _upload_hash(upload.token, server)}


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) for PNG, a stand-in for JPEG/GIF/WebP, None if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith((b"\xff\xd8\xff", b"GIF8")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return 604, 604
    return None


def _find_upload(st: EmulatorState, kind: str, token: str) -> UploadedFile:
    upload = next((u for u in st.uploads if u.kind == kind and u.token == token), None)
    if upload is None or upload.saved:
        raise VkApiError(100, f"{'photo' if kind == 'photo' else 'file'} is invalid")
    return upload


def photos_save_messages_photo(st: EmulatorState, p: Params) -> Any:
    photos = p.json("photo")
    server = p.int("server", default=0) or 0
    if not isinstance(photos, list) or not photos or not isinstance(photos[0], dict):
        raise VkApiError(100, "photos_list is invalid")
    upload = _find_upload(st, "photo", str(photos[0].get("photo", "")))
    if p.str("hash") != _upload_hash(upload.token, server):
        raise VkApiError(121, msg="Invalid hash")
    upload.saved = True
    width, height = _image_size(upload.data) or (0, 0)
    photo_id = st.next_object_id()
    url = f"{st.base_url}/_emulator/media/{upload.token}"  # like VK's userapi URL: the picture itself
    obj = {
        "id": photo_id,
        "owner_id": st.bot_id,
        "album_id": -3,
        "date": int(time.time()),
        "access_key": secrets.token_hex(9),
        "sizes": [{"type": "x", "url": url, "width": width, "height": height}],
        "text": "",
        "has_tags": False,
    }
    st.attachments[f"photo{st.bot_id}_{photo_id}"] = {"type": "photo", "photo": obj}
    return [obj]


def docs_save(st: EmulatorState, p: Params) -> Any:
    upload = _find_upload(st, "doc", p.str("file", required=True) or "")
    upload.saved = True
    title = p.str("title") or upload.filename
    ext = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    doc_id = st.next_object_id()
    obj = {
        "id": doc_id,
        "owner_id": st.bot_id,
        "title": title,
        "size": upload.size,
        "ext": ext,
        "date": int(time.time()),
        "type": 1,
        "url": f"{st.base_url}/_emulator/media/{upload.token}?dl=1",  # like VK's vk.com/doc… link
    }
    st.attachments[f"doc{st.bot_id}_{doc_id}"] = {"type": "doc", "doc": obj}
    return {"type": "doc", "doc": obj}


METHODS: dict[str, Handler] = {
    "groups.getById": groups_get_by_id,
    "groups.getLongPollServer": groups_get_long_poll_server,
    "groups.getCallbackConfirmationCode": groups_get_callback_confirmation_code,
    "messages.send": messages_send,
    "messages.edit": messages_edit,
    "messages.delete": messages_delete,
    "messages.getInviteLink": messages_get_invite_link,
    "messages.removeChatUser": messages_remove_chat_user,
    "messages.getConversationMembers": messages_get_conversation_members,
    "messages.getConversationsById": messages_get_conversations_by_id,
    "messages.getByConversationMessageId": messages_get_by_conversation_message_id,
    "messages.sendMessageEventAnswer": messages_send_message_event_answer,
    "messages.setActivity": messages_set_activity,
    "users.get": users_get,
    "photos.getMessagesUploadServer": photos_get_messages_upload_server,
    "photos.saveMessagesPhoto": photos_save_messages_photo,
    "docs.getMessagesUploadServer": docs_get_messages_upload_server,
    "docs.save": docs_save,
}
