"""MAX API methods about the bot and messages: each takes the state and the call, returns the JSON answer.

Handlers raise `MaxApiError` where MAX answers with an error status and `{code, message}`. The bot's
own actions (send, edit, delete, answer) produce no updates for the bot itself, as on MAX.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.max_emulator_params import ApiCall, MessageContent, bad, parse_new_message
from bot.sandbox.max_emulator_state import Chat, MaxApiError, MaxState, now_ms

SUCCESS = {"success": True}
_DEFAULT_PAGE = 50
_MAX_PAGE = 100


def denied(message: str = "Bot has no access to this chat") -> MaxApiError:
    return MaxApiError(403, message, "chat.denied")


def not_found(what: str) -> MaxApiError:
    return MaxApiError(404, f"{what} not found", "not.found")


# --- helpers -----------------------------------------------------------------------------
def writable_chat(st: MaxState, call: ApiCall) -> Chat:
    """The chat POST /messages targets: ?user_id= (their dialog) or ?chat_id=."""
    user_id, chat_id = call.int("user_id"), call.int("chat_id")
    if (user_id is None) == (chat_id is None):
        raise bad("Give exactly one of user_id and chat_id")
    if user_id is not None:
        if user_id not in st.users or user_id == st.bot_id:
            raise not_found(f"User {user_id}")
        chat = st.dialog_for(user_id)
    else:
        assert chat_id is not None
        found = st.chats.get(chat_id)
        if found is None:
            raise not_found(f"Chat {chat_id}")
        chat = found
    if chat.is_dialog:
        assert chat.dialog_user is not None
        if chat.status != "active" or not st.user(chat.dialog_user).allows_messages:
            raise denied("The user has not started the bot or has stopped it")
    elif st.bot_member(chat) is None:
        raise denied()
    return chat


def readable(st: MaxState, chat: Chat, record: dict[str, Any]) -> bool:
    if record["deleted"]:
        return False
    if chat.is_dialog:
        return True
    if st.bot_member(chat) is None:
        return False
    return record["sender_id"] == st.bot_id or st.bot_reads_all(chat)


def _check_ready(st: MaxState, content: MessageContent) -> None:
    """MAX refuses a just-uploaded file while it is processed: 400 attachment.not.ready."""
    if content.uses_upload and st.not_ready_left > 0:
        st.not_ready_left -= 1
        raise MaxApiError(400, "Attachment is not processed yet, try again later", "attachment.not.ready")


def apply_edit(st: MaxState, record: dict[str, Any], content: MessageContent) -> None:
    if content.text is not None:
        record["text"] = content.text
    if content.attachments is not None:
        record["attachments"] = content.attachments  # [] removes everything, keyboard included
    if content.format is not None:
        record["format"] = content.format
    record["edited_at"] = now_ms()
    st.notify_history()


def _own_message(st: MaxState, call: ApiCall) -> tuple[Chat, dict[str, Any]]:
    mid = call.str("message_id", required=True)
    assert mid is not None
    found = st.find_message(mid)
    if found is None or found[1]["deleted"]:
        raise not_found(f"Message {mid}")
    return found


# --- bot -----------------------------------------------------------------------------------
def get_me(st: MaxState, call: ApiCall) -> Any:
    return {**st.bot.to_json(), "description": None, "avatar_url": None, "full_avatar_url": None, "commands": None}


# --- messages ------------------------------------------------------------------------------
def send_message(st: MaxState, call: ApiCall) -> Any:
    chat = writable_chat(st, call)
    content = parse_new_message(st, call.body, chat)
    _check_ready(st, content)
    record = st.store_message(
        chat, st.bot_id, content.text or "", attachments=content.attachments or [], link=content.link,
        format=content.format, notify=content.notify,
    )
    return {"message": st.message_json(record)}


def edit_message(st: MaxState, call: ApiCall) -> Any:
    chat, record = _own_message(st, call)
    if record["sender_id"] != st.bot_id:
        raise MaxApiError(403, "Bot can edit only its own messages", "access.denied")
    if not chat.is_dialog and st.bot_member(chat) is None:
        raise denied()
    content = parse_new_message(st, call.body, chat, edit=True)
    _check_ready(st, content)
    apply_edit(st, record, content)
    return SUCCESS


def delete_message(st: MaxState, call: ApiCall) -> Any:
    chat, record = _own_message(st, call)
    own = record["sender_id"] == st.bot_id
    if chat.is_dialog:
        if not own:
            raise MaxApiError(403, "Bot can delete only its own messages in a dialog", "access.denied")
    elif st.bot_member(chat) is None:
        raise denied()
    elif not own and not st.bot_can(chat, "delete"):
        raise MaxApiError(403, "Bot must be an admin with the delete permission", "access.denied")
    record["deleted"] = True
    st.notify_history()
    return SUCCESS


def get_messages(st: MaxState, call: ApiCall) -> Any:
    count = call.int("count", default=_DEFAULT_PAGE) or 0
    if not 1 <= count <= _MAX_PAGE:
        raise bad(f"count must be between 1 and {_MAX_PAGE}")
    wanted = call.str("message_ids")
    if wanted:
        mids = [part.strip() for part in wanted.split(",") if part.strip()]
        found = [st.find_message(mid) for mid in mids]
        return {"messages": [st.message_json(r) for c, r in filter(None, found) if readable(st, c, r)]}
    chat_id = call.int("chat_id")
    if chat_id is None:
        raise bad("Give chat_id or message_ids")
    chat = st.chats.get(chat_id)
    if chat is None:
        raise not_found(f"Chat {chat_id}")
    if not chat.is_dialog and st.bot_member(chat) is None:
        raise denied()
    bounds = {name: call.int(name) for name in ("before", "after", "from", "to")}
    picked = []
    for record in reversed(chat.messages):  # newest first, as MAX traverses history
        if not readable(st, chat, record) or not _in_bounds(record["timestamp"], bounds):
            continue
        picked.append(st.message_json(record))
        if len(picked) >= count:
            break
    return {"messages": picked}


def _in_bounds(ts: int, b: dict[str, int | None]) -> bool:
    return not (
        (b["before"] is not None and ts >= b["before"])
        or (b["after"] is not None and ts <= b["after"])
        or (b["from"] is not None and ts > b["from"])
        or (b["to"] is not None and ts < b["to"])
    )


def get_message(st: MaxState, call: ApiCall) -> Any:
    mid = call.path["messageId"]
    found = st.find_message(mid)
    if found is None or not readable(st, *found):
        raise not_found(f"Message {mid}")
    return st.message_json(found[1])


def answer_callback(st: MaxState, call: ApiCall) -> Any:
    callback_id = (call.str("callback_id", required=True) or "").strip()
    if not callback_id:
        raise bad("callback_id must not be blank")
    pending = st.callbacks.get(callback_id)
    if pending is None:
        raise not_found(f"Callback {callback_id}")
    if pending.answered:
        raise bad("Callback has already been answered", "callback.answered")
    body = call.json_object()
    notification, message = body.get("notification"), body.get("message")
    if notification is None and message is None:
        raise bad("Give notification and/or message")
    if notification is not None and (not isinstance(notification, str) or not notification):
        raise bad("notification must be a non-empty string")
    if message is not None:
        found = st.find_message(pending.mid)
        chat = found[0] if found else None
        content = parse_new_message(st, message, chat, edit=True)
        if found is not None and not found[1]["deleted"]:
            apply_edit(st, found[1], content)
    pending.answered = True
    st.callback_answers.append({
        "callback_id": callback_id,
        "user_id": pending.user_id,
        "chat_id": pending.chat_id,
        "mid": pending.mid,
        "notification": notification,
        "message": message,
    })
    st.notify_history()
    return SUCCESS
