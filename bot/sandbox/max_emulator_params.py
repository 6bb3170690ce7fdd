"""Request parsing for the MAX emulator: query params and NewMessageBody, failing as MAX does (400)."""

from __future__ import annotations

import builtins
import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.max_emulator_state import MAX_TEXT_LENGTH, Chat, MaxApiError, MaxState, UploadedFile

# Inline keyboard limits from the dev.max.ru keyboard guide (the schema states only text/payload sizes).
MAX_ROWS = 30
MAX_BUTTONS = 210
MAX_ROW_BUTTONS = 7
MAX_ROW_WIDE_BUTTONS = 3  # rows holding link/open_app/request_* buttons
_WIDE_BUTTONS = {"link", "open_app", "request_geo_location", "request_contact"}
BUTTON_TYPES = {"callback", "link", "request_geo_location", "request_contact", "message", "open_app", "clipboard"}
_MEDIA_TYPES = {"image", "video", "audio", "file"}
_PASS_THROUGH = {"sticker", "contact", "location", "share"}
_ALONE = {"file", "audio", "sticker", "contact"}  # "MUST be the only attachment" (keyboards aside)
_SECRET_RE = re.compile(r"^[\w-]{5,256}$")


def bad(message: str, code: str = "proto.payload") -> MaxApiError:
    return MaxApiError(400, message, code)


@dataclass
class ApiCall:
    """One API request: query params, path params and the parsed JSON body."""

    query: Mapping[str, str]
    path: Mapping[str, str] = field(default_factory=dict)
    body: Any = None

    def int(self, name: builtins.str, *, required: bool = False, default: builtins.int | None = None) -> builtins.int | None:
        raw = self.query.get(name, self.path.get(name))
        if raw is None or raw == "":
            if required:
                raise bad(f"Missing required parameter: {name}")
            return default
        try:
            return int(raw)
        except ValueError:
            raise bad(f"Parameter {name} must be an integer") from None

    def str(self, name: builtins.str, *, required: bool = False) -> builtins.str | None:
        raw = self.query.get(name, self.path.get(name))
        if not raw:
            if required:
                raise bad(f"Missing required parameter: {name}")
            return None
        return raw

    def bool(self, name: builtins.str) -> bool:
        raw = (self.query.get(name) or "false").lower()
        if raw not in {"true", "false", "1", "0"}:
            raise bad(f"Parameter {name} must be a boolean")
        return raw in {"true", "1"}

    def int_list(self, name: builtins.str) -> list[builtins.int] | None:
        raw = self.query.get(name)
        if not raw:
            return None
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise bad(f"Parameter {name} must be a comma-separated list of integers") from None

    def json_object(self) -> dict[builtins.str, Any]:
        if not isinstance(self.body, dict):
            raise bad("Request body must be a JSON object")
        return self.body


@dataclass
class MessageContent:
    """A validated NewMessageBody; None fields mean "not given" (matters for edits)."""

    text: str | None
    attachments: list[dict[str, Any]] | None
    link: dict[str, Any] | None
    notify: bool
    format: str | None
    uses_upload: bool = False


def parse_new_message(st: MaxState, body: Any, chat: Chat | None, *, edit: bool = False) -> MessageContent:
    if not isinstance(body, dict):
        raise bad("Request body must be a JSON object (NewMessageBody)")
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise bad("text must be a string")
    if text is not None and len(text) > MAX_TEXT_LENGTH:
        raise bad(f"text: size must be between 0 and {MAX_TEXT_LENGTH}")
    fmt = body.get("format")
    if fmt not in (None, "markdown", "html"):
        raise bad("format must be markdown or html")
    notify = body.get("notify", True)
    if not isinstance(notify, bool):
        raise bad("notify must be a boolean")
    attachments, uses_upload = _attachments(st, body.get("attachments"))
    link = None if edit else _link(st, body.get("link"), chat)
    if not edit and not (text or attachments or link):
        raise bad("Message is empty: give text, attachments or link")
    return MessageContent(text, attachments, link, notify, fmt, uses_upload)


