"""Join requests after the link: cards for the deciders, decisions, the welcome (clause 3.2).

A decision is one conditional UPDATE committed with everything it owes (the welcome with the
chats' links or the refusal, the cards edited): whoever comes second (another administrator,
a second press) is told the request was already decided, and a crash never leaves a decision
without its messages. A welcome that can never be delivered (the person blocked the bot) is
reported to the staff and can be sent again from /заявки.
"""

from __future__ import annotations

import logging

from bot.buttons import callback, row
from bot.chats import ChatBinding
from bot.classlist.checks import Applicant, card_checks
from bot.classlist.matching import find_pupils
from bot.errors import BadCommand, NotFound, PermissionDenied
from bot.flows.context import Context
from bot.membership import requests as lifecycle
from bot.membership.cards import CardFacts, already_decided, decided_card, request_card, requests_list
from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import Invite
from bot.membership.requests import JoinRequest, JoinRequestState
from bot.membership.roster import chats_for
from bot.membership.scope import check_may_decide
from bot.people import Person
from bot.port.effects import Buttons, ChatLinkLine, Edit, SendChatLinks
from bot.port.ids import PersonId, platform_of
from bot.roles import Role
from bot.services import Services

log = logging.getLogger(__name__)

APPROVE, REJECT, RESEND = "req_approve", "req_reject", "req_resend"
OPEN_STATES = (JoinRequestState.PENDING, JoinRequestState.AWAITING_CHILD)
MAX_RESEND_BUTTONS = 5


def card_tag(request_id: int) -> str:
    return f"card:{request_id}"


def welcome_tag(request_id: int) -> str:
    return f"welcome:{request_id}"


async def scope(s: Services, actor: Person) -> tuple[frozenset[SchoolClass], frozenset[Group]]:
    """The classes an actor leads and the subject groups they teach (3.3, 3.4)."""
    memberships = s.repos.memberships
    return await memberships.classes_led_by(actor.id), await memberships.subject_groups_of(actor.id)


async def card_facts(s: Services, applicant: PersonId, invite: Invite | None,
                     request: JoinRequest | None = None) -> CardFacts:
    """How the card shows the applicant and who issued the link, and the applicant checked against
    the class list and their present roles (platform calls: before a commit)."""
    ids = [applicant] + ([invite.created_by] if invite is not None else [])
    people = await s.people(ids)
    issuer = s.link(people[invite.created_by]) if invite is not None else "неизвестно"
    role = request.role if request is not None else invite.role if invite is not None else None
    group = request.group if request is not None else invite.group if invite is not None else None
    if role is None:
        return CardFacts(applicant=s.link(people[applicant]), issuer=issuer)
    school_class = group.school_class if group is not None else None
    who = Applicant(name=people[applicant].display_name, roles=people[applicant].roles,
                    memberships=tuple(await s.repos.memberships.of_person(applicant)))
    school = await s.repos.classlists.everyone()
    checks = card_checks(role=role, group=group, child_name=request.child_name if request is not None else None,
                         applicant=who, class_pupils=[p for p in school if p.school_class == school_class],
                         school_pupils=school)
    return CardFacts(applicant=s.link(people[applicant]), issuer=issuer, checks=checks)


async def owe_cards(ctx: Context, request: JoinRequest, facts: CardFacts) -> None:
    """The card goes to the staff room and, for a class, to its class teacher in a DM."""
    s = ctx.services
    text = request_card(request, facts)
    buttons = row(callback("Принять", APPROVE, request.id, "positive"),
                  callback("Отклонить", REJECT, request.id, "negative"))
    places: list[str] = list(await s.staff_places())
    school_class = request.group.school_class if request.group is not None else None
    teacher = await s.repos.memberships.class_teacher(school_class) if school_class is not None else None
    if teacher is not None and teacher not in places and s.serves(teacher):
        places.append(teacher)
    for place in places:
        ctx.send(place, text, buttons, tag=card_tag(request.id))
    if not places:
        log.warning("request %s has nowhere to be shown: no staff chat, no class teacher", request.id)


async def welcome(ctx: Context, request: JoinRequest, applicant_label: str) -> None:
    """An approved person gets the links of their chats, read when the message is sent."""
    bindings = chats_for(request.role, request.group) if request.group is not None else ()
    lines = [await _link_line(ctx, binding, request.person_id, applicant_label) for binding in dict.fromkeys(bindings)]
    ctx.owe(SendChatLinks(
        to=request.person_id, intro=f"Ваша заявка №{request.id} принята. Добро пожаловать!", lines=lines,
        tag=welcome_tag(request.id),
        on_failure=(f"Не смог отправить ссылки на чаты по заявке №{request.id} ({applicant_label}): {{problem}}. "
                    "Когда человек напишет боту, откройте /заявки и нажмите «Отправить ещё раз»."),
    ))


async def send_links(ctx: Context, person: PersonId, role: Role, group: Group, intro: str, label: str) -> None:
    """The links of the chats a membership leads to, read when the message is sent (inside the commit);
    `label` names the person to the staff if a chat is not bound."""
    lines = [await _link_line(ctx, binding, person, label) for binding in dict.fromkeys(chats_for(role, group))]
    ctx.owe(SendChatLinks(to=person, intro=intro, lines=lines))


async def _link_line(ctx: Context, binding: ChatBinding, person: PersonId, applicant: str) -> ChatLinkLine:
    """The chat bound for `binding` on the person's own messenger if there is one, else any."""
    chats = [c for c in await ctx.services.repos.chats.find(binding) if ctx.services.serves(c.id)]
    own = [c for c in chats if platform_of(c.id) == platform_of(person)]
    chosen = (own or chats)[:1]
    if not chosen:
        await ctx.tell_staff(f"Не привязан {binding.title()}: ссылку для {applicant} выдать не могу. "
                             "Привяжите чат командой /привязать в нём самом.")
        return ChatLinkLine(title=binding.title(), chat=None)
    return ChatLinkLine(title=binding.title(), chat=chosen[0].id)


