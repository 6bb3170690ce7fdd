"""The director's clock (clause 3.2): scheduled announcements, reports of finished broadcasts, the
weekly digest.

Each job commits its effects to the outbox in one transaction with the mark that it was done (an
announcement's state, the digest's period), so it fires once across restarts; what came due while
the bot was down is done once when it returns (an announcement too late is reported as missed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.buttons import callback
from bot.chats import ChatBinding, ChatPurpose
from bot.director.announce import (
    CANCEL_LABEL,
    SEND_NOW_LABEL,
    Audience,
    Delivery,
    local_moment,
    missed_text,
    report_text,
)
from bot.director.digest import digest_period, latest_due
from bot.director.stats import digest_text, split_text
from bot.flows import announcements as flow
from bot.flows.stats import picture, school_stats
from bot.port.effects import Buttons, Effect, Send
from bot.port.gateway import Problem
from bot.port.ids import SYSTEM, PersonId
from bot.privacy import DELIVERY_RECORDS_DAYS
from bot.services import Services
from storage.announcements import Announcement

log = logging.getLogger(__name__)

TICK = 1.0
"""Seconds between looks: a scheduled announcement goes within a second or two of its minute."""
LATE_NOTE_AFTER = timedelta(minutes=5)
"""Later than this, the announcement says it was due earlier."""
TEXT_LIMIT = 4000


class Scheduler:
    def __init__(self, services: Services, wake_outbox: Callable[[], None], *, tick: float = TICK) -> None:
        self._s = services
        self._wake = wake_outbox
        self._tick = tick

    async def run(self) -> None:
        while True:
            try:
                done = await self.once()
                if any(done.values()):
                    self._wake()
                    log.info("scheduler: %s", done)
            except Exception as error:  # a busy database must not stop the clock
                log.warning("scheduler failed: %s", type(error).__name__)
            await asyncio.sleep(self._tick)

    async def once(self) -> dict[str, int]:
        sent, missed = await self.send_due()
        return {"announcements_sent": sent, "announcements_missed": missed,
                "reports": await self.report_finished(), "digests": await self.digest()}

    # --- scheduled announcements ------------------------------------------------------------
    async def send_due(self) -> tuple[int, int]:
        """(sent, reported missed) of the scheduled announcements due now."""
        s = self._s
        now = s.now()
        grace = timedelta(minutes=s.config.director.late_grace_minutes)
        sent = missed = 0
        for announcement in await s.repos.announcements.due(now):
            assert announcement.send_at is not None
            if now - announcement.send_at > grace:
                missed += await self._missed(announcement)
            elif await self._send(announcement, late=now - announcement.send_at > LATE_NOTE_AFTER):
                sent += 1
        return sent, missed

    async def _send(self, announcement: Announcement, *, late: bool) -> bool:
        s = self._s
        now = s.now()
        assert announcement.send_at is not None
        due = local_moment(announcement.send_at, s.timezone())
        audience = Audience.from_key(announcement.audience)
        chats = await flow.targets(s, audience)
        author = await s.actor(announcement.author_id)
        effects = flow.broadcast(s, announcement, author, chats, ack=announcement.ack, late_from=due if late else None)
        async with s.repos.outbox.transaction():
            started = await s.repos.announcements.start_sending(
                announcement.id, from_states=("scheduled",), chats=[(c.id, flow.chat_title(s, c)) for c in chats],
                now=now, late=late)
            if not started:
                return False
            if announcement.file_id is not None:
                await s.repos.files.unhold(announcement.file_id)
            await s.repos.audit.record(actor_id=SYSTEM, action="announcement_sent", now=now,
                                       details={"announcement": announcement.id, "audience": audience.key(),
                                                "chats": len(chats), "scheduled": True, "late": late})
            await s.repos.outbox.add(effects, now)
        return True

    async def _missed(self, announcement: Announcement) -> int:
        s = self._s
        assert announcement.send_at is not None
        text = missed_text(announcement.id, local_moment(announcement.send_at, s.timezone()))
        buttons = Buttons(rows=[[callback(SEND_NOW_LABEL, flow.SEND_NOW, announcement.id, "positive"),
                                 callback(CANCEL_LABEL, flow.CANCEL, announcement.id)]])
        async with s.repos.outbox.transaction():
            if not await s.repos.announcements.mark_missed(announcement.id):
                return 0
            await s.repos.outbox.add([Send(to=announcement.reply_to, text=text, buttons=buttons)], s.now())
        return 1

    # --- reports -----------------------------------------------------------------------------
    async def report_finished(self) -> int:
        """Every chat of a broadcast served (sent or refused for good): tell the author how it went."""
        s = self._s
        now = s.now()
        reported = 0
        for announcement in await s.repos.announcements.sending():
            states = await s.repos.announcements.outbox_states(announcement.id)
            chats = await s.repos.announcements.chats(announcement.id)
            forgotten = announcement.sent_at is not None and now - announcement.sent_at > timedelta(
                days=DELIVERY_RECORDS_DAYS)
            if not forgotten and any(states.get(c.chat_id, ("pending", None))[0] == "pending" for c in chats):
                continue
            results: list[tuple[str, str, str | None]] = []
            deliveries: list[Delivery] = []
            for chat in chats:
                state, problem = states.get(chat.chat_id, ("sent", None))
                ok = state == "sent"
                results.append((chat.chat_id, "sent" if ok else "failed", None if ok else problem))
                deliveries.append(Delivery(title=chat.title, problem=None if ok else _problem(problem)))
            text = report_text(announcement.id, deliveries, late=announcement.late)
            async with s.repos.outbox.transaction():
                if await s.repos.announcements.finish(announcement.id, results, now):
                    await s.repos.outbox.add([Send(to=announcement.reply_to, text=text)], now)
                    reported += 1
        return reported

    # --- the weekly digest -------------------------------------------------------------------
    async def digest(self) -> int:
        s = self._s
        config = s.config.director
        if not config.digest_enabled:
            return 0
        hour, minute = config.digest_clock()
        now = s.now()
        due = latest_due(now, s.timezone(), config.digest_weekday, hour, minute)
        if await s.repos.digests.sent(due):
            return 0
        if not await s.repos.digests.any():
            # The first start: the digest begins with the next due moment, not one from before the bot was here.
            await s.repos.digests.claim(due, now)
            return 0
        places = await self._digest_places()
        if not places:
            log.warning("digest: nowhere to send it (no administration chat, no digest_to, no administrators)")
            await s.repos.digests.claim(due, now)
            return 0
        stats = await school_stats(s, digest_period(due))
        effects: list[Effect] = []
        for place in places:
            effects += [Send(to=place, text=part) for part in split_text(digest_text(stats), TEXT_LIMIT)]
            effects.append(picture(place, stats))
        async with s.repos.outbox.transaction():
            if not await s.repos.digests.claim(due, now):
                return 0
            await s.repos.outbox.add(effects, now)
        return 1

    async def _digest_places(self) -> list[str]:
        """The people named in the config, else the administration chat(s), else the order's administrators."""
        s = self._s
        people: list[PersonId] = [p for p in s.config.director.digest_people() if s.serves(p)]
        if people:
            return list(people)
        chats = [c.id for c in await s.repos.chats.find(ChatBinding(purpose=ChatPurpose.ADMINISTRATION))
                 if s.serves(c.id)]
        if chats:
            return list(chats)
        return [admin for admin in s.order_admins if s.serves(admin)]


def _problem(value: str | None) -> Problem:
    try:
        return Problem(value or Problem.REJECTED.value)
    except ValueError:
        return Problem.REJECTED

