"""Reports (clause 4.5): a stolen account (/взлом, or said in plain words) and abuse in a chat
(/жалоба in reply to the message); the staff's /обращения and /закрыть."""

from __future__ import annotations

from bot.flows.context import Context
from bot.port.effects import Delete
from bot.port.events import MessageIn
from bot.port.gateway import GatewayError
from bot.port.ids import PersonId
from bot.reports import (
    ABUSE_THANKS,
    ABUSE_USAGE,
    RATE_WINDOW,
    AccountPlatform,
    ChatContext,
    HackedIntent,
    abuse_staff_card,
    already_open_text,
    hacked_advice_text,
    hacked_staff_card,
    hacked_steps_text,
    mask_excerpt,
    rate_decision,
    rate_limited_text,
    reports_list_text,
)
from bot.roles import Role

SENT_TO_DM = "Сообщил администратору. Что делать дальше — написал вам в личные сообщения."


def _account(ctx: Context) -> AccountPlatform:
    caps = ctx.gateway.capabilities
    return AccountPlatform(title=caps.title, sessions_hint=caps.sessions_hint)


async def _refusal_by_rate(ctx: Context) -> str | None:
    """The polite refusal if this person reported too often in the last hour."""
    s = ctx.services
    now = s.now()
    limit = s.config.reports.max_per_hour
    decision = rate_decision(await s.repos.reports.times_since(ctx.actor.id, now - RATE_WINDOW), now, limit)
    return None if decision.allowed else rate_limited_text(decision, limit)


def _privately(ctx: Context, text: str) -> None:
    """`text` by DM; a chat where the command was written only learns that it went there."""
    ctx.dm(text)
    if not ctx.in_dm:
        ctx.reply(SENT_TO_DM)


async def hacked(ctx: Context, _: None = None) -> None:
    """Someone got into the person's account: the staff is told at once, the person what to do."""
    s = ctx.services
    already = await s.repos.reports.open_hacked_of(ctx.actor.id)
    if already is not None:  # the staff knows; another alarm would only be noise
        _privately(ctx, already_open_text(already.id, _account(ctx)))
        return
    refusal = await _refusal_by_rate(ctx)
    if refusal is not None:
        ctx.dm(refusal)
        return
    reporter = await s.person(ctx.actor.id)
    teachers = await _class_teachers_of(ctx)
    places = set(await s.staff_places())
    async with ctx.commit():
        report = await s.repos.reports.add_hacked(ctx.actor.id, s.now())
        card = hacked_staff_card(report, reporter=s.link(reporter), roles=reporter.role_titles(), tz=s.timezone())
        await ctx.tell_staff(card)
        for teacher in teachers:  # a copy for the class teacher of a pupil or a parent (3.3)
            if teacher not in places and teacher != ctx.actor.id:
                ctx.send(teacher, card)
        _privately(ctx, hacked_steps_text(report.id, _account(ctx)))


async def _class_teachers_of(ctx: Context) -> list[PersonId]:
    """Class teachers of the classes the reporter learns in or is a parent in."""
    s = ctx.services
    classes = {m.group.school_class for m in await s.repos.memberships.of_person(ctx.actor.id)
               if m.role in (Role.STUDENT, Role.PARENT) and m.group.school_class is not None}
    found = [await s.repos.memberships.class_teacher(c) for c in sorted(classes)]
    return [t for t in dict.fromkeys(found) if t is not None and s.serves(t)]


async def hacked_said(ctx: Context, intent: HackedIntent) -> None:
    """Plain words about a stolen account: a report, or advice on how to protect one."""
    if intent is HackedIntent.REPORT:
        await hacked(ctx)
    else:
        ctx.reply(hacked_advice_text(_account(ctx)))


async def abuse(ctx: Context, reason: str) -> None:
    """/жалоба in reply to a message in a chat."""
    s = ctx.services
    event = ctx.event
    assert isinstance(event, MessageIn) and ctx.chat_id is not None
    quoted = event.reply_to
    if quoted is None or quoted.message is None:
        ctx.reply(ABUSE_USAGE)
        return
    if quoted.author is None:
        ctx.reply("Это сообщение бота или сообщества — на него пожаловаться нельзя.")
        return
    if quoted.author == ctx.actor.id:
        ctx.reply("Это ваше собственное сообщение. Если оно лишнее — его можно удалить.")
        return
    refusal = await _refusal_by_rate(ctx)
    if refusal is not None:
        ctx.reply(refusal)
        return
    chat = await _chat_context(ctx)
    labels = await s.labels([ctx.actor.id, quoted.author])
    async with ctx.commit():
        report = await s.repos.reports.add_abuse(ctx.actor.id, s.now(), chat_id=ctx.chat_id,
                                                 message_ref=quoted.message, author_id=quoted.author,
                                                 excerpt=mask_excerpt(quoted.text))
        if report is None:
            ctx.reply("Вы уже пожаловались на это сообщение — администратор его видит. Спасибо!")
            return
        await ctx.tell_staff(abuse_staff_card(report, chat=chat, reporter=labels[ctx.actor.id],
                                              author=labels[quoted.author], tz=s.timezone()))
        if event.message is not None:  # the author of the reported message must not learn who complained
            ctx.owe(Delete(chat=ctx.chat_id, message=event.message, report_rights=False))
        ctx.dm(ABUSE_THANKS)


async def _chat_context(ctx: Context) -> ChatContext:
    assert ctx.chat_id is not None
    purpose = ctx.chat.title if ctx.chat is not None else None
    title = await ctx.services.repos.chats.title_of(ctx.chat_id)
    if not title:
        try:
            title = await ctx.gateway.chat_title(ctx.chat_id)
        except GatewayError:  # the title is a courtesy
            title = ""
    return ChatContext(title=title or "без названия", purpose=purpose)


async def list_reports(ctx: Context, _: None = None) -> None:
    s = ctx.services
    reports = await s.repos.reports.list_open()
    names = await s.labels(r.reporter_id for r in reports)
    ctx.reply(reports_list_text(reports, tz=s.timezone(), names=names))


async def close_report(ctx: Context, report_id: int) -> None:
    s = ctx.services
    async with ctx.commit():
        report = await s.repos.reports.close(report_id, ctx.actor.id, s.now())
        await s.repos.audit.record(actor_id=ctx.actor.id, action="report_closed", now=s.now(), chat_id=ctx.chat_id,
                                   details={"report": report.id, "kind": report.kind.value})
        ctx.reply(f"Обращение №{report.id} закрыто. Спасибо!")
        ctx.send(report.reporter_id, f"Администратор школы рассмотрел ваше обращение №{report.id}. Спасибо!")
