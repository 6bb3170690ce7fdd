"""/помощь, /правила, /права, /поддержка, /реестр and the plain questions a DM answers."""

from __future__ import annotations

from bot.flows.context import Context
from bot.help import THANKS_REPLY, dm_menu, greeting_text, help_text, not_in_registry_text, unknown_command_text
from bot.intents import outside_service
from bot.membership.requests import CHILD_NAME_HINT
from bot.places import Place
from bot.registry.format import format_matches, format_no_match
from bot.registry.index import MAX_MATCHES, looks_like_service_question, registry_hosts
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


async def greet(ctx: Context, *, awaiting_child: bool = False) -> None:
    """«Привет», «Здравствуйте»: a short friendly answer and the menu (under the message on MAX)."""
    name = ctx.actor.first_name or (await ctx.services.person(ctx.actor.id)).first_name
    ctx.reply(greeting_text(name) + (f"\n\nЯ жду имя ребёнка для заявки. {CHILD_NAME_HINT}" if awaiting_child else ""),
              dm_menu())


async def thank(ctx: Context, *, awaiting_child: bool = False) -> None:
    """«Спасибо», 👍: a short answer and the menu."""
    ctx.reply(THANKS_REPLY + (f"\n\nЯ жду имя ребёнка для заявки. {CHILD_NAME_HINT}" if awaiting_child else ""),
              dm_menu())


async def answer_question(ctx: Context, text: str, *, awaiting_child: bool = False) -> None:
    """Plain DM text nothing else recognised: the registry, a service it does not list, or a hint
    (never silence)."""
    registry = ctx.services.features.registry
    matches = registry.search.search(text, limit=MAX_MATCHES) if text.strip() else []
    outside = outside_service(text, registry_hosts(registry.registry)) if not matches else None
    if matches:
        ctx.reply(format_matches(matches))
    elif outside is not None:
        ctx.reply(not_in_registry_text(outside))
    elif looks_like_service_question(text):
        ctx.reply(format_no_match(text, registry.registry))
    elif awaiting_child:
        ctx.reply(f"Я жду имя ребёнка для заявки. {CHILD_NAME_HINT}")
    else:
        ctx.reply(NOT_UNDERSTOOD)
