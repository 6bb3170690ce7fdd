"""Hourly upkeep: expired invitation links are annulled (3.2) and records past their retention
period (bot/privacy.py) are erased, even when nobody writes to the bot for a while; handled
updates and sent effects are forgotten after a week (they may quote what people wrote)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.privacy import CLOSED_REPORTS_DAYS, DELIVERY_RECORDS_DAYS, MODERATION_RECORDS_DAYS
from bot.services import Services

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)


async def tidy_once(services: Services) -> dict[str, int]:
    """One round of upkeep; returns how many rows each step touched."""
    now = services.now()
    repos = services.repos
    delivery_cutoff = now - timedelta(days=DELIVERY_RECORDS_DAYS)
    return {
        "invites_expired": await repos.invites.expire_due(now),
        "reports_erased": await repos.reports.purge_closed_before(now - timedelta(days=CLOSED_REPORTS_DAYS)),
        "moderation_erased": await repos.moderation.purge_before(now - timedelta(days=MODERATION_RECORDS_DAYS)),
        "updates_forgotten": await repos.inbox.purge_handled_before(delivery_cutoff),
        "effects_forgotten": await repos.outbox.purge_done_before(delivery_cutoff),
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
