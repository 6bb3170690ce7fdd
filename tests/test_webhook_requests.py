"""Webhook requests read by the pure checkers: any bytes, any headers, never an exception, and
nothing accepted without the secret."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.max.webhook import read_webhook
from bot.vk.callback import read_callback
from tests.fuzzing import examples

GROUP = 56
SECRET = "callback-secret-1"
CODE = "a1b2c3d4"
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def vk(body: object) -> tuple[int, str, object]:
    found = read_callback(json.dumps(body).encode(), group_id=GROUP, secret=SECRET, confirmation=CODE)
    return found.status, found.text, found.update


def test_vk_confirmation_event_and_refusals() -> None:
    assert vk({"type": "confirmation", "group_id": GROUP}) == (200, CODE, None)
    assert vk({"type": "confirmation", "group_id": str(GROUP)})[:2] == (200, CODE)
    assert vk({"type": "confirmation", "group_id": 57})[0] == 403
    event = {"type": "message_new", "group_id": GROUP, "event_id": "e1", "object": {}}
    assert vk({**event, "secret": SECRET}) == (200, "ok", {**event, "secret": SECRET})
    assert vk({**event, "secret": SECRET + "x"})[0] == 403
    assert vk({**event, "secret": None})[0] == 403
    assert vk(event)[0] == 403
    assert vk({**event, "group_id": True, "secret": SECRET})[0] == 403
    assert vk([event])[0] == 400
    assert read_callback(b"\xff\xfe", group_id=GROUP, secret=SECRET, confirmation=CODE).status == 400
    assert read_callback(b" " * 2_000_000, group_id=GROUP, secret=SECRET, confirmation=CODE).status == 413


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=400) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_vk_any_body_is_answered_and_nothing_passes_without_the_secret(body: bytes) -> None:
    found = read_callback(body, group_id=GROUP, secret=SECRET, confirmation=CODE)
    assert found.status in {200, 400, 403, 413}
    if found.update is not None:
        assert found.update.get("secret") == SECRET


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(st.text(max_size=30), st.text(max_size=40), max_size=5), st.binary(max_size=300))
def test_max_any_request_is_answered_and_nothing_passes_without_the_secret(
        headers: dict[str, str], body: bytes) -> None:
    found = read_webhook(headers, body, secret=SECRET)
    assert found.status in {200, 400, 403, 413}
    assert found.update is None or headers.get("X-Max-Bot-Api-Secret") == SECRET


def test_max_secret_then_shape() -> None:
    good = {"X-Max-Bot-Api-Secret": SECRET}
    update = json.dumps({"update_type": "message_created", "timestamp": 1}).encode()
    assert read_webhook(good, update, secret=SECRET).status == 200
    assert read_webhook({}, update, secret=SECRET).status == 403
    assert read_webhook(good, b"{}", secret=SECRET).status == 400
    assert read_webhook(good, b"not json", secret=SECRET).status == 400
