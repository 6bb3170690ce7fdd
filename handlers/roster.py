"""Keeping bound chats in line with the roster, and the VK chat operations other membership
handlers share: chat links, removals, member lists. VK errors become a staff notice, never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from vkbottle import VKAPIError
from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.chats import BoundChat, ChatBinding, is_group_chat
from bot.membership.roster import EntryVerdict, MemberFacts, decide_entry
from bot.services import Services
from bot.vk.api import VkNetworkError
from storage.memberships import MembershipsRepo

log = logging.getLogger(__name__)

CHAT_PEER_BASE = 2_000_000_000
MEMBERS_PAGE = 200  # VK's default count is 20: without paging big chats look almost empty
ENTRY_ACTIONS = frozenset({"chat_invite_user", "chat_invite_user_by_link"})

_VK_PROBLEMS = {
    925: "бот не администратор в чате",
    917: "у бота нет доступа к чату",
    15: "ВКонтакте не разрешил это действие",
    935: "этого человека уже нет в чате",
}


def vk_problem(error: VKAPIError | VkNetworkError) -> str:
    code = getattr(error, "code", None)
    if code is None:
        return "ВКонтакте не ответил"
    return _VK_PROBLEMS.get(code, f"ВКонтакте вернул ошибку {code}")


class ChatOps:
    """VK calls on bound chats; a failure is reported to the staff chat and returns a neutral value."""

    def __init__(self, services: Services, memberships: MembershipsRepo) -> None:
        self._s = services
        self._memberships = memberships

    async def facts(self, vk_id: int) -> MemberFacts:
        roles = (await self._s.actor(vk_id)).roles if vk_id > 0 else frozenset()
        return await self._memberships.facts(vk_id, roles)

    async def link(self, chat: BoundChat, *, reset: bool = False) -> str | None:
        """The chat's invite link; `reset` kills the old one (after a leak or a /revoke)."""
        params: dict[str, object] = {"peer_id": chat.peer_id}
        if reset:
            params["reset"] = 1
        try:
            response = await self._s.api.request("messages.getInviteLink", params)
        except (VKAPIError, VkNetworkError) as error:
            await self._s.tell_staff(f"Не смог получить ссылку чата «{chat.binding.title()}»: {vk_problem(error)}.")
            return None
        return str(response["response"]["link"])

    async def reset_links(self, bindings: Iterable[ChatBinding]) -> list[str]:
        """Reset the links of those bound chats that exist; returns their titles."""
        done = []
        for binding in dict.fromkeys(bindings):
            chat = await self._s.chats.find(binding)
            if chat is not None and await self.link(chat, reset=True) is not None:
                done.append(binding.title())
        return done

    async def remove(self, chat: BoundChat, member_id: int) -> bool:
        """Remove someone from a chat; False if VK refused (935, not there, stays quiet)."""
        try:
            await self._s.api.request(
                "messages.removeChatUser", {"chat_id": chat.peer_id - CHAT_PEER_BASE, "member_id": member_id}
            )
        except (VKAPIError, VkNetworkError) as error:
            if getattr(error, "code", None) != 935:
                await self._s.tell_staff(
                    f"Не смог удалить vk.com/id{member_id} из чата «{chat.binding.title()}»: {vk_problem(error)}."
                )
            return False
        return True

    async def member_ids(self, chat: BoundChat) -> list[int] | None:
        """Every member of the chat, page by page; None if VK does not let the bot see them."""
        found: list[int] = []
        offset = 0
        while True:
            try:
                response = await self._s.api.request(
                    "messages.getConversationMembers",
                    {"peer_id": chat.peer_id, "count": MEMBERS_PAGE, "offset": offset},
                )
            except (VKAPIError, VkNetworkError) as error:
                log.info("members of %s unreadable: %s", chat.peer_id, vk_problem(error))
                return None
            body = response["response"]
            items = body.get("items", [])
            found += [int(item["member_id"]) for item in items]
            offset += len(items)
            if not items or offset >= int(body.get("count", 0)):
                return found

    async def send_links(self, user_id: int, bindings: Iterable[ChatBinding], intro: str) -> None:
        """DM the person the links of their chats; a chat not bound yet is explained, and staff told."""
        lines = [intro]
        for binding in dict.fromkeys(bindings):
            chat = await self._s.chats.find(binding)
            link = await self.link(chat) if chat is not None else None
            if link is not None:
                lines.append(f"{_capital(binding.title())}: {link}")
                continue
            lines.append(f"{_capital(binding.title())}: пока не подключён к боту, ссылку пришлёт классный руководитель.")
            if chat is None:
                await self._s.tell_staff(
                    f"Не привязан {binding.title()}: ссылку для vk.com/id{user_id} выдать не могу. "
                    "Привяжите чат командой /привязать в нём самом."
                )
        await self._s.send(user_id, "\n".join(lines))

    async def remove_everywhere(self, member_id: int, bindings: Iterable[ChatBinding]) -> list[str]:
        """Remove someone from the given bound chats; returns the titles they were removed from."""
        removed = []
        for binding in dict.fromkeys(bindings):
            chat = await self._s.chats.find(binding)
            if chat is not None and await self.remove(chat, member_id):
                removed.append(binding.title())
        return removed


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class EntryRule(ABCRule[Message]):
    """Someone entered a group chat: by its link or added by a member."""

    async def check(self, event: Message) -> dict[str, int] | bool:
        action = event.action
        if action is None or not is_group_chat(event.peer_id) or action.member_id is None:
            return False
        if str(getattr(action.type, "value", action.type)) not in ENTRY_ACTIONS:
            return False
        return {"member_id": int(action.member_id)}


def roster_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    ops = ChatOps(services, MembershipsRepo(services.db))

    @labeler.message(EntryRule())
    async def on_entry(message: Message, member_id: int) -> None:
        chat = await services.chats.get(message.peer_id)
        if chat is None:
            return  # the bot keeps order only in chats bound to the school's structure
        facts = await ops.facts(member_id)
        verdict = decide_entry(chat.binding, facts, remove_strangers=services.config.invites.remove_strangers)
        if verdict is EntryVerdict.ALLOW:
            return
        await report_stranger(services, ops, chat, member_id, verdict)

    return labeler


async def report_stranger(
    services: Services, ops: ChatOps, chat: BoundChat, member_id: int, verdict: EntryVerdict
) -> None:
    """Tell the staff at once, remove if configured, and reset the link that let them in."""
    name = await services.lookup_name(member_id)
    who = f"{name or 'без имени'} (vk.com/id{member_id})"
    removed = verdict is EntryVerdict.REMOVE and await ops.remove(chat, member_id)
    await services.audit.record(
        actor_id=0, action="stranger_entered", now=services.now(), target_id=member_id, peer_id=chat.peer_id,
        details={"removed": removed, "chat": chat.binding.title()},
    )
    reset = await ops.link(chat, reset=True) is not None
    text = f"В чат «{chat.binding.title()}» вошёл(а) {who} без одобренной заявки."
    text += " Удалён(а) из чата." if removed else " Проверьте, пожалуйста, и при необходимости удалите."
    if reset:
        text += " Ссылка чата сброшена: старая больше не работает."
    await services.tell_staff(text)
