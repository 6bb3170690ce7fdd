from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import day_month, day_month_time, local_date, local_minute, within

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-11-28T22:31:00+00:00", "2026-11-29 01:31"),  # the date changes in Moscow
        ("2026-11-28 14:31:05.123+00:00", "2026-11-28 17:31"),
        ("2026-11-28T14:31Z", "2026-11-28 17:31"),
        ("2026-11-28T14:31:00", "2026-11-28 14:31"),  # no zone: shown as stored
        ("не дата", "не дата"),
    ],
)
def test_local_minute(stored: str, shown: str) -> None:
    assert local_minute(stored, MOSCOW) == shown


def test_local_date() -> None:
    assert local_date("2026-11-28T22:31:00+00:00", MOSCOW) == "2026-11-29"
    assert local_date("2026-11-28T22:31:00+00:00", UTC) == "2026-11-28"


NOW = datetime(2026, 11, 29, 16, 14, tzinfo=UTC)


@pytest.mark.parametrize(("moment", "shown"), [
    (NOW + timedelta(days=7), "06.12, 19:14"),  # as people write it, in the school's zone
    ("2026-12-06T16:14:00+00:00", "06.12, 19:14"),  # as storage keeps it
    (NOW.replace(year=2025), "29.11.2025, 19:14"),  # another year is named
    ("не дата", "не дата"),
])
def test_day_month_time(moment: datetime | str, shown: str) -> None:
    assert day_month_time(moment, MOSCOW, NOW) == shown


def test_day_month_near_midnight_takes_the_local_date() -> None:
    assert day_month("2026-11-28T22:31:00+00:00", MOSCOW, NOW) == "29.11"
    assert day_month("2026-11-28T22:31:00+00:00", UTC, NOW) == "28.11"


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(days=7), "через 7 дней"), (timedelta(days=6, hours=23), "через 7 дней"),
    (timedelta(days=1), "через 1 день"), (timedelta(hours=5), "через 5 часов"), (timedelta(hours=2), "через 2 часа"),
    (timedelta(minutes=10), "через 10 минут"), (timedelta(minutes=1), "через 1 минуту"),
    (timedelta(seconds=5), "меньше чем через минуту"),
])
def test_within(delta: timedelta, text: str) -> None:
    assert within(delta) == text
