"""Hourly upkeep: expired invitation links are annulled (3.2) and records past their retention
period (bot/privacy.py) are erased, even when nobody writes to the bot for a while; handled
updates and sent effects are forgotten after a week (they may quote what people wrote), and so are
questions nobody answered (a staged class list holds pupils' names). Every erasure leaves a
destruction record (storage/retention.py, 152-ФЗ)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.delivery import rights_missing_text
from bot.flows.announcements import stale_before
from bot.member_lists import refresh_member_lists
from bot.port.effects import Send
from bot.port.gateway import GatewayError
from bot.port.ratelimit import BULK, working_at
from bot.privacy import ACTIVITY_DAYS
from bot.rights import RIGHTS_NOTICE, missing_rights
from bot.services import Services

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)


async def tidy_once(services: Services) -> dict[str, int]:
    """One round of upkeep; returns how many rows each step touched."""
    now = services.now()
    repos = services.repos
    expired = await repos.invites.expire_due(now)
    purged = await repos.retention.purge(now)
    moderation = ("warnings", "appeals", "moderation_events", "moderation_alerts")
    return {
        "invites_expired": expired,
        "reports_erased": purged.get("reports", 0),
        "moderation_erased": sum(purged.get(table, 0) for table in moderation),
        "updates_forgotten": purged.get("inbox", 0),
        "effects_forgotten": purged.get("outbox", 0),
        "questions_forgotten": purged.get("staged_actions", 0),
        "activity_rolled_up": await repos.activity.roll_up(
            now.astimezone(services.timezone()).date() - timedelta(days=ACTIVITY_DAYS - 1), now),
        "announcements_erased": purged.get("announcements", 0),
        "drafts_forgotten": await forget_stale_drafts(services),
        "files_erased": await repos.files.purge_orphans(now - timedelta(days=1)),
    }


async def forget_stale_drafts(services: Services) -> int:
    """Previews left unconfirmed for a day (and missed announcements nobody re-sent) are cancelled,
    and their attachments erased."""
    repos = services.repos
    forgotten = 0
    for draft in await repos.announcements.stale_drafts(stale_before(services.now())):
        if await repos.announcements.cancel(draft.id):
            forgotten += 1
            if draft.file_id is not None:
                await repos.files.release(draft.file_id)
    return forgotten


async def check_rights(services: Services) -> int:
    """Tell the staff once per chat when the bot lacks a right it needs there (MAX gives it none by
    default); forget that once the rights are granted. Returns how many notices were queued."""
    queued = 0
    chats = services.repos.chats
    for chat in await chats.all():
        if not services.serves(chat.id):
            continue
        gateway = services.gateway(chat.id)
        try:
            missing = missing_rights(await gateway.bot_rights(chat.id))
        except GatewayError:
            continue  # the platform did not answer: next hour
        if not missing:
            await chats.clear_notice(chat.id, RIGHTS_NOTICE)
            continue
        if await chats.first_notice(chat.id, RIGHTS_NOTICE, services.now()):
            text = rights_missing_text(chat.title, missing, gateway.capabilities.admin_steps)
            await services.repos.outbox.add([Send(to=place, text=text) for place in await services.staff_places()],
                                            services.now())
            queued += 1
    return queued


async def tidy_forever(services: Services, wake_outbox: Callable[[], None], interval: timedelta = INTERVAL) -> None:
    while True:
        try:
            done = await tidy_once(services)
            with working_at(BULK):  # a call per bound chat: background work must not delay anyone's reply
                done["rights_notices"] = await check_rights(services)
                await refresh_member_lists(services)
            if done["rights_notices"]:
                wake_outbox()
            if any(done.values()):
                log.info("housekeeping: %s", done)
        except Exception as error:  # a locked or busy database must not stop the bot
            log.warning("housekeeping failed: %s", type(error).__name__)
        await asyncio.sleep(interval.total_seconds())
