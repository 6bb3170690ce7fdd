"""Keeping the bound chats in line with the roster (clauses 3.2, 3.5–3.6): who enters, the bot's
own arrival in a chat. A stranger is reported at once, removed when the school wants it, and the
link that let them in is renewed (or the staff told how, where the platform cannot)."""

from __future__ import annotations

from bot.flows.context import Context
from bot.flows.people import facts_of
from bot.membership.groups import parse_class
from bot.membership.roster import EntryVerdict, decide_entry
from bot.port.effects import RemoveMember, ResetLink
from bot.port.events import BotAdded, BotRemoved, MemberJoined, MemberLeft
from bot.port.ids import SYSTEM, PersonId


async def member_joined(ctx: Context, event: MemberJoined) -> None:
    chat = ctx.chat
    if chat is None:
        return  # the bot keeps order only in chats bound to the school's structure
    s = ctx.services
    s.features.member_lists.joined(chat.id, event.member)
    verdict = decide_entry(chat.binding, await facts_of(ctx, event.member),
                           remove_strangers=s.config.invites.remove_strangers)
    if verdict is EntryVerdict.ALLOW:
        return
    shown = s.link(await s.person(event.member))
    teacher = await _class_teacher_of(ctx, chat.binding.class_label)
    gateway = ctx.gateway
    remove = verdict is EntryVerdict.REMOVE
    how = "по ссылке чата" if event.by is None else "по приглашению участника"
    text = f"В чат «{chat.title}» {how} вошёл человек без одобренной заявки: {shown}."
    async with ctx.commit():
        await s.repos.audit.record(actor_id=SYSTEM, action="stranger_entered", now=s.now(), target_id=event.member,
                                   chat_id=chat.id, details={"removed": remove, "chat": chat.title})
        if remove:
            ctx.owe(RemoveMember(chat=chat.id, person=event.member, block=gateway.capabilities.block_on_remove,
                                 on_failure=f"Не смог удалить {shown} из чата «{chat.title}»: {{problem}}."))
            text += " Удаляю из чата."
        else:
            text += " Проверьте, пожалуйста, и при необходимости удалите."
        if gateway.capabilities.reset_link:
            ctx.owe(ResetLink(chat=chat.id, title=chat.title))
            text += " Ссылку чата сбрасываю: старая перестанет работать."
        else:
            text += f" Если ссылка чата попала к посторонним, сбросьте её вручную: {gateway.capabilities.link_reset_steps}"
        await ctx.tell_staff(text)
        if teacher is not None and teacher not in await s.staff_places():  # a copy for the class's teacher (3.3)
            ctx.send(teacher, text)


async def _class_teacher_of(ctx: Context, class_label: str | None) -> PersonId | None:
    """The class teacher of a class chat's class, if there is one and the bot can write to them."""
    if not class_label:
        return None
    teacher = await ctx.services.repos.memberships.class_teacher(parse_class(class_label))
    return teacher if teacher is not None and ctx.services.serves(teacher) else None


async def member_left(ctx: Context, event: MemberLeft) -> None:
    """Memberships end through the staff's commands, not by leaving a chat; the chat's list is kept current."""
    ctx.services.features.member_lists.left(event.chat, event.member)


async def bot_added(ctx: Context, event: BotAdded) -> None:
    """Remember the chat (MAX lists no bot's chats) and say how to put the bot to work here."""
    s = ctx.services
    title = event.title
    async with ctx.commit():
        await s.repos.chats.bot_added(event.chat, title, s.now())
        if ctx.chat is None:
            ctx.reply("Здравствуйте! Я бот школы. Администратор школы, напишите здесь /привязать и назначение чата "
                      "(например: /привязать 5А родители). Чтобы я мог следить за порядком, сделайте меня "
                      f"администратором чата. {ctx.gateway.capabilities.admin_steps}")


async def bot_removed(ctx: Context, event: BotRemoved) -> None:
    s = ctx.services
    s.features.member_lists.forget(event.chat)
    async with ctx.commit():
        await s.repos.chats.bot_removed(event.chat, s.now())
        if ctx.chat is not None:
            await s.repos.audit.record(actor_id=event.by or SYSTEM, action="bot_removed_from_chat", now=s.now(),
                                       chat_id=event.chat, details={"chat": ctx.chat.title})
            await ctx.tell_staff(f"Бота удалили из чата «{ctx.chat.title}»: там я больше не слежу за порядком. "
                                 "Если это ошибка, добавьте бота обратно.")
