"""Announcements (3.2: the school's system channels and broadcasts): who an announcement is for,
when it goes, and every text about it. Pure.

    /объявление все Завтра сокращённые уроки
    /объявление 5А родители Собрание в четверг в 18:00 в 12 кабинете
    /объявление канал общий Итоги олимпиады в 2026-12-01 09:00
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.chats import ChatBinding, ChatPurpose
from bot.errors import BadCommand
from bot.membership.groups import SchoolClass, split_class
from bot.moderation.actions import plural
from bot.port.gateway import PROBLEM_TEXTS, Problem

TEXT_LIMIT = 3500
"""The announcement's own text; the header and a late note must still fit one message (4000)."""
MAX_AHEAD = timedelta(days=366)
USAGE = (
    "Формат: /объявление <кому> <текст> [в ГГГГ-ММ-ДД ЧЧ:ММ]. Кому: все, сотрудники, родители, ученики, "
    "5А (ученики и родители класса), 5А родители, 5А ученики, канал общий, канал сотрудники.\n"
    "Пример: /объявление 5А родители Собрание в четверг в 18:00 в 12 кабинете\n"
    "Фото или документ можно приложить к сообщению с командой."
)
ACK_LABEL = "Прочитано"
SEND_LABEL = "Отправить"
SEND_ACK_LABEL = "Отправить с «Прочитано»"
CANCEL_LABEL = "Отмена"
SEND_NOW_LABEL = "Отправить сейчас"
_SCHEDULE = re.compile(
    r"(?:^|\s)в\s+(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\s+(?:в\s+)?(\d{1,2})[:.](\d{2})\s*$", re.IGNORECASE)
_ALL = frozenset({"все", "всем", "all", "школа"})
_STAFF = frozenset({"сотрудники", "сотрудникам", "учителя", "учителям", "staff"})
_PARENTS = frozenset({"родители", "родителям", "parents"})
_STUDENTS = frozenset({"ученики", "ученикам", "students"})
_CHANNEL = frozenset({"канал", "channel"})
_CHANNEL_GENERAL = frozenset({"общий", "школы", "general"})
_CHANNEL_STAFF = frozenset({"сотрудники", "сотрудников", "staff"})


class Reach(StrEnum):
    ALL = "all"
    STAFF = "staff"
    PARENTS = "parents"
    STUDENTS = "students"
    CLASS = "class"
    CHANNEL_GENERAL = "channel_general"
    CHANNEL_STAFF = "channel_staff"


@dataclass(frozen=True, kw_only=True)
class Audience:
    reach: Reach
    class_label: str | None = None
    """For CLASS: «5А»."""
    part: str | None = None
    """For CLASS: «parents» or «students»; None for both."""

    def key(self) -> str:
        """As stored: «all», «class:5А», «class:5А:parents»."""
        if self.reach is Reach.CLASS:
            return ":".join(p for p in ("class", self.class_label, self.part) if p)
        return self.reach.value

    @classmethod
    def from_key(cls, key: str) -> Audience:
        if key.startswith("class:"):
            _, label, *part = key.split(":")
            return cls(reach=Reach.CLASS, class_label=label, part=part[0] if part else None)
        return cls(reach=Reach(key))

    def title(self) -> str:
        match self.reach:
            case Reach.ALL:
                return "вся школа"
            case Reach.STAFF:
                return "сотрудники"
            case Reach.PARENTS:
                return "родители всех классов"
            case Reach.STUDENTS:
                return "ученики всех классов"
            case Reach.CHANNEL_GENERAL:
                return "общий канал школы"
            case Reach.CHANNEL_STAFF:
                return "канал сотрудников"
        if self.part == "parents":
            return f"родители {self.class_label}"
        if self.part == "students":
            return f"ученики {self.class_label}"
        return f"{self.class_label} (ученики и родители)"

    def wants(self, binding: ChatBinding) -> bool:
        """Whether a bound chat is one this announcement goes to."""
        purpose = binding.purpose
        match self.reach:
            case Reach.ALL:
                return purpose in (ChatPurpose.STAFF, ChatPurpose.CLASS_STUDENTS, ChatPurpose.CLASS_PARENTS,
                                   ChatPurpose.CHANNEL_GENERAL)
            case Reach.STAFF:
                return purpose in (ChatPurpose.STAFF, ChatPurpose.CHANNEL_STAFF)
            case Reach.PARENTS:
                return purpose is ChatPurpose.CLASS_PARENTS
            case Reach.STUDENTS:
                return purpose is ChatPurpose.CLASS_STUDENTS
            case Reach.CHANNEL_GENERAL:
                return purpose is ChatPurpose.CHANNEL_GENERAL
            case Reach.CHANNEL_STAFF:
                return purpose is ChatPurpose.CHANNEL_STAFF
        if binding.class_label != self.class_label:
            return False
        wanted = {"parents": {ChatPurpose.CLASS_PARENTS}, "students": {ChatPurpose.CLASS_STUDENTS}}.get(
            self.part or "", {ChatPurpose.CLASS_PARENTS, ChatPurpose.CLASS_STUDENTS})
        return purpose in wanted


