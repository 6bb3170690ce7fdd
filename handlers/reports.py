"""/взлом and /жалоба (clause 4.5): reports reach the staff at once; /обращения and /закрыть handle them."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle import VKAPIError
from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.chats import ChatPurpose, is_group_chat
from bot.commands import parse_command
from bot.errors import PermissionDenied, WrongPlace
from bot.help import CommandHelp, register
from bot.people import Person, profile
from bot.reports import (
    ABUSE_THANKS,
    ABUSE_USAGE,
    RATE_WINDOW,
    ChatContext,
    HackedIntent,
    abuse_staff_card,
    already_open_text,
    classify_hacked,
    hacked_advice_text,
    hacked_staff_card,
    hacked_steps_text,
    mask_excerpt,
    parse_report_number,
    rate_decision,
    rate_limited_text,
    reports_list_text,
)
from bot.roles import Action, may, require
from bot.services import Services
from bot.vk.api import VkNetworkError
from handlers.common import CommandRule, PhraseRule, polite
from handlers.help import HACKED_BUTTON
from storage.reports import ReportsRepo

log = logging.getLogger(__name__)

_STAFF_PLACES = (ChatPurpose.STAFF, ChatPurpose.ADMINISTRATION)


class HackedPhraseRule(ABCRule[Message]):
    """Plain DM text about a stolen account («у меня украли аккаунт»); hands over the `intent`."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def check(self, event: Message) -> dict[str, Any] | bool:
        text = event.text or ""
        if event.peer_id != event.from_id or not text or parse_command(text) is not None:
            return False
        intent = classify_hacked(text)
        if intent is HackedIntent.NONE:
            return False
        return {"intent": intent, "actor": await self._services.actor(event.from_id)}


async def notify_staff(services: Services, text: str) -> bool:
    """The staff chat; without one (or if VK refuses), each administrator named in config by DM."""
    if await services.tell_staff(text) is not None:
        return True
    delivered = [await services.send(admin, text) for admin in services.config.school.admins]
    return any(d is not None for d in delivered)


async def check_staff_place(services: Services, peer_id: int) -> None:
    """Commands that name people (reports, erasing a leaver) work only in a DM or the staff/administration chat."""
    if not is_group_chat(peer_id):
        return
    chat = await services.chats.get(peer_id)
    if chat is None or chat.binding.purpose not in _STAFF_PLACES:
        raise WrongPlace("staff command in a public chat",
                         text="Напишите эту команду мне в личные сообщения или в «Учительской»: здесь её увидят все.")


async def label_of(services: Services, person: Person) -> str:
    """«Имя Фамилия (vk.com/idN)» for a staff card; the name is looked up only when shown."""
    return profile(person.vk_id, person.display_name or await services.lookup_name(person.vk_id))


async def chat_context(services: Services, peer_id: int) -> ChatContext:
    bound = await services.chats.get(peer_id)
    purpose = bound.binding.title() if bound is not None else None
    title = f"чат {peer_id - 2_000_000_000}"
    try:
        response = await services.api.request("messages.getConversationsById", {"peer_ids": peer_id})
        items = response["response"]["items"]
        title = items[0]["chat_settings"]["title"] if items else title
    except (VKAPIError, VkNetworkError, KeyError, TypeError) as error:  # the title is a courtesy
        log.info("chat title of %s unavailable: %s", peer_id, type(error).__name__)
    return ChatContext(title=title, purpose=purpose)


