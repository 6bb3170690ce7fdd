"""Carrying out one effect through the platform's gateway (the outbox worker's hands)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.delivery import failure_note, links_message, no_link_text, not_admin_text
from bot.port.effects import (
    AnswerPress,
    Buttons,
    Delete,
    Edit,
    Effect,
    RemoveMember,
    ResetLink,
    Send,
    SendChatLinks,
    SendFile,
    SendRendered,
)
from bot.port.gateway import Gateway, GatewayError, Problem
from bot.port.ids import ChatId, PersonId, Platform, Where, platform_of
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)

NOT_ADMIN_NOTICE = "not_admin"

MessageLookup = Callable[[str, str], Awaitable[str | None]]
"""(tag, conversation) → the handle of the message sent there under the tag, if it was sent."""
FileLookup = Callable[[int], Awaitable[bytes | None]]
"""A stored file's bytes (storage/files.py), None when it is gone."""
Renderer = Callable[[dict[str, Any]], bytes]
"""Draws a SendRendered effect's picture from its data (pure; run in a thread)."""


@dataclass
class Outcome:
    """What came of an effect, for the worker to record."""

    message_ref: str | None = None
    """The sent message's handle, for a tagged send."""
    followups: list[Effect] = field(default_factory=list)
    """What must be said because of how it went (a staff notice about a refusal)."""
    said_not_admin: ChatId | None = None
    """The bot lacked the rights in this chat (tell the staff once)."""
    can_delete_again: ChatId | None = None
    """A delete worked here: forget an earlier «not admin» notice."""
    problem: Problem | None = None
    """The platform refused for good: the effect is recorded as failed with this reason."""


