"""The school's people (clause 3.2): /подтвердить, /классрук, /админ, /перевести, /исключить, /участники.

The people concerned are told of what was decided about them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.chats import BoundChat, ChatBinding
from bot.commands.table import AdminChange, PersonAndClass
from bot.errors import BadCommand, PermissionDenied
from bot.flows.context import Context
from bot.flows.requests import scope
from bot.grammar import gendered
from bot.membership.cards import ChatSection, members_list
from bot.membership.eligibility import check_can_be_extra_admin, check_can_be_verified, check_can_lead_a_class
from bot.membership.groups import Group
from bot.membership.roster import MemberFacts, belongs_in, group_of_chat, plan_move, student_class
from bot.membership.scope import check_may_invite
from bot.people import Person
from bot.port.effects import ChatLinkLine, RemoveMember, SendChatLinks
from bot.port.gateway import GatewayError
from bot.port.ids import PersonId, platform_of
from bot.roles import Action, Role, is_admin, may


async def _named(ctx: Context, person_id: PersonId) -> tuple[Person, str]:
    person = await ctx.services.person(person_id)
    return person, ctx.services.link(person)


async def _audit(ctx: Context, action: str, whom: PersonId, **details: object) -> None:
    s = ctx.services
    await s.repos.audit.record(actor_id=ctx.actor.id, action=action, now=s.now(), target_id=whom, details=details)


async def verify(ctx: Context, person_id: PersonId) -> None:
    s = ctx.services
    person, shown = await _named(ctx, person_id)
    check_can_be_verified(person.roles)
    async with ctx.commit():
        if not await s.repos.memberships.verify(person.id, ctx.actor.id, s.now()):
            ctx.reply(f"Статус «учитель» уже подтверждён: {shown}.")
            return
        await _audit(ctx, "teacher_verified", person.id)
        ctx.reply(f"Статус «учитель» подтверждён: {shown}.")
        ctx.send(person.id, "Администратор школы подтвердил ваш статус «учитель» (п. 3.3–3.4 Положения).")


async def class_teacher(ctx: Context, args: PersonAndClass) -> None:
    s = ctx.services
    person, shown = await _named(ctx, args.person)
    check_can_lead_a_class(person.roles)
    now = s.now()
    async with ctx.commit():
        previous = await s.repos.memberships.set_class_teacher(args.school_class, person.id, ctx.actor.id, now)
        await s.repos.people.grant(person.id, Role.CLASS_TEACHER, ctx.actor.id, now)
        if previous is not None and not await s.repos.memberships.classes_led_by(previous):
            await s.repos.people.revoke(previous, Role.CLASS_TEACHER)
        await _audit(ctx, "class_teacher_assigned", person.id,
                     **{"class": str(args.school_class), "previous": previous})
        ctx.reply(f"{shown} — классный руководитель {args.school_class}.")
        ctx.send(person.id, f"Вас назначили классным руководителем {args.school_class} (п. 3.3 Положения). "
                            "Заявки вашего класса будут приходить вам.")
        if previous is not None:
            ctx.send(previous, f"Классным руководителем {args.school_class} теперь назначен другой учитель.")


async def admin(ctx: Context, args: AdminChange) -> None:
    s = ctx.services
    person, shown = await _named(ctx, args.person)
    if args.add:
        check_can_be_extra_admin(person.roles, verified=await s.repos.memberships.is_verified(person.id))
        async with ctx.commit():
            await s.repos.people.grant(person.id, Role.EXTRA_ADMIN, ctx.actor.id, s.now())
            await _audit(ctx, "extra_admin_added", person.id)
            ctx.reply(f"{shown} — дополнительный администратор.")
            ctx.send(person.id, "Вас назначили дополнительным администратором школы в боте (п. 3.2 Положения). "
                                "Команды — /помощь.")
        return
    if person.id in s.order_admins:
        raise BadCommand("config admin", text="Этот администратор назначен приказом директора; снять его можно "
                                               "только в настройках бота.")
    async with ctx.commit():
        if not await s.repos.people.revoke(person.id, Role.EXTRA_ADMIN):
            raise BadCommand("not extra admin", text=f"{shown} не дополнительный администратор.")
        await _audit(ctx, "extra_admin_removed", person.id)
        ctx.reply(f"{shown} больше не администратор.")
        ctx.send(person.id, "Ваши права дополнительного администратора в боте сняты.")


async def _bound(ctx: Context, bindings: Iterable[ChatBinding], person: PersonId) -> list[BoundChat]:
    """The bound chats of these purposes on the person's messenger."""
    found: list[BoundChat] = []
    for binding in dict.fromkeys(bindings):
        found += await ctx.services.repos.chats.find(binding, platform_of(person))
    return [chat for chat in found if ctx.services.serves(chat.id)]


