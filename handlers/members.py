"""People entering and leaving chats, the bot added or removed, and someone opening the bot."""

from __future__ import annotations

from bot.flows import joining, roster
from bot.flows.context import Context
from bot.port.events import BotAdded, BotRemoved, MemberJoined, MemberLeft, Started


async def on_member_joined(ctx: Context, event: MemberJoined) -> None:
    await roster.member_joined(ctx, event)


async def on_member_left(ctx: Context, event: MemberLeft) -> None:
    await roster.member_left(ctx, event)


async def on_bot_added(ctx: Context, event: BotAdded) -> None:
    await roster.bot_added(ctx, event)


async def on_bot_removed(ctx: Context, event: BotRemoved) -> None:
    await roster.bot_removed(ctx, event)


async def on_started(ctx: Context, event: Started) -> None:
    await joining.started(ctx, event.payload)
