"""Following an invitation: the first DM with `ref` (from a vk.me link) or /вступить CODE, and the
parent's next message with the child's name (clauses 3.5–3.6).

The conversation state lives in the database (a request AWAITING_CHILD), so a restart loses nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.commands import parse_command
from bot.errors import BadCommand, InviteUnknown, InviteUsedUp, TooManyAttempts, WrongPlace
from bot.help import CommandHelp, register
from bot.membership.codes import WrongCodeThrottle, normalise_code
from bot.membership.durations import format_duration
from bot.membership.invites import Invite, InviteState, check_usable, effective_state
from bot.membership.requests import (
    CHILD_NAME_HINT,
    JoinRequest,
    JoinRequestState,
    initial_state,
    name_child,
)
from bot.people import Person
from bot.roles import ROLE_TITLES, Action, Role
from bot.services import Services
from handlers.common import polite
from handlers.requests import RequestFlow
from storage.join_requests import DuplicateRequest

JOIN_NAMES = frozenset({"join", "вступить"})
JOIN_USAGE = "Напишите код приглашения так: /вступить ABCD-EFGH"

_HELP = (CommandHelp(action=Action.USE_HELP, usage="/вступить КОД", what="присоединиться по коду приглашения", where="dm"),)


class JoinRule(ABCRule[Message]):
    """A DM opened from a vk.me link (`ref`), or /вступить CODE anywhere (a chat gets a hint)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def check(self, event: Message) -> dict[str, Any] | bool:
        command = parse_command(event.text or "")
        if command is not None and command.name in JOIN_NAMES:
            code_text = command.args
        elif event.peer_id == event.from_id and event.ref and event.action is None:
            code_text = event.ref
        else:
            return False
        return {"code_text": code_text, "actor": await self._services.actor(event.from_id)}


class AwaitingChildRule(ABCRule[Message]):
    """A parent's plain DM while their request waits for the child's name."""

    def __init__(self, flow: RequestFlow) -> None:
        self._flow = flow

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if event.peer_id != event.from_id or event.action is not None or parse_command(event.text or ""):
            return False
        request = await self._flow.requests.awaiting_child(event.from_id)
        return {"request": request} if request is not None else False


def _status_of(request: JoinRequest) -> str:
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


def join_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    register(*_HELP)
    flow = RequestFlow(services)
    throttle = WrongCodeThrottle()  # in memory: a restart forgiving a few typos is harmless

    async def find_invite(user_id: int, code_text: str) -> Invite:
        moment = services.now().timestamp()
        wait = throttle.check(user_id, moment)
        if wait > 0:
            shown = format_duration(timedelta(seconds=max(wait, 60)))
            raise TooManyAttempts("throttled", text=f"Слишком много неверных кодов. Попробуйте через {shown}.")
        code = normalise_code(code_text)
        invite = await flow.invites.get(code) if code is not None else None
        if invite is None:
            throttle.record_failure(user_id, moment)
            raise InviteUnknown(code_text[:20])
        throttle.record_success(user_id)
        return invite

    async def already_member(user_id: int, invite: Invite) -> bool:
        # A parent may bring a second child of the same class, so parents are never "already in".
        if invite.role is Role.PARENT or invite.group is None:
            return False
        return any((m.role, m.group) == (invite.role, invite.group) for m in await flow.memberships.of_person(user_id))

    @labeler.message(JoinRule(services))
    @polite
    async def join(message: Message, actor: Person, code_text: str) -> None:
        if message.peer_id != message.from_id:
            raise WrongPlace("join in chat", text="Код приглашения отправьте мне в личные сообщения.")
        if not code_text.strip():
            raise BadCommand("no code", text=JOIN_USAGE)
        invite = await find_invite(actor.vk_id, code_text)
        previous = await flow.requests.latest_for(actor.vk_id, invite.code)
        if previous is not None:
            await message.answer(_status_of(previous))
            return
        if await already_member(actor.vk_id, invite):
            await message.answer(f"Вы уже состоите в группе {invite.group} как {ROLE_TITLES[invite.role]}.")
            return
        now = services.now()
        if effective_state(invite, now) is InviteState.EXPIRED:
            await flow.invites.expire_due(now)  # the sweep on use: the stored state catches up with the clock
        check_usable(invite, now)  # revoked, used up or expired: a polite text saying whom to ask
        try:
            request = await flow.requests.open_from_invite(
                invite, actor.vk_id, initial_state(invite.role, invite.needs_approval), now
            )
        except DuplicateRequest:  # the same person opened the link twice at once
            request = await flow.requests.latest_for(actor.vk_id, invite.code)
            await message.answer(_status_of(request) if request else JOIN_USAGE)
            return
        if request is None:  # someone else took the last use between the read and the update
            fresh = await flow.invites.get(invite.code)
            check_usable(fresh or invite, now)
            raise InviteUsedUp(invite.code)
        await services.audit.record(
            actor_id=actor.vk_id, action="join_request_opened", now=now, target_id=actor.vk_id,
            details={"request": request.id, "code": invite.code, "role": invite.role.value, "group": str(invite.group)},
        )
        await proceed(message, request)

    async def proceed(message: Message, request: JoinRequest) -> None:
        if request.state is JoinRequestState.AWAITING_CHILD:
            await message.answer(
                f"Здравствуйте! Вы присоединяетесь как родитель ({request.group}). {CHILD_NAME_HINT}"
            )
        elif request.state is JoinRequestState.PENDING:
            await flow.post_cards(request)
            await message.answer(
                f"Спасибо! Заявка №{request.id} отправлена классному руководителю и администратору. "
                "Я напишу, когда её рассмотрят."
            )
        else:  # the link was made with approve=no: the link's author decided in advance
            await services.audit.record(
                actor_id=request.user_id, action="join_request_auto_approved", now=services.now(),
                target_id=request.user_id, details={"request": request.id, "code": request.invite_code},
            )
            await flow.welcome(request)

    @labeler.message(AwaitingChildRule(flow))
    @polite
    async def child_named(message: Message, request: JoinRequest) -> None:
        invite = await flow.invites.get(request.invite_code)
        needs_approval = invite.needs_approval if invite is not None else True
        now = services.now()
        named = name_child(request, message.text or "", needs_approval=needs_approval, now=now)
        enrol_by = invite.created_by if invite is not None else 0
        if not await flow.requests.save(request.state, named, now, enrol_by=enrol_by):
            await message.answer(_status_of(await flow.requests.get(request.id) or request))
            return
        await proceed(message, named)

    return labeler
