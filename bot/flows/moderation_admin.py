"""Moderation by people (clauses 4.5, 4.6): /предупреждения, /простить, /журнал, /фильтр, /разрешить,
and a person's /обжаловать with the administrator's decision on its card."""

from __future__ import annotations

from bot.appeals import (
    EXPLANATION_LIMIT,
    AppealCard,
    appeal_card,
    appeal_outcome_text,
    choose_warning,
    decided_appeal_card,
)
from bot.buttons import callback, row
from bot.commands.table import FilterChange
from bot.complaints import masked_for_card
from bot.config import ModerationConfig
from bot.errors import NotFound, PermissionDenied
from bot.flows.context import Context
from bot.grammar import Case
from bot.membership.groups import GroupKind
from bot.moderation.actions import LABEL_TITLES, warnings_phrase
from bot.moderation.check import default_checker
from bot.moderation.verdict import Label
from bot.port.effects import Edit
from bot.port.ids import PersonId
from bot.roles import Action, Role, may
from bot.timefmt import day_month, day_month_time

LIFT, KEEP = "appeal_lift", "appeal_keep"
ALLOW_YES, ALLOW_NO = "allow_yes", "allow_no"


def labels_text(labels: tuple[str, ...]) -> str:
    return ", ".join(LABEL_TITLES[Label(label)] for label in labels if label in Label.__members__.values())


async def _own_pupil(ctx: Context, person_id: PersonId, doing: str) -> None:
    """A class teacher acts on the warnings of their own class's pupils only (3.3); moderators on anyone's."""
    if may(ctx.actor.roles, Action.MODERATE):
        return
    s = ctx.services
    led = await s.repos.memberships.classes_led_by(ctx.actor.id)
    pupil_of = {m.group.school_class for m in await s.repos.memberships.of_person(person_id)
                if m.role is Role.STUDENT and m.group.kind is GroupKind.CLASS}
    if not led & pupil_of:
        classes = ", ".join(sorted(str(c) for c in led)) or "пока не закреплены"
        raise PermissionDenied("not own pupil", text=f"Извините, {doing} вы можете только у учеников своего класса "
                                                     f"({classes}).")


async def warnings_of(ctx: Context, person_id: PersonId) -> None:
    s = ctx.services
    await _own_pupil(ctx, person_id, "смотреть предупреждения")
    shown = s.link(await s.person(person_id), Case.GENT)
    now, tz = s.now(), s.timezone()
    active = await s.repos.moderation.active_warnings(person_id, now)
    if not active:
        ctx.reply(f"У {shown} нет действующих предупреждений.")
        return
    lines = [f"У {shown} {warnings_phrase(len(active))}:"]
    lines += [f"• от {day_month(w.issued_at, tz, now)}: {labels_text(w.labels)} (действует до "
              f"{day_month(w.expires_at, tz, now)})" for w in active]
    ctx.reply("\n".join(lines))


async def pardon(ctx: Context, person_id: PersonId) -> None:
    s = ctx.services
    await _own_pupil(ctx, person_id, "снимать предупреждения")
    shown = s.link(await s.person(person_id), Case.GENT)
    async with ctx.commit():
        lifted = await s.repos.moderation.pardon_last(person_id, ctx.actor.id, s.now())
        if lifted is None:
            raise NotFound("no warning", text=f"У {shown} нет действующих предупреждений — снимать нечего.")
        await s.repos.audit.record(actor_id=ctx.actor.id, action="pardon", now=s.now(), target_id=person_id,
                                   details={"warning": lifted.id})
        left = len(await s.repos.moderation.active_warnings(person_id, s.now()))
        ctx.reply(f"Снято предупреждение от {day_month(lifted.issued_at, s.timezone(), s.now())}. "
                  f"Осталось у {shown}: {left}.")
        who = "Администратор" if may(ctx.actor.roles, Action.MODERATE) else "Классный руководитель"
        ctx.send(person_id, f"{who} снял одно ваше предупреждение. Спасибо за вежливое общение!")


async def modlog(ctx: Context, limit: int) -> None:
    s = ctx.services
    events = await s.repos.moderation.recent_events(limit)
    if not events:
        ctx.reply("Журнал модерации пуст.")
        return
    titles = {chat.id: chat.title for chat in await s.repos.chats.all()}
    names = await s.labels(e.author_id for e in events)
    lines = [f"Последние события модерации ({len(events)}):"]
    for e in events:
        lines.append(f"• {day_month_time(e.at, s.timezone(), s.now())} «{titles.get(e.chat_id, 'чат не привязан')}» "
                     f"{names[e.author_id]}: {labels_text(e.labels)} — «{e.excerpt}» "
                     f"({', '.join(e.acts) or 'без действий'})")
    ctx.reply("\n".join(lines))


async def filter_words(ctx: Context, change: FilterChange) -> None:
    s = ctx.services
    if change.show:
        ctx.reply(words_list(*await s.repos.moderation.words(), s.config.moderation))
        return
    async with ctx.commit():
        if change.add:
            await s.repos.moderation.set_word(change.word, "block", ctx.actor.id, s.now())
            reply = (f"Слово «{change.word}» добавлено в фильтр: сообщения с ним (в любой форме и написании) "
                     "будут отмечаться.")
        else:
            if not await s.repos.moderation.remove_word(change.word):
                raise NotFound("no word", text=f"Слова «{change.word}» нет в списках школы.")
            reply = f"Слово «{change.word}» убрано из списков школы."
        await s.repos.audit.record(actor_id=ctx.actor.id, action="filter_add" if change.add else "filter_remove",
                                   now=s.now(), chat_id=ctx.chat_id, details={"word": change.word})
        ctx.reply(reply)
    await s.features.checker.reload()


