"""MAX webhook requests: the secret header and the update (pure: headers and bytes in).

MAX POSTs one update per request with the subscription's secret in `X-Max-Bot-Api-Secret`; it
retries a delivery not answered 200 for up to 8 hours.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SECRET_HEADER = "X-Max-Bot-Api-Secret"
MAX_BODY = 1_048_576


@dataclass(frozen=True, kw_only=True)
class WebhookRequest:
    status: int
    update: dict[str, Any] | None = None
    refused: str | None = None


def read_webhook(headers: Mapping[str, str], body: bytes, *, secret: str) -> WebhookRequest:
    given = headers.get(SECRET_HEADER)
    if given is None or not hmac.compare_digest(given.encode(), secret.encode()):
        return WebhookRequest(status=403, refused="wrong or missing secret header")
    if len(body) > MAX_BODY:
        return WebhookRequest(status=413, refused="body too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return WebhookRequest(status=400, refused="not JSON")
    if not isinstance(data, dict) or not isinstance(data.get("update_type"), str):
        return WebhookRequest(status=400, refused="not an update")
    return WebhookRequest(status=200, update=data)
