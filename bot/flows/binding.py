"""/привязать, /чаты, /отвязать: the administrator gives chats their purpose (clause 3.2).

A binding that would replace another (this chat's own, or the chat that had this purpose) is asked
about first; a staff room or an administration chat is refused while parents or pupils are in the
chat (the members are read from the platform before the commit, and named).
"""

from __future__ import annotations

import asyncio

from bot.binding import (
    chats_text,
    families_in,
    families_refusal,
    needs_member_check,
    replace_question,
    unreadable_members_refusal,
)
from bot.chats import BoundChat, ChatBinding, ChatPurpose
from bot.delivery import rights_missing_text
from bot.errors import BadCommand, NotFound, PermissionDenied
from bot.flows import confirm
from bot.flows.context import Context
from bot.port.gateway import GatewayError
from bot.port.ids import ChatId, PersonId, platform_of
from bot.rights import RIGHTS_NOTICE, missing_rights
from bot.roles import Action, may
from storage.staged import Staged

BIND_KIND, UNBIND_KIND = "bind", "unbind"
UNBIND_USAGE = "Напишите /отвязать в самом чате или укажите, какой: /отвязать 5А родители"


async def bind(ctx: Context, binding: ChatBinding) -> None:
    chat = ctx.chat_id
    assert chat is not None  # the command is declared for group chats only
    s = ctx.services
    before = await s.repos.chats.get(chat)
    if before is not None and before.binding == binding:
        ctx.reply(f"Этот чат уже привязан как {binding.title()}.")
        return
    await _check_members(ctx, chat, binding)
    displaced = [c for c in await s.repos.chats.find(binding, platform_of(chat)) if c.id != chat]
    if before is not None or displaced:
        text = replace_question(binding, before, displaced, await s.repos.chats.titles())
        async with ctx.commit():
            await confirm.ask(ctx, kind=BIND_KIND, text=text, choices=[("Привязать", None, "positive")],
                              payload={"purpose": binding.purpose.value, "class": binding.class_label,
                                       "subject": binding.subject})
        return
    await _bind_now(ctx, chat, binding, before)


async def confirm_bind(ctx: Context, staged: Staged, _: str | None) -> None:
    """«Привязать»: in the same chat, by the same administrator, checked again."""
    if staged.chat_id is None or staged.chat_id != ctx.chat_id or not may(ctx.actor.roles, Action.BIND_CHAT):
        raise PermissionDenied("bind press", text=confirm.NOT_YOURS)
    p = staged.payload
    binding = ChatBinding(purpose=ChatPurpose(p["purpose"]), class_label=p.get("class"), subject=p.get("subject"))
    await _check_members(ctx, staged.chat_id, binding)
    await _bind_now(ctx, staged.chat_id, binding, await ctx.services.repos.chats.get(staged.chat_id), staged)


async def _check_members(ctx: Context, chat: ChatId, binding: ChatBinding) -> None:
    """A staff room never holds parents or pupils: the members are read (every page) and checked."""
    if not needs_member_check(binding):
        return
    s = ctx.services
    members: list[PersonId] = []
    cursor: str | None = None
    try:
        while True:
            page = await ctx.gateway.members(chat, cursor)
            members += page.members
            cursor = page.cursor
            if cursor is None:
                break
    except GatewayError as error:
        raise BadCommand("members unreadable",
                         text=unreadable_members_refusal(binding, ctx.gateway.capabilities.admin_steps)) from error
    roles = await s.repos.people.roles_of_many(members)
    families = families_in(roles, s.order_admins)
    if families:
        labels = await s.labels(f.person for f in families)
        raise BadCommand("families in a staff chat", text=families_refusal(binding, families, labels))


async def _bind_now(ctx: Context, chat: ChatId, binding: ChatBinding, before: BoundChat | None,
                    staged: Staged | None = None) -> None:
    s = ctx.services
    try:
        missing = missing_rights(await ctx.gateway.bot_rights(chat))
    except GatewayError:
        missing = []  # checked again hourly
    async with ctx.commit():
        if staged is not None and not await confirm.close(ctx, staged, done=True):
            return
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
        if staged is not None:
            confirm.settle(ctx, staged, "✅ Привязано.")
            ctx.answer("Готово.")
        ctx.reply(text)


# --- /чаты ---------------------------------------------------------------------------------------


async def list_chats(ctx: Context, _: None = None) -> None:
    s = ctx.services
    bound = [c for c in await s.repos.chats.all() if s.serves(c.id)]
    titles = await s.repos.chats.titles()
    unknown = [c.id for c in bound if c.id not in titles]
    if unknown:  # VK tells a chat's title only when asked; asked once, then remembered
        found = await asyncio.gather(*(_title(ctx, chat) for chat in unknown))
        fresh = {chat: title for chat, title in zip(unknown, found, strict=True) if title}
        if fresh:
            async with ctx.commit():
                for chat, title in fresh.items():
                    await s.repos.chats.remember_title(chat, title, s.now())
                titles.update(fresh)
                ctx.reply(chats_text(bound, titles, await s.repos.chats.known_unbound()))
            return
    ctx.reply(chats_text(bound, titles, await s.repos.chats.known_unbound()))


async def _title(ctx: Context, chat: ChatId) -> str:
    try:
        return await ctx.services.gateway(chat).chat_title(chat)
    except GatewayError:
        return ""


# --- /отвязать -----------------------------------------------------------------------------------


async def unbind(ctx: Context, binding: ChatBinding | None) -> None:
    s = ctx.services
    if binding is None:
        if ctx.chat is None:
            raise BadCommand("unbind what", text=("Этот чат не привязан. " if ctx.chat_id else "") + UNBIND_USAGE)
        chats = [ctx.chat]
    else:
        chats = [c for c in await s.repos.chats.find(binding) if s.serves(c.id)]
        if not chats:
            raise NotFound("not bound", text=f"{binding.title().capitalize()} не привязан. Список: /чаты")
    titles = await s.repos.chats.titles()
    shown = ", ".join(f"{c.title}" + (f" («{titles[c.id]}»)" if c.id in titles else "") for c in chats)
    text = (f"Отвязать: {shown}? Бот перестанет следить там за порядком, выдавать ссылку на этот чат и "
            "присылать туда сообщения.")
    async with ctx.commit():
        await confirm.ask(ctx, kind=UNBIND_KIND, text=text, choices=[("Отвязать", None, "negative")],
                          payload={"chats": [c.id for c in chats]})


async def confirm_unbind(ctx: Context, staged: Staged, _: str | None) -> None:
    if not may(ctx.actor.roles, Action.BIND_CHAT):
        raise PermissionDenied("unbind press", text=confirm.NOT_YOURS)
    s = ctx.services
    chats = [chat for chat in [await s.repos.chats.get(ChatId(c)) for c in staged.payload.get("chats", [])]
             if chat is not None]
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=True):
            return
        for chat in chats:
            await s.repos.chats.unbind(chat.id)
            await s.repos.audit.record(actor_id=ctx.actor.id, action="unbind_chat", now=s.now(), chat_id=chat.id,
                                       details={"purpose": chat.binding.purpose.value, "class": chat.binding.class_label,
                                                "subject": chat.binding.subject})
        done = ", ".join(c.title for c in chats) or "чаты уже были отвязаны"
        confirm.settle(ctx, staged, "✅ Отвязано.")
        ctx.answer("Готово.")
        ctx.reply(f"Отвязано: {done}.")