async def move(ctx: Context, args: PersonAndClass) -> None:
    s = ctx.services
    person, shown = await _named(ctx, args.person)
    memberships = s.repos.memberships
    current = await memberships.of_person(person.id)
    old_class = student_class(current)
    plan = plan_move(student_id=person.id, student_name=person.display_name, memberships=current,
                     new_class=args.school_class, children_of_old_class=await memberships.children_in(old_class))
    leaving: dict[PersonId, list[BoundChat]] = defaultdict(list)
    for who, binding in plan.leave:
        leaving[who] += await _bound(ctx, [binding], who)
    joining: dict[PersonId, list[ChatBinding]] = defaultdict(list)
    for who, binding in plan.join:
        joining[who].append(binding)
    lines = {who: [await _line(ctx, b, who) for b in bindings] for who, bindings in joining.items()}
    now = s.now()
    async with ctx.commit():
        await memberships.apply_changes(end=plan.end, start=plan.start, now=now,
                                        children=[(child, args.school_class) for child in plan.children])
        for who, chats in leaving.items():
            ctx.owe(*(RemoveMember(chat=chat.id, person=who) for chat in chats))
        for who, chat_lines in lines.items():
            ctx.owe(SendChatLinks(to=who, intro=f"Перевод в {args.school_class}: {person.display_name or 'ученик'}. "
                                                "Новые чаты:", lines=chat_lines))
        await _audit(ctx, "student_moved", person.id,
                     **{"from": str(old_class), "to": str(args.school_class), "parents": plan.parent_ids})
        parents = (f" Родители тоже переведены: {len(plan.parent_ids)}." if plan.parent_ids
                   else " Родителей с таким именем ребёнка не нашёл.")
        ctx.reply(f"Перевод из {old_class} в {args.school_class}: {shown}.{parents}")


async def _line(ctx: Context, binding: ChatBinding, person: PersonId) -> ChatLinkLine:
    chats = await _bound(ctx, [binding], person)
    return ChatLinkLine(title=binding.title(), chat=chats[0].id if chats else None)


async def remove(ctx: Context, person_id: PersonId) -> None:
    s = ctx.services
    person, shown = await _named(ctx, person_id)
    if is_admin(person.roles):
        raise BadCommand("remove admin", text="Администратора нельзя исключить. Сначала: /админ убрать")
    # Every bound chat of the school on their messenger: a leaver may sit in chats no membership
    # led to (added by a colleague); a chat they are not in answers «not in chat», which is quiet.
    chats = [c for c in await s.repos.chats.all() if platform_of(c.id) == platform_of(person.id) and s.serves(c.id)]
    async with ctx.commit():
        ended = await s.repos.memberships.end_all(person.id, s.now())
        for role in person.roles - {Role.ADMIN}:
            await s.repos.people.revoke(person.id, role)
        ctx.owe(*(RemoveMember(chat=chat.id, person=person.id,
                               on_failure=f"Не смог удалить {shown} из чата «{chat.title}»: {{problem}}.")
                  for chat in chats))
        await _audit(ctx, "person_removed", person.id, memberships=len(ended), chats=len(chats))
        where = ", ".join(chat.title for chat in chats) if chats else "привязанных чатов нет"
        done = gendered(person.likely_gender, f"{shown} исключён из школы", f"{shown} исключена из школы",
                        f"Исключение из школы: {shown}")
        ctx.reply(f"{done}. Групп: {len(ended)}. Удаляю из привязанных чатов, где этот человек есть: {where}.")


async def members(ctx: Context, group: Group | None) -> None:
    s = ctx.services
    if not may(ctx.actor.roles, Action.MANAGE_PEOPLE):
        if group is None:
            raise PermissionDenied("members", text="Укажите свой класс, например: /участники 5А")
        classes, subjects = await scope(s, ctx.actor)
        check_may_invite(ctx.actor.roles, classes, subjects, Role.STUDENT, group)
    repo = s.repos.memberships
    listed = await repo.in_group(group) if group is not None else await repo.all_live()
    chats = [c for c in await s.repos.chats.all()
             if s.serves(c.id) and (group is None or group_of_chat(c.binding) == group)]
    sections = [await _section(ctx, chat) for chat in chats]
    names = await s.labels([m.person_id for m in listed] + [i for sec in sections for i in sec.strangers])
    ctx.reply(members_list(listed, sections, names, str(group) if group is not None else "вся школа"))


async def _section(ctx: Context, chat: BoundChat) -> ChatSection:
    """Who is in a chat without a membership leading there (the platform is asked page by page)."""
    s = ctx.services
    gateway = s.gateway(chat.id)
    found: list[PersonId] = []
    cursor: str | None = None
    try:
        while True:
            page = await gateway.members(chat.id, cursor)
            found += page.members
            cursor = page.cursor
            if cursor is None:
                break
    except GatewayError:
        return ChatSection(binding=chat.binding, strangers=[], unreadable=True)
    strangers = []
    for member in found:
        facts = await facts_of(ctx, member)
        if not belongs_in(chat.binding, facts):
            strangers.append(member)
    return ChatSection(binding=chat.binding, strangers=strangers)


async def facts_of(ctx: Context, person_id: PersonId) -> MemberFacts:
    roles = (await ctx.services.actor(person_id)).roles
    return await ctx.services.repos.memberships.facts(person_id, roles)
