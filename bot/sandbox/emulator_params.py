"""Parsing of VK request parameters and of keyboards, failing with VK's own error codes."""

from __future__ import annotations

import builtins
import json
import re
from typing import Any

from bot.sandbox.emulator_state import VkApiError

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_USER_ID_RE = re.compile(r"^(?:id)?(\d+)$")
_LABELLED_ACTIONS = {"text", "callback", "open_link", "open_app"}
_COLORS = {"primary", "secondary", "negative", "positive"}


class Params:
    """Typed access to the string params of one request; missing/bad values raise error 100."""

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw

    def has(self, name: builtins.str) -> bool:
        return self.raw.get(name, "") != ""

    def str(self, name: builtins.str, *, required: bool = False, default: builtins.str | None = None) -> builtins.str | None:
        if not self.has(name):
            if required:
                raise VkApiError(100, f"{name} is undefined")
            return default
        return self.raw[name]

    def int(self, name: builtins.str, *, required: bool = False, default: builtins.int | None = None) -> builtins.int | None:
        text = self.str(name, required=required)
        if text is None:
            return default
        try:
            return int(text)
        except ValueError:
            raise VkApiError(100, f"{name} not integer") from None

    def int_list(self, name: builtins.str, *, required: bool = False, limit: builtins.int | None = None) -> list[builtins.int]:
        text = self.str(name, required=required)
        if text is None:
            return []
        try:
            values = [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise VkApiError(100, f"{name} should be a list of integers") from None
        if limit is not None and len(values) > limit:
            raise VkApiError(100, f"{name} is too long, max {limit} items")
        return values

    def flag(self, name: builtins.str) -> bool:
        return self.raw.get(name, "0").lower() in {"1", "true"}

    def json(self, name: builtins.str) -> Any:
        text = self.str(name)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise VkApiError(100, f"{name} is not valid JSON") from None


def parse_user_ids(text: str) -> list[int]:
    """`users.get` accepts "1,id2, 3"; names that are not ids are skipped like unknown users."""
    ids = []
    for part in text.split(","):
        match = _USER_ID_RE.match(part.strip())
        if match:
            ids.append(int(match.group(1)))
    return ids


def parse_keyboard(raw: str) -> dict[str, Any]:
    """Validate a keyboard the way VK does: structure, sizes, label and payload lengths."""
    try:
        keyboard = json.loads(raw)
    except ValueError:
        raise VkApiError(911, "keyboard is not valid JSON") from None
    if not isinstance(keyboard, dict) or not isinstance(keyboard.get("buttons"), list):
        raise VkApiError(911, "buttons should be an array")
    rows = keyboard["buttons"]
    inline = bool(keyboard.get("inline"))
    max_rows, max_buttons = (6, 10) if inline else (10, 40)
    if len(rows) > max_rows:
        raise VkApiError(911, f"too many rows, max {max_rows}")
    total = 0
    for row in rows:
        if not isinstance(row, list) or not row or len(row) > 5:
            raise VkApiError(911, "each row should hold 1..5 buttons")
        for button in row:
            _check_button(button)
        total += len(row)
    if total > max_buttons:
        raise VkApiError(911, f"too many buttons, max {max_buttons}")
    return keyboard


def _check_button(button: Any) -> None:
    action = button.get("action") if isinstance(button, dict) else None
    if not isinstance(action, dict) or not isinstance(action.get("type"), str):
        raise VkApiError(911, "button action is missing")
    label = action.get("label")
    if action["type"] in _LABELLED_ACTIONS and (not isinstance(label, str) or not label):
        raise VkApiError(911, "button label is required")
    if isinstance(label, str) and len(label) > 40:
        raise VkApiError(911, "button label is too long, max 40")
    payload = action.get("payload")
    if payload is not None:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        if len(text) > 255:
            raise VkApiError(911, "payload is too long, max 255")
    color = button.get("color")
    if color is not None and color not in _COLORS:
        raise VkApiError(911, "unknown button color")
