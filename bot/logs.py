"""Logging set-up that cannot leak secrets."""

from __future__ import annotations

import logging
import traceback


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


def setup_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
