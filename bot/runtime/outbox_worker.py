"""The outbox worker: carries out committed effects, in order per conversation, until done.

Deletes and button answers go first (priority 0). A transient failure (network, 5xx, rate
limits) puts the effect back with a growing pause; its lane waits, so the conversation keeps
its order. A refusal that can never succeed is recorded with its reason, and whatever the
flow asked to be said about it (e.g. «the link was not delivered») goes to the staff.

When the database cannot record that an effect was carried out (the disk full), the outcome is
kept in memory and only recorded on the next try: the message is not sent a second time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from bot.delivery import failure_note
from bot.director.chart import STATS_CHART, render_chart_data
from bot.logs import error_without_content
from bot.port.effects import (
    BULK,
    Effect,
    RemoveMember,
    Send,
    SendChatLinks,
    SendFile,
    SendRendered,
    conversation_of,
    load_effect,
)
from bot.port.gateway import GatewayError, Problem
from bot.port.ids import Where
from bot.port.ratelimit import working_at
from bot.runtime.effects import NOT_ADMIN_NOTICE, EffectRunner, Outcome, not_admin_followups
from bot.services import Services
from storage.outbox import OutboxItem
from storage.trouble import StorageCause, storage_cause

log = logging.getLogger(__name__)

MAX_TRANSIENT_ATTEMPTS = 60
"""About five hours of retries at the longest pause: then the staff is told, if the flow asked."""
LONGEST_PAUSE = 300.0
IDLE_CHECK = 5.0
STAFF_FRESH = 10.0
BULK_CONCURRENCY = 4
"""Broadcast effects carried out at once: the other workers' slots stay free for everyday replies."""


def wall_clock() -> datetime:
    # Retries are about real seconds, whatever clock the school's business logic is given.
    return datetime.now(UTC)


def pause_after(attempts: int) -> float:
    return min(LONGEST_PAUSE, 0.5 * 2 ** min(attempts, 12))


