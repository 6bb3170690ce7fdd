"""/моиданные and /удалить: a person sees and erases what the bot keeps; an admin erases a leaver's data."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message, MessageEvent

from bot.chats import is_group_chat
from bot.commands import fold
from bot.errors import BadCommand, PermissionDenied
from bot.help import CommandHelp, register
from bot.membership.users import USER_HINT, parse_user_ref
from bot.people import Person
from bot.privacy import (
    CLOSED_REPORTS_DAYS,
    Mode,
    forget_confirm_text,
    forget_done_text,
    mydata_text,
    nothing_but_profile,
    nothing_stored_text,
)
from bot.roles import Action, may, require
from bot.services import Services
from handlers.buttons import ButtonPayload, CallbackRule, answer_press, inline_keyboard, polite_press
from handlers.common import CommandRule, PhraseRule, polite
from handlers.reports import check_staff_place
from storage.personal_data import PersonalDataRepo
from storage.reports import ReportsRepo

FORGET_ME, FORGET_USER, FORGET_CANCEL = "forget_me", "forget_user", "forget_no"
_SELF_WORDS = {"", "меня", "себя", "мои данные", "мои", "все", "всё", "все мои данные", "me"}
_NOT_YOURS = "Эта кнопка не для вас: удалить можно только свои данные."
_PRESS_DENIED = "Удалять чужие данные могут только администраторы школы."
_OTHERS_DENIED = (
    "Удалить данные другого человека может только администратор школы. "
    "Чтобы удалить свои данные, напишите /удалить без слов после команды."
)


def forget_target(actor: Person, args: str) -> int:
    """Whose data «/удалить args» is about: the writer's own unless an administrator names someone."""
    if fold(args) in _SELF_WORDS:
        return actor.vk_id
    try:
        target = parse_user_ref(args)
    except BadCommand:
        if may(actor.roles, Action.MANAGE_PEOPLE):
            raise BadCommand("forget whom", text="Напишите, чьи данные удалить: /удалить id123.\n" + USER_HINT) from None
        return actor.vk_id  # «/удалить всё про меня» from a parent means their own data
    if target != actor.vk_id and not may(actor.roles, Action.MANAGE_PEOPLE):
        raise PermissionDenied("forget other", text=_OTHERS_DENIED)
    return target


def confirm_keyboard(action: str, target: int) -> str:
    return inline_keyboard(
        ("Да, удалить", ButtonPayload(a=action, id=target), "negative"),
        ("Отмена", ButtonPayload(a=FORGET_CANCEL, id=target), "secondary"),
    )


def mydata_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    data = PersonalDataRepo(services.db)
    reports = ReportsRepo(services.db)
    register(
        CommandHelp(action=Action.MANAGE_OWN_DATA, usage="/моиданные", what="что бот хранит о вас и сколько", where="dm"),
        CommandHelp(action=Action.MANAGE_OWN_DATA, usage="/удалить", what="удалить ваши данные из бота", where="dm"),
        CommandHelp(action=Action.MANAGE_PEOPLE, usage="/удалить id123",
                    what="удалить данные человека, ушедшего из школы"),
    )

    async def to_dm(message: Message, text: str, keyboard: str | None = None) -> None:
        """Personal data never goes to a group chat: DM it and say so there."""
        if not is_group_chat(message.peer_id):
            await message.answer(text, keyboard=keyboard)
        elif await services.send(message.from_id, text, keyboard=keyboard) is not None:
            await message.answer("Отправил вам в личные сообщения.")
        else:
            await message.answer("Напишите мне в личные сообщения: в общем чате личные данные не показываю.")

    @labeler.message(CommandRule(services, "mydata", "моиданные", "мои_данные", "данные"))
    @labeler.message(PhraseRule(services, "мои данные"))
    @polite
    async def show_mydata(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_OWN_DATA)
        await reports.purge_closed_before(services.now() - timedelta(days=CLOSED_REPORTS_DAYS))
        await to_dm(message, mydata_text(await data.collect(actor.vk_id), services.timezone()))

    @labeler.message(CommandRule(services, "forget", "удалить", "забудь"))
    @polite
    async def forget(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MANAGE_OWN_DATA)
        target = forget_target(actor, args)
        if target == actor.vk_id:
            await ask_forget_own(message, actor)
        else:
            await ask_forget_other(message, target)

    async def ask_forget_own(message: Message, actor: Person) -> None:
        found = await data.collect(actor.vk_id)
        if nothing_but_profile(found):
            result = await data.forget(actor.vk_id)  # just the cached profile name: erase without asking
            await message.answer(nothing_stored_text(result.audit_entries, own=True, name_erased=result.anything_erased))
            return
        await to_dm(message, forget_confirm_text(found, own=True), confirm_keyboard(FORGET_ME, actor.vk_id))

    async def ask_forget_other(message: Message, target: int) -> None:
        await check_staff_place(services, message.peer_id)
        found = await data.collect(target)
        if not any(f.count for f in found if f.lookup.mode is Mode.ROWS):
            await message.answer(nothing_stored_text(await data.audit_entries(target), own=False))
            return
        person = await services.people.get(target)
        name = (person.display_name if person else "") or await services.lookup_name(target) or f"id{target}"
        text = forget_confirm_text(found, own=False, name=f"{name} (id{target})")
        await message.answer(text, keyboard=confirm_keyboard(FORGET_USER, target))

    @labeler.raw_event(GroupEventType.MESSAGE_EVENT, MessageEvent,
                       CallbackRule(services, FORGET_ME, FORGET_USER, FORGET_CANCEL))
    @polite_press
    async def confirm(event: MessageEvent, payload: ButtonPayload, actor: Person) -> None:
        if payload.a == FORGET_CANCEL:
            await answer_press(event, "Хорошо, ничего не удаляю.")
            return
        if payload.a == FORGET_ME and payload.id != event.user_id:
            await answer_press(event, _NOT_YOURS)  # the payload is the client's: trust only the presser
            return
        if payload.a == FORGET_USER and not may(actor.roles, Action.MANAGE_PEOPLE):
            # Checked again at the press: anyone in the chat can press, and payloads can be forged.
            raise PermissionDenied("forget_user press", text=_PRESS_DENIED)
        result = await data.forget(payload.id)
        if not result.anything_erased:  # a second press, or a stale button
            await answer_press(event, "Данных уже нет — удалять нечего.")
            return
        if payload.a == FORGET_USER:
            await services.audit.record(
                actor_id=event.user_id, action="forget_person", now=services.now(), target_id=payload.id,
                peer_id=event.peer_id, details={"rows_erased": dict(result.deleted)},
            )
            result = replace(result, audit_entries=result.audit_entries + 1)
        await answer_press(event, "Готово.")
        await services.send(event.peer_id, forget_done_text(result, own=payload.id == event.user_id))

    return labeler
