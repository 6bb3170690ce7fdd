"""Logging set-up that cannot leak secrets: one line per event, as text or as JSON.

Both formats redact the configured secrets (the filter on the record, then the formatter on the
finished line) and never print an exception's message, only its type and where it happened:
messages of library errors quote requests and events, and those carry tokens and what people wrote.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any


class RedactSecrets(logging.Filter):
    """Replaces any configured secret in a log record by «***» (defence in depth)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            for secret in self._secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def _exception_without_message(exc_info: ExcInfo) -> str:
    error = exc_info[1]
    return error_without_content(error) if error is not None else ""


# Attributes every LogRecord has; anything else came in `extra=` and is a field of the JSON line.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class TextFormatter(logging.Formatter):
    """«time LEVEL logger: message» on one line (a traceback's lines are joined with « | »)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._secrets = [s for s in secrets if len(s) >= 6]

    def formatException(self, ei: ExcInfo) -> str:
        return _exception_without_message(ei)

    def formatStack(self, stack_info: str) -> str:
        return ""

    def format(self, record: logging.LogRecord) -> str:
        lines = [line.rstrip() for line in super().format(record).splitlines() if line.strip()]
        return _redact(" | ".join(lines), self._secrets)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts (UTC), level, logger, msg, the fields given in `extra=`, and for an
    exception its type and frames (never its message)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | type(None)) else str(value)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = f"{type(error).__module__}.{type(error).__qualname__}"
            entry["where"] = "".join(traceback.format_tb(error.__traceback__, limit=12))
        for key, value in entry.items():
            if isinstance(value, str):
                entry[key] = _redact(value, self._secrets)
        return _redact(json.dumps(entry, ensure_ascii=False), self._secrets)


def make_formatter(style: str, secrets: list[str]) -> logging.Formatter:
    return JsonFormatter(secrets) if style == "json" else TextFormatter(secrets)


def setup_logging(level: str, secrets: list[str], style: str = "text") -> None:
    """The root logger writes to stderr in `style` («text» or «json»), secrets redacted either way."""
    handler = logging.StreamHandler()
    handler.setFormatter(make_formatter(style, secrets))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_libraries()


def quiet_libraries() -> None:
    """vkbottle logs every request body at DEBUG (message texts = personal data) through a
    handler of its own: route it through ours, at WARNING and above only."""
    vkbottle_logger = logging.getLogger("vkbottle")
    vkbottle_logger.handlers.clear()
    vkbottle_logger.setLevel(logging.WARNING)
    vkbottle_logger.propagate = True
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # At DEBUG aiosqlite logs every statement with its parameters (children's names, excerpts),
    # and maxapi its requests' bodies: neither may ever reach the log.
    for name in ("aiosqlite", "maxapi"):
        logging.getLogger(name).setLevel(logging.WARNING)


def error_without_content(error: BaseException) -> str:
    """The error's type and where it happened, without its message: messages of validation
    errors quote the event, and events carry what people wrote (personal data)."""
    where = "".join(traceback.format_tb(error.__traceback__, limit=12))
    return f"{type(error).__module__}.{type(error).__qualname__}\n{where}"
