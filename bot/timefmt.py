"""Stored moments (UTC ISO text) as people read them: the school's local time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from bot.grammar import plural

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


# --- as people write dates: «06.12, 19:14», «через 7 дней» ----------------------------------------

Moment = datetime | str
"""A datetime, or a moment as storage keeps it (UTC ISO text)."""


def _local(moment: Moment, tz: tzinfo) -> datetime | None:
    if isinstance(moment, str):
        if not _ISO.match(moment):
            return None
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment.astimezone(tz) if moment.tzinfo is not None else moment


def day_month(moment: Moment, tz: tzinfo, now: datetime | None = None) -> str:
    """«06.12»; with the year («06.12.2025») when it is not the year of `now` (or `now` is not given)."""
    local = _local(moment, tz)
    if local is None:
        return str(moment)
    today = _local(now, tz) if now is not None else None
    return local.strftime("%d.%m" if today is not None and today.year == local.year else "%d.%m.%Y")


def day_month_time(moment: Moment, tz: tzinfo, now: datetime | None = None) -> str:
    """«06.12, 19:14» (with the year when it is not this year)."""
    local = _local(moment, tz)
    if local is None:
        return str(moment)
    return f"{day_month(local, tz, now)}, {local.strftime('%H:%M')}"


def span(delta: timedelta) -> str:
    """«7 дней», «5 часов», «10 минут»: the largest unit, rounded to the nearest (6 days 23 hours
    is «7 дней»); under a minute — «меньше минуты»."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "меньше минуты"
    if seconds >= 86400 - 1800:
        return plural(max(1, round(seconds / 86400)), "день", "дня", "дней")
    if seconds >= 3600 - 30:
        return plural(max(1, round(seconds / 3600)), "час", "часа", "часов")
    return plural(max(1, round(seconds / 60)), "минуту", "минуты", "минут")


def within(delta: timedelta) -> str:
    """«через 7 дней», «через 5 часов»."""
    return "меньше чем через минуту" if delta.total_seconds() < 60 else f"через {span(delta)}"
