"""The school year (clause 3.2): `/перевести класс 5А 6А` and `/выпуск 11А`, each after a preview and a
press. The class's people, parents' children records, class list, class teacher, subject groups and
chats move (or, on graduation, end) in one transaction; the audit log keeps what was done.
"""

from __future__ import annotations

from bot.chats import BoundChat
from bot.commands.table import ClassTransfer
from bot.errors import BadCommand, PermissionDenied
from bot.flows import confirm
from bot.flows.context import Context
from bot.membership.groups import SchoolClass, parse_class
from bot.membership.school_year import (
    KEEP,
    UNBIND,
    ClassContents,
    chat_leavers,
    graduation_preview,
    transfer_preview,
    transfer_refusal,
)
from bot.port.effects import RemoveMember
from bot.port.ids import platform_of
from bot.roles import Action, Role, may
from storage.staged import Staged

TRANSFER_KIND, GRADUATE_KIND = "transfer", "graduate"


async def contents(ctx: Context, school_class: SchoolClass) -> ClassContents:
    s = ctx.services
    label = str(school_class)
    return ClassContents(
        school_class=school_class,
        memberships=tuple(await s.repos.memberships.of_class(school_class)),
        children=len(await s.repos.memberships.children_in(school_class)),
        pupils=await s.repos.classlists.count(school_class),
        class_teacher=await s.repos.memberships.class_teacher(school_class),
        chats=tuple(c for c in await s.repos.chats.of_class(label) if s.serves(c.id)),
        invites=len(await s.repos.invites.live_for_class(label, s.now())),
    )


async def _teacher(ctx: Context, found: ClassContents) -> str | None:
    if found.class_teacher is None:
        return None
    return ctx.services.link(await ctx.services.person(found.class_teacher))


def _require(ctx: Context) -> None:
    if not may(ctx.actor.roles, Action.MANAGE_PEOPLE):
        raise PermissionDenied("school year", text="Извините, это решают администраторы школы (п. 3.2 Положения).")


# --- /перевести класс 5А 6А ----------------------------------------------------------------------


async def transfer(ctx: Context, args: ClassTransfer) -> None:
    old, new = await contents(ctx, args.old), await contents(ctx, args.new)
    refusal = transfer_refusal(old, new)
    if refusal is not None:
        raise BadCommand("transfer refused", text=refusal)
    text = transfer_preview(old, args.new, await _teacher(ctx, old))
    choices = ([(f"Перевести, чаты станут {args.new}", KEEP, "positive"), ("Перевести, чаты отвязать", UNBIND,
                                                                         "secondary")]
               if old.chats else [("Перевести", KEEP, "positive")])
    async with ctx.commit():
        await confirm.ask(ctx, kind=TRANSFER_KIND, text=text, choices=choices,
                          payload={"old": str(args.old), "new": str(args.new)})


