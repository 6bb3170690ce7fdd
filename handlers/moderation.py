"""Moderation of bound chats (clauses 4.5, 4.6): check each new or edited message, then act.

The check (bot/moderation) says what a message is; bot/moderation/actions.py says what to
do for this author; this module carries it out against VK and records a masked trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from vkbottle import GroupEventType, VKAPIError
from vkbottle.bot import BotLabeler, Message

from bot.chats import BoundChat, is_group_chat
from bot.commands import parse_command
from bot.moderation.actions import (
    Act,
    AuthorGroup,
    Policy,
    author_dm_text,
    author_group,
    escalation,
    notice_text,
    staff_log_line,
    warning_expiry,
    warnings_phrase,
)
from bot.moderation.check import ModerationChecker
from bot.moderation.masking import masked_excerpt
from bot.moderation.verdict import Label, Verdict
from bot.people import Person
from bot.roles import is_admin
from bot.services import Services
from bot.vk.api import VkNetworkError
from handlers.moderation_admin import add_admin_commands
from storage.memberships import MembershipsRepo
from storage.moderation import ModerationRepo

log = logging.getLogger(__name__)

NOT_ADMIN_ERRORS = {15, 917, 924, 925}
NOT_ADMIN_NOTICE = "not_admin"


def policy_from_config(services: Services) -> Policy:
    config = services.config.moderation
    acts = {
        Label(label): {AuthorGroup(group): frozenset(Act(a) for a in chosen) for group, chosen in groups.items()}
        for label, groups in config.actions.items()
    }
    return Policy(acts=acts, warn_threshold=config.warn_threshold,
                  warning_ttl=timedelta(days=config.warning_ttl_days),
                  remove_adults_at_threshold=config.remove_adults_at_threshold)


class CheckerHolder:
    """The checker with the school's own words; rebuilt when /фильтр or /разрешить change them."""

    def __init__(self, services: Services, repo: ModerationRepo) -> None:
        self._services = services
        self._repo = repo
        self._checker: ModerationChecker | None = None

    async def get(self) -> ModerationChecker:
        if self._checker is None:
            await self.reload()
        assert self._checker is not None
        return self._checker

    async def reload(self) -> None:
        blocked, allowed = await self._repo.words()
        config = self._services.config.moderation
        self._checker = ModerationChecker(extra_blocked=[*config.blocked_words, *blocked],
                                          extra_allowed=[*config.allowed_words, *allowed])


@dataclass(frozen=True, kw_only=True)
class Incoming:
    """A chat message to check, from message_new or message_edit."""

    peer_id: int
    author_id: int
    cmid: int | None
    text: str
    edited: bool