def rejection_text(request: JoinRequest) -> str:
    text = f"К сожалению, ваша заявка №{request.id} отклонена."
    if request.reason:
        text += f" Причина: {request.reason}"
    return text + " Если это ошибка, обратитесь к классному руководителю или администратору школы."


async def _decidable(ctx: Context, request_id: int) -> JoinRequest:
    request = await ctx.services.repos.requests.get(request_id)
    if request is None:
        raise NotFound(f"request {request_id}", text=f"Заявки №{request_id} нет. Список: /заявки")
    classes, subjects = await scope(ctx.services, ctx.actor)
    check_may_decide(ctx.actor.roles, classes, subjects, request.role, request.group)
    return request


async def decide(ctx: Context, request_id: int, *, accept: bool, reason: str = "") -> None:
    """Approve or reject; the decider is told in the reply (or the pop-up of the pressed button)."""
    s = ctx.services
    request = await _decidable(ctx, request_id)
    if request.state not in OPEN_STATES:
        _tell_decider(ctx, already_decided(request.id))
        return
    if accept and request.state is JoinRequestState.AWAITING_CHILD:
        raise BadCommand("no child yet", text=f"Заявка №{request.id} ещё ждёт имя ребёнка от родителя.")
    now = s.now()
    after = (lifecycle.approve(request, by=ctx.actor.id, now=now) if accept
             else lifecycle.reject(request, by=ctx.actor.id, now=now, reason=reason))
    facts = await card_facts(s, after.person_id, await s.repos.invites.get(after.invite_code), after)
    pupil = await _listed_pupil(s, after) if accept else None
    decider = s.link(await s.person(ctx.actor.id))
    places = await s.repos.outbox.places_of(card_tag(request.id))
    async with ctx.commit():
        if not await s.repos.requests.save(request.state, after, now):
            _tell_decider(ctx, already_decided(request.id))
            return
        await s.repos.audit.record(
            actor_id=ctx.actor.id, action="join_request_approved" if accept else "join_request_rejected", now=now,
            target_id=request.person_id,
            details={"request": request.id, "role": request.role.value, "group": str(request.group),
                     "with_reason": bool(reason)},
        )
        if accept:
            await welcome(ctx, after, facts.applicant)
            if pupil is not None:
                await s.repos.classlists.link(pupil, after.person_id)
        else:
            ctx.send(request.person_id, rejection_text(after))
        text = decided_card(after, facts, decider)
        ctx.owe(*(Edit(where=place, tag=card_tag(request.id), text=text,
                       fallback=f"{already_decided(request.id)} {decider}.") for place in places))
        _tell_decider(ctx, f"Заявка №{request.id} {'принята' if accept else 'отклонена'}.")


async def _listed_pupil(s: Services, request: JoinRequest) -> int | None:
    """The line of the class list an approved pupil's own request matches, when exactly one does."""
    school_class = request.group.school_class if request.group is not None else None
    if request.role is not Role.STUDENT or school_class is None:
        return None
    pupils = [p for p in await s.repos.classlists.of_class(school_class) if p.person_id is None]
    found = find_pupils((await s.person(request.person_id)).display_name, pupils)
    return found[0].id if len(found) == 1 else None


def _tell_decider(ctx: Context, text: str) -> None:
    """The reply to a command, or the pop-up answer to a pressed card button."""
    if ctx.pressed:
        ctx.answer(text)
    else:
        ctx.reply(text)


async def approve(ctx: Context, request_id: int) -> None:
    await decide(ctx, request_id, accept=True)


async def reject(ctx: Context, args: tuple[int, str]) -> None:
    request_id, reason = args
    await decide(ctx, request_id, accept=False, reason=reason)


async def list_requests(ctx: Context, _: None = None) -> None:
    """Open requests this person may decide, and approved ones whose links did not arrive."""
    s = ctx.services
    classes, subjects = await scope(s, ctx.actor)
    failed = await s.repos.outbox.failed_tags("welcome:")
    undelivered = await s.repos.requests.approved([int(tag.split(":", 1)[1]) for tag in failed])
    visible = []
    for request in [*undelivered, *await s.repos.requests.open_requests()]:
        try:
            check_may_decide(ctx.actor.roles, classes, subjects, request.role, request.group)
        except PermissionDenied:
            continue
        visible.append(request)
    names = await s.labels(r.person_id for r in visible)
    stuck = [r.id for r in visible if r.state is JoinRequestState.APPROVED]
    buttons = None
    if stuck:
        buttons = Buttons(rows=[[callback(f"Отправить ещё раз №{rid}", RESEND, rid, "primary")]
                                for rid in stuck[:MAX_RESEND_BUTTONS]])
    ctx.reply(requests_list(visible, names, undelivered=stuck), buttons)


async def resend_welcome(ctx: Context, request_id: int) -> None:
    """«Отправить ещё раз»: the welcome of an approved request is queued again."""
    request = await _decidable(ctx, request_id)
    if request.state is not JoinRequestState.APPROVED:
        _tell_decider(ctx, already_decided(request.id))
        return
    s = ctx.services
    async with ctx.commit():
        again = await s.repos.outbox.retry_tag(welcome_tag(request.id), s.now())
        if again:
            await s.repos.audit.record(actor_id=ctx.actor.id, action="welcome_resent", now=s.now(),
                                       target_id=request.person_id, details={"request": request.id})
        _tell_decider(ctx, "Отправляю ссылки ещё раз." if again else "Ссылки уже доставлены.")