@dataclass(frozen=True, kw_only=True)
class AnnouncementOrder:
    """What /объявление asked for."""

    audience: Audience
    text: str
    send_at: datetime | None = None
    """A scheduled moment (aware); None to send once confirmed."""


def _first_word(text: str) -> tuple[str, str, str]:
    """(the first word folded, as written, the rest with its line breaks kept)."""
    match = re.match(r"\s*(\S+)\s*(.*)", text, re.DOTALL)
    if match is None:
        return "", "", ""
    return match[1].lower().replace("ё", "е").rstrip(":,."), match[1], match[2]


def _take_audience(text: str) -> tuple[Audience, str]:
    first, written, rest = _first_word(text)
    if not first:
        raise BadCommand("no audience", text=USAGE)
    for words_set, reach in ((_ALL, Reach.ALL), (_STAFF, Reach.STAFF), (_PARENTS, Reach.PARENTS),
                             (_STUDENTS, Reach.STUDENTS)):
        if first in words_set:
            return Audience(reach=reach), rest
    if first in _CHANNEL:
        kind, _, after = _first_word(rest)
        if kind in _CHANNEL_STAFF:
            return Audience(reach=Reach.CHANNEL_STAFF), after
        if kind in _CHANNEL_GENERAL:
            return Audience(reach=Reach.CHANNEL_GENERAL), after
        return Audience(reach=Reach.CHANNEL_GENERAL), rest
    if not first[:1].isdigit():
        raise BadCommand("bad audience", text=f"Не понял, кому объявление: «{written[:20]}».\n{USAGE}")
    school_class, after = _split_class(text)
    part_word, _, tail = _first_word(after)
    if part_word in _PARENTS:
        return Audience(reach=Reach.CLASS, class_label=str(school_class), part="parents"), tail
    if part_word in _STUDENTS:
        return Audience(reach=Reach.CLASS, class_label=str(school_class), part="students"), tail
    return Audience(reach=Reach.CLASS, class_label=str(school_class)), after


def _split_class(text: str) -> tuple[SchoolClass, str]:
    """The class at the start («5А», «5 А») and the rest with its line breaks."""
    try:
        return split_class(text)
    except BadCommand as error:
        raise BadCommand("bad class", text=f"{error.text}\n{USAGE}") from None


def _schedule(text: str, now: datetime, tz: tzinfo) -> tuple[str, datetime | None]:
    match = _SCHEDULE.search(text)
    if match is None:
        return text, None
    day_text, hour, minute = match[1], int(match[2]), int(match[3])
    try:
        day = date.fromisoformat(day_text) if "-" in day_text else datetime.strptime(day_text, "%d.%m.%Y").date()
        moment = datetime.combine(day, time(hour, minute), tzinfo=tz)
    except ValueError:
        raise BadCommand("bad time", text="Не понял дату или время: напишите, например, «в 2026-12-01 09:00».") from None
    if moment <= now:
        raise BadCommand("past", text="Это время уже прошло. Укажите время в будущем или отправьте без времени.")
    if moment - now > MAX_AHEAD:
        raise BadCommand("too far", text="Запланировать можно не больше чем на год вперёд.")
    return text[: match.start()].rstrip(), moment


def parse_announcement(args: str, *, now: datetime, tz: tzinfo, has_file: bool = False) -> AnnouncementOrder:
    """«5А родители Текст в 2026-12-01 09:00» → whom, what, when (in the school's time zone)."""
    audience, rest = _take_audience(args.strip())
    text, send_at = _schedule(rest.strip(), now, tz)
    text = text.strip()
    if not text and not has_file:
        raise BadCommand("no text", text=f"Напишите текст объявления после «{audience.title()}».\n{USAGE}")
    if len(text) > TEXT_LIMIT:
        raise BadCommand("too long", text=f"Объявление длиннее {TEXT_LIMIT} знаков: сократите его, пожалуйста.")
    return AnnouncementOrder(audience=audience, text=text, send_at=send_at)


# --- what people see -----------------------------------------------------------------------------


