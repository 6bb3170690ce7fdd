"""/участники: who belongs where, and who sits in a bound chat without a membership (clause 3.2).

Built to scale to a whole school: the chats' member lists are read at once (VK: 25 chats in one
`execute`; MAX: concurrently, the rate limiter spacing them) and kept for minutes, current through join
and leave events; the names come with those lists or in batches; the database is asked a fixed number of
queries whatever the number of people (memberships, roles and class teachers all at once), never a
query or a platform call per member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.chats import BoundChat
from bot.errors import PermissionDenied
from bot.flows.context import Context
from bot.flows.requests import scope
from bot.member_lists import Read, read_member_lists
from bot.membership.cards import ChatSection, members_list, school_summary
from bot.membership.groups import Group, SchoolClass
from bot.membership.roster import MemberFacts, Membership, belongs_in, group_of_chat
from bot.membership.scope import check_may_invite
from bot.port.gateway import Profile
from bot.port.ids import PersonId
from bot.roles import Action, Role, may


async def members(ctx: Context, group: Group | None) -> None:
    s = ctx.services
    if not may(ctx.actor.roles, Action.MANAGE_PEOPLE):
        if group is None:
            raise PermissionDenied("members", text="Укажите свой класс, например: /участники 5А")
        classes, subjects = await scope(s, ctx.actor)
        check_may_invite(ctx.actor.roles, classes, subjects, Role.STUDENT, group)
    repo = s.repos.memberships
    everyone = await repo.all_live()
    listed = everyone if group is None else [m for m in everyone if m.group == group]
    chats = [c for c in await s.repos.chats.all()
             if s.serves(c.id) and (group is None or group_of_chat(c.binding) == group)]
    read = await _read_chats(ctx, chats)
    profiles: dict[PersonId, Profile] = {}
    in_chats: list[PersonId] = []
    for found, page_profiles in read:
        profiles.update(page_profiles)
        in_chats += found or []
    facts = await _facts(ctx, in_chats, everyone)
    sections = [ChatSection(binding=chat.binding, unreadable=found is None,
                            strangers=[pid for pid in found or [] if not belongs_in(chat.binding, facts[pid])])
                for chat, (found, _) in zip(chats, read, strict=True)]
    strangers = [pid for section in sections for pid in section.strangers]
    if group is None:
        teachers = await repo.all_class_teachers()
        named = await s.people([*strangers, *teachers.values()], known=profiles)
        names = {pid: s.link(person) for pid, person in named.items()}
        shown = {str(c): named[t].display_name or "без имени" for c, t in teachers.items()}
        ctx.reply(school_summary(listed, sections, names, shown))
        return
    names = await s.labels([m.person_id for m in listed] + strangers, known=profiles)
    ctx.reply(members_list(listed, sections, names, str(group)))


async def _read_chats(ctx: Context, chats: list[BoundChat]) -> list[Read]:
    found = await read_member_lists(ctx.services, [chat.id for chat in chats])
    return [found.get(chat.id, (None, {})) for chat in chats]


async def _facts(ctx: Context, people: Iterable[PersonId], everyone: list[Membership]) -> dict[PersonId, MemberFacts]:
    """What the roster knows of each chat member, from three queries for everyone."""
    s = ctx.services
    wanted = list(dict.fromkeys(people))
    roles = await s.repos.people.roles_of_many(wanted)
    admins = set(s.order_admins)
    groups: dict[PersonId, set[tuple[Role, Group]]] = defaultdict(set)
    for m in everyone:
        groups[m.person_id].add((m.role, m.group))
    led: dict[PersonId, set[SchoolClass]] = defaultdict(set)
    for school_class, teacher in (await s.repos.memberships.all_class_teachers()).items():
        led[teacher].add(school_class)
    return {
        pid: MemberFacts(person_id=pid, roles=roles[pid] | ({Role.ADMIN} if pid in admins else frozenset()),
                         groups=frozenset(groups[pid]), class_teacher_of=frozenset(led[pid]))
        for pid in wanted
    }
