"""Join requests: cards with «Принять»/«Отклонить», /заявки, /принять, /отклонить (clause 3.2).

A decision is one conditional UPDATE: whoever comes second (another administrator, a second
press) is told the request was already decided. Every decision is audited.
"""

from __future__ import annotations

import logging

from vkbottle import GroupEventType, VKAPIError
from vkbottle.bot import BotLabeler, Message, MessageEvent

from bot.errors import BadCommand, NotFound, PermissionDenied
from bot.help import CommandHelp, register
from bot.membership import requests as lifecycle
from bot.membership.cards import CardFacts, already_decided, decided_card, request_card, requests_list
from bot.membership.commands import parse_reject_args, parse_request_id
from bot.membership.groups import Group, SchoolClass
from bot.membership.requests import JoinRequest, JoinRequestState
from bot.membership.roster import chats_for
from bot.membership.scope import check_may_decide
from bot.people import Person
from bot.roles import Action, may
from bot.services import Services
from bot.vk.api import VkNetworkError, new_random_id
from handlers.buttons import ButtonPayload, CallbackRule, answer_press, inline_keyboard, polite_press
from handlers.common import CommandRule, polite
from handlers.roster import ChatOps
from storage.invites import InvitesRepo
from storage.join_requests import JoinRequestsRepo
from storage.memberships import MembershipsRepo

log = logging.getLogger(__name__)

APPROVE, REJECT = "req_approve", "req_reject"
_DECIDERS = (Action.DECIDE_REQUESTS, Action.INVITE_OWN_CLASS, Action.INVITE_OWN_SUBJECT)
_OPEN = (JoinRequestState.PENDING, JoinRequestState.AWAITING_CHILD)


