"""/привязать: the administrator gives a chat its purpose (clause 3.2: the school's structure)."""

from __future__ import annotations

from bot.chats import ChatBinding
from bot.delivery import rights_missing_text
from bot.flows.context import Context
from bot.port.gateway import GatewayError
from bot.rights import RIGHTS_NOTICE, missing_rights


async def bind(ctx: Context, binding: ChatBinding) -> None:
    chat = ctx.chat_id
    assert chat is not None  # the command is declared for group chats only
    before = await ctx.services.repos.chats.get(chat)
    s = ctx.services
    try:
        missing = missing_rights(await ctx.gateway.bot_rights(chat))
    except GatewayError:
        missing = []  # checked again hourly
    async with ctx.commit():
        displaced = await s.repos.chats.bind(chat, binding, ctx.actor.id, s.now())
        await s.repos.audit.record(
            actor_id=ctx.actor.id, action="bind_chat", now=s.now(), chat_id=chat,
            details={
                "purpose": binding.purpose.value, "class": binding.class_label, "subject": binding.subject,
                "previous_purpose_of_chat": before.binding.purpose.value if before else None,
                "unbound_chat": displaced.id if displaced else None,
            },
        )
        text = f"Готово: этот чат теперь — {binding.title()}."
        if before is not None and before.binding != binding:
            text += f" Раньше он был привязан как {before.binding.title()}."
        if displaced is not None:
            text += " Прежний чат с этой ролью отвязан."
        if missing:
            await s.repos.chats.first_notice(chat, RIGHTS_NOTICE, s.now())
            text += "\n" + rights_missing_text(binding.title(), missing, ctx.gateway.capabilities.admin_steps)
        else:
            await s.repos.chats.clear_notice(chat, RIGHTS_NOTICE)
        ctx.reply(text)
