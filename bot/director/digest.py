"""When the weekly digest is due: the school's local weekday and time from the config. Pure."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from bot.director.stats import Period


def latest_due(now: datetime, tz: tzinfo, weekday: int, hour: int, minute: int) -> date:
    """The local date of the most recent digest moment at or before `now` (weekday 1 = Monday)."""
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.isoweekday() - weekday) % 7)
    if datetime.combine(day, time(hour, minute), tzinfo=tz) > local:
        day -= timedelta(days=7)
    return day


def digest_period(due: date) -> Period:
    """The full week before the digest's day."""
    return Period(start=due - timedelta(days=7), end=due - timedelta(days=1), name="неделю")
