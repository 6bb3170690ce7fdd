"""Reports (clause 4.5): a stolen account (/взлом, the menu button once confirmed, or plain words)
and confidential complaints about messages (/жалоба or «жалоба» in reply in a chat; a forwarded or
described message in a DM); the staff's /обращения and /закрыть.

A complaint is confidential: its card goes only where the accused cannot read it (bot/complaints.py
decides where), the /жалоба in the chat is removed, and the complainant hears everything by DM.
"""

from __future__ import annotations

from bot.buttons import callback, row
from bot.chats import ChatBinding, ChatPurpose
from bot.complaints import (
    REASON_LIMIT,
    AdminChat,
    class_teacher_to_tell,
    complaint_recipients,
    forwarded_complaint,
    masked_for_card,
)
from bot.flows.context import Context
from bot.grammar import Case
from bot.membership.groups import parse_class
from bot.places import Place
from bot.port.effects import Delete
from bot.port.events import MessageIn
from bot.port.gateway import GatewayError
from bot.port.ids import ChatId, PersonId, Where, platform_of
from bot.reports import (
    ABUSE_THANKS,
    ABUSE_USAGE,
    ALREADY_REPORTED,
    DM_THANKS,
    DM_USAGE,
    EXCERPT_LIMIT,
    NOBODY_TO_TELL,
    NOT_A_PERSON,
    OWN_MESSAGE,
    RATE_WINDOW,
    AccountPlatform,
    ChatContext,
    HackedIntent,
    Who,
    abuse_class_teacher_text,
    abuse_staff_card,
    already_open_text,
    hacked_advice_text,
    hacked_class_teacher_text,
    hacked_staff_card,
    hacked_steps_text,
    rate_decision,
    rate_limited_text,
    reports_list_text,
)
from bot.roles import Role

SENT_TO_DM = "Сообщил администратору. Что делать дальше — написал вам в личные сообщения."
HACKED_YES, HACKED_NO = "hacked_yes", "hacked_no"
CONFIRM_HACKED = ("Точно сообщить администрации о взломе? Администратор школы сразу получит сообщение, что в ваш "
                  "аккаунт вошёл кто-то чужой, а я подскажу, что делать.")
_MEMBER_PAGES = 50  # 5,000 members at most: more than any school chat


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


def _ack(ctx: Context, text: str) -> None:
    """The pop-up of the confirming press (nothing for a typed command)."""
    if ctx.pressed:
        ctx.answer(text)


# --- a stolen account -----------------------------------------------------------------------------


async def confirm_hacked(ctx: Context) -> None:
    """The menu's «Сообщить о взломе» is pressed by accident too: ask before raising the alarm."""
    ctx.reply(CONFIRM_HACKED, row(callback("Да, сообщить", HACKED_YES, style="negative"),
                                  callback("Нет, не надо", HACKED_NO)))


async def hacked_pressed(ctx: Context, *, yes: bool) -> None:
    if not yes:
        ctx.answer("Хорошо, ничего не сообщаю.")
        return
    await hacked(ctx)


async def hacked(ctx: Context, _: None = None) -> None:
    """Someone got into the person's account: the staff and the class teacher are told at once,
    the person what to do."""
    s = ctx.services
    already = await s.repos.reports.open_hacked_of(ctx.actor.id)
    if already is not None:  # the staff knows; another alarm would only be noise
        _ack(ctx, "Администрация уже знает.")
        _privately(ctx, already_open_text(already.id, _account(ctx)))
        return
    refusal = await _refusal_by_rate(ctx)
    if refusal is not None:
        _ack(ctx, "Не получилось: слишком много обращений за час.")
        ctx.dm(refusal)
        return
    reporter = await s.person(ctx.actor.id)
    who = Who(link=s.link(reporter), gender=reporter.likely_gender)
    teachers = [t for t in await s.repos.memberships.class_teachers_of_family(ctx.actor.id)
                if t != ctx.actor.id and s.serves(t)]
    async with ctx.commit():
        report = await s.repos.reports.add_hacked(ctx.actor.id, s.now())
        await ctx.tell_staff(hacked_staff_card(report, reporter=who, roles=reporter.role_titles(), tz=s.timezone()))
        for teacher in teachers:
            ctx.send(teacher, hacked_class_teacher_text(report.id, reporter=who, roles=reporter.role_titles()))
        _ack(ctx, f"Сообщил администрации (обращение №{report.id}).")
        _privately(ctx, hacked_steps_text(report.id, _account(ctx)))


