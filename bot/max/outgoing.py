"""What the bot sends to MAX: texts cut to MAX's limits and never pinging, inline keyboards.

The keyboard is built from maxapi's button types, so its JSON shape is the library's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from maxapi.enums.intent import Intent
from maxapi.types.attachments.attachment import ButtonsPayload
from maxapi.types.attachments.buttons.callback_button import CallbackButton
from maxapi.types.attachments.buttons.message_button import MessageButton

from bot.port.effects import Button, Buttons

MESSAGE_LIMIT = 4000
LABEL_LIMIT = 128  # schema: Button.text 1..128
NOTIFICATION_LIMIT = 200
"""MAX documents no limit for a callback answer's `notification`; a pop-up longer than this is
unreadable anyway, so we choose 200 (the runtime sends longer answers as a message)."""
_INTENTS = {"positive": Intent.POSITIVE, "negative": Intent.NEGATIVE}
_PING = re.compile(r"(?<![\w@])@(?=[A-Za-z0-9_])")


def defang(text: str) -> str:
    """«@someone» in what the bot sends stays text: a word joiner after «@» stops a ping."""
    return _PING.sub("@\u2060", text)


def cut_utf16(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units (how MAX's clients count), never splitting a character."""
    if len(text) <= limit // 2 or len(text.encode("utf-16-le")) <= 2 * limit:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def message_text(text: str, limit: int = MESSAGE_LIMIT) -> str:
    return cut_utf16(defang(text), limit)


def _button(button: Button) -> CallbackButton | MessageButton:
    label = cut_utf16(button.label, LABEL_LIMIT)
    if button.payload is None:
        # A «message» button sends its label as the person's message, like a VK text button.
        return MessageButton(text=label)
    payload = json.dumps(button.payload, ensure_ascii=False, separators=(",", ":"))
    return CallbackButton(text=label, payload=payload, intent=_INTENTS.get(button.style, Intent.DEFAULT))


def inline_keyboard(buttons: Buttons) -> dict[str, Any]:
    """The `inline_keyboard` attachment. MAX has no standing menu under the input field, so a
    `menu=True` keyboard is shown the same way: as buttons under the message."""
    rows = [[_button(button) for button in row] for row in buttons.rows if row]
    return ButtonsPayload(buttons=rows).pack().model_dump(mode="json", exclude_none=True)  # type: ignore[arg-type]