def local_moment(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def message_text(text: str, *, from_class_teacher: str | None = None, late_from: str | None = None) -> str:
    """The announcement as the chats receive it."""
    header = f"Объявление классного руководителя {from_class_teacher}" if from_class_teacher else "Объявление школы"
    body = f"{header}\n\n{text}" if text else header
    if late_from:
        body += f"\n\n(Должно было выйти {late_from}; отправлено с опозданием: бот был недоступен.)"
    return body


def preview_text(number: int, audience: Audience, text: str, chats: Sequence[str], *, file_name: str | None,
                 send_at: str | None, skipped_file: bool = False) -> str:
    lines = [f"Объявление №{number} — предпросмотр. Кому: {audience.title()}."]
    lines.append(f"Чаты ({len(chats)}): " + "; ".join(chats) + "." if chats else "Чатов для этой аудитории нет.")
    if file_name:
        lines.append(f"Вложение: {file_name}.")
    if skipped_file:
        lines.append("Вложение этого вида не пересылаю: только фото и документы.")
    lines.append(f"Отправлю {send_at}." if send_at else "Отправлю, когда вы нажмёте «Отправить».")
    lines += ["", text or "(без текста)", "", "«Отправить с «Прочитано»» — под объявлением будет кнопка, "
              "и в /объявления вы увидите, кто прочитал."]
    return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class Delivery:
    title: str
    """The chat as people know it."""
    problem: Problem | None
    """None: delivered."""


def report_text(number: int, deliveries: Sequence[Delivery], *, late: bool = False) -> str:
    """What the author is told once every chat was served."""
    done = [d for d in deliveries if d.problem is None]
    failed = [d for d in deliveries if d.problem is not None]
    text = f"Объявление №{number} доставлено в {len(done)} из {plural(len(deliveries), 'чата', 'чатов', 'чатов')}"
    if late:
        text += " (с опозданием: бот был недоступен в назначенное время)"
    text += "."
    if failed:
        text += "\nНе доставлено:\n" + "\n".join(
            f"• {d.title}: {PROBLEM_TEXTS[d.problem]}" for d in failed if d.problem is not None)
    return text


def missed_text(number: int, due: str) -> str:
    return (f"Объявление №{number} не отправлено: в {due} бот был недоступен, а опоздание больше допустимого. "
            "Отправить его сейчас?")


@dataclass(frozen=True, kw_only=True)
class Listed:
    """One announcement in /объявления."""

    number: int
    state: str
    audience: Audience
    when: str
    """Sent at, or scheduled for, in the school's time zone."""
    text: str
    delivered: int = 0
    chats: int = 0
    ack: bool = False
    read: int = 0
    readers: int = 0


STATE_TITLES = {"draft": "черновик", "scheduled": "запланировано", "sending": "отправляется", "sent": "отправлено",
                "cancelled": "отменено", "missed": "пропущено"}


def excerpt(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def list_text(items: Sequence[Listed]) -> str:
    if not items:
        return "Объявлений пока нет. Новое: /объявление <кому> <текст>"
    scheduled = [i for i in items if i.state == "scheduled"]
    recent = [i for i in items if i.state != "scheduled"]
    lines: list[str] = []
    if scheduled:
        lines.append("Запланированы:")
        lines += [f"• №{i.number} на {i.when} — {i.audience.title()}: «{excerpt(i.text)}». Отменить: /отменить {i.number}"
                  for i in scheduled]
    if recent:
        if lines:
            lines.append("")
        lines.append("Недавние:")
        for i in recent:
            line = f"• №{i.number} {i.when} — {i.audience.title()}, {STATE_TITLES.get(i.state, i.state)}"
            if i.state in ("sending", "sent"):
                line += f", доставлено в {i.delivered} из {i.chats}"
                if i.ack:
                    line += f", прочитали {i.read} из {i.readers}"
            lines.append(line + f": «{excerpt(i.text)}»")
    lines += ["", "Кто не прочитал: /объявления N"]
    return "\n".join(lines)


def unread_text(number: int, read: int, readers: int, missing: Mapping[str, Sequence[str]], *,
                extra_readers: int = 0) -> str:
    """Who has not pressed «Прочитано», by chat; parents by their child's name."""
    lines = [f"Объявление №{number}: прочитали {read} из {readers}."]
    if extra_readers:
        lines[0] += f" Ещё отметились {extra_readers}, кого нет в списках бота."
    for title, names in missing.items():
        if names:
            lines.append(f"\nНе прочитали — {title} ({len(names)}):")
            lines += [f"• {name}" for name in names[:50]]
            if len(names) > 50:
                lines.append(f"…и ещё {len(names) - 50}")
    if read >= readers:
        lines.append("Прочитали все, кого бот знает.")
    return "\n".join(lines)
