"""A message: a declared command (checked against its declaration), moderation in a bound chat,
or, in a DM, the conversation: keyboard words, a stolen account, a child's name, a question."""

from __future__ import annotations

from bot.commands import parse_command
from bot.commands.parse import Command
from bot.commands.spec import CommandInput, CommandSpec, admit
from bot.commands.table import command_named, command_of_phrase
from bot.flows import help, joining, moderation, reports
from bot.flows.context import Context
from bot.membership.names import looks_like_person_name
from bot.membership.users import UserRefContext
from bot.port.events import Mention, MessageIn
from bot.reports import HackedIntent, classify_hacked
from handlers.commands import FLOWS

UNREADABLE_ATTACHMENT = "Не смог прочитать вложение. Напишите, пожалуйста, текстом или пришлите файл ещё раз."


async def on_message(ctx: Context, message: MessageIn) -> None:
    count_activity(ctx, message)
    if message.edited:  # an edit is only checked again, never re-run as a command
        await moderation.moderate(ctx, message)
        return
    command = parse_command(message.text)
    spec = command_named(command.name) if command is not None else None
    if command is not None and spec is not None:
        await run_command(ctx, spec, _input(ctx, message, command))
        return
    if not ctx.in_dm:
        # Everything that is not a declared command is moderated; unknown commands are never echoed.
        await moderation.moderate(ctx, message)
        return
    if command is not None:
        await help.unknown_command(ctx, command.name)
        return
    await conversation(ctx, message)


def count_activity(ctx: Context, message: MessageIn) -> None:
    """Statistics count who wrote in a bound chat on which day (commands too), never what (3.2)."""
    chat = ctx.chat
    if chat is None or message.edited or message.author_is_bot:
        return
    s = ctx.services
    day = s.now().astimezone(s.timezone()).date()  # the school's clock: the day it was handled, normally the same
    ctx.also_write(lambda: s.repos.activity.bump(message.author, chat.id, day))


def _input(ctx: Context, message: MessageIn, command: Command) -> CommandInput:
    offset = command.args_offset
    mentions = tuple(Mention(person=m.person, start=m.start - offset, end=m.end - offset)
                     for m in message.mentions if m.start >= offset)
    reply_author = message.reply_to.author if message.reply_to is not None else None
    refs = UserRefContext(platform=message.platform, mentions=mentions, reply_author=reply_author,
                          profile_link=ctx.gateway.parse_profile_link)
    return CommandInput(args=command.args, raw_args=command.raw_args, refs=refs)


async def run_command(ctx: Context, spec: CommandSpec, given: CommandInput) -> None:
    """The declaration's check (who and where), its parser, then its flow."""
    refusal = admit(spec, ctx.actor.roles, ctx.place)
    if refusal is not None:
        await _refuse(ctx, spec, refusal)
        return
    await FLOWS[spec.key](ctx, spec.parse(given))


async def _refuse(ctx: Context, spec: CommandSpec, refusal: str) -> None:
    """A refusal is said politely, and a refused staff command is audited."""
    s = ctx.services
    if spec.refusal and not spec.permitted(ctx.actor.roles):
        async with ctx.commit():
            await s.repos.audit.record(actor_id=ctx.actor.id, action="command_denied", now=s.now(),
                                       chat_id=ctx.chat_id, details={"command": spec.key})
            ctx.reply(refusal)
        return
    ctx.reply(refusal)


async def conversation(ctx: Context, message: MessageIn) -> None:
    """Plain text in a DM: keyboard words first, then a stolen account, a child's name, a question."""
    text = message.text.strip()
    if not text:
        ctx.reply(UNREADABLE_ATTACHMENT if message.attachments_unreadable else help.NOT_UNDERSTOOD)
        return
    spec = command_of_phrase(text)
    if spec is not None:
        await run_command(ctx, spec, CommandInput(args="", raw_args="", refs=UserRefContext(platform=message.platform)))
        return
    intent = classify_hacked(text)
    if intent is not HackedIntent.NONE:
        await reports.hacked_said(ctx, intent)
        return
    waiting = await ctx.services.repos.requests.awaiting_child(ctx.actor.id)
    if waiting is not None and looks_like_person_name(text):
        await joining.child_named(ctx, waiting, text)
        return
    await help.answer_question(ctx, text, awaiting_child=waiting is not None)