class EffectRunner:
    """Turns effects into gateway calls. A GatewayError that is transient propagates (retry);
    permanent refusals become an Outcome with what to tell whom."""

    def __init__(self, gateways: Mapping[Platform, Gateway], message_of: MessageLookup,
                 file_of: FileLookup | None = None, renderers: Mapping[str, Renderer] | None = None) -> None:
        self._gateways = gateways
        self._message_of = message_of
        self._file_of = file_of
        self._renderers = renderers or {}

    def gateway(self, key: str) -> Gateway:
        return self._gateways[platform_of(key)]

    async def run(self, effect: Effect, item: OutboxItem, staff: list[Where]) -> Outcome:
        match effect:
            case Send():
                return await self._send(effect, item, staff)
            case SendFile():
                return await self._send_file(effect, item, staff)
            case SendRendered():
                return await self._send_rendered(effect, item, staff)
            case Edit():
                return await self._edit(effect, item)
            case AnswerPress():
                return await self._answer(effect, item)
            case Delete():
                return await self._delete(effect, staff)
            case RemoveMember():
                return await self._remove(effect, staff)
            case ResetLink():
                return await self._reset(effect, staff)
            case SendChatLinks():
                return await self._links(effect, item, staff)
        raise TypeError(f"unknown effect {type(effect).__name__}")

    async def _send(self, effect: Send, item: OutboxItem, staff: list[Where]) -> Outcome:
        try:
            ref = await self.gateway(effect.to).send(effect.to, effect.text, buttons=effect.buttons, dedup=item.dedup)
        except GatewayError as error:
            if error.transient:
                raise
            return Outcome(problem=error.problem, followups=_report(effect.on_failure, error.problem, staff))
        return Outcome(message_ref=ref)

    async def _send_file(self, effect: SendFile, item: OutboxItem, staff: list[Where]) -> Outcome:
        data = await self._file_of(effect.file) if self._file_of is not None else None
        if data is None:  # erased meanwhile (or never stored): nothing can be sent
            return Outcome(problem=Problem.NOT_FOUND, followups=_report(effect.on_failure, Problem.NOT_FOUND, staff))
        return await self._upload(effect.to, effect.file_kind, data, effect.filename, effect.caption, effect.buttons,
                                  effect.on_failure, item, staff)

    async def _send_rendered(self, effect: SendRendered, item: OutboxItem, staff: list[Where]) -> Outcome:
        renderer = self._renderers.get(effect.renderer)
        if renderer is None:
            log.error("outbox: no renderer %s", effect.renderer)
            return Outcome(problem=Problem.UNSUPPORTED)
        data = await asyncio.to_thread(renderer, effect.data)  # seconds of drawing must not stop the loop
        return await self._upload(effect.to, "photo", data, effect.filename, effect.caption, None, effect.on_failure,
                                  item, staff)

    async def _upload(self, to: str, kind: Literal["photo", "document"], data: bytes, filename: str, caption: str,
                      buttons: Buttons | None, on_failure: str | None, item: OutboxItem, staff: list[Where]) -> Outcome:
        try:
            ref = await self.gateway(to).send_file(to, kind, data, filename=filename, caption=caption,
                                                   buttons=buttons, dedup=item.dedup)
        except GatewayError as error:
            if error.transient:
                raise
            return Outcome(problem=error.problem, followups=_report(on_failure, error.problem, staff))
        return Outcome(message_ref=ref)

    async def _edit(self, effect: Edit, item: OutboxItem) -> Outcome:
        ref = await self._message_of(effect.tag, effect.where)
        gateway = self.gateway(effect.where)
        if ref is not None and gateway.capabilities.edit_messages:
            try:
                await gateway.edit(effect.where, ref, effect.text, buttons=effect.buttons)
                return Outcome()
            except GatewayError as error:
                if error.transient:
                    raise
        if effect.fallback:  # the card is gone or cannot be changed: say it in a new message
            await gateway.send(effect.where, effect.fallback, buttons=None, dedup=item.dedup)
        return Outcome()

    async def _answer(self, effect: AnswerPress, item: OutboxItem) -> Outcome:
        gateway = self.gateway(effect.presser)
        limit = gateway.capabilities.press_answer_limit
        short = effect.text if len(effect.text) <= limit else effect.text[: limit - 1] + "…"
        try:
            await gateway.answer_press(effect.press_id, PersonId(effect.presser), effect.where, short)
        except GatewayError as error:
            if error.transient:
                raise
            log.info("a press answer was refused: %s", error.problem)  # too late or already answered
        if len(effect.text) > limit:  # nothing may be cut off: the whole text goes to the conversation
            await gateway.send(effect.where, effect.text, buttons=None, dedup=item.dedup)
        return Outcome()

    async def _delete(self, effect: Delete, staff: list[Where]) -> Outcome:
        chat = ChatId(effect.chat)
        try:
            await self.gateway(chat).delete(chat, effect.message)
        except GatewayError as error:
            if error.transient:
                raise
            if error.problem is Problem.NOT_ADMIN and effect.report_rights:
                return Outcome(said_not_admin=chat)
            return Outcome()  # already deleted, or never there
        return Outcome(can_delete_again=chat)

    async def _remove(self, effect: RemoveMember, staff: list[Where]) -> Outcome:
        chat = ChatId(effect.chat)
        try:
            await self.gateway(chat).remove_member(chat, PersonId(effect.person), block=effect.block)
        except GatewayError as error:
            if error.transient:
                raise
            if error.problem is Problem.NOT_IN_CHAT:
                return Outcome()
            return Outcome(problem=error.problem, followups=_report(effect.on_failure, error.problem, staff))
        return Outcome()

    async def _reset(self, effect: ResetLink, staff: list[Where]) -> Outcome:
        chat = ChatId(effect.chat)
        gateway = self.gateway(chat)
        try:
            await gateway.chat_link(chat, reset=True)
        except GatewayError as error:
            if error.transient:
                raise
            text = no_link_text(effect.title, error.problem, gateway.capabilities.admin_steps)
            return Outcome(problem=error.problem, followups=[Send(to=place, text=text) for place in staff])
        return Outcome()

    async def _links(self, effect: SendChatLinks, item: OutboxItem, staff: list[Where]) -> Outcome:
        lines: list[tuple[str, str | None]] = []
        followups: list[Effect] = []
        for line in effect.lines:
            link = None
            if line.chat is not None:
                chat = ChatId(line.chat)
                gateway = self.gateway(chat)
                try:
                    link = await gateway.chat_link(chat)
                except GatewayError as error:
                    if error.transient:
                        raise
                    text = no_link_text(line.title, error.problem, gateway.capabilities.admin_steps)
                    followups += [Send(to=place, text=text) for place in staff]
            lines.append((line.title, link))
        text = links_message(effect.intro, lines)
        try:
            ref = await self.gateway(effect.to).send(effect.to, text, buttons=None, dedup=item.dedup)
        except GatewayError as error:
            if error.transient:
                raise
            return Outcome(problem=error.problem,
                           followups=followups + _report(effect.on_failure, error.problem, staff))
        return Outcome(message_ref=ref, followups=followups)


def _report(template: str | None, problem: Problem, staff: list[Where]) -> list[Effect]:
    if template is None:
        return []
    return [Send(to=place, text=failure_note(template, problem)) for place in staff]


def not_admin_followups(chat: ChatId, title: str, gateway: Gateway, staff: list[Where]) -> list[Effect]:
    text = not_admin_text(title, gateway.capabilities.admin_steps)
    return [Send(to=place, text=text) for place in staff]