async def hacked_said(ctx: Context, intent: HackedIntent) -> None:
    """Plain words about a stolen account: a report, or advice on how to protect one."""
    if intent is HackedIntent.REPORT:
        await hacked(ctx)
    else:
        ctx.reply(hacked_advice_text(_account(ctx)))


# --- complaints about messages --------------------------------------------------------------------


async def abuse(ctx: Context, reason: str) -> None:
    """/жалоба (or a bare «жалоба») in reply to a message in a chat; in a DM, a forwarded or
    described message. `reason`: what the complainant wrote after the command."""
    event = ctx.event
    assert isinstance(event, MessageIn)
    if ctx.in_dm:
        await _abuse_in_dm(ctx, event, reason)
        return
    assert ctx.chat_id is not None
    if event.message is not None:  # always: the chat must not see who complains, whatever follows
        ctx.owe(Delete(chat=ctx.chat_id, message=event.message, report_rights=False))
    quoted = event.reply_to
    if quoted is None or quoted.message is None:
        ctx.dm(ABUSE_USAGE)
        return
    if quoted.author is None:
        ctx.dm(NOT_A_PERSON)
        return
    if quoted.author == ctx.actor.id:
        ctx.dm(OWN_MESSAGE)
        return
    await _file(ctx, accused=quoted.author, chat=ctx.chat_id, message_ref=quoted.message, quoted=quoted.text,
                reason=reason)


async def _abuse_in_dm(ctx: Context, event: MessageIn, reason: str) -> None:
    forwarded = forwarded_complaint(event.forwarded, ctx.actor.id)
    if forwarded is not None:
        if forwarded.own:
            ctx.reply(OWN_MESSAGE)
            return
        await _file(ctx, accused=forwarded.author, chat=None, message_ref=None, quoted=forwarded.text, reason=reason)
        return
    if not reason.strip():
        ctx.reply(DM_USAGE)
        return
    await _file(ctx, accused=None, chat=None, message_ref=None, quoted=None, reason=reason)


async def _file(ctx: Context, *, accused: PersonId | None, chat: ChatId | None, message_ref: str | None,
                quoted: str | None, reason: str) -> None:
    """Store the complaint and send its card where the accused cannot read it; everything the
    complainant is told goes by DM."""
    s = ctx.services
    refusal = await _refusal_by_rate(ctx)
    if refusal is not None:
        ctx.dm(refusal)
        return
    recipients = await _recipients(ctx, accused)
    if not recipients:
        ctx.dm(NOBODY_TO_TELL)
        return
    check = (await s.features.checker.get()).check
    excerpt = masked_for_card(quoted, check, EXCERPT_LIMIT) if quoted is not None else None
    masked_reason = masked_for_card(reason, check, REASON_LIMIT) if reason.strip() else None
    people = await s.people([ctx.actor.id, *([accused] if accused is not None else [])])
    reporter = people[ctx.actor.id]
    author = s.link(people[accused]) if accused is not None else None
    author_gent = s.link(people[accused], Case.GENT) if accused is not None else None
    where = await _chat_context(ctx) if chat is not None else None
    teacher = await _class_teacher(ctx, accused) if chat is not None else None
    async with ctx.commit():
        report = await s.repos.reports.add_abuse(ctx.actor.id, s.now(), chat_id=chat, message_ref=message_ref,
                                                 author_id=accused, excerpt=excerpt, reason=masked_reason)
        if report is None:
            ctx.dm(ALREADY_REPORTED)
            return
        card = abuse_staff_card(report, chat=where, reporter=Who(link=s.link(reporter), gender=reporter.likely_gender),
                                author=author, tz=s.timezone())
        for place in recipients:
            ctx.send(place, card)
        if teacher is not None and where is not None and author_gent is not None:
            ctx.send(teacher, abuse_class_teacher_text(report.id, chat_title=where.title, author_gent=author_gent))
        ctx.dm((ABUSE_THANKS if chat is not None else DM_THANKS).format(id=report.id))


