"""A pressed callback button: its payload (validated; it comes from the client and can be forged)
routed to the flow of its action, which checks the presser's rights again."""

from __future__ import annotations

from bot.buttons import STALE_BUTTON, parse_payload
from bot.errors import PermissionDenied
from bot.flows import announcements, confirm, moderation_admin, mydata, reports, requests
from bot.flows.context import Context
from bot.port.events import ButtonPress
from bot.port.ids import PersonId
from bot.roles import Action, may
from handlers.confirmations import on_staged


async def on_press(ctx: Context, press: ButtonPress) -> None:
    payload = parse_payload(press.payload)
    if payload is None:
        ctx.answer(STALE_BUTTON)
        return
    match payload.a:
        case requests.APPROVE | requests.REJECT:
            await requests.decide(ctx, payload.id, accept=payload.a == requests.APPROVE)
        case requests.RESEND:
            await requests.resend_welcome(ctx, payload.id)
        case moderation_admin.LIFT | moderation_admin.KEEP:
            if not may(ctx.actor.roles, Action.MODERATE):
                raise PermissionDenied("appeal press", text="Решение по обжалованию принимают администраторы школы.")
            await moderation_admin.decide_appeal(ctx, payload.id, lift=payload.a == moderation_admin.LIFT)
        case moderation_admin.ALLOW_YES if payload.w is not None:
            if not may(ctx.actor.roles, Action.MODERATE):
                raise PermissionDenied("allow press", text="Слова школы меняют администраторы школы.")
            await moderation_admin.allow_word(ctx, payload.w, confirmed=True)
        case moderation_admin.ALLOW_NO:
            ctx.answer("Хорошо, слово не разрешено.")
        case reports.HACKED_YES | reports.HACKED_NO:
            await reports.hacked_pressed(ctx, yes=payload.a == reports.HACKED_YES)
        case mydata.FORGET_CANCEL:
            await mydata.cancel_forget(ctx)
        case mydata.FORGET_ME:
            await mydata.confirm_forget_own(ctx, payload.who)
        case mydata.FORGET_USER if payload.who is not None:
            await mydata.confirm_forget_other(ctx, PersonId(payload.who))
        case confirm.YES | confirm.NO:
            await on_staged(ctx, payload.id, yes=payload.a == confirm.YES, word=payload.w)
        case announcements.SEND | announcements.SEND_ACK | announcements.SEND_NOW:
            ack = {announcements.SEND: False, announcements.SEND_ACK: True}.get(payload.a)
            await announcements.confirm(ctx, payload.id, ack=ack)
        case announcements.CANCEL:
            await announcements.cancel_press(ctx, payload.id)
        case announcements.READ:
            await announcements.mark_read(ctx, payload.id)
        case _:
            ctx.answer(STALE_BUTTON)