async def confirm_transfer(ctx: Context, staged: Staged, choice: str | None) -> None:
    _require(ctx)
    s = ctx.services
    old_class, new_class = parse_class(staged.payload["old"]), parse_class(staged.payload["new"])
    old, new = await contents(ctx, old_class), await contents(ctx, new_class)
    refusal = transfer_refusal(old, new)  # the school may have changed since the preview
    keep = choice != UNBIND
    now = s.now()
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=refusal is None):
            return
        if refusal is not None:
            confirm.settle(ctx, staged, "Не выполнено: " + refusal)
            ctx.answer("Не выполнено.")
            ctx.reply(refusal)
            return
        moved = await s.repos.memberships.transfer_class(old_class, new_class, now)
        listed = await s.repos.classlists.rename_class(old_class, new_class)
        if keep:
            chats = await s.repos.chats.rename_class(str(old_class), str(new_class))
        else:
            chats = await s.repos.chats.unbind_class(str(old_class))
        revoked = await s.repos.invites.revoke_for_class(str(old_class), ctx.actor.id, now)
        await s.repos.audit.record(actor_id=ctx.actor.id, action="class_transferred", now=now, chat_id=ctx.chat_id,
                                   details={"from": str(old_class), "to": str(new_class), "memberships": moved,
                                            "class_list": listed, "chats": chats, "chats_kept": keep,
                                            "invites_revoked": len(revoked)})
        chats_text = (f"чаты ({chats}) теперь привязаны как {new_class} — переименуйте их в мессенджере"
                      if keep else f"чаты ({chats}) отвязаны: привяжите новые командой /привязать {new_class} …")
        text = (f"Класс {old_class} переведён в {new_class}: учеников {len(old.students)}, родителей "
                f"{len(old.parents)}, строк списка {listed}; {chats_text if chats else 'чатов не было'}.")
        if revoked:
            text += f" Аннулировано ссылок-приглашений в {old_class}: {len(revoked)}."
        confirm.settle(ctx, staged, "✅ Выполнено.")
        ctx.answer("Класс переведён.")
        ctx.reply(text)
        if old.class_teacher is not None and old.class_teacher != ctx.actor.id and s.serves(old.class_teacher):
            ctx.send(old.class_teacher, f"Ваш класс {old_class} переведён в {new_class}: вы — классный руководитель "
                                        f"{new_class}, ученики, родители и список класса перешли вместе с ним.")


# --- /выпуск 11А ---------------------------------------------------------------------------------


async def graduate(ctx: Context, school_class: SchoolClass) -> None:
    found = await contents(ctx, school_class)
    if found.empty:
        raise BadCommand("empty class", text=f"В {school_class} никого нет — выпускать некого.")
    text = graduation_preview(found, await _teacher(ctx, found))
    async with ctx.commit():
        await confirm.ask(ctx, kind=GRADUATE_KIND, text=text, choices=[(f"Выпустить {school_class}", None, "negative")],
                          payload={"class": str(school_class)})


async def confirm_graduate(ctx: Context, staged: Staged, _: str | None) -> None:
    _require(ctx)
    s = ctx.services
    school_class = parse_class(staged.payload["class"])
    found = await contents(ctx, school_class)
    leavers = [(who, chat) for who, chat in chat_leavers(found) if platform_of(who) == platform_of(chat.id)]
    now = s.now()
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=True):
            return
        ended = await s.repos.memberships.end_class(school_class, now)
        people = {m.person_id for m in ended}
        dropped = await s.repos.memberships.drop_idle_roles(people, (Role.STUDENT, Role.PARENT, Role.CLASS_TEACHER))
        listed = await s.repos.classlists.remove_class(school_class)
        chats = await s.repos.chats.unbind_class(str(school_class))
        revoked = await s.repos.invites.revoke_for_class(str(school_class), ctx.actor.id, now)
        ctx.owe(*(RemoveMember(chat=chat.id, person=who,
                               on_failure=f"Выпуск {school_class}: не смог удалить участника из чата «{chat.title}»: "
                                          "{problem}.")
                  for who, chat in leavers))
        await s.repos.audit.record(actor_id=ctx.actor.id, action="class_graduated", now=now, chat_id=ctx.chat_id,
                                   details={"class": str(school_class), "memberships": len(ended),
                                            "roles_dropped": dropped, "class_list": listed, "chats": chats,
                                            "removed_from_chats": len(leavers), "invites_revoked": len(revoked)})
        confirm.settle(ctx, staged, "✅ Выполнено.")
        ctx.answer("Класс выпущен.")
        ctx.reply(f"Класс {school_class} выпущен: учеников {len(found.students)}, родителей {len(found.parents)}; "
                  f"удаляю из чатов класса ({_titles(found.chats)}); список класса ({listed}) удалён, чаты отвязаны. "
                  "Журнал решений сохранён.")


def _titles(chats: tuple[BoundChat, ...]) -> str:
    return ", ".join(chat.title for chat in chats) or "чатов не было"
