import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.membership.codes import ALPHABET, WrongCodeThrottle, new_code, normalise_code


def test_alphabet_has_no_confusable_characters() -> None:
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET)


def test_new_code_shape() -> None:
    code = new_code()
    assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code)


def test_new_codes_do_not_repeat() -> None:
    codes = {new_code() for _ in range(5000)}
    assert len(codes) == 5000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABCD-EFGH", "ABCD-EFGH"),
        ("abcd-efgh", "ABCD-EFGH"),
        ("abcdefgh", "ABCD-EFGH"),
        (" ab cd  ef gh ", "ABCD-EFGH"),
        ("ABCD–EFGH", "ABCD-EFGH"),  # en dash from autocorrect
        ("АВСЕ-КМНР", "ABCE-KMHP"),  # typed on a Russian keyboard
        ("аbсd-еfgh", "ABCD-EFGH"),  # mixed Cyrillic lowercase
        ("2345-6789", "2345-6789"),
    ],
)
def test_normalise_code_forgives_typing(text: str, expected: str) -> None:
    assert normalise_code(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGO", "ABCD-EFG1", "ABCD-EFGI", "ABCD-EFGL", "ЖЖЖЖ-ЖЖЖЖ", "A" * 100],
)
def test_normalise_code_rejects(text: str) -> None:
    assert normalise_code(text) is None


@given(st.integers(0, 10))
def test_new_code_round_trips(_: int) -> None:
    code = new_code()
    assert normalise_code(code) == code
    assert normalise_code(code.lower().replace("-", " ")) == code


@given(st.text())
def test_normalise_code_never_raises(text: str) -> None:
    result = normalise_code(text)
    assert result is None or normalise_code(result) == result


def test_three_failures_in_window_block_then_double() -> None:
    throttle = WrongCodeThrottle()
    throttle.record_failure(1, 0.0)
    throttle.record_failure(1, 10.0)
    assert throttle.check(1, 10.0) == 0
    throttle.record_failure(1, 20.0)
    assert throttle.check(1, 20.0) == 30.0
    assert throttle.check(1, 35.0) == 15.0
    assert throttle.check(1, 50.0) == 0
    throttle.record_failure(1, 50.0)
    assert throttle.check(1, 50.0) == 60.0
    throttle.record_failure(1, 110.0)
    assert throttle.check(1, 110.0) == 120.0
    assert throttle.check(2, 110.0) == 0  # other users are not affected


def test_failures_spread_beyond_window_do_not_block() -> None:
    throttle = WrongCodeThrottle()
    for minute in (0, 6, 12, 18):
        throttle.record_failure(1, minute * 60.0)
    assert throttle.check(1, 18 * 60.0) == 0


def test_wait_is_capped_at_an_hour() -> None:
    throttle = WrongCodeThrottle()
    now = 0.0
    for _ in range(30):
        throttle.record_failure(1, now)
        now += throttle.check(1, now)
    assert throttle.check(1, now) == 0
    throttle.record_failure(1, now - 1)  # keep the streak
    assert throttle.check(1, now - 1) <= 3600.0


def test_success_and_quiet_time_forget_the_user() -> None:
    throttle = WrongCodeThrottle()
    for t in (0.0, 1.0, 2.0):
        throttle.record_failure(1, t)
    throttle.record_success(1)
    assert throttle.check(1, 3.0) == 0
    for t in (0.0, 1.0, 2.0):
        throttle.record_failure(2, t)
    assert throttle.check(2, 10_000.0) == 0
    assert len(throttle) == 0


def test_memory_is_bounded() -> None:
    throttle = WrongCodeThrottle(max_users=100)
    for user in range(1000):
        throttle.record_failure(user, 0.0)
    assert len(throttle) <= 100
    throttle.record_failure(5000, 10_000.0)
    assert len(throttle) == 1  # the stale ones were swept
