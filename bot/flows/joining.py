"""Following an invitation (clauses 3.5–3.6): a deep link's start or /вступить CODE, then, for a
parent, the child's name. The conversation's state lives in the database (a request waiting for
the child's name), so a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.consent import AGREE, DISAGREE, asked_text
from bot.errors import BadCommand, InviteError, InviteUnknown, InviteUsedUp, TooManyAttempts
from bot.flows import confirm
from bot.flows.context import Context
from bot.flows.help import show_help
from bot.flows.requests import card_facts, owe_cards, send_links, welcome
from bot.membership.cards import CardFacts
from bot.membership.codes import normalise_code
from bot.membership.durations import format_duration
from bot.membership.invites import Invite, InviteState, check_usable, effective_state
from bot.membership.requests import CHILD_NAME_HINT, JoinRequest, JoinRequestState, initial_state, name_child
from bot.roles import ROLE_TITLES, Role
from storage.join_requests import DuplicateRequest

JOIN_USAGE = "Напишите код приглашения так: /вступить ABCD-EFGH"
CONSENT_KIND = "consent"


def status_of(request: JoinRequest) -> str:
    if request.state is JoinRequestState.AWAITING_CHILD:
        return CHILD_NAME_HINT
    if request.state is JoinRequestState.PENDING:
        return f"Ваша заявка №{request.id} уже отправлена и ждёт решения. Я напишу, когда её рассмотрят."
    if request.state is JoinRequestState.APPROVED:
        return f"Вы уже присоединились по этой ссылке (заявка №{request.id})."
    return (
        f"Заявка №{request.id} по этой ссылке уже рассмотрена. "
        "Если нужна помощь, обратитесь к классному руководителю или администратору."
    )


async def started(ctx: Context, payload: str) -> None:
    """Someone opened the bot: with an invitation code in the deep link, or just «Начать»."""
    if payload.strip():
        await join(ctx, payload)
    else:
        await show_help(ctx)


async def _find_invite(ctx: Context, code_text: str) -> Invite:
    throttle = ctx.services.features.code_throttle
    moment = ctx.services.now().timestamp()
    wait = throttle.check(ctx.actor.id, moment)
    if wait > 0:
        shown = format_duration(timedelta(seconds=max(wait, 60)))
        raise TooManyAttempts("throttled", text=f"Слишком много неверных кодов. Попробуйте через {shown}.")
    code = normalise_code(code_text)
    invite = await ctx.services.repos.invites.get(code) if code is not None else None
    if invite is None:
        throttle.record_failure(ctx.actor.id, moment)
        raise InviteUnknown("unknown code")
    throttle.record_success(ctx.actor.id)
    return invite


async def _already_member(ctx: Context, invite: Invite) -> bool:
    # A parent may bring a second child of the same class, so parents are never "already in".
    if invite.role is Role.PARENT or invite.group is None:
        return False
    memberships = await ctx.services.repos.memberships.of_person(ctx.actor.id)
    return any((m.role, m.group) == (invite.role, invite.group) for m in memberships)


async def join(ctx: Context, code_text: str) -> None:
    """/вступить CODE or a deep link: file a request from the invitation (one use, atomically).

    A parent first sees the consent to the processing of the child's data: nothing about a child
    is stored, and no request is made, before «Согласен» (152-ФЗ)."""
    if not code_text.strip():
        raise BadCommand("no code", text=JOIN_USAGE)
    s = ctx.services
    invite = await _find_invite(ctx, code_text)
    previous = await s.repos.requests.latest_for(ctx.actor.id, invite.code)
    if previous is not None:
        ctx.reply(status_of(previous))
        return
    if await _already_member(ctx, invite):
        await _links_again(ctx, invite)
        return
    now = s.now()
    state = effective_state(invite, now)
    if state is not InviteState.ACTIVE:
        await _refuse(ctx, invite, state, now)
        return
    if invite.role is Role.PARENT and not await s.repos.consents.has(ctx.actor.id, s.features.consent.version):
        await ask_consent(ctx, invite)
        return
    await open_request(ctx, invite)


async def ask_consent(ctx: Context, invite: Invite) -> None:
    """The consent text with «Согласен» / «Не согласен»; the question is stored, the link not used yet."""
    s = ctx.services
    consent = s.features.consent
    async with ctx.commit():
        await s.repos.staged.cancel_pending(CONSENT_KIND, ctx.actor.id, s.now())
        await confirm.ask(ctx, kind=CONSENT_KIND, payload={"code": invite.code, "version": consent.version},
                          text=asked_text(consent), choices=[(AGREE, None, "positive")], cancel=DISAGREE)


async def open_request(ctx: Context, invite: Invite,
                       first: Callable[[], Awaitable[bool]] | None = None) -> None:
    """File the request (one use of the link) and go on; `first` runs inside the same commit before
    it (a consent recorded) and may stop it by returning False."""
    s = ctx.services
    now = s.now()
    facts = await card_facts(s, ctx.actor.id, invite)
    async with ctx.commit():
        if first is not None and not await first():
            return
        try:
            request = await s.repos.requests.open_from_invite(
                invite, ctx.actor.id, initial_state(invite.role, invite.needs_approval), now)
        except DuplicateRequest:  # the same person opened the link twice at once
            again = await s.repos.requests.latest_for(ctx.actor.id, invite.code)
            ctx.reply(status_of(again) if again else JOIN_USAGE)
            return
        if request is None:  # someone else took the last use between the read and the update
            raise InviteUsedUp("used up")
        await s.repos.audit.record(
            actor_id=ctx.actor.id, action="join_request_opened", now=now, target_id=ctx.actor.id,
            details={"request": request.id, "code": invite.code, "role": invite.role.value,
                     "group": str(invite.group)},
        )
        await _proceed(ctx, request, facts)


async def _links_again(ctx: Context, invite: Invite) -> None:
    """Already in the group (they left a chat and came back with a new invitation): the chats' links again."""
    assert invite.group is not None
    intro = (f"Вы уже состоите в группе {invite.group} как {ROLE_TITLES[invite.role]}. "
             "Если вы вышли из чата, вот ссылки, чтобы вернуться:")
    label = ctx.services.link(await ctx.services.person(ctx.actor.id))
    async with ctx.commit():
        await send_links(ctx, ctx.actor.id, invite.role, invite.group, intro, label)


