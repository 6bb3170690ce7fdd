"""VK's `execute` in the emulator: the one VKScript shape the bot sends — a list of API calls with JSON
arguments, `return [API.messages.getConversationMembers({...}), …];` — run as one request (it counts
once against the 20 requests/s, as at VK). A failed call yields `false` in its place and an entry in
`execute_errors`, as VK answers; more than 25 calls is error 13, anything else error 12."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.emulator_params import Params
from bot.sandbox.emulator_state import EmulatorState, VkApiError

MAX_CALLS = 25
_RETURN = re.compile(r"^\s*return\s*\[(?P<calls>.*)\]\s*;?\s*$", re.DOTALL)
_CALL = re.compile(r"\s*API\.(?P<method>[a-z]+\.[a-zA-Z]+)\(")
_CLOSE = re.compile(r"\s*\)\s*(,|$)")

Handler = Callable[[EmulatorState, Params], Any]


def run_execute(st: EmulatorState, code: str, methods: Mapping[str, Handler]) -> tuple[list[Any], list[dict[str, Any]]]:
    """(results, execute_errors) of `code`; VkApiError 12 for code outside the supported shape."""
    match = _RETURN.match(code)
    if match is None:
        raise VkApiError(12, "only `return [API.method({...}), ...];` is supported here")
    calls = _split_calls(match["calls"])
    if len(calls) > MAX_CALLS:
        raise VkApiError(13, f"too many API calls ({len(calls)} > {MAX_CALLS})")
    results: list[Any] = []
    errors: list[dict[str, Any]] = []
    for method, params in calls:
        handler = methods.get(method)
        try:
            if handler is None:
                raise VkApiError(3)
            results.append(handler(st, Params({k: _text(v) for k, v in params.items()})))
        except VkApiError as error:
            results.append(False)
            errors.append({"method": method, "error_code": error.code, "error_msg": error.msg})
    return results, errors


def _split_calls(text: str) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    if not text.strip():
        return calls
    decoder = json.JSONDecoder()
    at = 0
    while True:
        found = _CALL.match(text, at)
        if found is None:
            raise VkApiError(12, f"cannot read the code at {at}")
        try:
            params, end = decoder.raw_decode(text, found.end())
        except ValueError as error:
            raise VkApiError(12, "arguments must be a JSON object") from error
        tail = _CLOSE.match(text, end)
        if not isinstance(params, dict) or tail is None:
            raise VkApiError(12, "expected API.method({...})")
        calls.append((found["method"], params))
        if tail.group(1) == ",":
            at = tail.end()
            continue
        return calls


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