class RequestFlow:
    """What happens to a request between the link and the chat; shared by /вступить and the deciders."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self.invites = InvitesRepo(services.db)
        self.requests = JoinRequestsRepo(services.db)
        self.memberships = MembershipsRepo(services.db)
        self.ops = ChatOps(services, self.memberships)

    async def scope(self, actor: Person) -> tuple[frozenset[SchoolClass], frozenset[Group]]:
        """The classes an actor leads and the subject groups they teach (3.3, 3.4)."""
        return await self.memberships.classes_led_by(actor.vk_id), await self.memberships.subject_groups_of(actor.vk_id)

    async def _card_facts(self, request: JoinRequest) -> CardFacts:
        invite = await self.invites.get(request.invite_code)
        issuer_id = invite.created_by if invite is not None else 0
        applicant = await self.s.person(request.user_id)
        issuer = await self.s.person(issuer_id) if issuer_id else Person(vk_id=0)
        return CardFacts(applicant=applicant.display_name, issuer=issuer.display_name, issuer_id=issuer_id)

    async def post_cards(self, request: JoinRequest) -> None:
        """The card goes to the staff chat and, for a class, to its class teacher in a DM."""
        text = request_card(request, await self._card_facts(request))
        keyboard = inline_keyboard(
            ("Принять", ButtonPayload(a=APPROVE, id=request.id), "positive"),
            ("Отклонить", ButtonPayload(a=REJECT, id=request.id), "negative"),
        )
        peers = []
        staff = await self.s.chats.staff_chat()
        if staff is not None:
            peers.append(staff.peer_id)
        school_class = request.group.school_class if request.group is not None else None
        teacher = await self.memberships.class_teacher(school_class) if school_class is not None else None
        if teacher is not None:
            peers.append(teacher)
        for peer in peers:
            cmid = await self._send_card(peer, text, keyboard)
            if cmid is not None:
                await self.requests.add_card(request.id, peer, cmid)
        if not peers:
            log.warning("request %s has nowhere to be shown: no staff chat, no class teacher", request.id)

    async def _send_card(self, peer_id: int, text: str, keyboard: str | None) -> int | None:
        """Send and learn the conversation_message_id (peer_ids answers with it), to edit the card later."""
        params: dict[str, object] = {"peer_ids": str(peer_id), "message": text, "random_id": new_random_id()}
        if keyboard is not None:
            params["keyboard"] = keyboard
        try:
            response = await self.s.api.request("messages.send", params)
        except (VKAPIError, VkNetworkError) as error:
            log.warning("card to %s not sent: %s", peer_id, type(error).__name__)
            return None
        results = response.get("response")
        if isinstance(results, list) and results and isinstance(results[0], dict):
            cmid = results[0].get("conversation_message_id")
            return int(cmid) if cmid else None
        return None

    async def _edit_cards(self, request: JoinRequest, decider: str) -> None:
        text = decided_card(request, await self._card_facts(request), decider)
        for peer_id, cmid in await self.requests.cards(request.id):
            try:  # no keyboard in the edit: the buttons disappear, so nobody decides twice
                await self.s.api.request(
                    "messages.edit", {"peer_id": peer_id, "conversation_message_id": cmid, "message": text}
                )
            except (VKAPIError, VkNetworkError):
                await self.s.send(peer_id, f"{already_decided(request.id)} {decider}.")

    async def welcome(self, request: JoinRequest) -> None:
        """An approved person gets the links of their chats."""
        intro = f"Ваша заявка №{request.id} принята. Добро пожаловать!"
        bindings = chats_for(request.role, request.group) if request.group is not None else ()
        await self.ops.send_links(request.user_id, bindings, intro)

    async def decide(self, actor: Person, request_id: int, *, accept: bool, reason: str = "") -> str:
        """Approve or reject; returns the reply for the decider."""
        request = await self.requests.get(request_id)
        if request is None:
            raise NotFound(f"request {request_id}", text=f"Заявки №{request_id} нет. Список: /заявки")
        classes, subjects = await self.scope(actor)
        check_may_decide(actor.roles, classes, subjects, request.role, request.group)
        if request.state not in _OPEN:
            return already_decided(request.id)
        if accept and request.state is JoinRequestState.AWAITING_CHILD:
            raise BadCommand("no child yet", text=f"Заявка №{request.id} ещё ждёт имя ребёнка от родителя.")
        now = self.s.now()
        after = (
            lifecycle.approve(request, by=actor.vk_id, now=now)
            if accept
            else lifecycle.reject(request, by=actor.vk_id, now=now, reason=reason)
        )
        if not await self.requests.save(request.state, after, now):
            return already_decided(request.id)
        await self.s.audit.record(
            actor_id=actor.vk_id, action="join_request_approved" if accept else "join_request_rejected", now=now,
            target_id=request.user_id,
            details={"request": request.id, "role": request.role.value, "group": str(request.group),
                     "with_reason": bool(reason)},
        )
        decider = (await self.s.named(actor)).display_name or f"id{actor.vk_id}"
        if accept:
            await self.welcome(after)
        else:
            await self.s.send(request.user_id, _rejection_text(after))
        await self._edit_cards(after, decider)
        return f"Заявка №{request.id} {'принята' if accept else 'отклонена'}."


def _rejection_text(request: JoinRequest) -> str:
    text = f"К сожалению, ваша заявка №{request.id} отклонена."
    if request.reason:
        text += f" Причина: {request.reason}"
    return text + " Если это ошибка, обратитесь к классному руководителю или администратору школы."


_HELP = (
    CommandHelp(action=Action.DECIDE_REQUESTS, usage="/заявки", what="заявки на вступление"),
    CommandHelp(action=Action.DECIDE_REQUESTS, usage="/принять N", what="принять заявку"),
    CommandHelp(action=Action.DECIDE_REQUESTS, usage="/отклонить N [причина]", what="отклонить заявку"),
    CommandHelp(action=Action.INVITE_OWN_CLASS, usage="/заявки, /принять N, /отклонить N [причина]",
                what="заявки в свой класс"),
)


def requests_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    register(*_HELP)
    flow = RequestFlow(services)

    @labeler.message(CommandRule(services, "requests", "заявки"))
    @polite
    async def list_requests(message: Message, actor: Person, args: str) -> None:
        if not any(may(actor.roles, action) for action in _DECIDERS):
            raise PermissionDenied("requests", text="Извините, заявки рассматривают администраторы и классные руководители.")
        classes, subjects = await flow.scope(actor)
        visible = []
        for request in await flow.requests.open_requests():
            try:
                check_may_decide(actor.roles, classes, subjects, request.role, request.group)
            except PermissionDenied:
                continue
            visible.append(request)
        names = {r.user_id: (await services.person(r.user_id)).display_name for r in visible}
        await message.answer(requests_list(visible, names))

    @labeler.message(CommandRule(services, "approve", "принять"))
    @polite
    async def approve_command(message: Message, actor: Person, args: str) -> None:
        await message.answer(await flow.decide(actor, parse_request_id(args), accept=True))

    @labeler.message(CommandRule(services, "reject", "отклонить"))
    @polite
    async def reject_command(message: Message, actor: Person, args: str) -> None:
        request_id, reason = parse_reject_args(args)
        await message.answer(await flow.decide(actor, request_id, accept=False, reason=reason))

    @labeler.raw_event(GroupEventType.MESSAGE_EVENT, MessageEvent, CallbackRule(services, APPROVE, REJECT))
    @polite_press
    async def press(event: MessageEvent, payload: ButtonPayload, actor: Person) -> None:
        # The payload came from a client: CallbackRule validated its shape, decide() re-checks
        # that the request exists, is open, and that this presser may decide it.
        await answer_press(event, await flow.decide(actor, payload.id, accept=payload.a == APPROVE))

    return labeler
