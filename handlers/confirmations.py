"""A press on a staged question's buttons (bot/flows/confirm.py), routed to the flow of its kind.

The staged row says what is waiting and who must press; the payload of the button only names the
row, so a forged or stale press finds nothing to do or is refused, and each flow checks its
permission again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.flows import binding, classlist, confirm, consent, joining, people, school_year
from bot.flows.context import Context
from storage.staged import Staged

Apply = Callable[[Context, Staged, str | None], Awaitable[None]]

APPLY: dict[str, Apply] = {
    classlist.KIND: classlist.apply,
    binding.BIND_KIND: binding.confirm_bind,
    binding.UNBIND_KIND: binding.confirm_unbind,
    people.CLASS_TEACHER_KIND: people.confirm_class_teacher,
    people.LEAVER_PARENTS_KIND: people.confirm_leaver_parents,
    school_year.TRANSFER_KIND: school_year.confirm_transfer,
    school_year.GRADUATE_KIND: school_year.confirm_graduate,
    joining.CONSENT_KIND: consent.agree,
    consent.WITHDRAW_KIND: consent.confirm_withdraw,
}
# What a «Отмена» leaves behind, where it is more than «nothing changed».
CANCELLED: dict[str, str] = {
    people.LEAVER_PARENTS_KIND: "Родители остаются в классе и в чате родителей.",
    consent.WITHDRAW_KIND: "Согласие остаётся в силе.",
}


async def on_staged(ctx: Context, staged_id: int, *, yes: bool, word: str | None) -> None:
    s = ctx.services
    staged = await s.repos.staged.get(staged_id)
    if staged is None or not staged.pending or staged.kind not in APPLY:
        ctx.answer(confirm.GONE)
        return
    if staged.created_by != ctx.actor.id:
        ctx.answer(confirm.NOT_YOURS)
        return
    if yes:
        await APPLY[staged.kind](ctx, staged, word)
    elif staged.kind == joining.CONSENT_KIND:
        await consent.decline(ctx, staged)
    else:
        await _cancel(ctx, staged)


async def _cancel(ctx: Context, staged: Staged) -> None:
    s = ctx.services
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=False):
            return
        left = CANCELLED.get(staged.kind, "Ничего не изменено.")
        await s.repos.audit.record(actor_id=ctx.actor.id, action="staged_cancelled", now=s.now(), chat_id=ctx.chat_id,
                                   details={"kind": staged.kind, "staged": staged.id})
        confirm.settle(ctx, staged, f"Отменено. {left}")
        ctx.answer(f"Отменено. {left}")
