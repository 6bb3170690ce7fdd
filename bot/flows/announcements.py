"""Announcements (clause 3.2: the school's system channels and broadcasts): /объявление with a
preview and «Отправить» / «Отмена», the «Прочитано» button, /объявления, /отменить.

A broadcast is committed as bulk effects of the outbox in one transaction with the announcement's
state: a restart in the middle neither loses nor repeats a chat (VK drops a repeated random_id,
MAX looks before resending), and its lane of the rate limiter is capped so everyday replies never
wait. The scheduler (bot/runtime/scheduler.py) sends scheduled ones and reports when every chat
was served.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.buttons import callback
from bot.chats import BoundChat, ChatPurpose
from bot.director.announce import (
    ACK_LABEL,
    CANCEL_LABEL,
    SEND_ACK_LABEL,
    SEND_LABEL,
    Audience,
    Listed,
    Reach,
    list_text,
    local_moment,
    message_text,
    parse_announcement,
    preview_text,
    unread_text,
)
from bot.errors import BadCommand, NotFound, PermissionDenied
from bot.flows.context import Context
from bot.membership.groups import Group, parse_class
from bot.moderation.actions import plural
from bot.people import Person
from bot.port.effects import Buttons, Edit, Effect, Send, SendFile
from bot.port.events import MessageIn
from bot.port.gateway import GatewayError, Problem
from bot.port.ids import PLATFORM_TITLES, ChatId, PersonId, platform_of
from bot.roles import Action, Role, may
from bot.services import Services
from storage.announcements import Announcement, tag_of
from storage.files import MAX_FILE_BYTES

SEND, SEND_ACK, CANCEL, READ, SEND_NOW = "ann_send", "ann_send_ack", "ann_cancel", "ann_read", "ann_now"
LISTED = 10
DRAFT_HOURS = 24
"""A preview nobody confirmed is forgotten after this (and its attachment with it)."""
OWN_CLASS_ONLY = ("Классный руководитель может отправить объявление только своему классу, например: "
                  "/объявление 5А родители Собрание в четверг.")
NOT_YOURS = "Это объявление другого автора: отправить или отменить его может автор или администратор."
GONE = "Это объявление уже отправлено или отменено."
STAFF_ROLES = (Role.TEACHER, Role.CLASS_TEACHER, Role.ADMINISTRATION, Role.EXTRA_ADMIN, Role.ADMIN)


def preview_tag(number: int) -> str:
    return f"annprev:{number}"


# --- whom it reaches ------------------------------------------------------------------------------

async def targets(s: Services, audience: Audience) -> list[BoundChat]:
    """The bound chats (on every platform this process serves) the audience asks for."""
    return [c for c in await s.repos.chats.all() if s.serves(c.id) and audience.wants(c.binding)]


def chat_title(s: Services, chat: BoundChat) -> str:
    suffix = f" ({PLATFORM_TITLES[platform_of(chat.id)]})" if len(s.gateways) > 1 else ""
    return chat.title + suffix


async def check_audience(s: Services, actor: Person, audience: Audience) -> None:
    """Administrators and the administration announce to anyone; a class teacher to their own class (3.3)."""
    if may(actor.roles, Action.ANNOUNCE):
        return
    led = await s.repos.memberships.classes_led_by(actor.id)
    if audience.reach is not Reach.CLASS or audience.class_label is None or parse_class(audience.class_label) not in led:
        raise PermissionDenied("other class", text=OWN_CLASS_ONLY)


def _may_manage(actor: Person, announcement: Announcement) -> bool:
    return announcement.author_id == actor.id or may(actor.roles, Action.ANNOUNCE)


# --- /объявление ----------------------------------------------------------------------------------

async def announce(ctx: Context, args: str) -> None:
    s = ctx.services
    now = s.now()
    event = ctx.event
    attachments = event.attachments if isinstance(event, MessageIn) else ()
    attached = next((a for a in attachments if a.kind in ("photo", "document") and a.url), None)
    order = parse_announcement(args, now=now, tz=s.timezone(), has_file=attached is not None)
    await check_audience(s, ctx.actor, order.audience)
    chats = await targets(s, order.audience)
    if not chats:
        raise BadCommand("no chats", text=f"Для аудитории «{order.audience.title()}» нет привязанных чатов. "
                                          "Привяжите их командой /привязать в самих чатах.")
    data = await _download(ctx, attached.url) if attached is not None else None
    kind = attached.kind if attached is not None else None
    name = (attached.name or ("photo.jpg" if kind == "photo" else "document")) if attached is not None else None
    async with ctx.commit():
        file_id = await s.repos.files.store(data, now, held=True) if data is not None else None
        number = await s.repos.announcements.create(
            author=ctx.actor.id, audience=order.audience.key(), text=order.text, reply_to=ctx.where, now=now,
            send_at=order.send_at, file_id=file_id, file_kind=kind, file_name=name)
        when = local_moment(order.send_at, s.timezone()) if order.send_at is not None else None
        text = preview_text(number, order.audience, order.text, [chat_title(s, c) for c in chats], file_name=name,
                            send_at=when, skipped_file=attached is None and any(a.kind != "link" for a in attachments))
        ctx.send(ctx.where, text, _preview_buttons(number), tag=preview_tag(number))


def _preview_buttons(number: int) -> Buttons:
    return Buttons(rows=[[callback(SEND_LABEL, SEND, number, "positive"), callback(CANCEL_LABEL, CANCEL, number)],
                         [callback(SEND_ACK_LABEL, SEND_ACK, number, "primary")]])


async def _download(ctx: Context, url: str) -> bytes:
    try:
        return await ctx.gateway.download(url, limit=MAX_FILE_BYTES)
    except GatewayError as error:
        if error.problem is Problem.REJECTED:
            raise BadCommand("file refused", text=f"Вложение не получилось взять: оно больше "
                                                  f"{MAX_FILE_BYTES // (1024 * 1024)} МБ или недоступно. "
                                                  "Отправьте объявление без него или с файлом поменьше.") from None
        raise BadCommand("file unreachable", text="Не смог скачать вложение из мессенджера. Попробуйте, пожалуйста, "
                                                  "ещё раз через минуту.") from None


# --- the buttons of the preview -------------------------------------------------------------------

async def confirm(ctx: Context, number: int, *, ack: bool | None) -> None:
    """«Отправить» / «Отправить с «Прочитано»» (and «Отправить сейчас» of a missed one: ack None keeps
    what the author chose)."""
    s = ctx.services
    announcement = await s.repos.announcements.get(number)
    if announcement is None or announcement.state not in ("draft", "missed"):
        ctx.answer(GONE)
        return
    if ack is None:
        ack = announcement.ack
    if not _may_manage(ctx.actor, announcement):
        raise PermissionDenied("not the author", text=NOT_YOURS)
    audience = Audience.from_key(announcement.audience)
    await check_audience(s, ctx.actor, audience)
    if announcement.state == "draft" and announcement.send_at is not None and announcement.send_at > s.now():
        async with ctx.commit():
            if not await s.repos.announcements.schedule(number, ack=ack):
                ctx.answer(GONE)
                return
            await s.repos.audit.record(actor_id=ctx.actor.id, action="announcement_scheduled", now=s.now(),
                                       details={"announcement": number, "audience": audience.key(), "ack": ack})
            when = local_moment(announcement.send_at, s.timezone())
            ctx.answer(f"Запланировано на {when}.")
            ctx.owe(Edit(where=announcement.reply_to, tag=preview_tag(number),
                         text=f"Объявление №{number} запланировано на {when} ({audience.title()}). "
                              f"Отменить: /отменить {number}"))
        return
    chats = await targets(s, audience)
    author = await s.actor(announcement.author_id)
    effects = broadcast(s, announcement, author, chats, ack=ack)
    async with ctx.commit():
        started = await s.repos.announcements.start_sending(
            number, from_states=("draft", "missed"), chats=[(c.id, chat_title(s, c)) for c in chats], now=s.now(),
            ack=ack)
        if not started:
            ctx.answer(GONE)
            return
        if announcement.file_id is not None:
            await s.repos.files.unhold(announcement.file_id)
        await s.repos.audit.record(actor_id=ctx.actor.id, action="announcement_sent", now=s.now(),
                                   details={"announcement": number, "audience": audience.key(), "chats": len(chats),
                                            "ack": ack})
        ctx.owe(*effects)
        ctx.answer(f"Отправляю: {plural(len(chats), 'чат', 'чата', 'чатов')}. Когда дойдёт, напишу здесь.")
        ctx.owe(Edit(where=announcement.reply_to, tag=preview_tag(number),
                     text=f"Объявление №{number} отправляется: {audience.title()}, чатов: {len(chats)}."))


def broadcast(s: Services, announcement: Announcement, author: Person, chats: Sequence[BoundChat], *, ack: bool,
              late_from: str | None = None) -> list[Effect]:
    """One bulk effect per chat, tagged with the announcement (its outcome is read from the outbox)."""
    audience = Audience.from_key(announcement.audience)
    from_teacher = audience.class_label if not may(author.roles, Action.ANNOUNCE) else None
    text = message_text(announcement.text, from_class_teacher=from_teacher, late_from=late_from)
    buttons = Buttons(rows=[[callback(ACK_LABEL, READ, announcement.id, "positive")]]) if ack else None
    tag = tag_of(announcement.id)
    effects: list[Effect] = []
    for chat in chats:
        if announcement.file_id is not None and announcement.file_kind in ("photo", "document"):
            effects.append(SendFile(to=chat.id, file=announcement.file_id, file_kind=announcement.file_kind,  # type: ignore[arg-type]
                                    filename=announcement.file_name or "file", caption=text, buttons=buttons,
                                    tag=tag, bulk=True))
        else:
            effects.append(Send(to=chat.id, text=text, buttons=buttons, tag=tag, bulk=True))
    return effects


async def cancel_press(ctx: Context, number: int) -> None:
    s = ctx.services
    announcement = await s.repos.announcements.get(number)
    if announcement is None or announcement.state not in ("draft", "scheduled", "missed"):
        ctx.answer(GONE)
        return
    if not _may_manage(ctx.actor, announcement):
        raise PermissionDenied("not the author", text=NOT_YOURS)
    await _cancel(ctx, announcement, lambda: ctx.answer("Объявление отменено."))


async def _cancel(ctx: Context, announcement: Announcement, say: Callable[[], None]) -> None:
    s = ctx.services
    async with ctx.commit():
        if not await s.repos.announcements.cancel(announcement.id):
            raise NotFound("gone", text=GONE)
        if announcement.file_id is not None:
            await s.repos.files.release(announcement.file_id)
        await s.repos.audit.record(actor_id=ctx.actor.id, action="announcement_cancelled", now=s.now(),
                                   details={"announcement": announcement.id})
        ctx.owe(Edit(where=announcement.reply_to, tag=preview_tag(announcement.id),
                     text=f"Объявление №{announcement.id} отменено."))
        say()


async def cancel(ctx: Context, number: int) -> None:
    """/отменить N: a scheduled (or not yet confirmed) announcement."""
    s = ctx.services
    announcement = await s.repos.announcements.get(number)
    if announcement is None:
        raise NotFound("no announcement", text=f"Объявления №{number} нет.")
    if not _may_manage(ctx.actor, announcement):
        raise PermissionDenied("not the author", text=NOT_YOURS)
    if announcement.state not in ("draft", "scheduled"):
        raise NotFound("not cancellable", text=f"Объявление №{number} уже не отменить: оно "
                                               f"{'отправлено' if announcement.state in ('sending', 'sent') else 'отменено'}.")
    await _cancel(ctx, announcement, lambda: ctx.reply(f"Объявление №{number} отменено."))


# --- «Прочитано» ----------------------------------------------------------------------------------

async def mark_read(ctx: Context, number: int) -> None:
    s = ctx.services
    announcement = await s.repos.announcements.get(number)
    if announcement is None or not announcement.ack or announcement.state not in ("sending", "sent"):
        ctx.answer("Эта кнопка устарела или недействительна.")
        return
    async with ctx.commit():
        first = await s.repos.announcements.record_read(number, ctx.actor.id, s.now())
        ctx.answer("Спасибо, отмечено: прочитано." if first else "Вы уже отметили это объявление.")


# --- /объявления ----------------------------------------------------------------------------------

async def expected_readers(s: Services, chat: BoundChat) -> list[PersonId]:
    """Who the bot knows should read a chat: its class's parents or pupils, the staff, everyone."""
    purpose = chat.binding.purpose
    platform = platform_of(chat.id)
    people: list[PersonId] = []
    if purpose in (ChatPurpose.CLASS_PARENTS, ChatPurpose.CLASS_STUDENTS) and chat.binding.class_label:
        role = Role.PARENT if purpose is ChatPurpose.CLASS_PARENTS else Role.STUDENT
        members = await s.repos.memberships.in_group(Group.of_class(parse_class(chat.binding.class_label)))
        people = [m.person_id for m in members if m.role is role]
    elif purpose in (ChatPurpose.STAFF, ChatPurpose.CHANNEL_STAFF):
        for role in STAFF_ROLES:
            people += await s.repos.people.with_role(role)
        people += list(s.order_admins)
    elif purpose is ChatPurpose.ADMINISTRATION:
        people = await s.repos.people.with_role(Role.ADMINISTRATION)
    elif purpose is ChatPurpose.CHANNEL_GENERAL:
        for role in Role:
            people += await s.repos.people.with_role(role)
        people += list(s.order_admins)
    return [p for p in dict.fromkeys(people) if platform_of(p) == platform]


