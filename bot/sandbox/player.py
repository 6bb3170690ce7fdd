"""Carries out sandbox steps against the world (on VK or MAX, through a driver) and writes the transcript."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.sandbox.drivers import Driver, Seen
from bot.sandbox.script import ScriptError, Step
from bot.sandbox.world import CHATS, SandboxWorld

_CODE = re.compile(r"(?:ref=|start=|/вступить\s+|/join\s+)([A-Za-z0-9]{4}-?[A-Za-z0-9]{4})")
_LINK = re.compile(r"https://(?:vk\.me/join/|max\.ru/join/)\S+")
_REQUEST = re.compile(r"[№#]\s?(\d+)")


class Player:
    def __init__(self, world: SandboxWorld, out: Callable[[str], None] = print) -> None:
        self.world = world
        self.people: Driver = world.driver
        self.out = out
        self.variables: dict[str, str] = {}
        self._shown: dict[tuple[int, str | None], list[str]] = {}
        """What was printed of each conversation's bot messages, to show later edits too."""

    def _chat(self, who_id: int, where: str) -> str | None:
        """The chat key of a step («dm» is None); refuses a chat the person is not in."""
        if where == "dm":
            return None
        if where not in self.people.chats:
            raise ScriptError(f"нет такого чата: {where} (есть: dm, {', '.join(self.people.chats)})")
        if who_id not in self.people.members(where):
            who = self.world.by_id(who_id)
            raise ScriptError(f"{who.name if who else who_id} не участник чата «{self._title(where)}»")
        return where

    def _title(self, chat: str | None, user: int | None = None) -> str:
        if chat is not None:
            return CHATS[chat][0] if chat in CHATS else chat
        who = self.world.by_id(user or 0)
        return f"ЛС: {who.name} ↔ бот" if who else "ЛС"

    def _expand(self, text: str) -> str:
        for name, value in self.variables.items():
            text = text.replace("{" + name + "}", value)
        return text

    async def play(self, step: Step) -> None:
        if step.kind == "heading":
            self.out(f"\n=== {step.text} ===")
            return
        who = self.world.character(step.who)
        before = self.world.handled
        people = self.people
        if step.kind == "say":
            chat = self._chat(who.vk_id, step.where)
            text = self._expand(step.text)
            if step.ref:
                payload = self._expand(step.ref)
                self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}) открывает ссылку бота "
                         f"(код {payload})")
                await people.open_link(who.vk_id, payload)
            else:
                reply_to = None
                if step.reply_to:
                    assert chat is not None, "a reply is written in a chat"
                    reply_to = people.last_message_of(self.world.character(step.reply_to).vk_id, chat)
                shown = text + (f"   (в ответ на сообщение {step.reply_to})" if step.reply_to else "")
                self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}): {shown}")
                await people.write(who.vk_id, text, chat, reply_to=reply_to)
        elif step.kind == "press":
            chat = self._chat(who.vk_id, step.where)
            seen, payload, is_callback = self._find_button(who.vk_id, chat, step.text)
            self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}) нажимает «{step.text}»")
            if is_callback:
                answer = await people.press(who.vk_id, chat, seen, payload)
                self.out(f"    (всплывающее: {answer})")
            else:  # a text button simply sends its label as a message
                await people.write(who.vk_id, step.text, chat)
        elif step.kind == "join":
            link = self._expand(step.text)
            self.out(f"* {who.name} ({who.title}) входит в чат по ссылке {link}")
            try:
                await people.join_by_link(who.vk_id, link)
            except ValueError:
                self.out("  (ссылка не работает: её сбросили или она неверна)")
                return
        elif step.kind in ("enter", "leave"):
            if step.where not in people.chats:
                raise ScriptError(f"нет такого чата: {step.where}")
            if step.kind == "enter":
                self.out(f"* {who.name} ({who.title}): учитель добавляет в чат «{self._title(step.where)}»")
                await people.add(step.where, who.vk_id, by=self.world.character("teacher").vk_id)
            else:
                self.out(f"* {who.name} ({who.title}) выходит из чата «{self._title(step.where)}»")
                await people.leave(step.where, who.vk_id)
        await self.world.settle(before)
        self.show_new_bot_messages()

    def _find_button(self, user: int, chat: str | None, label: str) -> tuple[Seen, str, bool]:
        for seen in reversed(self.people.bot_messages(user, chat)):
            for found, payload, is_callback in seen.buttons:
                if found.lower() == label.lower():
                    return seen, payload, is_callback
        raise ScriptError(f"нет кнопки «{label}» в последних сообщениях бота")

    def show_new_bot_messages(self) -> None:
        places: list[tuple[int, str | None]] = [(0, key) for key in self.people.chats]
        places += [(c.vk_id, None) for c in self.world.cast.values()]
        for user, chat in places:
            messages = self.people.bot_messages(user, chat)
            shown = self._shown.setdefault((user, chat), [])
            for index, seen in enumerate(messages):
                if index >= len(shown):
                    self._remember(seen.text)
                    self.out(_render(self._title(chat, user), seen))
                    shown.append(seen.text)
                elif seen.text != shown[index]:  # a card decided, a notice counting a run
                    self.out(_render(self._title(chat, user), seen, edited=True))
                    shown[index] = seen.text

    def _remember(self, text: str) -> None:
        for name, pattern in (("code", _CODE), ("link", _LINK), ("request", _REQUEST)):
            found = pattern.findall(text)
            if found:
                self.variables[name] = found[-1]


def _render(title: str, seen: Seen, *, edited: bool = False) -> str:
    body = "\n    ".join(seen.text.splitlines())
    line = f"[{title}] 🤖 бот {'изменил сообщение' if edited else ''}: {body}".replace(" :", ":")
    if seen.attachments:
        line += "\n    [вложение: " + ", ".join(seen.attachments) + "]"
    if seen.buttons:
        line += "\n    [кнопки: " + " | ".join(label for label, _, _ in seen.buttons) + "]"
    if seen.deleted:
        line += "  (удалено)"
    return line
