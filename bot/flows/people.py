"""The school's people (clause 3.2): /подтвердить, /классрук, /админ, /перевести, /исключить.

The people concerned are told of what was decided about them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.chats import BoundChat, ChatBinding, ChatPurpose
from bot.classlist.matching import names_overlap
from bot.commands.table import AdminChange, ClassTeacherChange, ClassTransfer, PersonAndClass
from bot.errors import BadCommand, PermissionDenied
from bot.flows import classlist, confirm, school_year
from bot.flows.context import Context
from bot.grammar import Case, gendered
from bot.membership.eligibility import check_can_be_extra_admin, check_can_be_verified, check_can_lead_a_class
from bot.membership.groups import Group, GroupKind, SchoolClass, parse_class
from bot.membership.roster import Child, MemberFacts, plan_move, student_class
from bot.people import Person
from bot.port.effects import ChatLinkLine, RemoveMember, SendChatLinks
from bot.port.ids import PersonId, platform_of
from bot.roles import Action, Role, is_admin, may
from storage.staged import Staged

CLASS_TEACHER_KIND, LEAVER_PARENTS_KIND = "classteacher", "leaver_parents"


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


async def class_teacher(ctx: Context, args: ClassTeacherChange) -> None:
    """/классрук: assign (asking first when it replaces someone) or remove (/классрук убрать 5А)."""
    s = ctx.services
    if args.person is None:
        await _unset_class_teacher(ctx, args.school_class)
        return
    person, shown = await _named(ctx, args.person)
    check_can_lead_a_class(person.roles)
    previous = await s.repos.memberships.class_teacher(args.school_class)
    if previous == person.id:
        ctx.reply(f"{shown} уже классный руководитель {args.school_class}.")
        return
    if previous is not None:
        before = s.link(await s.person(previous))
        text = (f"Сейчас классный руководитель {args.school_class} — {before}. Заменить на: {shown}? "
                "Оба получат сообщение.")
        async with ctx.commit():
            await confirm.ask(ctx, kind=CLASS_TEACHER_KIND, text=text, choices=[("Заменить", None, "positive")],
                              payload={"class": str(args.school_class), "person": person.id})
        return
    await _assign(ctx, person, shown, args.school_class)


async def confirm_class_teacher(ctx: Context, staged: Staged, _: str | None) -> None:
    if not may(ctx.actor.roles, Action.MANAGE_PEOPLE):
        raise PermissionDenied("class teacher press", text=confirm.NOT_YOURS)
    person, shown = await _named(ctx, PersonId(staged.payload["person"]))
    check_can_lead_a_class(person.roles)
    await _assign(ctx, person, shown, parse_class(staged.payload["class"]), staged)


async def _assign(ctx: Context, person: Person, shown: str, school_class: SchoolClass,
                  staged: Staged | None = None) -> None:
    s = ctx.services
    now = s.now()
    async with ctx.commit():
        if staged is not None and not await confirm.close(ctx, staged, done=True):
            return
        previous = await s.repos.memberships.set_class_teacher(school_class, person.id, ctx.actor.id, now)
        await s.repos.people.grant(person.id, Role.CLASS_TEACHER, ctx.actor.id, now)
        if previous is not None and not await s.repos.memberships.classes_led_by(previous):
            await s.repos.people.revoke(previous, Role.CLASS_TEACHER)
        await _audit(ctx, "class_teacher_assigned", person.id, **{"class": str(school_class), "previous": previous})
        ctx.reply(f"{shown} — классный руководитель {school_class}.")
        ctx.send(person.id, f"Вас назначили классным руководителем {school_class} (п. 3.3 Положения). "
                            "Заявки вашего класса будут приходить вам.")
        if previous is not None:
            ctx.send(previous, f"Классным руководителем {school_class} теперь назначен другой учитель: "
                               f"{person.display_name or 'коллега'}. Спасибо за вашу работу с классом!")
        if staged is not None:
            confirm.settle(ctx, staged, "✅ Заменено.")
            ctx.answer("Готово.")


async def _unset_class_teacher(ctx: Context, school_class: SchoolClass) -> None:
    s = ctx.services
    async with ctx.commit():
        previous = await s.repos.memberships.unset_class_teacher(school_class, s.now())
        if previous is None:
            raise BadCommand("no class teacher", text=f"У {school_class} нет классного руководителя.")
        if not await s.repos.memberships.classes_led_by(previous):
            await s.repos.people.revoke(previous, Role.CLASS_TEACHER)
        await _audit(ctx, "class_teacher_removed", previous, **{"class": str(school_class)})
        ctx.reply(f"У {school_class} больше нет классного руководителя. Назначить: /классрук <учитель> {school_class}")
        ctx.send(previous, f"Вы больше не классный руководитель {school_class} (решение администратора школы).")


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


async def move(ctx: Context, args: PersonAndClass | ClassTransfer) -> None:
    if isinstance(args, ClassTransfer):
        await school_year.transfer(ctx, args)
        return
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
        await s.repos.classlists.move_person(person.id, args.school_class)  # their line of the class list follows
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
    families = await _families_of_pupil(ctx, person)
    parents = await s.labels(dict.fromkeys(c.parent_id for c in families))
    async with ctx.commit():
        ended = await s.repos.memberships.end_all(person.id, s.now())
        for role in person.roles - {Role.ADMIN}:
            await s.repos.people.revoke(person.id, role)
        listed = await s.repos.classlists.remove_person(person.id)
        ctx.owe(*(RemoveMember(chat=chat.id, person=person.id,
                               on_failure=f"Не смог удалить {shown} из чата «{chat.title}»: {{problem}}.")
                  for chat in chats))
        await _audit(ctx, "person_removed", person.id, memberships=len(ended), chats=len(chats), class_list=listed)
        where = ", ".join(chat.title for chat in chats) if chats else "привязанных чатов нет"
        done = gendered(person.likely_gender, f"{shown} исключён из школы", f"{shown} исключена из школы",
                        f"Исключение из школы: {shown}")
        ctx.reply(f"{done}. Групп: {len(ended)}. Удаляю из привязанных чатов, где этот человек есть: {where}.")
        if families:
            text = (f"Родители {s.link(person, Case.GENT, noun='ученик')}: " + "; ".join(
                f"{parents[c.parent_id]} (ребёнок: {c.name}, {c.school_class})" for c in families)
                + ". Ребёнок выбыл — исключить и их из класса и чата родителей? Родитель, у которого в классе есть "
                  "другие дети, останется их родителем.")
            await confirm.ask(ctx, kind=LEAVER_PARENTS_KIND, text=text, cancel="Оставить родителей",
                              choices=[("Исключить родителей", None, "negative")],
                              payload={"children": [c.id for c in families]})


async def _families_of_pupil(ctx: Context, person: Person) -> list[Child]:
    """Parents' records of this pupil: children of the pupil's classes whose name is the pupil's (as the
    profile shows it, or as the class list has it)."""
    s = ctx.services
    memberships = await s.repos.memberships.of_person(person.id)
    classes = {m.group.school_class for m in memberships
               if m.role is Role.STUDENT and m.group.kind is GroupKind.CLASS and m.group.school_class is not None}
    names = [person.display_name, *(f"{p.surname} {p.name}" for p in await s.repos.classlists.of_person(person.id))]
    if not person.display_name:  # MAX tells names only in updates and member lists
        for school_class in classes:
            profile = (await classlist.names_in_class_chat(ctx, school_class)).get(person.id)
            if profile is not None:
                names.append(profile.name)
    found: list[Child] = []
    for school_class in sorted(classes):
        for child in await s.repos.memberships.children_in(school_class):
            if any(name and names_overlap(child.name, name) for name in names):
                found.append(child)
    return found


async def confirm_leaver_parents(ctx: Context, staged: Staged, _: str | None) -> None:
    """«Исключить родителей»: the child's record ends; a parent without other children in the class
    leaves it (and its parents' chat); one without children at all is no longer «родитель»."""
    if not may(ctx.actor.roles, Action.MANAGE_PEOPLE):
        raise PermissionDenied("leaver parents press", text=confirm.NOT_YOURS)
    s = ctx.services
    wanted = {int(i) for i in staged.payload.get("children", [])}
    records = list(await s.repos.memberships.children_by_ids(wanted))
    leaving: list[tuple[Child, bool]] = []
    for child in records:
        others = [c for c in await s.repos.memberships.children_of(child.parent_id)
                  if c.id not in wanted and c.school_class == child.school_class]
        leaving.append((child, not others))
    chats = {child.parent_id: await s.repos.chats.find(ChatBinding(purpose=ChatPurpose.CLASS_PARENTS,
                                                                   class_label=str(child.school_class)),
                                                       platform_of(child.parent_id))
             for child, leaves in leaving if leaves}
    now = s.now()
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=True):
            return
        await s.repos.memberships.end_children([c.id for c, _ in leaving], now)
        for child, leaves in leaving:
            if leaves:
                await s.repos.memberships.end_one(child.parent_id, Role.PARENT, Group.of_class(child.school_class), now)
                ctx.owe(*(RemoveMember(chat=chat.id, person=child.parent_id) for chat in chats.get(child.parent_id, [])
                          if s.serves(chat.id)))
                ctx.send(child.parent_id, f"{child.name} выбыл(а) из {child.school_class}: вы больше не числитесь "
                                          f"родителем {child.school_class}. Спасибо, что были с классом!")
        await s.repos.memberships.drop_idle_roles([c.parent_id for c, _ in leaving], (Role.PARENT,))
        await _audit(ctx, "leaver_parents_removed", ctx.actor.id, children=len(leaving),
                     parents_left=sum(1 for _, leaves in leaving if leaves))
        confirm.settle(ctx, staged, "✅ Родители исключены.")
        ctx.answer("Готово.")
        ctx.reply(f"Родители выбывшего ученика: исключено из класса — {sum(1 for _, leaves in leaving if leaves)}, "
                  f"остались родителями других детей класса — {sum(1 for _, leaves in leaving if not leaves)}.")


async def facts_of(ctx: Context, person_id: PersonId) -> MemberFacts:
    roles = (await ctx.services.actor(person_id)).roles
    return await ctx.services.repos.memberships.facts(person_id, roles)
