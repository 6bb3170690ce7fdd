"""VK Callback API requests: the confirmation, the secret, the event (pure: bytes in, a reply out).

VK POSTs one event per request, shaped as in Bots Long Poll plus `group_id` and `secret`. The
`confirmation` request (sent when the server is added in the community's settings) is answered
with the confirmation code; every other request must carry the secret, compared in constant time.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

MAX_BODY = 1_048_576
"""A VK event is a few kilobytes; anything much larger is not VK."""


@dataclass(frozen=True, kw_only=True)
class CallbackRequest:
    status: int
    text: str
    update: dict[str, Any] | None = None
    refused: str | None = None


def read_callback(body: bytes, *, group_id: int, secret: str, confirmation: str) -> CallbackRequest:
    if len(body) > MAX_BODY:
        return CallbackRequest(status=413, text="too large", refused="body too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return CallbackRequest(status=400, text="bad request", refused="not JSON")
    if not isinstance(data, dict):
        return CallbackRequest(status=400, text="bad request", refused="not a JSON object")
    if _int(data.get("group_id")) != group_id:
        return CallbackRequest(status=403, text="forbidden", refused="another community's group_id")
    if data.get("type") == "confirmation":
        return CallbackRequest(status=200, text=confirmation)
    given = data.get("secret")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), secret.encode()):
        return CallbackRequest(status=403, text="forbidden", refused="wrong or missing secret")
    return CallbackRequest(status=200, text="ok", update=data)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None
