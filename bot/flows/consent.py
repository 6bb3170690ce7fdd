"""The parent's consent to the processing of the child's data (152-ФЗ): «Согласен» records which version
was agreed to and when, then the request is made; «Не согласен» makes nothing and says how to reach the
class teacher; /отозвать_согласие withdraws it and erases what the bot kept about the child."""

from __future__ import annotations

from bot.consent import declined_text
from bot.errors import InviteError
from bot.flows import confirm, joining
from bot.flows.context import Context
from bot.membership.groups import GroupKind
from bot.membership.invites import Invite, InviteState, check_usable, effective_state
from bot.roles import Role
from storage.staged import Staged

WITHDRAW_KIND = "withdraw_consent"
NO_CONSENT = "У вас нет действующего согласия на обработку данных ребёнка — отзывать нечего."


async def agree(ctx: Context, staged: Staged, _: str | None) -> None:
    """«Согласен»: the consent and the request, in one commit."""
    s = ctx.services
    consent = s.features.consent
    invite = await s.repos.invites.get(str(staged.payload.get("code", "")))
    if invite is None:
        await _close_with(ctx, staged, "Приглашение не найдено.", "Ссылка-приглашение больше не действует.")
        return
    if staged.payload.get("version") != consent.version:  # the school changed the text meanwhile
        await _close_with(ctx, staged, "Текст согласия обновился.",
                          "Школа обновила текст согласия. Откройте ссылку-приглашение ещё раз, чтобы прочитать его.")
        return
    now = s.now()
    if effective_state(invite, now) is not InviteState.ACTIVE:
        try:
            check_usable(invite, now)
        except InviteError as error:
            await _close_with(ctx, staged, "Ссылка больше не действует.", error.text)
        return

    async def record() -> bool:
        if not await confirm.close(ctx, staged, done=True):
            return False
        await s.repos.consents.agree(ctx.actor.id, consent.version, now)
        await s.repos.audit.record(actor_id=ctx.actor.id, action="consent_given", now=now, target_id=ctx.actor.id,
                                   details={"version": consent.version, "code": invite.code})
        confirm.settle(ctx, staged, "✅ Согласие дано.")
        ctx.answer("Спасибо, согласие записано.")
        return True

    await joining.open_request(ctx, invite, first=record)


async def _close_with(ctx: Context, staged: Staged, outcome: str, text: str) -> None:
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=False):
            return
        confirm.settle(ctx, staged, outcome)
        ctx.answer(outcome)
        ctx.reply(text)


async def decline(ctx: Context, staged: Staged) -> None:
    """«Не согласен»: no request, nothing about the child; how to reach the class teacher instead."""
    s = ctx.services
    invite = await s.repos.invites.get(str(staged.payload.get("code", "")))
    title, contact = await class_teacher_contact(ctx, invite)
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=False):
            return
        await s.repos.audit.record(actor_id=ctx.actor.id, action="consent_declined", now=s.now(),
                                   target_id=ctx.actor.id,
                                   details={"version": staged.payload.get("version"),
                                            "code": invite.code if invite else None})
        confirm.settle(ctx, staged, "Согласие не дано: заявка не создана.")
        ctx.answer("Хорошо, заявку не создаю.")
        ctx.reply(declined_text(title, contact))


async def class_teacher_contact(ctx: Context, invite: Invite | None) -> tuple[str, str]:
    """(the class, how to reach its class teacher): their profile, else the school's administrator."""
    s = ctx.services
    school_class = invite.group.school_class if invite is not None and invite.group is not None else None
    teacher = await s.repos.memberships.class_teacher(school_class) if school_class is not None else None
    title = str(school_class) if school_class is not None else "класса"
    if teacher is not None:
        return title, f"{s.link(await s.person(teacher))} — напишите ему в мессенджере"
    fallback = s.config.school.admin_contact or "администратор школы"
    return title, f"классный руководитель пока не назначен, обратитесь к администратору: {fallback}"


async def withdraw(ctx: Context, _: None = None) -> None:
    """/отозвать_согласие: asks first — it erases the child's data and ends the parent's membership."""
    s = ctx.services
    if not await s.repos.consents.active(ctx.actor.id):
        ctx.reply(NO_CONSENT)
        return
    children = await s.repos.memberships.children_of(ctx.actor.id)
    named = ", ".join(f"{c.name} ({c.school_class})" for c in children) or "данных о детях пока нет"
    text = ("Отозвать согласие на обработку персональных данных ребёнка?\n"
            f"Я сразу удалю то, что храню о ребёнке: {named}, и ваши заявки родителя; вы перестанете числиться "
            "родителем класса, а классный руководитель узнает об этом. Вернуться можно будет по новому приглашению.")
    async with ctx.commit():
        await s.repos.staged.cancel_pending(WITHDRAW_KIND, ctx.actor.id, s.now())
        await confirm.ask(ctx, kind=WITHDRAW_KIND, payload={}, text=text,
                          choices=[("Отозвать согласие", None, "negative")], cancel="Не отзывать")


async def confirm_withdraw(ctx: Context, staged: Staged, _: str | None) -> None:
    s = ctx.services
    now = s.now()
    parent = await s.person(ctx.actor.id)
    shown = s.link(parent)
    memberships = [m for m in await s.repos.memberships.of_person(ctx.actor.id) if m.role is Role.PARENT]
    classes = sorted({m.group.school_class for m in memberships if m.group.kind is GroupKind.CLASS and
                      m.group.school_class is not None})
    teachers = {t for c in classes if (t := await s.repos.memberships.class_teacher(c)) is not None}
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=True):
            return
        withdrawn = await s.repos.consents.withdraw(ctx.actor.id, now)
        children = await s.repos.memberships.erase_children_of(ctx.actor.id)
        requests = await s.repos.requests.erase_parent_requests(ctx.actor.id)
        await s.repos.memberships.end_role(ctx.actor.id, Role.PARENT, now)
        await s.repos.people.revoke(ctx.actor.id, Role.PARENT)
        await s.repos.audit.record(actor_id=ctx.actor.id, action="consent_withdrawn", now=now, target_id=ctx.actor.id,
                                   details={"consents": withdrawn, "children_erased": children,
                                            "requests_erased": requests, "classes": [str(c) for c in classes]})
        where = ", ".join(str(c) for c in classes) or "—"
        note = (f"Родитель {shown} отозвал согласие на обработку данных ребёнка (152-ФЗ): данные о ребёнке "
                f"удалены, родитель больше не числится в классе ({where}). Если он остаётся в чате родителей, "
                "решите, как быть: без согласия бот о ребёнке ничего не хранит.")
        await ctx.tell_staff(note)
        places = set(await s.staff_places())
        for teacher in teachers:
            if teacher not in places and s.serves(teacher):
                ctx.send(teacher, note)
        confirm.settle(ctx, staged, "✅ Согласие отозвано.")
        ctx.answer("Согласие отозвано.")
        ctx.reply("Согласие отозвано. Данные о ребёнке и ваши заявки родителя удалены; вы больше не числитесь "
                  "родителем класса. Запись о том, когда согласие было дано и отозвано, осталась — она это "
                  "подтверждает. Что ещё храню о вас — /моиданные.")