async def _recipients(ctx: Context, accused: PersonId | None) -> list[Where]:
    """Where the card may go (bot/complaints.py decides). What we rely on: the platform's member list
    of each bound administration chat on the accused's messenger, and the roster's roles (a member
    of the management may sit in that chat under another account)."""
    s = ctx.services
    roles: frozenset[Role] = frozenset()
    facts: list[AdminChat] = []
    if accused is not None:
        roles = (await s.actor(accused)).roles
        for room in await s.repos.chats.find(ChatBinding(purpose=ChatPurpose.ADMINISTRATION)):
            if not s.serves(room.id):
                continue
            same = platform_of(room.id) == platform_of(accused)
            facts.append(AdminChat(id=room.id, accused_member=await _is_member(ctx, room.id, accused) if same else None))
    extra = [p for p in await s.repos.people.with_role(Role.EXTRA_ADMIN) if s.serves(p)]
    return complaint_recipients(accused=accused, accused_roles=roles, admin_chats=facts,
                                order_admins=[a for a in s.order_admins if s.serves(a)], extra_admins=extra)


async def _is_member(ctx: Context, chat: ChatId, person: PersonId) -> bool | None:
    """From the platform's member list, page by page; None when it cannot be read."""
    gateway = ctx.services.gateway(chat)
    cursor: str | None = None
    try:
        for _ in range(_MEMBER_PAGES):
            page = await gateway.members(chat, cursor)
            if person in page.members:
                return True
            cursor = page.cursor
            if cursor is None:
                return False
    except GatewayError:
        return None
    return None  # too long to read: unsafe


async def _class_teacher(ctx: Context, accused: PersonId | None) -> PersonId | None:
    """The class teacher of a class chat the complaint came from (never the accused)."""
    label = ctx.chat.binding.class_label if ctx.chat is not None else None
    if label is None:
        return None
    s = ctx.services
    teacher = class_teacher_to_tell(await s.repos.memberships.class_teacher(parse_class(label)),
                                    accused=accused, complainant=ctx.actor.id)
    return teacher if teacher is not None and s.serves(teacher) else None


async def _chat_context(ctx: Context) -> ChatContext:
    assert ctx.chat_id is not None
    purpose = ctx.chat.title if ctx.chat is not None else None
    title = await ctx.services.repos.chats.title_of(ctx.chat_id)
    if not title:
        try:
            title = await ctx.gateway.chat_title(ctx.chat_id)
        except GatewayError:  # the title is a courtesy
            title = ""
    return ChatContext(title=title or purpose or "без названия", purpose=purpose)


# --- the staff's side -----------------------------------------------------------------------------


async def list_reports(ctx: Context, _: None = None) -> None:
    s = ctx.services
    reports = await s.repos.reports.list_open()
    names = await s.labels((r.reporter_id for r in reports), Case.GENT)
    ctx.reply(reports_list_text(reports, tz=s.timezone(), names=names, now=s.now(), private=ctx.place is Place.DM))


async def close_report(ctx: Context, report_id: int) -> None:
    s = ctx.services
    async with ctx.commit():
        report = await s.repos.reports.close(report_id, ctx.actor.id, s.now())
        await s.repos.audit.record(actor_id=ctx.actor.id, action="report_closed", now=s.now(), chat_id=ctx.chat_id,
                                   details={"report": report.id, "kind": report.kind.value})
        ctx.reply(f"Обращение №{report.id} закрыто. Спасибо!")
        ctx.send(report.reporter_id, f"Администрация школы рассмотрела ваше обращение №{report.id}. Спасибо!")
