"""A message: a declared command (checked against its declaration), a bare «жалоба» in reply in a
chat, moderation in a bound chat, or, in a DM, the conversation: keyboard words, a stolen account,
a child's name, what the person means (bot/intents.py), the registry."""

from __future__ import annotations

from bot.commands import parse_command
from bot.commands.parse import Command, fold
from bot.commands.spec import CommandInput, CommandSpec, admit
from bot.commands.table import command_named, command_of_phrase
from bot.complaints import is_complaint_word
from bot.flows import activity, help, joining, moderation, reports
from bot.flows.context import Context
from bot.help import HACKED_BUTTON
from bot.intents import Intent, Understood, classify
from bot.membership.names import looks_like_person_name
from bot.membership.users import UserRefContext
from bot.port.events import Mention, MessageIn
from bot.reports import HackedIntent, classify_hacked
from handlers.commands import FLOWS

UNREADABLE_ATTACHMENT = "Не смог прочитать вложение. Напишите, пожалуйста, текстом или пришлите файл ещё раз."
FORWARDED_WITHOUT_WORDS = ("Вы переслали мне сообщение. Если хотите пожаловаться на него администрации, перешлите "
                           "его ещё раз с подписью «жалоба» — ваше имя увидят только администраторы.")


async def on_message(ctx: Context, message: MessageIn) -> None:
    activity.count(ctx, message)
    if message.edited:  # an edit is only checked again, never re-run as a command
        await moderation.moderate(ctx, message)
        return
    command = _two_word_name(parse_command(message.text))
    spec = command_named(command.name) if command is not None else None
    if command is not None and spec is not None:
        await run_command(ctx, spec, _input(ctx, message, command))
        return
    if not ctx.in_dm:
        if command is None and message.reply_to is not None and is_complaint_word(message.text):
            # «жалоба» in reply to a message is a complaint; the word alone, never a sentence with it.
            await run_command(ctx, _REPORT, _plain(message))
            return
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


def _plain(message: MessageIn, args: str = "") -> CommandInput:
    """A command run by plain words: no mentions to read."""
    return CommandInput(args=args, raw_args=args, refs=UserRefContext(platform=message.platform))


async def conversation(ctx: Context, message: MessageIn) -> None:
    """Plain text in a DM, in this order: keyboard words, a stolen account, a child's name while a
    request waits for it, what the person means (greetings, thanks, questions, an appeal or a
    complaint in words), the registry, and a hint."""
    text = message.text.strip()
    if not text:
        if message.forwarded:
            ctx.reply(FORWARDED_WITHOUT_WORDS)
        else:
            ctx.reply(UNREADABLE_ATTACHMENT if message.attachments_unreadable else help.NOT_UNDERSTOOD)
        return
    if fold(text) == fold(HACKED_BUTTON):  # the menu's button: confirmed before the alarm
        await reports.confirm_hacked(ctx)
        return
    spec = command_of_phrase(text)
    if spec is not None:
        await run_command(ctx, spec, _plain(message))
        return
    hacked = classify_hacked(text)
    if hacked is not HackedIntent.NONE:
        await reports.hacked_said(ctx, hacked)
        return
    waiting = await ctx.services.repos.requests.awaiting_child(ctx.actor.id)
    if waiting is not None and looks_like_person_name(text):
        await joining.child_named(ctx, waiting, text)
        return
    if await _meant(ctx, message, classify(text), awaiting_child=waiting is not None):
        return
    await help.answer_question(ctx, text, awaiting_child=waiting is not None)


async def _meant(ctx: Context, message: MessageIn, understood: Understood, *, awaiting_child: bool) -> bool:
    """Answer what a plain DM means; False when it means none of the intents."""
    match understood.intent:
        case Intent.COMPLAINT:
            await run_command(ctx, _REPORT, _plain(message, understood.rest))
        case Intent.APPEAL:
            await run_command(ctx, _APPEAL, _plain(message, understood.rest))
        case Intent.RIGHTS:
            await run_command(ctx, _RIGHTS, _plain(message))
        case Intent.RULES:
            await run_command(ctx, _RULES, _plain(message))
        case Intent.SUPPORT | Intent.CONTACT_ADMIN:
            await run_command(ctx, _SUPPORT, _plain(message))
        case Intent.GREETING:
            await help.greet(ctx, awaiting_child=awaiting_child)
        case Intent.THANKS:
            await help.thank(ctx, awaiting_child=awaiting_child)
        case _:
            return False
    return True


def _spec(name: str) -> CommandSpec:
    spec = command_named(name)
    assert spec is not None, name
    return spec


_REPORT, _APPEAL, _RIGHTS, _RULES, _SUPPORT = (_spec(n) for n in ("жалоба", "обжаловать", "права", "правила",
                                                                  "поддержка"))
