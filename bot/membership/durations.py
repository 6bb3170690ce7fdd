"""Durations typed in commands (ttl=7d, срок=12ч) and their Russian rendering."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from bot.errors import BadCommand
from bot.timefmt import day_month_time, within

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=90)

_MINUTE, _HOUR, _DAY, _WEEK = (timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(weeks=1))

# A bare «м» is left out on purpose: in Russian it may mean minutes or months.
_UNITS: dict[str, timedelta] = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "мин", "минута", "минуты", "минут"), _MINUTE),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов"), _HOUR),
    **dict.fromkeys(("", "d", "day", "days", "д", "дн", "день", "дня", "дней", "сут"), _DAY),
    **dict.fromkeys(("w", "wk", "week", "weeks", "н", "нед", "неделя", "недели", "недель"), _WEEK),
}
_DURATION_RE = re.compile(r"(\d{1,7})\s*([^\W\d_]*)\.?")

DURATION_USAGE = (
    "Срок пишется числом и единицей: 30мин, 12ч, 7д или 2н (просто число — дни), "
    "от 1 минуты до 90 дней. Пример: срок=7д"
)


def parse_duration(text: str) -> timedelta:
    """«7d», «12h», «30m», «2w», «7д», «12ч», «30мин», «2н», «7» (days); 1 minute..90 days."""
    match = _DURATION_RE.fullmatch(text.strip().lower())
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise BadCommand(f"bad duration {text!r}", text=DURATION_USAGE)
    duration = int(match.group(1)) * unit
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise BadCommand(f"duration out of range {text!r}", text=DURATION_USAGE)
    return duration


def format_duration(duration: timedelta) -> str:
    """The two largest units, rounded down: «6 дн. 23 ч», «5 ч 10 мин», «меньше минуты»."""
    minutes = int(duration.total_seconds() // 60)
    if minutes < 1:
        return "меньше минуты"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} дн.", f"{hours} ч", f"{minutes} мин"]
    values = [days, hours, minutes]
    first = next(i for i, value in enumerate(values) if value)
    shown = [parts[i] for i in range(first, min(first + 2, 3)) if values[i]]
    return " ".join(shown)


def format_expiry(expires_at: datetime, now: datetime, tz: tzinfo = UTC) -> str:
    """«до 06.12, 19:14 (через 7 дней)» in the school's zone while an invitation is valid, «истекла» after."""
    if expires_at <= now:
        return "истекла"
    return f"до {day_month_time(expires_at, tz, now)} ({within(expires_at - now)})"
