from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from bot.timefmt import local_date, local_minute

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
