"""/моиданные and /удалить: a person sees and erases what the bot keeps (152-ФЗ); the order's
administrators erase the data of someone who left the school."""

from __future__ import annotations

from dataclasses import replace

from bot.buttons import callback, row
from bot.commands.parse import fold
from bot.commands.spec import CommandInput
from bot.errors import BadCommand, PermissionDenied
from bot.flows.context import Context
from bot.membership.users import USER_HINT, split_user_and_rest
from bot.places import Place
from bot.port.effects import Buttons
from bot.port.ids import PersonId
from bot.privacy import (
    Mode,
    forget_confirm_text,
    forget_done_text,
    nothing_but_profile,
    nothing_stored_text,
)
from bot.privacy_text import mydata_text
from bot.roles import Action, may

FORGET_ME, FORGET_USER, FORGET_CANCEL = "forget_me", "forget_user", "forget_no"
_SELF_WORDS = {"", "меня", "себя", "мои данные", "мои", "все", "всё", "все мои данные", "me"}
_OTHERS_DENIED = (
    "Удалить данные другого человека может только администратор, назначенный приказом директора. "
    "Чтобы удалить свои данные, напишите /удалить без слов после команды."
)
_STILL_HAS_ROLES = (
    "У этого человека ещё есть роли в школе. Роли снимаются своими командами: сначала /исключить "
    "(или /админ убрать), потом /удалить."
)
SENT_TO_DM = "Отправил вам в личные сообщения."
NOT_YOURS = "Эта кнопка не для вас: удалить можно только свои данные."
STAFF_PLACES = (Place.DM, Place.STAFF, Place.ADMINISTRATION)


def _privately(ctx: Context, text: str, buttons: Buttons | None = None) -> None:
    """Personal data never goes to a group chat: DM it and say so there."""
    ctx.dm(text, buttons)
    if not ctx.in_dm:
        ctx.reply(SENT_TO_DM)


async def show_mydata(ctx: Context, _: None = None) -> None:
    s = ctx.services
    _privately(ctx, mydata_text(await s.repos.personal_data.collect(ctx.actor.id), s.timezone(), s.now()))


def forget_target(ctx: Context, given: CommandInput) -> PersonId:
    """Whose data «/удалить …» is about: the writer's own unless an order administrator names someone."""
    if fold(given.args) in _SELF_WORDS:
        return ctx.actor.id
    erases_others = may(ctx.actor.roles, Action.ERASE_OTHERS)
    try:
        target, _ = split_user_and_rest(given.raw_args, given.refs)
    except BadCommand:
        target = None
    if target is None:
        if erases_others:
            raise BadCommand("forget whom", text="Напишите, чьи данные удалить: /удалить id123.\n" + USER_HINT)
        return ctx.actor.id  # «/удалить всё про меня» from a parent means their own data
    if target != ctx.actor.id and not erases_others:
        raise PermissionDenied("forget other", text=_OTHERS_DENIED)
    return target


async def forget(ctx: Context, given: CommandInput) -> None:
    target = forget_target(ctx, given)
    if target == ctx.actor.id:
        await _ask_forget_own(ctx)
    else:
        await _ask_forget_other(ctx, target)


async def _ask_forget_own(ctx: Context) -> None:
    s = ctx.services
    found = await s.repos.personal_data.collect(ctx.actor.id)
    if nothing_but_profile(found):  # just the cached profile name: erase without asking
        async with ctx.commit():
            result = await s.repos.personal_data.forget(ctx.actor.id, s.now())
            ctx.reply(nothing_stored_text(result.audit_entries, own=True, name_erased=result.anything_erased))
        return
    buttons = row(callback("Да, удалить", FORGET_ME, style="negative", who=ctx.actor.id),
                  callback("Отмена", FORGET_CANCEL))
    _privately(ctx, forget_confirm_text(found, own=True), buttons)


async def _ask_forget_other(ctx: Context, target: PersonId) -> None:
    s = ctx.services
    if ctx.place not in STAFF_PLACES:
        raise BadCommand("staff place", text="Напишите эту команду мне в личные сообщения или в «Учительской»: "
                                             "здесь её увидят все.")
    person = await s.person(target)
    if person.roles:
        raise BadCommand("has roles", text=_STILL_HAS_ROLES)
    found = await s.repos.personal_data.collect(target)
    if not any(f.count for f in found if f.lookup.mode is Mode.ROWS):
        ctx.reply(nothing_stored_text(await s.repos.personal_data.audit_entries(target), own=False))
        return
    text = forget_confirm_text(found, own=False, name=s.link(person))
    ctx.reply(text, row(callback("Да, удалить", FORGET_USER, style="negative", who=target),
                        callback("Отмена", FORGET_CANCEL)))


async def cancel_forget(ctx: Context) -> None:
    ctx.answer("Хорошо, ничего не удаляю.")


async def confirm_forget_own(ctx: Context, whose: str | None) -> None:
    """The presser's own data; a button made for someone else (or forged) erases nothing."""
    s = ctx.services
    if whose != ctx.actor.id:
        ctx.answer(NOT_YOURS)
        return
    async with ctx.commit():
        result = await s.repos.personal_data.forget(ctx.actor.id, s.now())
        if not result.anything_erased:  # a second press, or a stale button
            ctx.answer("Данных уже нет — удалять нечего.")
            return
        ctx.answer("Готово.")
        ctx.reply(forget_done_text(result, own=True))


async def confirm_forget_other(ctx: Context, target: PersonId) -> None:
    s = ctx.services
    if not may(ctx.actor.roles, Action.ERASE_OTHERS):
        # Checked again at the press: anyone in the chat can press, and payloads can be forged.
        raise PermissionDenied("forget_user press", text=_OTHERS_DENIED)
    if (await s.person(target)).roles:
        raise BadCommand("has roles", text=_STILL_HAS_ROLES)
    async with ctx.commit():
        result = await s.repos.personal_data.forget(target, s.now())
        if not result.anything_erased:
            ctx.answer("Данных уже нет — удалять нечего.")
            return
        await s.repos.audit.record(actor_id=ctx.actor.id, action="forget_person", now=s.now(), target_id=target,
                                   chat_id=ctx.chat_id, details={"rows_erased": dict(result.deleted)})
        result = replace(result, audit_entries=result.audit_entries + 1)
        ctx.answer("Готово.")
        ctx.reply(forget_done_text(result, own=False))
        ctx.send(target, "Администратор школы удалил ваши данные из бота школы (вы больше не числитесь в школе). "
                         "Остался только журнал решений администраторов.")


