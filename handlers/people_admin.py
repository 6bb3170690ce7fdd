"""The school's people (clause 3.2): /подтвердить, /классрук, /админ, /перевести, /исключить, /участники."""

from __future__ import annotations

from collections import defaultdict

from vkbottle.bot import BotLabeler, Message

from bot.chats import ChatBinding
from bot.errors import BadCommand, PermissionDenied
from bot.help import CommandHelp, register
from bot.membership.cards import ChatSection, members_list
from bot.membership.eligibility import check_can_be_extra_admin, check_can_be_verified, check_can_lead_a_class
from bot.membership.groups import CLASS_EXAMPLE, parse_class, parse_group
from bot.membership.roster import belongs_in, group_of_chat, plan_move, student_class
from bot.membership.scope import check_may_invite
from bot.membership.users import take_user
from bot.people import Person, profile
from bot.roles import Action, Role, is_admin, may, require
from bot.services import Services
from handlers.common import CommandRule, polite
from handlers.roster import ChatOps
from storage.memberships import MembershipsRepo

VERIFY_USAGE = "Формат: /подтвердить <пользователь>"
CLASSTEACHER_USAGE = "Формат: /классрук <пользователь> <класс>, например: /классрук id123 5А"
ADMIN_USAGE = "Формат: /админ добавить|убрать <пользователь>"
MOVE_USAGE = "Формат: /перевести <ученик> <класс>, например: /перевести id123 6Б"
REMOVE_USAGE = "Формат: /исключить <пользователь>"
_ADD = frozenset({"add", "добавить", "назначить"})
_DROP = frozenset({"remove", "убрать", "снять"})

_HELP = (
    CommandHelp(action=Action.MANAGE_PEOPLE, usage="/подтвердить <учитель>", what="подтвердить статус «учитель»"),
    CommandHelp(action=Action.MANAGE_PEOPLE, usage="/классрук <учитель> <класс>", what="назначить классного руководителя"),
    CommandHelp(action=Action.APPOINT_ADMINS, usage="/админ добавить|убрать <учитель>", what="дополнительные администраторы"),
    CommandHelp(action=Action.MANAGE_PEOPLE, usage="/перевести <ученик> <класс>", what="перевести ученика в другой класс"),
    CommandHelp(action=Action.MANAGE_PEOPLE, usage="/исключить <пользователь>", what="исключить из всех групп и чатов"),
    CommandHelp(action=Action.MANAGE_PEOPLE, usage="/участники [группа]", what="кто где состоит"),
)


def _reply_author(message: Message) -> int | None:
    reply = message.reply_message
    return reply.from_id if reply is not None and reply.from_id and reply.from_id > 0 else None


