"""Structured logs: one line per event, as text or JSON, never a secret or an exception's message."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import RedactSecrets, make_formatter

TOKEN = "vk1.a.SECRET-token-value-0123456789"


def logged(style: str, emit) -> list[str]:  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(make_formatter(style, [TOKEN]))
    handler.addFilter(RedactSecrets([TOKEN]))
    logger = logging.getLogger(f"test.logs.{style}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    emit(logger)
    return stream.getvalue().splitlines()


def emit_all(logger: logging.Logger) -> None:
    logger.info("connected with %s", TOKEN, extra={"platform": "vk", "update": 17})
    what_a_library_says = f"request https://api.vk.ru/method/x?access_token={TOKEN} failed: " + "Петя Иванов: мат"
    try:
        raise ValueError(what_a_library_says)
    except ValueError:
        logger.exception("handler failed for update %s", 17)


@pytest.mark.parametrize("style", ["json", "text"])
def test_each_event_is_one_line_without_the_secret_or_the_error_message(style: str) -> None:
    lines = logged(style, emit_all)
    assert len(lines) == 2
    for line in lines:
        assert TOKEN not in line and "SECRET" not in line
        assert "Петя" not in line and "access_token" not in line  # the exception's message is never printed
    assert "ValueError" in lines[1] and "test_logs.py" in lines[1]  # its type and where it happened are


def test_json_lines_are_valid_objects_with_fields() -> None:
    first, second = (json.loads(line) for line in logged("json", emit_all))
    assert first["level"] == "INFO" and first["logger"] == "test.logs.json"
    assert first["msg"] == "connected with ***"
    assert first["platform"] == "vk" and first["update"] == 17
    assert first["ts"].endswith("+00:00")
    assert second["level"] == "ERROR" and second["error"] == "builtins.ValueError" and "where" in second
    assert second["msg"] == "handler failed for update 17"
