"""Invitation links: /пригласить, /ссылки, /отозвать, and /сбросить_ссылку of a chat (clause 3.2)."""

from __future__ import annotations

from datetime import timedelta

from vkbottle.bot import BotLabeler, Message

from bot.binding import parse_bind_args
from bot.chats import is_group_chat
from bot.errors import BadCommand, NotFound, PermissionDenied, WrongPlace
from bot.help import CommandHelp, register
from bot.membership.cards import invite_created, invite_link, invites_list
from bot.membership.codes import new_code
from bot.membership.commands import parse_code_arg, parse_invite_args
from bot.membership.invites import Invite, InviteDefaults, make_invite
from bot.membership.roster import chats_for
from bot.membership.scope import check_may_invite
from bot.people import Person
from bot.roles import Action, may, require
from bot.services import Services
from handlers.common import CommandRule, polite
from handlers.requests import RequestFlow

_INVITERS = (Action.INVITE_ANY, Action.INVITE_OWN_CLASS, Action.INVITE_OWN_SUBJECT)
_UNUSED_WORDS = frozenset({"unused", "неиспользованные", "невостребованные"})
REVOKE_USAGE = "Формат: /отозвать КОД или /отозвать неиспользованные"
RESET_USAGE = "Напишите /сбросить_ссылку в самом чате или из Учительской: /сбросить_ссылку 5А родители"
_CODE_ATTEMPTS = 5  # a collision among 31**8 codes is rare; a few draws settle it

_HELP = (
    CommandHelp(action=Action.INVITE_ANY, usage="/пригласить <роль> [класс] [uses=N] [ttl=7d] [approve=yes|no]",
                what="ссылка-приглашение"),
    CommandHelp(action=Action.INVITE_OWN_CLASS, usage="/пригласить ученик|родитель <свой класс>",
                what="ссылка-приглашение в свой класс"),
    CommandHelp(action=Action.INVITE_OWN_SUBJECT, usage="/пригласить ученик <класс предмет>",
                what="ссылка-приглашение в свою группу"),
    CommandHelp(action=Action.INVITE_ANY, usage="/ссылки", what="действующие ссылки-приглашения"),
    CommandHelp(action=Action.INVITE_OWN_CLASS, usage="/ссылки, /отозвать КОД", what="ваши ссылки-приглашения"),
    CommandHelp(action=Action.INVITE_ANY, usage="/отозвать КОД | неиспользованные", what="аннулировать ссылки"),
    CommandHelp(action=Action.MANAGE_PEOPLE, usage="/сбросить_ссылку [5А родители]", what="новая ссылка чата"),
)


def _defaults(services: Services) -> InviteDefaults:
    config = services.config.invites
    return InviteDefaults(
        ttl=timedelta(days=config.ttl_days),
        single_use_roles=frozenset(config.single_use_roles),
        needs_approval=config.needs_approval,
    )


