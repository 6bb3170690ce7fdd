"""Fault injection and low-level HTTP helpers of the MAX emulator.

Faults are queued per endpoint key, "METHOD /path-template" exactly as the schema names the path:
"POST /messages", "GET /updates", "GET /chats/{chatId}/members", "POST /upload" (the upload URL).
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from aiohttp import web

from bot.sandbox.max_emulator_state import STATUS_CODES, dumps

_CUT_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"mess"
_HTML_STATUSES = {502: "Bad Gateway", 504: "Gateway Time-out"}
_FAULT_MESSAGES = {
    429: "Too many requests",
    500: "Internal server error",
    503: "Service temporarily unavailable",
}


class FaultPlan:
    """Queued faults per endpoint key; each call consumes at most one fault of each kind."""

    def __init__(self) -> None:
        self.fails: dict[str, deque[int]] = defaultdict(deque)
        self.delays: dict[str, deque[float]] = defaultdict(deque)
        self.drops: dict[str, int] = defaultdict(int)

    def add_fail(self, key: str, status: int, times: int) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"an injected failure needs a 4xx/5xx status, not {status}")
        self.fails[key].extend([status] * times)

    def add_delay(self, key: str, seconds: float, times: int) -> None:
        self.delays[key].extend([seconds] * times)

    def add_drop(self, key: str, times: int) -> None:
        self.drops[key] += times

    def take_fail(self, key: str) -> int | None:
        queue = self.fails[key]
        return queue.popleft() if queue else None

    def take_delay(self, key: str) -> float:
        queue = self.delays[key]
        return queue.popleft() if queue else 0.0

    def take_drop(self, key: str) -> bool:
        if self.drops[key] <= 0:
            return False
        self.drops[key] -= 1
        return True


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


def error_response(status: int, code: str, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status)


def injected_failure(status: int) -> web.Response:
    """What a failing MAX looks like: a JSON error body, or a proxy's HTML page for 502/504."""
    if status in _HTML_STATUSES:
        title = f"{status} {_HTML_STATUSES[status]}"
        html = f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center></body></html>"
        return web.Response(status=status, text=html, content_type="text/html")
    code = STATUS_CODES.get(status, "internal.error")
    return error_response(status, code, _FAULT_MESSAGES.get(status, f"Injected failure {status}"))


def cut_connection(request: web.Request) -> web.Response:
    """Cut the connection mid-answer so the client sees a network error after the effect happened.

    Headers go out first on purpose: a connection closed before any byte lets aiohttp's client
    silently retry idempotent requests (GET long polls), which would hide the fault from the bot.
    """
    transport = request.transport
    if transport is not None:
        transport.write(_CUT_ANSWER)
        transport.close()
    return web.Response()
