"""/помощь, /правила, /права, /поддержка, /реестр and the plain questions a DM answers."""

from __future__ import annotations

from bot.flows.context import Context
from bot.help import dm_menu, help_text, unknown_command_text
from bot.membership.requests import CHILD_NAME_HINT
from bot.places import Place
from bot.texts import rights_text, rules_text, support_text

NOT_UNDERSTOOD = "Я не понял вопрос. Напишите /помощь — покажу, что я умею."


async def show_help(ctx: Context, _: None = None) -> None:
    text = help_text(ctx.actor, school_name=ctx.services.config.school.name, place=ctx.place)
    ctx.reply(text, dm_menu() if ctx.place is Place.DM and ctx.gateway.capabilities.menu_keyboard else None)


async def show_rules(ctx: Context, _: None = None) -> None:
    ctx.reply(rules_text())


async def show_rights(ctx: Context, _: None = None) -> None:
    ctx.reply(rights_text())


async def show_support(ctx: Context, _: None = None) -> None:
    school = ctx.services.config.school
    ctx.reply(support_text(school.admin_contact, school.name))


async def show_registry(ctx: Context, query: str) -> None:
    ctx.reply(ctx.services.features.registry.answer(query))


async def unknown_command(ctx: Context, name: str) -> None:
    """Only in a DM: in a chat the bot never echoes what people typed."""
    ctx.reply(unknown_command_text(name))


async def answer_question(ctx: Context, text: str, *, awaiting_child: bool = False) -> None:
    """Plain DM text nothing else recognised: the registry, or a hint (never silence)."""
    found = ctx.services.features.registry.answer_plain(text)
    if found is not None:
        ctx.reply(found)
    elif awaiting_child:
        ctx.reply(f"Я жду имя ребёнка для заявки. {CHILD_NAME_HINT}")
    else:
        ctx.reply(NOT_UNDERSTOOD)
