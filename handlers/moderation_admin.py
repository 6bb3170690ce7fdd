"""Moderation commands: /предупреждения, /простить, /журнал, /фильтр, /разрешить, /обжаловать, appeal cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message, MessageEvent

from bot.commands import fold
from bot.errors import BadCommand, NotFound, WrongPlace
from bot.help import CommandHelp, register
from bot.membership.users import take_user
from bot.moderation.actions import LABEL_TITLES
from bot.moderation.verdict import Label
from bot.people import Person
from bot.roles import Action, require
from bot.services import Services
from bot.timefmt import local_date, local_minute
from handlers.buttons import ButtonPayload, CallbackRule, answer_press, inline_keyboard, polite_press
from handlers.common import CommandRule, polite
from storage.moderation import ModerationRepo

if TYPE_CHECKING:
    from handlers.moderation import Moderator

WARNS_USAGE = "Формат: /предупреждения <пользователь>, например: /предупреждения id123 (или ответом на сообщение)."
PARDON_USAGE = "Формат: /простить <пользователь> — снимает последнее предупреждение."
FILTER_USAGE = "Формат: /фильтр добавить СЛОВО, /фильтр удалить СЛОВО; /разрешить СЛОВО — никогда не считать нарушением."
MAX_WORD = 40

register(
    CommandHelp(action=Action.MODERATE, usage="/предупреждения <кто>", what="действующие предупреждения участника"),
    CommandHelp(action=Action.MODERATE, usage="/простить <кто>", what="снять последнее предупреждение"),
    CommandHelp(action=Action.MODERATE, usage="/журнал [N]", what="последние события модерации"),
    CommandHelp(action=Action.MODERATE, usage="/фильтр добавить|удалить СЛОВО, /разрешить СЛОВО",
                what="свои слова школы для проверки"),
    CommandHelp(action=Action.USE_HELP, usage="/обжаловать", what="оспорить последнее предупреждение", where="dm"),
)


def _labels_text(labels: tuple[str, ...]) -> str:
    return ", ".join(LABEL_TITLES[Label(label)] for label in labels if label in Label.__members__.values())


def _reply_user(message: Message) -> int | None:
    return message.reply_message.from_id if message.reply_message is not None else None


def _word(text: str) -> str:
    word = fold(text)
    if not word or len(word) > MAX_WORD or len(word.split()) != 1:
        raise BadCommand("bad word", text=FILTER_USAGE)
    return word


def add_admin_commands(labeler: BotLabeler, services: Services, repo: ModerationRepo, moderator: Moderator) -> None:
    @labeler.message(CommandRule(services, "warns", "предупреждения"))
    @polite
    async def warns(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MODERATE)
        user_id, _ = take_user(args, _reply_user(message), WARNS_USAGE)
        active = await repo.active_warnings(user_id, services.now())
        if not active:
            await message.answer(f"У id{user_id} нет действующих предупреждений.")
            return
        lines = [f"Действующие предупреждения id{user_id} ({len(active)}):"]
        tz = services.timezone()
        lines += [f"• {local_date(w.issued_at, tz)}: {_labels_text(w.labels)} (до {local_date(w.expires_at, tz)})"
                  for w in active]
        await message.answer("\n".join(lines))

    @labeler.message(CommandRule(services, "pardon", "простить"))
    @polite
    async def pardon(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MODERATE)
        user_id, _ = take_user(args, _reply_user(message), PARDON_USAGE)
        lifted = await repo.pardon_last(user_id, actor.vk_id, services.now())
        if lifted is None:
            raise NotFound("no warning", text=f"У id{user_id} нет действующих предупреждений — снимать нечего.")
        await services.audit.record(actor_id=actor.vk_id, action="pardon", now=services.now(), target_id=user_id,
                                    details={"warning": lifted.id})
        left = len(await repo.active_warnings(user_id, services.now()))
        await message.answer(f"Снято предупреждение от {local_date(lifted.issued_at, services.timezone())}. Осталось: {left}.")
        await services.send(user_id, "Администратор снял одно ваше предупреждение. Спасибо за вежливое общение!")

    @labeler.message(CommandRule(services, "modlog", "журнал"))
    @polite
    async def modlog(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MODERATE)
        if args and not args.isdigit():
            raise BadCommand("bad N", text="Формат: /журнал [сколько записей, до 50], например: /журнал 20")
        limit = min(int(args or 10), 50) or 10
        events = await repo.recent_events(limit)
        if not events:
            await message.answer("Журнал модерации пуст.")
            return
        titles = {chat.peer_id: chat.binding.title() for chat in await services.chats.all()}
        lines = [f"Последние события модерации ({len(events)}):"]
        for e in events:
            lines.append(f"• {local_minute(e.at, services.timezone())} «{titles.get(e.peer_id, e.peer_id)}» id{e.author_id}: "
                         f"{_labels_text(e.labels)} — «{e.excerpt}» ({', '.join(e.acts) or 'без действий'})")
        await message.answer("\n".join(lines))

    @labeler.message(CommandRule(services, "filter", "фильтр"))
    @polite
    async def filter_words(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MODERATE)
        verb, _, rest = args.partition(" ")
        verb = fold(verb)
        word = _word(rest)
        if verb in ("add", "добавить"):
            await repo.set_word(word, "block", actor.vk_id, services.now())
            reply = f"Слово «{word}» добавлено в фильтр: сообщения с ним (в любой форме и написании) будут отмечаться."
        elif verb in ("remove", "удалить"):
            if not await repo.remove_word(word):
                raise NotFound("no word", text=f"Слова «{word}» нет в списках школы.")
            reply = f"Слово «{word}» убрано из списков школы."
        else:
            raise BadCommand("bad verb", text=FILTER_USAGE)
        await services.audit.record(actor_id=actor.vk_id, action=f"filter_{'add' if verb in ('add', 'добавить') else 'remove'}",
                                    now=services.now(), peer_id=message.peer_id, details={"word": word})
        await moderator.reload_words()
        await message.answer(reply)

    @labeler.message(CommandRule(services, "allow", "разрешить"))
    @polite
    async def allow_word(message: Message, actor: Person, args: str) -> None:
        require(actor.roles, Action.MODERATE)
        word = _word(args)
        await repo.set_word(word, "allow", actor.vk_id, services.now())
        await services.audit.record(actor_id=actor.vk_id, action="filter_allow", now=services.now(),
                                    peer_id=message.peer_id, details={"word": word})
        await moderator.reload_words()
        await message.answer(f"Слово «{word}» больше не будет считаться нарушением.")

    @labeler.message(CommandRule(services, "appeal", "обжаловать"))
    @polite
    async def appeal(message: Message, actor: Person, args: str) -> None:
        if message.peer_id != message.from_id:
            raise WrongPlace("appeal in chat", text="Обжаловать предупреждение можно в личных сообщениях мне: /обжаловать")
        active = await repo.active_warnings(actor.vk_id, services.now())
        if not active:
            await message.answer("У вас нет действующих предупреждений — обжаловать нечего.")
            return
        warning = active[-1]
        appeal_id = await repo.open_appeal(warning_id=warning.id, person_id=actor.vk_id, now=services.now())
        if appeal_id is None:
            await message.answer("Ваше обжалование уже у администратора. Пожалуйста, дождитесь решения.")
            return
        named = await services.named(actor)
        keyboard = inline_keyboard(
            ("Снять предупреждение", ButtonPayload(a="appeal_lift", id=appeal_id), "positive"),
            ("Оставить", ButtonPayload(a="appeal_keep", id=appeal_id), "negative"),
        )
        posted = await services.tell_staff(
            f"📝 Обжалование №{appeal_id}: {named.link()} просит снять предупреждение от "
            f"{local_date(warning.issued_at, services.timezone())} "
            f"({_labels_text(warning.labels)}). Подробности: /журнал", keyboard=keyboard)
        if posted is None:
            await message.answer("Не смог передать обжалование: чат «Учительская» ещё не привязан. Напишите классному руководителю.")
            return
        await message.answer("Ваше обжалование передано администратору. Я сообщу о решении.")

    @labeler.raw_event(GroupEventType.MESSAGE_EVENT, MessageEvent, CallbackRule(services, "appeal_lift", "appeal_keep"))
    @polite_press
    async def decide(event: MessageEvent, payload: ButtonPayload, actor: Person) -> None:
        require(actor.roles, Action.MODERATE)
        lift = payload.a == "appeal_lift"
        decided = await repo.decide_appeal(payload.id, lift=lift, by=actor.vk_id, now=services.now())
        if decided is None:
            await answer_press(event, "Это обжалование уже рассмотрено.")
            return
        await services.audit.record(actor_id=actor.vk_id, action="appeal_lifted" if lift else "appeal_kept",
                                    now=services.now(), target_id=decided.person_id, details={"appeal": decided.id})
        verdict = "снято" if lift else "оставлено"
        await answer_press(event, f"Готово: предупреждение {verdict}.")
        decider = await services.named(actor)
        await services.send(event.peer_id, f"Обжалование №{decided.id}: предупреждение {verdict} ({decider.display_name or 'администратор'}).")
        await services.send(decided.person_id, f"Администратор рассмотрел ваше обжалование: предупреждение {verdict}.")
