"""/уничтожение: the order's administrators read what personal data the bot destroyed (152-ФЗ)."""

from __future__ import annotations

from datetime import timedelta

from bot.destruction import destruction_text
from bot.flows.context import Context


async def show_destruction_log(ctx: Context, days: int) -> None:
    s = ctx.services
    records = await s.repos.destruction.since(s.now() - timedelta(days=days))
    ctx.reply(destruction_text(records, days=days, tz=s.timezone()))