async def _reach(s: Services, number: int) -> list[tuple[str, BoundChat | None]]:
    results = await s.repos.announcements.chats(number)
    return [(r.title, await s.repos.chats.get(ChatId(r.chat_id))) for r in results]


async def _counts(s: Services, announcement: Announcement) -> tuple[int, int, dict[str, list[PersonId]], int]:
    """(read among expected, expected, per chat: who has not read, read by people the bot does not expect)."""
    readers = await s.repos.announcements.readers(announcement.id)
    expected: set[PersonId] = set()
    missing: dict[str, list[PersonId]] = {}
    for title, chat in await _reach(s, announcement.id):
        if chat is None:
            continue
        wanted = await expected_readers(s, chat)
        expected |= set(wanted)
        missing[title] = [p for p in wanted if p not in readers]
    return len(readers & expected), len(expected), missing, len(readers - expected)


async def list_announcements(ctx: Context, number: int | None) -> None:
    s = ctx.services
    if number is not None:
        await _details(ctx, number)
        return
    author = None if may(ctx.actor.roles, Action.ANNOUNCE) else ctx.actor.id
    found = await s.repos.announcements.recent(LISTED, author=author)
    numbers = [a.id for a in found]
    delivered = await s.repos.announcements.delivered_counts(numbers)
    tz = s.timezone()
    items = []
    for a in found:
        read, readers = 0, 0
        if a.ack and a.state in ("sending", "sent"):
            read, readers, _, _ = await _counts(s, a)
        moment = a.send_at if a.state in ("scheduled", "missed") else (a.sent_at or a.created_at)
        ok, total = delivered.get(a.id, (0, 0))
        items.append(Listed(number=a.id, state=a.state, audience=Audience.from_key(a.audience),
                            when=local_moment(moment or a.created_at, tz), text=a.text, delivered=ok, chats=total,
                            ack=a.ack, read=read, readers=readers))
    ctx.reply(list_text(items))