async def _refuse(ctx: Context, invite: Invite, state: InviteState, now: datetime) -> None:
    """Revoked, used up or expired: a polite text saying whom to ask; an expired link is marked so."""
    try:
        check_usable(invite, now)
    except InviteError as error:
        text = error.text
    async with ctx.commit():
        if state is InviteState.EXPIRED:
            await ctx.services.repos.invites.expire_due(now)  # the stored state catches up with the clock
        ctx.reply(text)


async def _proceed(ctx: Context, request: JoinRequest, facts: CardFacts) -> None:
    """What follows a request's new state: ask for the child, show the cards, or welcome."""
    s = ctx.services
    if request.state is JoinRequestState.AWAITING_CHILD:
        ctx.reply(f"Здравствуйте! Вы присоединяетесь как родитель ({request.group}). {CHILD_NAME_HINT}")
    elif request.state is JoinRequestState.PENDING:
        await owe_cards(ctx, request, facts)
        ctx.reply(f"Спасибо! Заявка №{request.id} отправлена классному руководителю и администратору. "
                  "Я напишу, когда её рассмотрят.")
    else:  # the link was made with approve=no: the link's author decided in advance
        await s.repos.audit.record(
            actor_id=request.person_id, action="join_request_auto_approved", now=s.now(),
            target_id=request.person_id, details={"request": request.id, "code": request.invite_code},
        )
        await welcome(ctx, request, facts.applicant)


async def child_named(ctx: Context, request: JoinRequest, text: str) -> None:
    """A parent's answer that looks like a name, while their request waits for it."""
    s = ctx.services
    invite = await s.repos.invites.get(request.invite_code)
    now = s.now()
    named = name_child(request, text, needs_approval=invite.needs_approval if invite else True, now=now)
    facts = await card_facts(s, named.person_id, invite, named)
    async with ctx.commit():
        saved = await s.repos.requests.save(request.state, named, now,
                                            enrol_by=invite.created_by if invite is not None else None)
        if not saved:
            ctx.reply(status_of(await s.repos.requests.get(request.id) or request))
            return
        await _proceed(ctx, named, facts)