def people_admin_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    register(*_HELP)
    memberships = MembershipsRepo(services.db)
    ops = ChatOps(services, memberships)

    async def target(message: Message, args: str, usage: str) -> tuple[Person, str]:
        user_id, rest = take_user(args, _reply_author(message), usage)
        return await services.person(user_id), rest

    def shown(person: Person) -> str:
        return profile(person.vk_id, person.display_name)

    async def audit(actor: Person, action: str, whom: Person, **details: object) -> None:
        await services.audit.record(actor_id=actor.vk_id, action=action, now=services.now(), target_id=whom.vk_id,
                                    details=dict(details))

    @labeler.message(CommandRule(services, "verify", "подтвердить"))
    @polite
    async def verify(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_PEOPLE)
        person, _ = await target(message, args, VERIFY_USAGE)
        check_can_be_verified(person.roles)
        if not await memberships.verify(person.vk_id, actor.vk_id, services.now()):
            await message.answer(f"Статус «учитель» у {shown(person)} уже подтверждён.")
            return
        await audit(actor, "teacher_verified", person)
        await message.answer(f"Статус «учитель» подтверждён: {shown(person)}.")

    @labeler.message(CommandRule(services, "classteacher", "классрук"))
    @polite
    async def classteacher(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_PEOPLE)
        person, rest = await target(message, args, CLASSTEACHER_USAGE)
        if not rest:
            raise BadCommand("no class", text=f"{CLASSTEACHER_USAGE}\n{CLASS_EXAMPLE}")
        school_class = parse_class(rest)
        check_can_lead_a_class(person.roles)
        now = services.now()
        previous = await memberships.set_class_teacher(school_class, person.vk_id, actor.vk_id, now)
        await services.people.grant(person.vk_id, Role.CLASS_TEACHER, actor.vk_id, now)
        if previous is not None and not await memberships.classes_led_by(previous):
            await services.people.revoke(previous, Role.CLASS_TEACHER)
        await audit(actor, "class_teacher_assigned", person, **{"class": str(school_class), "previous": previous})
        await message.answer(f"{shown(person)} — классный руководитель {school_class}.")

    @labeler.message(CommandRule(services, "admin", "админ"))
    @polite
    async def admin(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.APPOINT_ADMINS)
        verb, _, rest = args.strip().partition(" ")
        if verb.lower() not in _ADD | _DROP:
            raise BadCommand("bad admin verb", text=ADMIN_USAGE)
        person, _ = await target(message, rest, ADMIN_USAGE)
        if verb.lower() in _ADD:
            check_can_be_extra_admin(person.roles, verified=await memberships.is_verified(person.vk_id))
            await services.people.grant(person.vk_id, Role.EXTRA_ADMIN, actor.vk_id, services.now())
            await audit(actor, "extra_admin_added", person)
            await message.answer(f"{shown(person)} — дополнительный администратор.")
            return
        if person.vk_id in services.config.school.admins:
            raise BadCommand("config admin", text="Этот администратор назначен приказом директора; снять его можно только в настройках бота.")
        if not await services.people.revoke(person.vk_id, Role.EXTRA_ADMIN):
            raise BadCommand("not extra admin", text=f"{shown(person)} не дополнительный администратор.")
        await audit(actor, "extra_admin_removed", person)
        await message.answer(f"{shown(person)} больше не администратор.")

    @labeler.message(CommandRule(services, "move", "перевести"))
    @polite
    async def move(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_PEOPLE)
        person, rest = await target(message, args, MOVE_USAGE)
        if not rest:
            raise BadCommand("no class", text=f"{MOVE_USAGE}\n{CLASS_EXAMPLE}")
        new_class = parse_class(rest)
        current = await memberships.of_person(person.vk_id)
        old_class = student_class(current)
        plan = plan_move(student_id=person.vk_id, student_name=person.display_name, memberships=current,
                         new_class=new_class, children_of_old_class=await memberships.children_in(old_class))
        now = services.now()
        await memberships.apply_changes(end=plan.end, start=plan.start, now=now,
                                        children=[(child, new_class) for child in plan.children])
        for who, binding in plan.leave:
            await ops.remove_everywhere(who, [binding])
        joining: dict[int, list[ChatBinding]] = defaultdict(list)
        for who, binding in plan.join:
            joining[who].append(binding)
        for who, bindings in joining.items():
            await ops.send_links(who, bindings, f"{person.display_name or 'Ученик'} переведён(а) в {new_class}. Новые чаты:")
        await audit(actor, "student_moved", person, **{"from": str(old_class), "to": str(new_class),
                                                      "parents": plan.parent_ids})
        parents = f" Родители тоже переведены: {len(plan.parent_ids)}." if plan.parent_ids else " Родителей с таким именем ребёнка не нашёл."
        await message.answer(f"{shown(person)} переведён(а) из {old_class} в {new_class}.{parents}")

    @labeler.message(CommandRule(services, "remove", "исключить"))
    @polite
    async def remove(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_PEOPLE)
        person, _ = await target(message, args, REMOVE_USAGE)
        if is_admin(person.roles):
            raise BadCommand("remove admin", text="Администратора нельзя исключить. Сначала: /админ убрать")
        ended = await memberships.end_all(person.vk_id, services.now())
        for role in person.roles:
            await services.people.revoke(person.vk_id, role)
        chats = await services.chats.all()
        removed = await ops.remove_everywhere(person.vk_id, [chat.binding for chat in chats])
        await audit(actor, "person_removed", person, memberships=len(ended), chats=len(removed))
        where = ", ".join(removed) if removed else "ни в одном привязанном чате не был(а)"
        await message.answer(f"{shown(person)} исключён(а). Групп: {len(ended)}. Чаты: {where}.")

    @labeler.message(CommandRule(services, "members", "участники"))
    @polite
    async def members(message: Message, actor: Person, args: str) -> None:
        group = parse_group(args) if args.strip() else None
        if not may(actor.roles, Action.MANAGE_PEOPLE):
            if group is None:
                raise PermissionDenied("members", text="Укажите свой класс, например: /участники 5А")
            classes, subjects = await memberships.classes_led_by(actor.vk_id), await memberships.subject_groups_of(actor.vk_id)
            check_may_invite(actor.roles, classes, subjects, Role.STUDENT, group)
        listed = await memberships.in_group(group) if group is not None else await memberships.all_live()
        chats = [c for c in await services.chats.all() if group is None or group_of_chat(c.binding) == group]
        sections = []
        for chat in chats:
            ids = await ops.member_ids(chat)
            if ids is None:
                sections.append(ChatSection(binding=chat.binding, strangers=[], unreadable=True))
                continue
            strangers = [i for i in ids if not belongs_in(chat.binding, await ops.facts(i))]
            sections.append(ChatSection(binding=chat.binding, strangers=strangers))
        ids = {m.vk_id for m in listed} | {i for s in sections for i in s.strangers}
        names = {i: (await services.person(i)).display_name for i in ids}
        title = str(group) if group is not None else "вся школа"
        await message.answer(members_list(listed, sections, names, title))

    return labeler

