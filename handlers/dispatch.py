"""The entry of every stored update: build its context, route it, turn errors into polite replies.

The one error boundary: a BotError becomes its Russian text; a platform that did not answer a
read becomes a short apology; storage trouble (the disk full, the file read-only) gets the
degraded answer (bot/runtime/degraded.py) and leaves the update pending until the database can be
written; any other exception becomes «Временная ошибка» and a log line with its type and place
(never the text people wrote). Nothing falls through to another handler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from bot.errors import BotError
from bot.flows.context import Context, person_of
from bot.logs import error_without_content
from bot.port.events import (
    BotAdded,
    BotRemoved,
    ButtonPress,
    Event,
    Incoming,
    MemberJoined,
    MemberLeft,
    MessageIn,
    Started,
)
from bot.port.gateway import GatewayError
from bot.runtime.degraded import DegradedMode
from bot.runtime.inbox_worker import Handled
from bot.services import Services
from handlers.members import on_bot_added, on_bot_removed, on_member_joined, on_member_left, on_started
from handlers.messages import on_message
from handlers.presses import on_press
from storage.db import Database
from storage.inbox import InboxItem
from storage.outbox import OutboxItem
from storage.trouble import STORAGE_ERRORS, storage_cause

log = logging.getLogger(__name__)

TEMPORARY_ERROR = "Временная ошибка, попробуйте, пожалуйста, ещё раз через несколько минут."
PLATFORM_SILENT = "Мессенджер сейчас не ответил. Попробуйте, пожалуйста, ещё раз через минуту."


async def route(ctx: Context, event: Event) -> None:
    match event:
        case MessageIn():
            await on_message(ctx, event)
        case ButtonPress():
            await on_press(ctx, event)
        case Started():
            await on_started(ctx, event)
        case MemberJoined():
            await on_member_joined(ctx, event)
        case MemberLeft():
            await on_member_left(ctx, event)
        case BotAdded():
            await on_bot_added(ctx, event)
        case BotRemoved():
            await on_bot_removed(ctx, event)


class Dispatcher:
    def __init__(self, services: Services, db: Database, *, committed: Callable[[Sequence[OutboxItem]], None],
                 degraded: DegradedMode) -> None:
        self._s = services
        self._db = db
        self._committed = committed
        self._degraded = degraded

    async def __call__(self, item: InboxItem) -> Handled:
        try:
            event = item.event()
        except ValidationError:
            log.error("inbox: update %s is not a readable event; given up", item.id)
            await self._s.repos.inbox.mark_failed(item.id, self._s.now())
            return Handled.DONE
        if self._degraded.answered(item.platform, item.key):
            return await self._drop_answered(item, event)
        try:
            ctx = await self._context(event, item)
        except STORAGE_ERRORS as error:
            return await self._storage_trouble(item, event, error)
        apology: str | None = None
        try:
            await route(ctx, event)
            await ctx.finish()
        except BotError as error:
            apology = error.text
        except GatewayError as error:
            log.warning("a platform read failed while handling update %s: %s", item.id, error.problem)
            apology = PLATFORM_SILENT
        except STORAGE_ERRORS as error:
            return await self._storage_trouble(item, event, error)
        except Exception as error:
            log.error("handler failed for update %s: %s", item.id, error_without_content(error))
            apology = TEMPORARY_ERROR
        if apology is not None:
            try:
                await self._say(ctx, apology)
            except STORAGE_ERRORS as error:
                return await self._storage_trouble(item, event, error)
        if ctx.queued:  # a message in a chat that asked for nothing costs the outbox no look
            self._committed(ctx.handoff or [])  # no await since `finish`: see Context.handoff
        await self._degraded.storage_works()
        return Handled.DONE

    async def _storage_trouble(self, item: InboxItem, event: Event, error: Exception) -> Handled:
        """The database refused: trouble with its file waits (with the degraded answer); a bug is retried."""
        cause = storage_cause(error)
        if cause is None:
            log.error("storage refused update %s: %s", item.id, error_without_content(error))
            return Handled.RETRY
        log.error("storage trouble (%s) handling update %s", cause.value, item.id)
        await self._degraded.storage_failed(cause)
        await self._degraded.react(item.platform, Incoming(key=item.key, event=event))
        return Handled.STORAGE

    async def _drop_answered(self, item: InboxItem, event: Event) -> Handled:
        """Answered «Временная ошибка» while storage failed: the person was asked to try again, so it
        is not carried out now (an announcement must never go out twice)."""
        try:
            await self._s.repos.inbox.mark_done(item.id, self._s.now())
        except STORAGE_ERRORS as error:
            return await self._storage_trouble(item, event, error)
        log.info("update %s was answered during storage trouble; not carried out", item.id)
        return Handled.DONE

    async def _context(self, event: Event, item: InboxItem) -> Context:
        actor = await self._s.actor(person_of(event))
        chat_id = getattr(event, "chat", None)
        chat = await self._s.repos.chats.get(chat_id) if chat_id else None
        return Context(services=self._s, transaction=self._db.transaction, event=event, inbox_id=item.id,
                       actor=actor, chat=chat)

    async def _say(self, ctx: Context, text: str) -> None:
        """What a failed flow owed is dropped; the person is told why (where there is anyone to tell)."""
        ctx.effects.clear()
        ctx.committed = False
        if isinstance(ctx.event, ButtonPress):
            ctx.answer(text)
        elif isinstance(ctx.event, MessageIn | Started):
            ctx.reply(text)
        await ctx.finish()