async def _details(ctx: Context, number: int) -> None:
    s = ctx.services
    announcement = await s.repos.announcements.get(number)
    if announcement is None or announcement.state == "draft":
        raise NotFound("no announcement", text=f"Объявления №{number} нет.")
    if not _may_manage(ctx.actor, announcement):
        raise PermissionDenied("not the author", text="Кто прочитал, видят автор объявления и администраторы.")
    if not announcement.ack:
        results = await s.repos.announcements.chats(number)
        sent = sum(r.state == "sent" for r in results)
        ctx.reply(f"Объявление №{number} отправлено без кнопки «Прочитано»: доставлено в {sent} из {len(results)} "
                  "чатов. Кто прочитал, бот не знает.")
        return
    read, readers, missing, extra = await _counts(s, announcement)
    shown = await _unread_names(s, missing, await _reach(s, number))
    ctx.reply(unread_text(number, read, readers, shown, extra_readers=extra))


async def _unread_names(s: Services, missing: dict[str, list[PersonId]],
                        reach: Sequence[tuple[str, BoundChat | None]]) -> dict[str, list[str]]:
    """Parents by their child's name (3.6: how the class teacher knows them); others by name."""
    purposes = {title: chat for title, chat in reach if chat is not None}
    labels = await s.labels(p for people in missing.values() for p in people)
    shown: dict[str, list[str]] = {}
    for title, people in missing.items():
        chat = purposes.get(title)
        names: list[str] = []
        for person in people:
            if chat is not None and chat.binding.purpose is ChatPurpose.CLASS_PARENTS:
                children = [c.name for c in await s.repos.memberships.children_of(person)
                            if str(c.school_class) == chat.binding.class_label]
                names.append(f"родитель: {', '.join(children)}" if children else f"родитель {labels[person]}")
            else:
                names.append(labels[person])
        shown[title] = sorted(names)
    return shown


def stale_before(now: datetime) -> datetime:
    return now - timedelta(hours=DRAFT_HOURS)

