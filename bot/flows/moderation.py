"""Moderation of bound chats (clauses 4.5, 4.6): check a new or edited message, decide, act.

The check says what the message is, the core's plan says what to do for this author here, and
this flow records the decision (a masked excerpt, never the text) with the effects it owes:
the delete first (the outbox runs it before anything else), then the notices.
"""

from __future__ import annotations

from datetime import timedelta

from bot.flows.context import Context
from bot.grammar import Case
from bot.moderation.actions import author_group, warning_expiry
from bot.moderation.masking import masked_excerpt
from bot.moderation.plan import COMBINE_WINDOW_MINUTES, ModerationPlan, Standing, plan_moderation
from bot.port.effects import Delete, Edit, RemoveMember
from bot.port.events import MessageIn
from bot.port.ids import PersonId
from bot.roles import is_admin
from bot.runtime.effects import NOT_ADMIN_NOTICE


async def moderate(ctx: Context, message: MessageIn) -> None:
    """Every message of a bound chat that is not a command comes here."""
    s = ctx.services
    chat = ctx.chat
    if chat is None or not s.config.moderation.enabled or message.author_is_bot or not message.text:
        return
    verdict = (await s.features.checker.get()).check(message.text)
    if verdict.clean:
        return
    author = await s.person(message.author)
    now = s.now()
    earlier, first = await s.repos.moderation.recent_run(author.id, chat.id,
                                                         now - timedelta(minutes=COMBINE_WINDOW_MINUTES))
    today = now.astimezone(s.timezone()).date().isoformat()
    standing = Standing(
        group=author_group(author.roles),
        active_warnings=len(await s.repos.moderation.active_warnings(author.id, now)),
        protected=is_admin(author.roles) or author.id in s.order_admins,
        bot_can_delete=message.message is not None and not await s.repos.chats.has_notice(chat.id, NOT_ADMIN_NOTICE),
        earlier_in_run=earlier,
        alerted_today=await s.repos.moderation.alerted(author.id, today),
    )
    excerpt = masked_excerpt(message.text, verdict)
    plan = plan_moderation(verdict.labels, policy=s.features.policy, standing=standing, chat_title=chat.title,
                           author_label=s.link(author), author_ref=s.command_ref(author.id), excerpt=excerpt,
                           author_gent=s.link(author, Case.GENT), author_gender=author.likely_gender)
    teachers = await s.repos.memberships.class_teachers_of_student(author.id) if plan.class_teacher_text else []
    async with ctx.commit():
        event_id = await s.repos.moderation.record_event(
            now=now, chat_id=chat.id, author_id=author.id, message_ref=message.message,
            labels=[str(label) for label in verdict.labels], excerpt=excerpt, edited=message.edited,
            acts=list(plan.acts))
        if plan.warn:
            await s.repos.moderation.add_warning(person_id=author.id, event_id=event_id,
                                                 labels=[str(label) for label in verdict.labels], now=now,
                                                 expires_at=warning_expiry(now, s.features.policy))
        if plan.escalation_text:
            await s.repos.moderation.first_alert_of_day(author.id, today, now)
        await _owe(ctx, plan, message, teachers, run=f"{chat.id}:{author.id}:{first or event_id}")


async def _owe(ctx: Context, plan: ModerationPlan, message: MessageIn, teachers: list[PersonId], run: str) -> None:
    """The delete first; the run's notice, DM and log line are sent once and then edited, so a
    flood of violations never becomes a flood of the bot's own messages."""
    chat = ctx.chat
    assert chat is not None
    if plan.delete and message.message is not None:
        ctx.owe(Delete(chat=chat.id, message=message.message))
    if plan.notice:
        _say(ctx, chat.id, plan.notice, f"modnote:{run}", plan.combined)
    if plan.dm:
        _say(ctx, message.author, plan.dm, f"moddm:{run}", plan.combined)
    for place in await ctx.services.staff_places():
        _say(ctx, place, plan.staff_line, f"modlog:{run}", plan.combined)
    if plan.escalation_text:
        await ctx.tell_staff(plan.escalation_text)
    if plan.remove_from_chat:
        ctx.owe(RemoveMember(chat=chat.id, person=message.author, block=ctx.gateway.capabilities.block_on_remove))
    for teacher in teachers:
        if plan.class_teacher_text and ctx.services.serves(teacher):
            ctx.send(teacher, plan.class_teacher_text)


def _say(ctx: Context, where: str, text: str, tag: str, combined: bool) -> None:
    if combined:  # the run's message, edited (or sent anew if it never went out)
        ctx.owe(Edit(where=where, tag=tag, text=text, fallback=text))
    else:
        ctx.send(where, text, tag=tag)
