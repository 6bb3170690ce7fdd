"""Carries out sandbox steps against the world (on VK or MAX, through a driver) and writes the transcript."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.grammar import Case, name_in
from bot.sandbox.drivers import Driver, Seen
from bot.sandbox.script import ScriptError, Step
from bot.sandbox.world import CHATS, SandboxWorld

_CODE = re.compile(r"(?:ref=|start=|/вступить\s+|/join\s+)([A-Za-z0-9]{4}-?[A-Za-z0-9]{4})")
_LINK = re.compile(r"https://(?:vk\.me/join/|max\.ru/join/)\S+")
_REQUEST = re.compile(r"[№#]\s?(\d+)")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Player:
    def __init__(self, world: SandboxWorld, out: Callable[[str], None] = print, files: Path = EXAMPLES) -> None:
        self.files = files
        """Where `file=` attachments of a script are found (the script's folder)."""
        self.world = world
        self.people: Driver = world.driver
        self.out = out
        self.variables: dict[str, str] = {}
        self._shown: dict[tuple[int, str | None], list[Seen]] = {}
        """What was printed of each conversation's bot messages, to show later edits too."""
        self._written: list[tuple[str, str, str, str]] = []
        """(chat, message ref, who, text) of people's chat messages not yet seen deleted."""

    def check_chat(self, who_id: int, where: str) -> str | None:
        """The chat key of a step («dm» is None); refuses a chat the person is not in."""
        return self._chat(who_id, where)

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
        members = {key: people.members(key) for key in people.chats}
        if step.kind == "say":
            chat = self._chat(who.vk_id, step.where)
            text = self._expand(step.text)
            if step.forward:
                if chat is not None:
                    raise ScriptError("переслать сообщение можно только в личные сообщения боту (@ dm)")
                author = self.world.character(step.forward[0])
                source = self._chat(author.vk_id, step.forward[1])
                assert source is not None
                original = people.last_message_of(author.vk_id, source)
                caption = f" с подписью: {text}" if text else " без подписи"
                whose = name_in(author.name, Case.GENT, author.gender)
                self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}) пересылает боту сообщение "
                         f"{whose} из «{self._title(source)}»{caption}")
                await people.forward(who.vk_id, source, original, text)
            elif step.ref:
                payload = self._expand(step.ref)
                self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}) открывает ссылку бота "
                         f"(код {payload})")
                await people.open_link(who.vk_id, payload)
            elif step.file:
                data = self._file(step.file)
                self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}) присылает файл «{step.file}» "
                         f"с подписью: {text}")
                await people.write_with_file(who.vk_id, text, chat, kind="doc", data=data, filename=Path(step.file).name)
            else:
                reply_to = None
                if step.reply_to:
                    assert chat is not None, "a reply is written in a chat"
                    reply_to = people.last_message_of(self.world.character(step.reply_to).vk_id, chat)
                shown = text + (f"   (в ответ на сообщение {step.reply_to})" if step.reply_to else "")
                self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}): {shown}")
                ref = await people.write(who.vk_id, text, chat, reply_to=reply_to)
                if chat is not None:
                    self._written.append((chat, ref, f"{who.name} ({who.title})", text))
        elif step.kind == "press":
            chat = self._chat(who.vk_id, step.where)
            seen, payload, is_callback = self._find_button(who.vk_id, chat, step.text)
            self.out(f"[{self._title(chat, who.vk_id)}] {who.name} ({who.title}) нажимает «{step.text}»")
            if is_callback:
                answer = await people.press(who.vk_id, chat, seen, payload)
                self.out(f"    (всплывающее: {answer})" if answer else "    (кнопка нажата, бот ответил без всплывающего)")
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
        self.show_what_the_bot_did(members, left=who.vk_id if step.kind == "leave" else None)
        self.show_new_bot_messages()

    def _file(self, name: str) -> bytes:
        path = Path(name) if Path(name).is_absolute() else self.files / name
        try:
            return path.read_bytes()
        except OSError as error:
            raise ScriptError(f"не могу прочитать файл {name}: {error.strerror}") from None
    def show_what_the_bot_did(self, members: dict[str, set[int]], left: int | None = None) -> None:
        """Messages the bot removed and people it removed from chats since the step began."""
        kept = []
        for chat, ref, who, text in self._written:
            if self.people.is_deleted(chat, ref):
                short = text if len(text) <= 80 else text[:79] + "…"
                self.out(f"[{self._title(chat)}] ✂ бот удалил сообщение — {who}: «{short}»")
            else:
                kept.append((chat, ref, who, text))
        self._written = kept[-200:]
        for chat, before in members.items():
            for gone in sorted(before - self.people.members(chat) - {left}):
                person = self.world.by_id(gone)
                name = f"{person.name} ({person.title})" if person else f"участник {gone}"
                self.out(f"[{self._title(chat)}] 🚪 бот исключил из чата: {name}")

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
                    shown.append(seen)
                elif (seen.text, seen.buttons) != (shown[index].text, shown[index].buttons):
                    # a card decided, a notice counting a run
                    self.out(_render(self._title(chat, user), seen, before=shown[index]))
                    shown[index] = seen

    def _remember(self, text: str) -> None:
        for name, pattern in (("code", _CODE), ("link", _LINK), ("request", _REQUEST)):
            found = pattern.findall(text)
            if found:
                self.variables[name] = found[-1]


def _render(title: str, seen: Seen, *, before: Seen | None = None) -> str:
    """A new bot message, or (with `before`) the change of one sent earlier."""
    body = "\n    ".join(seen.text.splitlines())
    line = f"[{title}] 🤖 бот: {body}" if before is None else f"[{title}] 🤖 (карточка изменена: {body})"
    if seen.attachments:
        line += "\n    [вложение: " + ", ".join(seen.attachments) + "]"
    if seen.buttons:
        line += "\n    [кнопки: " + " | ".join(label for label, _, _ in seen.buttons) + "]"
    elif before is not None and before.buttons:
        line += "\n    [кнопки убраны]"
    if seen.deleted:
        line += "  (удалено)"
    return line
