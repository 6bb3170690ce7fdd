"""Invitation links (clause 3.2): /пригласить, /ссылки, /отозвать, /сбросить_ссылку of a chat."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from bot.chats import BoundChat, ChatBinding
from bot.commands.table import Revoke
from bot.errors import BadCommand, NotFound
from bot.flows.context import Context
from bot.flows.requests import scope
from bot.membership.cards import invite_created, invites_list
from bot.membership.codes import new_code
from bot.membership.commands import InviteArgs
from bot.membership.invites import Invite, InviteDefaults, make_invite
from bot.membership.roster import chats_for
from bot.membership.scope import check_may_invite
from bot.port.effects import ResetLink
from bot.port.ids import PersonId
from bot.roles import Action, may

RESET_USAGE = "Напишите /сбросить_ссылку в самом чате или из «Учительской»: /сбросить_ссылку 5А родители"
_CODE_ATTEMPTS = 5  # a collision among 31**8 codes is rare; a few draws settle it


def _defaults(ctx: Context) -> InviteDefaults:
    config = ctx.services.config.invites
    return InviteDefaults(ttl=timedelta(days=config.ttl_days), single_use_roles=frozenset(config.single_use_roles),
                          needs_approval=config.needs_approval)


async def invite(ctx: Context, args: InviteArgs) -> None:
    s = ctx.services
    classes, subjects = await scope(s, ctx.actor)
    check_may_invite(ctx.actor.roles, classes, subjects, args.role, args.group)
    # The code works on every messenger; each gets its own deep link, this one's first.
    gateways = sorted(s.gateways.values(), key=lambda g: g.platform != ctx.platform)
    async with ctx.commit():
        made = await _store_new(ctx, args)
        await s.repos.audit.record(
            actor_id=ctx.actor.id, action="invite_created", now=s.now(), chat_id=ctx.chat_id,
            details={"code": made.code, "role": made.role.value, "group": str(made.group),
                     "max_uses": made.max_uses, "needs_approval": made.needs_approval},
        )
        links = [(g.capabilities.title, g.deep_link(made.code)) for g in gateways]
        ctx.reply(invite_created(made, links, s.now(), s.timezone()))


async def _store_new(ctx: Context, args: InviteArgs) -> Invite:
    s = ctx.services
    for _ in range(_CODE_ATTEMPTS):
        made = make_invite(code=new_code(), role=args.role, group=args.group, created_by=ctx.actor.id,
                           now=s.now(), defaults=_defaults(ctx), uses=args.uses, ttl=args.ttl, approve=args.approve)
        if await s.repos.invites.add(made):
            return made
    raise RuntimeError("could not draw a free invitation code")


def _mine_only(ctx: Context) -> PersonId | None:
    """Class teachers and teachers see and annul only the links they made."""
    return None if may(ctx.actor.roles, Action.INVITE_ANY) else ctx.actor.id


async def list_invites(ctx: Context, _: None = None) -> None:
    s = ctx.services
    ctx.reply(invites_list(await s.repos.invites.live(s.now(), created_by=_mine_only(ctx)), s.now(), s.timezone()))


async def revoke(ctx: Context, args: Revoke) -> None:
    s = ctx.services
    mine_only = _mine_only(ctx)
    now = s.now()
    if args.code is not None:
        found = await s.repos.invites.get(args.code)
        if found is None or (mine_only is not None and found.created_by != mine_only):
            raise NotFound("no such code", text=f"Ссылки {args.code} нет среди ваших. Список: /ссылки")
    async with ctx.commit():
        if args.unused:
            revoked = await s.repos.invites.revoke_unused(ctx.actor.id, now, created_by=mine_only)
            text = f"Аннулировано неиспользованных ссылок: {len(revoked)}."
        else:
            assert args.code is not None
            if not await s.repos.invites.revoke(args.code, ctx.actor.id, now):
                raise BadCommand("not active", text=f"Ссылка {args.code} уже не действует.")
            assert found is not None
            revoked, text = [found], f"Ссылка {args.code} аннулирована."
        for made in revoked:
            await s.repos.audit.record(actor_id=ctx.actor.id, action="invite_revoked", now=now, chat_id=ctx.chat_id,
                                       details={"code": made.code, "unused": args.unused})
        if not args.unused:
            # A revoked link may have been passed around together with the chat's own link, so renew
            # those chats' links; never-used links (/отозвать неиспользованные) led nobody anywhere.
            bindings = [b for i in revoked if i.group is not None for b in chats_for(i.role, i.group)]
            text += _reset(ctx, await _chats(ctx, bindings))
        ctx.reply(text)


async def _chats(ctx: Context, bindings: Iterable[ChatBinding]) -> list[BoundChat]:
    found: list[BoundChat] = []
    for binding in dict.fromkeys(bindings):
        found += [c for c in await ctx.services.repos.chats.find(binding) if ctx.services.serves(c.id)]
    return found


def _reset(ctx: Context, chats: Iterable[BoundChat]) -> str:
    """Queue new links for the chats; where the platform cannot, say how to do it by hand."""
    auto, manual = [], []
    for chat in chats:
        gateway = ctx.services.gateway(chat.id)
        if gateway.capabilities.reset_link:
            ctx.owe(ResetLink(chat=chat.id, title=chat.title))
            auto.append(chat.title)
        else:
            manual.append(f"«{chat.title}» ({gateway.capabilities.title}): {gateway.capabilities.link_reset_steps}")
    text = ""
    if auto:
        text += " Ссылки чатов сбрасываю, старые перестанут работать: " + ", ".join(auto) + "."
    if manual:
        text += " Бот не может сбросить ссылку сам — сделайте это, пожалуйста, вручную: " + "; ".join(manual)
    return text


async def reset_link(ctx: Context, binding: ChatBinding | None) -> None:
    s = ctx.services
    if binding is not None:
        chats = await _chats(ctx, [binding])
    else:
        chats = [ctx.chat] if ctx.chat is not None else []
    if not chats:
        raise NotFound("chat", text="Такой чат не привязан. " + RESET_USAGE)
    async with ctx.commit():
        for chat in chats:
            await s.repos.audit.record(actor_id=ctx.actor.id, action="chat_link_reset", now=s.now(),
                                       chat_id=chat.id, details={"chat": chat.title})
        ctx.reply(_reset(ctx, chats).strip())