def reports_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    repo = ReportsRepo(services.db)
    tz = services.timezone()
    max_per_hour = services.config.reports.max_per_hour
    register(
        CommandHelp(action=Action.REPORT, usage="/взлом", what="в ваш аккаунт вошёл кто-то чужой (п. 4.5)"),
        CommandHelp(action=Action.REPORT, usage="/жалоба (ответом на сообщение)",
                    what="сообщить администратору о нарушении правил", where="chat"),
        CommandHelp(action=Action.HANDLE_REPORTS, usage="/обращения", what="открытые обращения о взломах и жалобы"),
        CommandHelp(action=Action.HANDLE_REPORTS, usage="/закрыть N", what="закрыть обращение №N"),
    )

    async def refusal_by_rate(actor: Person) -> str | None:
        """The polite refusal if this person reported too often in the last hour."""
        now = services.now()
        decision = rate_decision(await repo.times_since(actor.vk_id, now - RATE_WINDOW), now, max_per_hour)
        return None if decision.allowed else rate_limited_text(decision, max_per_hour)

    async def reply_privately(message: Message, text: str, chat_note: str) -> None:
        """`text` by DM when written in a chat (the chat gets `chat_note`), in the chat if DM fails."""
        if not is_group_chat(message.peer_id):
            await message.answer(text)
        elif await services.send(message.from_id, text) is not None:
            await message.answer(chat_note)
        else:
            await message.answer(text)

    async def report_hacked(message: Message, actor: Person) -> None:
        require(actor.roles, Action.REPORT)
        note = "Сообщил администратору. Что делать дальше — написал вам в личные сообщения."
        already = await repo.open_hacked_of(actor.vk_id)
        if already is not None:  # the staff knows; another alarm would only be noise
            await reply_privately(message, already_open_text(already.id), note)
            return
        refusal = await refusal_by_rate(actor)
        if refusal is not None:
            await message.answer(refusal)
            return
        report = await repo.add_hacked(actor.vk_id, services.now())
        card = hacked_staff_card(report, reporter=await label_of(services, actor), roles=actor.role_titles(), tz=tz)
        await notify_staff(services, card)
        await reply_privately(message, hacked_steps_text(report.id), note)

    @labeler.message(CommandRule(services, "hacked", "взлом", "взломали"))
    @labeler.message(PhraseRule(services, HACKED_BUTTON))
    @polite
    async def hacked_command(message: Message, actor: Person, args: str) -> None:
        await report_hacked(message, actor)

    @labeler.message(HackedPhraseRule(services))
    @polite
    async def hacked_phrase(message: Message, actor: Person, intent: HackedIntent) -> None:
        if intent is HackedIntent.REPORT:
            await report_hacked(message, actor)
        else:
            await message.answer(hacked_advice_text())

    async def hide_command(message: Message) -> None:
        """Remove the «/жалоба» line from the chat so the author does not learn who complained."""
        try:
            await services.api.request("messages.delete", {
                "peer_id": message.peer_id, "cmids": message.conversation_message_id, "delete_for_all": 1})
        except (VKAPIError, VkNetworkError) as error:  # not a chat admin: the report still went through
            log.info("could not hide a /report command: %s", type(error).__name__)

    @labeler.message(CommandRule(services, "report", "жалоба", "пожаловаться"))
    @polite
    async def abuse(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.REPORT)
        quoted = message.reply_message
        if not is_group_chat(message.peer_id) or quoted is None or quoted.conversation_message_id is None:
            await message.answer(ABUSE_USAGE)
            return
        if quoted.from_id <= 0:
            await message.answer("Это сообщение бота или сообщества — на него пожаловаться нельзя.")
            return
        if quoted.from_id == actor.vk_id:
            await message.answer("Это ваше собственное сообщение. Если оно лишнее — его можно удалить.")
            return
        refusal = await refusal_by_rate(actor)
        if refusal is not None:
            await message.answer(refusal)
            return
        report = await repo.add_abuse(
            actor.vk_id, services.now(), peer_id=message.peer_id, cmid=quoted.conversation_message_id,
            author_id=quoted.from_id, excerpt=mask_excerpt(quoted.text or ""),
        )
        if report is None:
            await message.answer("Вы уже пожаловались на это сообщение — администратор его видит. Спасибо!")
            return
        author = profile(quoted.from_id, await services.lookup_name(quoted.from_id))
        card = abuse_staff_card(report, chat=await chat_context(services, message.peer_id),
                                reporter=await label_of(services, actor), author=author, tz=tz)
        await notify_staff(services, card)
        await hide_command(message)
        if await services.send(actor.vk_id, ABUSE_THANKS) is None:
            await message.answer(ABUSE_THANKS)

    @labeler.message(CommandRule(services, "reports", "обращения", "жалобы"))
    @polite
    async def list_reports(message: Message, actor: Person, args: str) -> None:
        require_handler(actor)
        await check_staff_place(services, message.peer_id)
        await message.answer(reports_list_text(await repo.list_open(), tz=tz))

    @labeler.message(CommandRule(services, "close", "закрыть"))
    @polite
    async def close_report(message: Message, actor: Person, args: str) -> None:
        require_handler(actor)
        await check_staff_place(services, message.peer_id)
        report = await repo.close(parse_report_number(args), actor.vk_id, services.now())
        await services.audit.record(
            actor_id=actor.vk_id, action="report_closed", now=services.now(), peer_id=message.peer_id,
            details={"report": report.id, "kind": report.kind.value},
        )
        await message.answer(f"Обращение №{report.id} закрыто. Спасибо!")
        await services.send(report.reporter_id, f"Администратор школы рассмотрел ваше обращение №{report.id}. Спасибо!")

    return labeler


def require_handler(actor: Person) -> None:
    if not may(actor.roles, Action.HANDLE_REPORTS):
        raise PermissionDenied("handle_reports", text="Обращения рассматривают администраторы и руководство школы.")
