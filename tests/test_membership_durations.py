from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import BadCommand
from bot.membership.durations import format_duration, format_expiry, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("12h", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("2w", timedelta(weeks=2)),
        ("7д", timedelta(days=7)),
        ("12ч", timedelta(hours=12)),
        ("30мин", timedelta(minutes=30)),
        ("2н", timedelta(weeks=2)),
        ("7", timedelta(days=7)),
        ("7 дней", timedelta(days=7)),
        ("1m", timedelta(minutes=1)),
        ("90d", timedelta(days=90)),
        ("12H", timedelta(hours=12)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "0", "0m", "91d", "14w", "7x", "d7", "2м", "-1d", "1.5d", "abc"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_duration(text)
    assert "7д" in caught.value.text


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (timedelta(days=6, hours=23, minutes=59), "6 дн. 23 ч"),
        (timedelta(hours=5, minutes=10), "5 ч 10 мин"),
        (timedelta(days=2), "2 дн."),
        (timedelta(minutes=3, seconds=40), "3 мин"),
        (timedelta(seconds=20), "меньше минуты"),
    ],
)
def test_format_duration(duration: timedelta, expected: str) -> None:
    assert format_duration(duration) == expected


def test_format_expiry() -> None:
    now = datetime(2024, 9, 1, 9, 0)
    assert format_expiry(now + timedelta(days=6, hours=23, minutes=30), now) == "до 08.09, 08:30 (через 7 дней)"
    moscow = ZoneInfo("Europe/Moscow")
    utc_now = datetime(2026, 11, 29, 16, 14, tzinfo=UTC)
    assert format_expiry(utc_now + timedelta(days=7), utc_now, moscow) == "до 06.12, 19:14 (через 7 дней)"
    assert format_expiry(utc_now + timedelta(hours=5), utc_now, moscow) == "до 30.11, 00:14 (через 5 часов)"
    assert format_expiry(utc_now + timedelta(days=40), utc_now, moscow) == "до 08.01.2027, 19:14 (через 40 дней)"
    assert format_expiry(now, now) == "истекла"
    assert format_expiry(now - timedelta(days=1), now) == "истекла"
