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
    if message.edited:  # an edit is only checked again, never re-run as a command
        await moderation.moderate(ctx, message)
        return
    command = _two_word_name(parse_command(message.text))
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


def _two_word_name(command: Command | None) -> Command | None:
    """«/отозвать согласие» is /отозвать_согласие: a command whose name is two words, typed with a space."""
    if command is None or not command.args:
        return command
    first, _, rest = command.args.partition(" ")
    joined = f"{command.name}_{first.lower().replace('ё', 'е')}"
    if command_named(joined) is None:
        return command
    raw_rest = command.raw_args.lstrip()[len(first):]
    return Command(name=joined, args=rest.strip(), raw_args=raw_rest,
                   args_offset=command.args_offset + len(command.raw_args) - len(raw_rest))


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
    """A refusal is said politely and audited: who tried which command, and whether the role or the
    place was wrong (a staff command typed in a chat of families matters to the director too)."""
    s = ctx.services
    why = "role" if not spec.permitted(ctx.actor.roles) else "place"
    async with ctx.commit():
        await s.repos.audit.record(actor_id=ctx.actor.id, action="command_denied", now=s.now(),
                                   chat_id=ctx.chat_id, details={"command": spec.key, "why": why})
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