class Moderator:
    def __init__(self, services: Services, repo: ModerationRepo, checker: CheckerHolder) -> None:
        self._services = services
        self._repo = repo
        self._checker = checker
        self._policy = policy_from_config(services)

    async def reload_words(self) -> None:
        await self._checker.reload()

    async def consider(self, incoming: Incoming) -> None:
        if not self._services.config.moderation.enabled or incoming.author_id <= 0:
            return  # other communities' bots (negative ids) are not participants
        if not incoming.text or parse_command(incoming.text) is not None:
            return
        chat = await self._services.chats.get(incoming.peer_id)
        if chat is None:
            return  # only the school's bound chats are moderated
        verdict = (await self._checker.get()).check(incoming.text)
        if verdict.clean:
            return
        await self._act(incoming, chat, verdict)

    async def _act(self, incoming: Incoming, chat: BoundChat, verdict: Verdict) -> None:
        services = self._services
        author = await services.person(incoming.author_id)
        group = author_group(author.roles)
        acts = self._policy.acts_for(verdict.labels, group)
        excerpt = masked_excerpt(incoming.text, verdict)
        event_id = await self._repo.record_event(
            now=services.now(), peer_id=incoming.peer_id, author_id=author.vk_id, cmid=incoming.cmid,
            labels=[str(label) for label in verdict.labels], excerpt=excerpt, edited=incoming.edited)
        done: list[str] = []
        deleted = Act.DELETE in acts and await self._delete(incoming, chat)
        if deleted:
            done.append("удалено")
        if Act.NOTICE in acts:
            await services.send(incoming.peer_id, notice_text(verdict.labels, deleted=deleted))
            done.append("уведомление в чате")
        warnings = None
        if Act.WARN in acts:
            warnings = await self._warn(author, event_id, verdict)
            done.append(f"предупреждение {warnings}/{self._policy.warn_threshold}")
        if Act.DM in acts:
            text = author_dm_text(verdict.labels, chat_title=chat.binding.title(), deleted=deleted,
                                  warnings=warnings, threshold=self._policy.warn_threshold)
            done.append("автору написано в ЛС" if await services.send(author.vk_id, text) else "ЛС автору закрыты")
        await self._repo.set_acts(event_id, done)
        await services.tell_staff(staff_log_line(verdict.labels, chat_title=chat.binding.title(),
                                                 author=author.link(), excerpt=excerpt, done=done))
        if warnings is not None:
            await self._escalate(author, group, warnings, chat)

    async def _delete(self, incoming: Incoming, chat: BoundChat) -> bool:
        if incoming.cmid is None:
            return False
        try:
            await self._services.api.request("messages.delete", {
                "peer_id": incoming.peer_id, "cmids": incoming.cmid, "delete_for_all": 1})
        except VKAPIError as error:
            if error.code in NOT_ADMIN_ERRORS:
                await self._report_not_admin(chat)
            else:
                log.warning("messages.delete failed: VK error %s", error.code)
            return False
        except VkNetworkError:
            return False
        await self._repo.clear_notice(chat.peer_id, NOT_ADMIN_NOTICE)
        return True

    async def _report_not_admin(self, chat: BoundChat) -> None:
        """Said once per chat (until the bot can delete there again)."""
        if await self._repo.first_notice(chat.peer_id, NOT_ADMIN_NOTICE, self._services.now()):
            await self._services.tell_staff(
                f"Я не могу удалять сообщения в чате «{chat.binding.title()}»: сообщество не администратор этого "
                "чата. Откройте настройки чата → «Участники» → сообщество школы → «Назначить администратором». "
                "Пока это не сделано, я только сообщаю о нарушениях сюда.")

    async def _warn(self, author: Person, event_id: int, verdict: Verdict) -> int:
        now = self._services.now()
        await self._repo.add_warning(person_id=author.vk_id, event_id=event_id,
                                     labels=[str(label) for label in verdict.labels], now=now,
                                     expires_at=warning_expiry(now, self._policy))
        return len(await self._repo.active_warnings(author.vk_id, now))

    async def _escalate(self, author: Person, group: AuthorGroup, warnings: int, chat: BoundChat) -> None:
        decision = escalation(warnings, group, self._policy)
        if decision is None:
            return
        services = self._services
        text = (f"⚠️ У {author.link()} {warnings_phrase(warnings)} за нарушения п. 4.5–4.6 "
                f"(порог {self._policy.warn_threshold}). Чат: «{chat.binding.title()}». "
                f"Снять последнее: /простить id{author.vk_id}")
        removed = False
        if decision.remove_from_chat and not is_admin(author.roles) and author.vk_id not in services.config.school.admins:
            removed = await self._remove(author.vk_id, chat)
            if removed:
                text += "\nАвтор исключён из чата (настройка moderation.remove_adults_at_threshold)."
        await services.tell_staff(text)
        if decision.tell_class_teacher:
            await self._tell_class_teacher(author, warnings)

    async def _remove(self, vk_id: int, chat: BoundChat) -> bool:
        try:
            await self._services.api.request("messages.removeChatUser",
                                             {"chat_id": chat.peer_id - 2_000_000_000, "member_id": vk_id})
        except (VKAPIError, VkNetworkError) as error:
            log.warning("removeChatUser failed: %s", error)
            return False
        return True

    async def _tell_class_teacher(self, student: Person, warnings: int) -> None:
        for teacher_id in await MembershipsRepo(self._services.db).class_teachers_of_student(student.vk_id):
            await self._services.send(
                teacher_id,
                f"Здравствуйте! У вашего ученика {student.link()} {warnings_phrase(warnings)} за нарушения "
                "правил общения в чатах (п. 4.5–4.6 Положения). Пожалуйста, поговорите с ним. "
                "Ребёнка я из чатов не исключаю.")


def incoming_from_message(message: Message, *, edited: bool) -> Incoming:
    return Incoming(peer_id=message.peer_id, author_id=message.from_id,
                    cmid=message.conversation_message_id, text=message.text or "", edited=edited)


def incoming_from_edit(event: dict[str, Any]) -> Incoming | None:
    obj = event.get("object") or {}
    try:
        return Incoming(peer_id=int(obj["peer_id"]), author_id=int(obj["from_id"]),
                        cmid=obj.get("conversation_message_id"), text=str(obj.get("text") or ""), edited=True)
    except (KeyError, TypeError, ValueError):
        return None


def moderation_labeler(services: Services) -> BotLabeler:
    """Sees every chat message first and never blocks the handlers after it."""
    labeler = BotLabeler()
    repo = ModerationRepo(services.db)
    moderator = Moderator(services, repo, CheckerHolder(services, repo))

    @labeler.message(blocking=False)
    async def check_new(message: Message) -> None:
        if is_group_chat(message.peer_id) and message.action is None:
            await moderator.consider(incoming_from_message(message, edited=False))

    @labeler.raw_event(GroupEventType.MESSAGE_EDIT, dataclass=dict)
    async def check_edit(event: dict[str, Any]) -> None:
        incoming = incoming_from_edit(event)
        if incoming is not None and is_group_chat(incoming.peer_id):
            await moderator.consider(incoming)

    add_admin_commands(labeler, services, repo, moderator)
    return labeler
