"""Carries out sandbox steps against the world and writes the transcript."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bot.sandbox.script import ScriptError, Step
from bot.sandbox.world import SandboxWorld

_CODE = re.compile(r"(?:ref=|/вступить\s+|/join\s+)([A-Za-z0-9]{4}-?[A-Za-z0-9]{4})")
_LINK = re.compile(r"https://vk\.me/join/\S+")
_REQUEST = re.compile(r"[№#]\s?(\d+)")


class Player:
    def __init__(self, world: SandboxWorld, out: Callable[[str], None] = print) -> None:
        self.world = world
        self.out = out
        self.variables: dict[str, str] = {}
        self._shown: dict[int, int] = {}

    def _peer(self, who_id: int, where: str) -> int:
        if where == "dm":
            return who_id
        if where not in self.world.chat_peers:
            raise ScriptError(f"нет такого чата: {where} (есть: dm, {', '.join(self.world.chat_peers)})")
        peer = self.world.chat_peers[where]
        if who_id not in self.world.emulator.chat_members(peer):
            who = self.world.by_id(who_id)
            raise ScriptError(f"{who.name if who else who_id} не участник чата «{self.world.chat_title(peer)}»")
        return peer

    def _expand(self, text: str) -> str:
        for name, value in self.variables.items():
            text = text.replace("{" + name + "}", value)
        return text

    async def play(self, step: Step) -> None:
        if step.kind == "heading":
            self.out(f"\n=== {step.text} ===")
            return
        who = self.world.character(step.who)
        emulator = self.world.emulator
        before = self.world.handled
        if step.kind == "say":
            peer = self._peer(who.vk_id, step.where)
            text = self._expand(step.text)
            reply_cmid = self._last_cmid(peer, self.world.character(step.reply_to).vk_id) if step.reply_to else None
            ref = self._expand(step.ref) if step.ref else None
            shown = text + (f"   (открыл ссылку, ref={ref})" if ref else "")
            shown += f"   (в ответ на сообщение {step.reply_to})" if step.reply_to else ""
            self.out(f"[{self.world.chat_title(peer)}] {who.name} ({who.title}): {shown}")
            await emulator.user_writes(who.vk_id, text, peer_id=None if peer == who.vk_id else peer,
                                       ref=ref, reply_to_cmid=reply_cmid)
        elif step.kind == "press":
            peer = self._peer(who.vk_id, step.where)
            cmid, payload, is_callback = self._find_button(peer, step.text)
            self.out(f"[{self.world.chat_title(peer)}] {who.name} ({who.title}) нажимает «{step.text}»")
            if is_callback:
                await emulator.press_button(who.vk_id, peer, cmid, payload)
            else:  # a text button simply sends its label (and payload) as a message
                await emulator.user_writes(who.vk_id, step.text, peer_id=None if peer == who.vk_id else peer,
                                           payload=payload)
        elif step.kind == "join":
            link = self._expand(step.text)
            self.out(f"* {who.name} ({who.title}) входит в чат по ссылке {link}")
            try:
                await emulator.user_joins_by_link(who.vk_id, link)
            except ValueError:
                self.out("  (ссылка не работает: её сбросили или она неверна)")
                return
        elif step.kind in ("enter", "leave"):
            peer = self._peer(who.vk_id, step.where)
            if step.kind == "enter":
                self.out(f"* {who.name} ({who.title}) добавлен(а) в чат «{self.world.chat_title(peer)}»")
                await emulator.user_added(peer, who.vk_id, by=self.world.character("teacher").vk_id)
            else:
                self.out(f"* {who.name} ({who.title}) выходит из чата «{self.world.chat_title(peer)}»")
                await emulator.user_leaves(peer, who.vk_id)
        await self.world.settle(before)
        self.show_new_bot_messages()

    def _last_cmid(self, peer: int, author: int) -> int:
        for message in reversed(self.world.emulator.messages(peer)):
            if message["from_id"] == author:
                return int(message["conversation_message_id"])
        raise ScriptError("не нашёл сообщение, на которое нужно ответить")

    def _find_button(self, peer: int, label: str) -> tuple[int, Any, bool]:
        for message in reversed(self.world.emulator.bot_messages(peer)):
            for button in _buttons(message.get("keyboard")):
                action = button.get("action", {})
                if action.get("label", "").lower() == label.lower():
                    payload = action.get("payload")
                    parsed = json.loads(payload) if isinstance(payload, str) and payload else payload
                    return int(message["conversation_message_id"]), parsed, action.get("type") == "callback"
        raise ScriptError(f"нет кнопки «{label}» в последних сообщениях бота")

    def show_new_bot_messages(self) -> None:
        peers = list(self.world.chat_peers.values()) + [c.vk_id for c in self.world.cast.values()]
        for peer in peers:
            messages = self.world.emulator.bot_messages(peer)
            for message in messages[self._shown.get(peer, 0):]:
                self._remember(message.get("text", ""))
                self.out(_render(self.world.chat_title(peer), message))
            self._shown[peer] = len(messages)

    def _remember(self, text: str) -> None:
        for name, pattern in (("code", _CODE), ("link", _LINK), ("request", _REQUEST)):
            found = pattern.findall(text)
            if found:
                value = found[-1]
                self.variables[name] = value if isinstance(value, str) else value[0]


def _buttons(keyboard: Any) -> list[dict[str, Any]]:
    if isinstance(keyboard, str):
        keyboard = json.loads(keyboard)
    if not isinstance(keyboard, dict):
        return []
    return [button for row in keyboard.get("buttons", []) for button in row]


def _render(title: str, message: dict[str, Any]) -> str:
    text = message.get("text", "")
    if message.get("action"):
        text = f"* {message['action'].get('type')} {message['action'].get('member_id', '')}"
    body = "\n    ".join(text.splitlines())
    line = f"[{title}] 🤖 бот: {body}"
    labels = [b.get("action", {}).get("label", "") for b in _buttons(message.get("keyboard"))]
    if labels:
        line += "\n    [кнопки: " + " | ".join(labels) + "]"
    if message.get("deleted"):
        line += "  (удалено)"
    return line