class OutboxWorker:
    def __init__(self, services: Services, *, concurrency: int = 16,
                 clock: Callable[[], datetime] = wall_clock) -> None:
        self._s = services
        self._outbox = services.repos.outbox
        self._runner = EffectRunner(services.gateways, self._outbox.message_of, services.repos.files.data,
                                    renderers={STATS_CHART: render_chart_data})
        self._concurrency = concurrency
        self._clock = clock
        self._busy: set[str] = set()
        self._bulk_busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._look = True
        """The outbox may hold due effects not yet started: read its heads when a slot is free. Cleared by
        a read that left nothing behind, so an effect done in a quiet lane costs no read of the queue."""
        self._wakes = 0
        """wake() calls so far: effects committed after an effect's heads were read may wait behind it."""
        self._reading = False
        """The heads are being read: what they will start is not known yet, so take() must not start anything."""
        self._adds_seen = -1
        """The outbox's `adds` as of the last read, plus the takes since: one more than that at a take
        means the handed effects are the only ones queued since (no scheduler's or follow-up in between)."""
        self._stopping = False
        self._unrecorded: dict[int, Outcome] = {}
        """Effects carried out whose outcome the database could not take yet, by outbox id."""
        self._record_failures = 0
        self._retry_due: datetime | None = None
        self._retry_known = False
        """The earliest postponed effect, as last read; only a postponement (ours) or its time passing changes it."""
        self._staff: tuple[float, list[Where]] | None = None
        self.on_storage_trouble: Callable[[StorageCause], Awaitable[None]] | None = None
        self.done = 0
        """Effects finished (sent or given up) so far; tests and the sandbox wait on it."""

    def wake(self) -> None:
        """New effects were committed: look at the outbox now."""
        self._wakes += 1
        self._look = True
        self._wake.set()

    def take(self, committed: Sequence[OutboxItem]) -> None:
        """Effects just committed, handed over in memory.

        When nothing else can be due and waiting — the last read left nothing behind, no effect is
        postponed, no read is under way, and these are the only effects queued since (`adds`) — they are
        exactly what a read would find now, so each lane's first is started at once: one read of the queue
        fewer per reply. Otherwise, and for broadcasts, the queue is read as after wake(). One behind an
        effect in flight waits for it: that one looks when it is done (the wake count changed).
        """
        self._wakes += 1
        if (not committed or self._look or self._reading or self._stopping or not self._retry_known
                or self._retry_due is not None or self._outbox.adds != self._adds_seen + 1):
            self._look = True
            self._wake.set()
            return
        self._adds_seen += 1
        firsts: dict[str, OutboxItem] = {}
        for item in sorted(committed, key=lambda i: i.id):  # a lane keeps the order of its rows
            if item.lane in firsts:
                firsts[item.lane] = dataclasses.replace(firsts[item.lane], more_in_lane=True)
            else:
                firsts[item.lane] = item
        for item in sorted(firsts.values(), key=lambda i: (i.priority, i.id)):
            if item.lane in self._busy:
                continue
            if item.priority >= BULK or len(self._busy) >= self._concurrency:
                self._look = True
                self._wake.set()
                continue
            self._start(item, self._wakes)

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            if self._look:
                self._look = False  # set again by a wake() that comes while the heads are read
                try:
                    await self._start_due()
                except Exception as error:  # the database may be unwell for a while; the worker must not die
                    self._look = True
                    log.error("outbox: cannot read the queue: %s", error_without_content(error))
                    await asyncio.sleep(1.0)
            await self._sleep()

    async def _start_due(self) -> None:
        free = self._concurrency - len(self._busy)
        if free <= 0:
            self._look = True  # the first effect done frees a slot for what waits
            return
        wakes = self._wakes
        self._adds_seen = self._outbox.adds  # anything queued from here on may be unseen by this read
        self._reading = True
        try:
            heads = await self._outbox.heads(self._busy, self._clock(), free)
        finally:
            self._reading = False
        if len(heads) == free:
            self._look = True  # the limit may have left due effects behind
        for item in heads:
            if item.priority >= BULK and len(self._bulk_busy) >= BULK_CONCURRENCY:
                self._look = True
                continue
            self._start(item, wakes)

    def _start(self, item: OutboxItem, wakes: int) -> None:
        if item.priority >= BULK:
            self._bulk_busy.add(item.lane)
        self._busy.add(item.lane)
        task = asyncio.create_task(self._do(item, wakes))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _sleep(self) -> None:
        timeout = IDLE_CHECK
        due = await self._next_retry_in()
        if due is not None:
            timeout = max(0.05, min(timeout, due))
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            self._look = True  # a postponed effect is due, or the idle check: read the queue again

    async def _next_retry_in(self) -> float | None:
        now = self._clock()
        if not self._retry_known or (self._retry_due is not None and self._retry_due <= now):
            try:
                self._retry_due = await self._outbox.next_retry()
                self._retry_known = True
            except Exception:
                return None
        return None if self._retry_due is None else (self._retry_due - now).total_seconds()

    def _postponed_until(self, until: datetime) -> None:
        if self._retry_known and (self._retry_due is None or until < self._retry_due):
            self._retry_due = until

    async def _staff_places(self) -> list[Where]:
        """Where notes about failures go; read again at most every STAFF_FRESH seconds (it is needed
        only when something fails, but every effect may fail)."""
        loop = asyncio.get_running_loop()
        if self._staff is None or loop.time() - self._staff[0] > STAFF_FRESH:
            self._staff = (loop.time(), await self._s.staff_places())
        return self._staff[1]

    async def _do(self, item: OutboxItem, wakes_before: int) -> None:
        """`wakes_before`: wake() calls before its heads were read (see `_look`)."""
        plainly_sent = False
        try:
            with working_at(item.priority):  # a broadcast's requests take the limiter's bulk share
                plainly_sent = await self._carry_out(item)
            self._record_failures = 0
        except Exception as error:  # the database failed while recording: recorded on the next try
            self._record_failures += 1
            cause = storage_cause(error)
            log.error("outbox: effect %s not recorded: %s", item.id, cause or error_without_content(error))
            if cause is not None and self.on_storage_trouble is not None:
                await self.on_storage_trouble(cause)
            await asyncio.sleep(min(30.0, 0.5 * 2 ** min(self._record_failures, 8)))
        finally:
            self._busy.discard(item.lane)
            self._bulk_busy.discard(item.lane)
            # Its lane goes on, follow-ups were queued, or something was committed since the read (maybe
            # into this lane, where it could not be seen behind this effect).
            if item.more_in_lane or not plainly_sent or self._wakes != wakes_before:
                self._look = True
            self._wake.set()

    async def _carry_out(self, item: OutboxItem) -> bool:
        """True when the effect was plainly sent and recorded: nothing else was queued because of it."""
        now = self._clock()
        try:
            effect = load_effect(item.effect_json)
        except ValidationError:
            log.error("outbox: effect %s is not readable; given up", item.id)
            await self._outbox.fail(item.id, Problem.REJECTED, now)
            self.done += 1
            return False
        staff = await self._staff_places()
        if item.id in self._unrecorded:
            await self._record(item, effect, self._unrecorded[item.id], staff)
            return False
        if item.priority >= BULK:
            await self._before_bulk_attempt(item, effect, now)
        try:
            outcome = await self._runner.run(effect, item, staff)
        except GatewayError as error:
            if error.transient and item.attempts + 1 < MAX_TRANSIENT_ATTEMPTS:
                log.info("outbox: effect %s postponed (%s)", item.id, error.problem)
                until = now + timedelta(seconds=pause_after(item.attempts))
                await self._outbox.postpone(item.id, until)
                self._postponed_until(until)
                return False
            await self._give_up(item, effect, error.problem, staff)
            return False
        except KeyError:  # the platform of this effect does not run in this process any more
            await self._give_up(item, effect, Problem.UNSUPPORTED, staff)
            return False
        except Exception as error:
            log.error("outbox: effect %s failed: %s", item.id, error_without_content(error))
            await self._give_up(item, effect, Problem.REJECTED, staff)
            return False
        self._unrecorded[item.id] = outcome
        return await self._record(item, effect, outcome, staff)

    async def _before_bulk_attempt(self, item: OutboxItem, effect: Effect, now: datetime) -> None:
        """A broadcast must reach each chat exactly once even if the process dies mid-send: the attempt
        is recorded first, and an attempt found begun by an earlier process makes the platform look
        before sending again (VK drops a repeated random_id by itself; MAX must look)."""
        if item.tried_at is not None:
            try:
                self._runner.gateway(conversation_of(effect)).may_have_sent(item.dedup, item.tried_at)
            except KeyError:
                pass  # that platform does not run any more: the attempt fails as UNSUPPORTED
        await self._outbox.mark_tried(item.id, now)

    async def _record(self, item: OutboxItem, effect: Effect, outcome: Outcome, staff: list[Where]) -> bool:
        """Writes the outcome; True when it was a plain send (no follow-ups, no notices)."""
        now = self._clock()
        chats = self._s.repos.chats
        followups = list(outcome.followups)
        if self._plainly_sent(outcome):
            # The common case writes two rows: one trip to the database thread, a transaction of its own.
            await self._mark_sent(item, effect, outcome, now)
            self._unrecorded.pop(item.id, None)
            self.done += 1
            return True
        async with self._outbox.transaction():
            if outcome.said_not_admin is not None and await chats.first_notice(outcome.said_not_admin,
                                                                              NOT_ADMIN_NOTICE, now):
                bound = await chats.get(outcome.said_not_admin)
                title = bound.title if bound is not None else await chats.title_of(outcome.said_not_admin)
                followups += not_admin_followups(outcome.said_not_admin, title or "без названия",
                                                 self._s.gateway(outcome.said_not_admin), staff)
            if outcome.can_delete_again is not None:
                await chats.clear_notice(outcome.can_delete_again, NOT_ADMIN_NOTICE)
            if outcome.problem is not None:
                log.info("outbox: effect %s refused: %s", item.id, outcome.problem.value)
                await self._outbox.fail(item.id, outcome.problem, now, followups)
                followups = []
            else:
                await self._mark_sent(item, effect, outcome, now)
            if followups:
                await self._outbox.add(followups, now)
        self._unrecorded.pop(item.id, None)
        self.done += 1
        return False

    async def _mark_sent(self, item: OutboxItem, effect: Effect, outcome: Outcome, now: datetime) -> None:
        tag = effect.tag if isinstance(effect, Send | SendFile | SendRendered | SendChatLinks) else None
        await self._outbox.mark_sent(item.id, now, tag=tag, lane=conversation_of(effect),
                                     message_ref=outcome.message_ref)

    @staticmethod
    def _plainly_sent(outcome: Outcome) -> bool:
        return (outcome.problem is None and not outcome.followups and outcome.said_not_admin is None
                and outcome.can_delete_again is None)

    async def _give_up(self, item: OutboxItem, effect: Effect, problem: Problem, staff: list[Where]) -> None:
        template = (effect.on_failure if isinstance(effect, Send | SendFile | SendRendered | SendChatLinks | RemoveMember)
                    else None)
        followups: list[Effect] = (
            [Send(to=place, text=failure_note(template, problem)) for place in staff] if template else []
        )
        log.warning("outbox: effect %s given up: %s", item.id, problem.value)
        await self._outbox.fail(item.id, problem, self._clock(), followups)
        self.done += 1

    async def flush(self, timeout: float) -> bool:
        """Carry out what is due now, for at most `timeout` seconds; True if nothing is left due."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if not self._busy and not await self._outbox.heads(set(), self._clock(), 1):
                return True
            if loop.time() >= deadline:
                return False
            self.wake()
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
