"""Deciding a /bind (clause 3.2: the administrator builds the school's structure of chats). Pure.

Administrators type the purpose as they say it: «учительская», «учительскую», «чат родителей 5А»,
«5А родители», «родители 5А». A staff room or the administration's chat is never made while parents
or pupils sit in the chat: what is said there (pupils' moderation log, hack reports) is not for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.chats import STAFF_PURPOSES, BoundChat, ChatBinding, ChatPurpose
from bot.errors import BadCommand
from bot.membership.groups import BINDING_FORMS, Audience, parse_binding
from bot.membership.roster import STAFF_ROLES
from bot.port.ids import ChatId, PersonId, Platform, platform_of
from bot.roles import Role

_PURPOSE_OF_AUDIENCE = {
    Audience.STAFF: ChatPurpose.STAFF,
    Audience.ADMINISTRATION: ChatPurpose.ADMINISTRATION,
    Audience.STUDENTS: ChatPurpose.CLASS_STUDENTS,
    Audience.PARENTS: ChatPurpose.CLASS_PARENTS,
    Audience.SUBJECT: ChatPurpose.SUBJECT,
}
# Russian forms of the purposes, as people write them after «привязать как…», «сделать…».
_FORMS = {
    "учительскую": "учительская", "учительской": "учительская", "учительская": "учительская",
    "руководства": "руководство", "руководству": "руководство", "администрации": "руководство",
    "администрацию": "руководство",
    "родителей": "родители", "родительский": "родители", "родительская": "родители", "родителям": "родители",
    "учеников": "ученики", "ученический": "ученики", "ученическая": "ученики", "детей": "ученики",
    "учащихся": "ученики", "обучающихся": "ученики",
}
_FILLER = frozenset({"чат", "чата", "беседа", "беседу", "как", "для", "это", "класса", "класс", "группа", "группу"})
_AUDIENCE_WORDS = frozenset({"родители", "ученики"})


def normalise_bind_words(args: str) -> str:
    """«чат родителей 5А» → «5А родители», «учительскую» → «учительская»: one form for the parser."""
    words = [w for w in args.replace(",", " ").split() if w.lower().replace("ё", "е") not in _FILLER]
    words = [_FORMS.get(w.lower().replace("ё", "е"), w) for w in words]
    if len(words) >= 2 and words[0].lower() in _AUDIENCE_WORDS:  # «родители 5А» → «5А родители»
        words = [*words[1:], words[0]]
    return " ".join(words)


_CHANNEL_WORDS = frozenset({"канал", "channel"})
_CHANNELS = {
    "общий": ChatPurpose.CHANNEL_GENERAL, "общая": ChatPurpose.CHANNEL_GENERAL, "школы": ChatPurpose.CHANNEL_GENERAL,
    "все": ChatPurpose.CHANNEL_GENERAL, "general": ChatPurpose.CHANNEL_GENERAL, "": ChatPurpose.CHANNEL_GENERAL,
    "сотрудники": ChatPurpose.CHANNEL_STAFF, "сотрудников": ChatPurpose.CHANNEL_STAFF,
    "учителя": ChatPurpose.CHANNEL_STAFF, "staff": ChatPurpose.CHANNEL_STAFF,
}
CHANNEL_USAGE = (f"Формат: /привязать <чат>. Варианты: {BINDING_FORMS}; канал общий; канал сотрудники. "
                 "Пример: /привязать канал общий")


def parse_bind_args(args: str) -> ChatBinding:
    """«учительская», «руководство», «5А ученики», «5А родители», «7Б физика», «канал общий|сотрудники»
    → what the chat is for."""
    if not args.strip():
        raise BadCommand("no purpose", text=CHANNEL_USAGE)
    first, _, rest = args.strip().lower().replace("ё", "е").partition(" ")
    if first in _CHANNEL_WORDS:
        purpose = _CHANNELS.get(" ".join(rest.split()))
        if purpose is None:
            raise BadCommand("bad channel", text=CHANNEL_USAGE)
        return ChatBinding(purpose=purpose)
    binding = parse_binding(normalise_bind_words(args))
    school_class = binding.group.school_class
    return ChatBinding(
        purpose=_PURPOSE_OF_AUDIENCE[binding.audience],
        class_label=str(school_class) if school_class is not None else None,
        subject=binding.group.subject,
    )


@dataclass(frozen=True, kw_only=True)
class Family:
    """A parent or pupil found in a chat about to become a staff chat."""

    person: PersonId
    role: Role


def families_in(roles: Mapping[PersonId, frozenset[Role]], admins: Sequence[PersonId] = ()) -> list[Family]:
    """Members who are parents or pupils and not staff (a teacher who is also a parent is staff here)."""
    found = []
    for person, held in roles.items():
        if person in admins or held & STAFF_ROLES:
            continue
        for role in (Role.STUDENT, Role.PARENT):
            if role in held:
                found.append(Family(person=person, role=role))
                break
    return found


def families_refusal(binding: ChatBinding, families: Sequence[Family], labels: Mapping[PersonId, str]) -> str:
    who = "; ".join(f"{labels.get(f.person, str(f.person))} — {'ученик' if f.role is Role.STUDENT else 'родитель'}"
                    for f in families[:10])
    more = f" и ещё {len(families) - 10}" if len(families) > 10 else ""
    return (f"Не привязываю: {binding.title()} — только для сотрудников, а в этом чате есть родители и ученики: "
            f"{who}{more}. Туда приходят журнал модерации и сообщения о взломах. Удалите их из чата или "
            "привяжите другой чат, где только сотрудники.")


def unreadable_members_refusal(binding: ChatBinding, admin_steps: str) -> str:
    return (f"Не привязываю: не могу прочитать, кто в этом чате, а {binding.title()} — только для сотрудников. "
            f"Сделайте бота администратором чата и повторите. {admin_steps}")


def needs_member_check(binding: ChatBinding) -> bool:
    return binding.purpose in STAFF_PURPOSES


def replace_question(binding: ChatBinding, before: BoundChat | None, displaced: Sequence[BoundChat],
                     titles: Mapping[ChatId, str]) -> str:
    """What a /bind would replace, asked before it does."""
    lines = [f"Привязать этот чат как {binding.title()}?"]
    if before is not None:
        lines.append(f"Сейчас он привязан как {before.binding.title()}: эта роль у него пропадёт.")
    for chat in displaced:
        lines.append(f"Сейчас {binding.title()} — другой чат{_named(chat.id, titles)}: он будет отвязан.")
    return "\n".join(lines)


def _named(chat: ChatId, titles: Mapping[ChatId, str]) -> str:
    title = titles.get(chat)
    return f" «{title}»" if title else ""


_PLATFORM_TITLES = {Platform.VK: "ВКонтакте", Platform.MAX: "MAX"}


def chats_text(bound: Sequence[BoundChat], titles: Mapping[ChatId, str], unbound: Sequence[ChatId] = ()) -> str:
    """/чаты: every bound chat by purpose, on each messenger, with its own title when known."""
    if not bound:
        lines = ["Привязанных чатов нет. Привязать: /привязать в самом чате (например, /привязать 5А родители)."]
    else:
        lines = ["Привязанные чаты:"]
        by_purpose: dict[str, list[str]] = {}
        for chat in bound:
            where = _PLATFORM_TITLES.get(platform_of(chat.id), str(platform_of(chat.id)))
            title = titles.get(chat.id)
            by_purpose.setdefault(chat.binding.title(), []).append(f"{where}: «{title}»" if title else where)
        lines += [f"• {purpose} — {'; '.join(places)}" for purpose, places in by_purpose.items()]
        lines.append("Отвязать: /отвязать в самом чате или /отвязать 5А родители")
    if unbound:
        shown = ", ".join(f"«{titles[c]}»" if titles.get(c) else str(c) for c in unbound[:20])
        lines.append(f"Бот есть и в непривязанных чатах: {shown}.")
    return "\n".join(lines)
