"""Running while the database cannot be written: answer, delete, keep, and tell the administrators.

Everything here talks to the platforms directly, not through the outbox, because the outbox is in
the database that just failed. What it remembers (who was answered, which updates were answered
so they are not carried out later) lives in memory: after a restart the stored updates are handled
as usual, which is the safe side for joins and, at worst, a late answer to a question.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections import deque
from collections.abc import Callable

from bot.logs import error_without_content
from bot.moderation.actions import Act, author_group
from bot.port.events import ButtonPress, Event, Incoming, MessageIn, Started
from bot.port.gateway import GatewayError
from bot.port.ids import PersonId, Platform, platform_of
from bot.services import Services
from bot.storage_trouble import (
    APOLOGIES_PER_PERSON,
    APOLOGY_WINDOW_SECONDS,
    STORAGE_APOLOGY,
    Reaction,
    admin_notice,
    reaction_to,
    recovered_notice,
)
from storage.outbox import new_dedup
from storage.trouble import STORAGE_ERRORS, StorageCause

log = logging.getLogger(__name__)

SEEN_KEYS_LIMIT = 100_000
"""Updates already answered or moderated while storage failed; the oldest are forgotten beyond this."""
RETELL_SECONDS = 1800.0
"""Storage that fails, works and fails again within this time is one story for the administrators."""


class DegradedMode:
    def __init__(self, services: Services, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._s = services
        self._monotonic = monotonic
        self.cause: StorageCause | None = None
        """The trouble now, or None while storage works."""
        self._seen: dict[tuple[str, str], Reaction] = {}  # insertion-ordered: the oldest go first
        self._apologies: dict[PersonId, deque[float]] = {}
        self._told_this_episode = False
        self._told_at: float | None = None

    # --- the episode ------------------------------------------------------------------------
    async def storage_failed(self, cause: StorageCause) -> None:
        """Storage trouble seen; once per episode (and not again within RETELL_SECONDS, should it
        flap), the administrators learn why."""
        if self.cause is None:
            log.error("storage trouble: %s; running degraded until the database can be written again", cause.value)
        self.cause = cause
        now = self._monotonic()
        if not self._told_this_episode and (self._told_at is None or now - self._told_at >= RETELL_SECONDS):
            self._told_this_episode = True
            self._told_at = now
            await self._tell_admins(admin_notice(cause))

    async def storage_works(self) -> None:
        """A write succeeded again: the episode is over."""
        if self.cause is None:
            return
        log.warning("storage works again after %s", self.cause.value)
        self.cause = None
        self._apologies.clear()
        if self._told_this_episode:
            self._told_this_episode = False
            await self._tell_admins(recovered_notice())

    # --- what came in while storage failed ----------------------------------------------------
    def answered(self, platform: Platform | str, key: str) -> bool:
        """Whether this update was answered with the apology (so it must not be carried out now)."""
        return self._seen.get((str(platform), key)) is Reaction.APOLOGISE

    async def react(self, platform: Platform, incoming: Incoming) -> None:
        """The answer an update gets while it cannot be stored or handled."""
        reaction = reaction_to(incoming.event)
        if (str(platform), incoming.key) in self._seen:
            return  # a redelivery, or a stored update tried again: it was answered (or deleted) already
        self._remember(platform, incoming.key, reaction)
        try:
            if reaction is Reaction.APOLOGISE:
                await self._apologise(incoming.event, _dedup(f"{platform}:{incoming.key}"))
            elif reaction is Reaction.MODERATE and isinstance(incoming.event, MessageIn):
                await self._delete_if_offending(incoming.event)
        except GatewayError as error:
            log.warning("degraded: the platform refused (%s)", error.problem)
        except STORAGE_ERRORS as error:  # even reading failed: nothing more can be done for this one
            log.warning("degraded: cannot read: %s", type(error).__name__)
        except Exception as error:  # never let one update stop the others
            log.error("degraded: %s", error_without_content(error))

    def _remember(self, platform: Platform, key: str, reaction: Reaction) -> None:
        self._seen[(str(platform), key)] = reaction
        while len(self._seen) > SEEN_KEYS_LIMIT:
            del self._seen[next(iter(self._seen))]

    async def _apologise(self, event: Event, dedup: int) -> None:
        if isinstance(event, ButtonPress):
            await self._s.gateway(event.presser).answer_press(event.press_id, event.presser, event.where,
                                                               STORAGE_APOLOGY)
            return
        person = event.author if isinstance(event, MessageIn) else event.person if isinstance(event, Started) else None
        if person is None or not self._may_apologise(person):
            return
        where = event.where
        await self._s.gateway(where).send(where, STORAGE_APOLOGY, buttons=None, dedup=dedup)

    def _may_apologise(self, person: PersonId) -> bool:
        now = self._monotonic()
        recent = self._apologies.setdefault(person, deque())
        while recent and now - recent[0] > APOLOGY_WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= APOLOGIES_PER_PERSON:
            return False
        recent.append(now)
        return True

    async def _delete_if_offending(self, message: MessageIn) -> None:
        """Reads still work when the disk is full: the bound chat, the school's words, the author's roles."""
        s = self._s
        if message.chat is None or message.message is None or message.author_is_bot or not message.text:
            return
        if not s.config.moderation.enabled or await s.repos.chats.get(message.chat) is None:
            return
        verdict = (await s.features.checker.get()).check(message.text)
        if verdict.clean:
            return
        author = await s.actor(message.author)
        if Act.DELETE in s.features.policy.acts_for(verdict.labels, author_group(author.roles)):
            await s.gateway(message.chat).delete(message.chat, message.message)

    async def _tell_admins(self, text: str) -> None:
        for admin in self._s.order_admins:
            if not self._s.serves(admin):
                continue
            try:
                await self._s.gateways[platform_of(admin)].send(admin, text, buttons=None, dedup=new_dedup())
            except GatewayError as error:
                log.warning("degraded: an administrator could not be told (%s)", error.problem)


def _dedup(update: str) -> int:
    """The same update redelivered gets the same id (VK random_id), so the platform drops a second apology."""
    return (zlib.crc32(update.encode()) & 0x7FFFFFFF) or 1
