"""Hourly upkeep: expired invitation links are annulled (3.2) and records past their retention
period (bot/privacy.py) are erased, even when nobody writes to the bot for a while."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.privacy import CLOSED_REPORTS_DAYS, MODERATION_RECORDS_DAYS
from bot.services import Services
from storage.invites import InvitesRepo
from storage.moderation import ModerationRepo
from storage.reports import ReportsRepo

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)


async def tidy_once(services: Services) -> dict[str, int]:
    """One round of upkeep; returns how many rows each step touched."""
    now = services.now()
    return {
        "invites_expired": await InvitesRepo(services.db).expire_due(now),
        "reports_erased": await ReportsRepo(services.db).purge_closed_before(now - timedelta(days=CLOSED_REPORTS_DAYS)),
        "moderation_erased": await ModerationRepo(services.db).purge_before(
            now - timedelta(days=MODERATION_RECORDS_DAYS)),
    }


async def tidy_forever(services: Services, interval: timedelta = INTERVAL) -> None:
    while True:
        try:
            done = await tidy_once(services)
            if any(done.values()):
                log.info("housekeeping: %s", done)
        except Exception as error:  # a locked or busy database must not stop the bot
            log.warning("housekeeping failed: %s", type(error).__name__)
        await asyncio.sleep(interval.total_seconds())