def invites_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    register(*_HELP)
    flow = RequestFlow(services)

    async def require_inviter_place(message: Message, actor: Person) -> None:
        """Links are issued in the staff chat or a DM, never in a chat of students or parents."""
        if not any(may(actor.roles, a) for a in _INVITERS):
            raise PermissionDenied("invite", text="Извините, ссылки-приглашения выдают администраторы, "
                                                  "классные руководители и учителя (п. 3.2–3.4 Положения).")
        if is_group_chat(message.peer_id):
            staff = await services.chats.staff_chat()
            if staff is None or staff.peer_id != message.peer_id:
                raise WrongPlace("invite in chat", text="Ссылки выдаю в Учительской или в личных сообщениях со мной.")

    async def store_new(args_text: str, actor: Person) -> Invite:
        args = parse_invite_args(args_text)
        classes, subjects = await flow.scope(actor)
        check_may_invite(actor.roles, classes, subjects, args.role, args.group)
        for _ in range(_CODE_ATTEMPTS):
            invite = make_invite(code=new_code(), role=args.role, group=args.group, created_by=actor.vk_id,
                                 now=services.now(), defaults=_defaults(services), uses=args.uses, ttl=args.ttl,
                                 approve=args.approve)
            if await flow.invites.add(invite):
                return invite
        raise RuntimeError("could not draw a free invitation code")

    @labeler.message(CommandRule(services, "invite", "пригласить"))
    @polite
    async def invite(message: Message, actor: Person, args: str) -> None:
        await require_inviter_place(message, actor)
        made = await store_new(args, actor)
        await services.audit.record(
            actor_id=actor.vk_id, action="invite_created", now=services.now(), peer_id=message.peer_id,
            details={"code": made.code, "role": made.role.value, "group": str(made.group),
                     "max_uses": made.max_uses, "needs_approval": made.needs_approval},
        )
        link = invite_link(services.community.screen_name, made.code)
        await message.answer(invite_created(made, link, services.now()))

    @labeler.message(CommandRule(services, "invites", "ссылки"))
    @polite
    async def list_invites(message: Message, actor: Person, args: str) -> None:
        await require_inviter_place(message, actor)
        mine_only = None if may(actor.roles, Action.INVITE_ANY) else actor.vk_id
        await message.answer(invites_list(await flow.invites.live(services.now(), created_by=mine_only), services.now()))

    @labeler.message(CommandRule(services, "revoke", "отозвать"))
    @polite
    async def revoke(message: Message, actor: Person, args: str) -> None:
        await require_inviter_place(message, actor)
        if not args.strip():
            raise BadCommand("no code", text=REVOKE_USAGE)
        mine_only = None if may(actor.roles, Action.INVITE_ANY) else actor.vk_id
        now = services.now()
        if args.strip().lower() in _UNUSED_WORDS:
            unused = await flow.invites.revoke_unused(actor.vk_id, now, created_by=mine_only)
            revoked, text = [], f"Аннулировано неиспользованных ссылок: {len(unused)}."
            for made in unused:
                await services.audit.record(actor_id=actor.vk_id, action="invite_revoked", now=now,
                                            peer_id=message.peer_id, details={"code": made.code, "unused": True})
        else:
            code = parse_code_arg(args)
            found = await flow.invites.get(code)
            if found is None or (mine_only is not None and found.created_by != mine_only):
                raise NotFound(code, text=f"Ссылки {code} нет среди ваших. Список: /ссылки")
            if not await flow.invites.revoke(code, actor.vk_id, now):
                raise BadCommand("not active", text=f"Ссылка {code} уже не действует.")
            revoked, text = [found], f"Ссылка {code} аннулирована."
        for made in revoked:
            await services.audit.record(actor_id=actor.vk_id, action="invite_revoked", now=now,
                                        peer_id=message.peer_id, details={"code": made.code})
        # A revoked link may have been passed around together with the chat's own link, so renew
        # those chats' links; never-used links (/отозвать неиспользованные) led nobody anywhere.
        bindings = [b for i in revoked if i.group is not None for b in chats_for(i.role, i.group)]
        reset = await flow.ops.reset_links(bindings)
        if reset:
            text += " Ссылки чатов сброшены: " + ", ".join(reset) + "."
        await message.answer(text)

    @labeler.message(CommandRule(services, "resetlink", "сбросить_ссылку", "сброситьссылку"))
    @polite
    async def reset_link(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_PEOPLE)
        if args.strip():
            staff = await services.chats.staff_chat()
            in_staff = staff is not None and staff.peer_id == message.peer_id
            if is_group_chat(message.peer_id) and not in_staff:
                raise WrongPlace("reset elsewhere", text=RESET_USAGE)
            chat = await services.chats.find(parse_bind_args(args))
        else:
            chat = await services.chats.get(message.peer_id) if is_group_chat(message.peer_id) else None
        if chat is None:
            raise NotFound("chat", text="Такой чат не привязан. " + RESET_USAGE)
        link = await flow.ops.link(chat, reset=True)
        if link is None:
            raise BadCommand("reset failed", text="Не получилось сбросить ссылку: подробности в Учительской.")
        await services.audit.record(actor_id=actor.vk_id, action="chat_link_reset", now=services.now(),
                                    peer_id=chat.peer_id, details={"chat": chat.binding.title()})
        await message.answer(f"Ссылка чата «{chat.binding.title()}» сброшена, старая больше не работает.")

    return labeler