def words_list(blocked: list[str], allowed: list[str], config: ModerationConfig) -> str:
    lines = ["Свои слова школы (/фильтр, /разрешить):",
             "Отмечать: " + (", ".join(blocked) or "нет"),
             "Не отмечать никогда: " + (", ".join(allowed) or "нет")]
    if config.blocked_words or config.allowed_words:
        lines.append("Из настроек бота: отмечать — " + (", ".join(config.blocked_words) or "нет")
                     + "; не отмечать — " + (", ".join(config.allowed_words) or "нет"))
    return "\n".join(lines)


async def allow_word(ctx: Context, word: str, *, confirmed: bool = False) -> None:
    """A word the check would read as мат is allowed only after a confirmation (a typo here would
    switch the filter off for a real obscenity in every chat)."""
    s = ctx.services
    # The built-in check (without the school's own words) says whether the word has an obscene root.
    if not confirmed and Label.PROFANITY in default_checker().check(word).labels:
        ctx.reply(f"Слово «{word}» похоже на нецензурное. Точно никогда не считать его нарушением?",
                  row(callback("Да, разрешить", ALLOW_YES, style="negative", word=word),
                      callback("Отмена", ALLOW_NO)))
        return
    async with ctx.commit():
        await s.repos.moderation.set_word(word, "allow", ctx.actor.id, s.now())
        await s.repos.audit.record(actor_id=ctx.actor.id, action="filter_allow", now=s.now(), chat_id=ctx.chat_id,
                                   details={"word": word})
        text = f"Слово «{word}» больше не будет считаться нарушением."
        if confirmed:
            ctx.answer("Готово.")
        ctx.reply(text)
    await s.features.checker.reload()


async def appeal(ctx: Context, explanation: str = "") -> None:
    """/обжаловать [почему] (or «обжаловать …» in plain words): the latest warning not yet kept
    after an appeal goes to the administrators with the person's own words (masked)."""
    s = ctx.services
    now, tz = s.now(), s.timezone()
    active = await s.repos.moderation.active_warnings(ctx.actor.id, now)
    choice = choose_warning(active, await s.repos.moderation.appeal_states([w.id for w in active]), tz=tz, now=now)
    if choice.refusal is not None:
        ctx.reply(choice.refusal)
        return
    assert choice.index is not None
    warning = active[choice.index]
    places = await s.staff_places()
    if not places:
        ctx.reply("Не смог передать обжалование: в боте не указаны администраторы. Напишите классному руководителю.")
        return
    masked = (masked_for_card(explanation, (await s.features.checker.get()).check, EXPLANATION_LIMIT)
              if explanation.strip() else None)
    shown = s.link(await s.person(ctx.actor.id))
    excerpt = await s.repos.moderation.excerpt_of(warning.event_id)
    async with ctx.commit():
        appeal_id = await s.repos.moderation.open_appeal(warning_id=warning.id, person_id=ctx.actor.id, now=now,
                                                         explanation=masked)
        if appeal_id is None:
            ctx.reply("Ваше обжалование уже у администратора. Пожалуйста, дождитесь решения.")
            return
        card = AppealCard(appeal_id=appeal_id, person=shown, issued=day_month(warning.issued_at, tz, now),
                          expires=day_month(warning.expires_at, tz, now), labels=labels_text(warning.labels),
                          excerpt=excerpt, explanation=masked)
        buttons = row(callback("Снять предупреждение", LIFT, appeal_id, "positive"),
                      callback("Оставить", KEEP, appeal_id, "negative"))
        await ctx.tell_staff(appeal_card(card), buttons, tag=appeal_tag(appeal_id))
        ctx.reply("Ваше обжалование передано администратору. Я сообщу о решении.")


def appeal_tag(appeal_id: int) -> str:
    return f"appeal:{appeal_id}"


async def decide_appeal(ctx: Context, appeal_id: int, *, lift: bool) -> None:
    """A press on the appeal card (the router checked the presser may moderate): the card in every
    place it went shows the decision and loses its buttons."""
    s = ctx.services
    decider = s.link(await s.person(ctx.actor.id))
    before = await s.repos.moderation.get_appeal(appeal_id)
    warning = await s.repos.moderation.get_warning(before.warning_id) if before is not None else None
    person = s.link(await s.person(before.person_id)) if before is not None else ""
    excerpt = await s.repos.moderation.excerpt_of(warning.event_id) if warning is not None else None
    places = await s.repos.outbox.places_of(appeal_tag(appeal_id))
    now, tz = s.now(), s.timezone()
    async with ctx.commit():
        decided = await s.repos.moderation.decide_appeal(appeal_id, lift=lift, by=ctx.actor.id, now=now)
        if decided is None:
            ctx.answer("Это обжалование уже рассмотрено.")
            return
        await s.repos.audit.record(actor_id=ctx.actor.id, action="appeal_lifted" if lift else "appeal_kept",
                                   now=now, target_id=decided.person_id, details={"appeal": decided.id})
        verdict = "снято" if lift else "оставлено"
        ctx.answer(f"Готово: предупреждение {verdict}.")
        summary = f"Обжалование №{decided.id}: предупреждение {verdict} ({decider})."
        if warning is not None:
            card = AppealCard(appeal_id=decided.id, person=person, issued=day_month(warning.issued_at, tz, now),
                              expires=day_month(warning.expires_at, tz, now), labels=labels_text(warning.labels),
                              excerpt=excerpt, explanation=decided.explanation)
            text = decided_appeal_card(card, lifted=lift, decider=decider)
            ctx.owe(*(Edit(where=place, tag=appeal_tag(decided.id), text=text, fallback=summary) for place in places))
        if not places or warning is None:
            ctx.reply(summary)
        ctx.send(decided.person_id, appeal_outcome_text(lifted=lift))