def _link(st: MaxState, raw: Any, chat: Chat | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("type") not in {"reply", "forward"} or not isinstance(raw.get("mid"), str):
        raise bad("link must be {type: reply|forward, mid}")
    found = st.find_message(raw["mid"])
    if found is None or found[1]["deleted"]:
        raise bad(f"link.mid: message {raw['mid']} not found")
    if raw["type"] == "reply" and chat is not None and found[0].chat_id != chat.chat_id:
        raise bad("link.mid: a reply must point at a message of the same chat")
    return st.linked(raw["type"], raw["mid"])


def _attachments(st: MaxState, raw: Any) -> tuple[list[dict[str, Any]] | None, bool]:
    if raw is None:
        return None, False
    if not isinstance(raw, list):
        raise bad("attachments must be an array")
    out: list[dict[str, Any]] = []
    uses_upload = False
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad("each attachment needs a type")
        kind = item["type"]
        if kind == "inline_keyboard":
            if any(a["type"] == "inline_keyboard" for a in out):
                raise bad("only one inline_keyboard per message")
            out.append({"type": "inline_keyboard", "payload": {"buttons": parse_keyboard(item.get("payload"))}})
        elif kind in _MEDIA_TYPES:
            payload = item.get("payload")
            out.extend(_media(st, kind, payload))  # raises unless payload is an object
            assert isinstance(payload, dict)
            uses_upload = uses_upload or "token" in payload or "photos" in payload
        elif kind in _PASS_THROUGH:
            out.append(copy.deepcopy(item))
        else:
            raise bad(f"unknown attachment type {kind}")
    kinds = [a["type"] for a in out if a["type"] != "inline_keyboard"]
    if len(kinds) > 1 and any(k in _ALONE for k in kinds):
        raise bad(f"{', '.join(sorted(set(kinds) & _ALONE))} must be the only attachment in a message")
    return out, uses_upload


def parse_keyboard(payload: Any) -> list[list[dict[str, Any]]]:
    rows = payload.get("buttons") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows:
        raise bad("inline_keyboard.payload.buttons must be a non-empty array of rows")
    if len(rows) > MAX_ROWS:
        raise bad(f"inline_keyboard: at most {MAX_ROWS} rows")
    total = 0
    for row in rows:
        if not isinstance(row, list) or not row:
            raise bad("inline_keyboard: each row must be a non-empty array of buttons")
        for button in row:
            _check_button(button)
        wide = any(b["type"] in _WIDE_BUTTONS for b in row)
        limit = MAX_ROW_WIDE_BUTTONS if wide else MAX_ROW_BUTTONS
        if len(row) > limit:
            raise bad(f"inline_keyboard: at most {limit} buttons in such a row")
        total += len(row)
    if total > MAX_BUTTONS:
        raise bad(f"inline_keyboard: at most {MAX_BUTTONS} buttons")
    return copy.deepcopy(rows)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES:
        raise bad(f"button type must be one of {', '.join(sorted(BUTTON_TYPES))}")
    text = button.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= 128:
        raise bad("button text must be 1..128 characters")
    kind = button["type"]
    if kind in {"callback", "clipboard"}:
        payload = button.get("payload")
        if not isinstance(payload, str) or len(payload) > 1024:
            raise bad(f"{kind} button payload is required, up to 1024 characters")
    if kind == "link":
        url = button.get("url")
        if not isinstance(url, str) or not url or len(url) > 2048:
            raise bad("link button url is required, up to 2048 characters")
    if kind == "open_app" and not isinstance(button.get("web_app"), str):
        raise bad("open_app button needs web_app")


def _media(st: MaxState, kind: str, payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise bad(f"{kind} attachment needs a payload")
    if kind == "image":
        if isinstance(payload.get("photos"), dict) and payload["photos"]:
            tokens = [p.get("token") if isinstance(p, dict) else None for p in payload["photos"].values()]
            return [_image(st, _upload(st, "image", token)) for token in tokens]
        if payload.get("token"):
            return [_image(st, _upload(st, "image", payload["token"]))]
        if isinstance(payload.get("url"), str) and payload["url"]:
            return [{"type": "image", "payload": {"photo_id": st.next_object_id(), "token": "", "url": payload["url"]}}]
        raise bad("image payload needs token, photos or url")
    upload = _upload(st, kind, payload.get("token"))
    out: dict[str, Any] = {"type": kind, "payload": {"url": media_url(st, upload), "token": upload.token}}
    if kind == "file":
        out["filename"] = upload.filename
        out["size"] = upload.size
    return [out]


def _upload(st: MaxState, kind: str, token: Any) -> UploadedFile:
    upload = next((u for u in st.uploads if u.token == token), None) if isinstance(token, str) else None
    if upload is None or upload.kind != kind:
        raise bad(f"{kind} token is invalid or not uploaded", "attachment.invalid")
    return upload


def _image(st: MaxState, upload: UploadedFile) -> dict[str, Any]:
    payload = {"photo_id": upload.object_id, "token": upload.token, "url": media_url(st, upload)}
    return {"type": "image", "payload": payload}


def media_url(st: MaxState, upload: UploadedFile) -> str:
    return f"{st.base_url}/_emulator/media/{upload.token}"


def check_subscription(body: dict[str, Any]) -> tuple[str, list[str] | None, str | None]:
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise bad("url is required and must be an http(s) URL")
    secret = body.get("secret")
    if secret is not None and (not isinstance(secret, str) or not _SECRET_RE.match(secret)):
        raise bad("secret must be 5..256 characters of A-Z, a-z, 0-9, _ and -")
    types = body.get("update_types")
    if types is not None and (not isinstance(types, list) or not all(isinstance(t, str) and t for t in types)):
        raise bad("update_types must be an array of strings")
    return url, (list(dict.fromkeys(types)) if types else None), secret
