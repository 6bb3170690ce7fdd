"""Sandbox steps: parsing the script language, shared by scripts and the interactive console.

    # a comment (ignored);  ## a heading (printed in the transcript)
    admin @ staff: /привязать учительская          a message in a chat (staff, 5a-parents, 5a-students) or dm
    parent @ dm ref={code}: Начать                 a first DM that carries VK's ref (from a vk.me link)
    admin @ staff ^teacher: /подтвердить           a reply to teacher's last message there
    admin @ staff file=roster-5a.csv: /список 5А    a message with a file attached (next to the script)
    parent @ dm fwd=teacher@5a-parents: жалоба      forward teacher's last message in 5a-parents to a DM
    admin @ staff press Принять                    press a button of the bot's last keyboard there
    parent joins {link}                            enter a chat by its invite link
    stranger enters 5a-parents                     be added to a chat by someone
    student leaves 5a-students

{code}, {link} and {request} stand for the last invitation code, chat link and request number the bot wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MESSAGE = re.compile(r"^(?P<who>\w+)\s*@\s*(?P<where>[\w-]+)(?:\s+ref=(?P<ref>\S+))?(?:\s+\^(?P<reply>\w+))?"
                      r"(?:\s+file=(?P<file>[^\s:]+))?(?:\s+fwd=(?P<fwd>\w+)@(?P<fwd_chat>[\w-]+))?\s*:\s?(?P<text>.*)$",
                      re.DOTALL)
_PRESS = re.compile(r"^(?P<who>\w+)\s*@\s*(?P<where>[\w-]+)\s+press\s+(?P<label>.+)$")
_JOIN = re.compile(r"^(?P<who>\w+)\s+joins\s+(?P<link>\S+)$")
_ENTER = re.compile(r"^(?P<who>\w+)\s+(?P<verb>enters|leaves)\s+(?P<where>[\w-]+)$")


class ScriptError(ValueError):
    """A line the sandbox cannot understand; says which and why."""


@dataclass(frozen=True, kw_only=True)
class Step:
    kind: str
    """'say', 'press', 'join', 'enter', 'leave' or 'heading'."""
    who: str = ""
    where: str = ""
    text: str = ""
    """Message text, button label, link, or heading."""
    ref: str | None = None
    reply_to: str | None = None
    file: str | None = None
    """A file attached to the message (a CSV class list), found next to the script."""
    forward: tuple[str, str] | None = None
    """(who, chat): forward that person's last message in that chat, with `text` as the caption."""


def parse_line(line: str) -> Step | None:
    """One step, or None for blank lines and comments."""
    stripped = line.strip()
    if not stripped or (stripped.startswith("#") and not stripped.startswith("##")):
        return None
    if stripped.startswith("##"):
        return Step(kind="heading", text=stripped.lstrip("#").strip())
    if match := _PRESS.match(stripped):
        return Step(kind="press", who=match["who"], where=match["where"], text=match["label"].strip())
    if match := _MESSAGE.match(stripped):
        return Step(kind="say", who=match["who"], where=match["where"], text=match["text"].replace("\\n", "\n"),
                    ref=match["ref"], reply_to=match["reply"], file=match["file"],
                    forward=(match["fwd"], match["fwd_chat"]) if match["fwd"] else None)
    if match := _JOIN.match(stripped):
        return Step(kind="join", who=match["who"], text=match["link"])
    if match := _ENTER.match(stripped):
        return Step(kind="enter" if match["verb"] == "enters" else "leave", who=match["who"], where=match["where"])
    raise ScriptError(f"не понимаю строку: {stripped!r}")


def parse_script(text: str) -> list[Step]:
    steps = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            step = parse_line(line)
        except ScriptError as error:
            raise ScriptError(f"строка {number}: {error}") from None
        if step is not None:
            steps.append(step)
    return steps
