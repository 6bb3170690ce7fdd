"""Activity for the director's statistics (clause 3.2): who wrote in a bound chat on which day, never what."""

from __future__ import annotations

from bot.flows.context import Context
from bot.port.events import MessageIn
from storage.activity import bump_statement


def count(ctx: Context, message: MessageIn) -> None:
    """Statistics count who wrote in a bound chat on which day (commands too), never what (3.2)."""
    chat = ctx.chat
    if chat is None or message.edited or message.author_is_bot:
        return
    s = ctx.services
    day = s.now().astimezone(s.timezone()).date()  # the school's clock: the day it was handled, normally the same
    ctx.also_write(bump_statement(message.author, chat.id, day))
