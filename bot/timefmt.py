"""Stored moments (UTC ISO text) as people read them: the school's local time."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

# «2025-03-12T10:00:00+00:00», «2025-03-12 10:00:00.123+00:00», «2025-03-12T10:00Z».
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?$")


def local_minute(text: str, tz: tzinfo) -> str:
    """«2026-11-28 17:31» in `tz`; text that is not a stored moment comes back unchanged."""
    if not _ISO.match(text):
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _ISO.sub(r"\1 \2", text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%d %H:%M")


def local_date(text: str, tz: tzinfo) -> str:
    """«2026-11-28» in `tz`."""
    return local_minute(text, tz)[:10]
