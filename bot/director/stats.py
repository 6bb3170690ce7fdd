"""/статистика: the period asked for, the numbers of a school (or of one class), as text and CSV.

Counts and aggregates only: no ranking of individual children, no message text. The numbers are
gathered by storage/director_stats.py into `SchoolStats`; everything here is pure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from bot.errors import BadCommand
from bot.membership.groups import split_class
from bot.moderation.actions import LABEL_TITLES, plural
from bot.moderation.verdict import Label
from bot.roles import Role

MAX_PERIOD_DAYS = 731
STATS_USAGE = ("Формат: /статистика [5А] [неделя|месяц|год|2026-09-01..2026-12-31], "
               "/статистика файл [период] — таблица CSV.")
NO_LIST = "список не загружен"
_DATE = r"(\d{4}-\d{2}-\d{2})"
_RANGE = re.compile(rf"^{_DATE}\s*(?:\.\.\.?|…|—|–|-|по)\s*{_DATE}$")
_WORDS = {
    "неделя": 7, "неделю": 7, "week": 7, "7": 7,
    "месяц": 30, "month": 30, "30": 30,
    "год": 365, "year": 365, "365": 365,
}
_FILE_WORDS = frozenset({"файл", "file", "csv", "таблица", "таблицу"})
_PERIOD_NAMES = {7: "неделю", 30: "месяц", 365: "год"}

ROLE_ORDER = (Role.STUDENT, Role.PARENT, Role.TEACHER, Role.CLASS_TEACHER, Role.ADMINISTRATION, Role.EXTRA_ADMIN,
              Role.ADMIN)
ROLE_PLURALS = {
    Role.STUDENT: ("ученик", "ученика", "учеников"),
    Role.PARENT: ("родитель", "родителя", "родителей"),
    Role.TEACHER: ("учитель", "учителя", "учителей"),
    Role.CLASS_TEACHER: ("классный руководитель", "классных руководителя", "классных руководителей"),
    Role.ADMINISTRATION: ("член администрации", "члена администрации", "членов администрации"),
    Role.EXTRA_ADMIN: ("доп. администратор", "доп. администратора", "доп. администраторов"),
    Role.ADMIN: ("администратор", "администратора", "администраторов"),
}


@dataclass(frozen=True, kw_only=True)
class Period:
    start: date
    """The first day, the school's local date (inclusive)."""
    end: date
    """The last day (inclusive)."""
    name: str
    """«неделю», «месяц», «год» or empty for dates given."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def title(self) -> str:
        span = f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"
        return f"за {self.name} ({span})" if self.name else f"за {span}"


@dataclass(frozen=True, kw_only=True)
class StatsRequest:
    period: Period
    as_file: bool = False
    """/статистика файл: a CSV instead of the text and the picture."""
    school_class: str | None = None
    """/статистика 5А: one class only."""


def last_days(days: int, today: date) -> Period:
    return Period(start=today - timedelta(days=days - 1), end=today, name=_PERIOD_NAMES.get(days, ""))


def parse_stats_args(text: str, today: date) -> StatsRequest:
    """«», «месяц», «файл год», «5А месяц», «2026-09-01..2026-12-31» → what to count; BadCommand with the form."""
    written = text.strip().split()
    words = [w.lower().replace("ё", "е") for w in written]
    as_file = bool(words) and words[0] in _FILE_WORDS
    if as_file:
        written, words = written[1:], words[1:]
    school_class = None
    if words and words[0][:1].isdigit() and not _RANGE.match(" ".join(words)) and words[0] not in _WORDS:
        found, rest_text = split_class(" ".join(written))  # as written: a mistake is quoted back unchanged
        school_class, words = str(found), rest_text.lower().replace("ё", "е").split()
    rest = " ".join(words)
    if not rest:
        return StatsRequest(period=last_days(7, today), as_file=as_file, school_class=school_class)
    if rest in _WORDS:
        return StatsRequest(period=last_days(_WORDS[rest], today), as_file=as_file, school_class=school_class)
    match = _RANGE.match(rest)
    if match is None:
        raise BadCommand("bad period", text=STATS_USAGE)
    try:
        start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
    except ValueError:
        raise BadCommand("bad date", text=f"Такой даты нет. {STATS_USAGE}") from None
    if end < start:
        raise BadCommand("reversed", text="Начало периода позже конца: напишите сначала раннюю дату, например "
                                          "/статистика 2026-09-01..2026-12-31")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise BadCommand("too long", text="Период — не больше двух лет.")
    return StatsRequest(period=Period(start=start, end=end, name=""), as_file=as_file, school_class=school_class)


# --- the numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClassCoverage:
    label: str
    """«5А»."""
    on_list: int | None
    """Pupils on the class list (the roster); None when the list is not loaded."""
    pupils: int
    """Pupils connected to the bot (a live membership in the class)."""
    with_parent: int
    """Pupils at least one of whose parents is connected (children named by connected parents)."""
    parents: int
    """Parents connected."""


@dataclass(frozen=True, kw_only=True)
class ChatStats:
    chat_id: str
    title: str
    """«чат родителей 5А (MAX)»."""
    messages: int
    """Messages written in the period."""
    active_7: int
    """People who wrote at least once in the last 7 days."""
    active_30: int
    """… in the last 30 days."""
    class_label: str | None = None


@dataclass(frozen=True, kw_only=True)
class SchoolStats:
    period: Period
    scope: str | None = None
    """None: the whole school; «5А»: one class (a class teacher's view)."""
    roles: Mapping[Role, int] = field(default_factory=dict)
    classes: Sequence[ClassCoverage] = ()
    chats: Sequence[ChatStats] = ()
    active_7: int = 0
    """Different people who wrote in the last 7 days, across the chats counted."""
    active_30: int = 0
    daily: Sequence[tuple[date, int]] = ()
    """Messages per day over the period (days without messages included)."""
    invites_issued: int = 0
    invites_used: int = 0
    invites_annulled: int = 0
    requests_received: int = 0
    requests_approved: int = 0
    requests_rejected: int = 0
    decision_minutes: Sequence[float] = ()
    """Minutes from each decided request to its decision (for the median)."""
    moderation_by_label: Mapping[str, int] = field(default_factory=dict)
    moderation_by_chat: Mapping[str, int] = field(default_factory=dict)
    """Chat title → events."""
    warnings: int = 0
    reports: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """(kind: hacked|abuse, status: open|closed) → reports received in the period."""
    announcements_sent: int = 0
    acknowledgements: int = 0

    @property
    def median_decision(self) -> float | None:
        return median(self.decision_minutes) if self.decision_minutes else None

    @property
    def moderation_total(self) -> int:
        return sum(self.moderation_by_chat.values())


def fill_days(period: Period, counts: Mapping[str, int]) -> list[tuple[date, int]]:
    """Messages per day for every day of the period (zeros where nobody wrote)."""
    return [(period.start + timedelta(days=n), counts.get((period.start + timedelta(days=n)).isoformat(), 0))
            for n in range(period.days)]


def count_labels(rows: Sequence[tuple[str, int]]) -> dict[str, int]:
    """(comma-separated labels of an event, events) → events per label, in the labels' own order."""
    found: dict[str, int] = {}
    for labels, count in rows:
        for label in labels.split(","):
            if label:
                found[label] = found.get(label, 0) + count
    order = [label.value for label in Label]
    return dict(sorted(found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


# --- text ------------------------------------------------------------------------------------------


def duration_text(minutes: float) -> str:
    """«12 мин», «3 ч 20 мин», «2 дн 4 ч»."""
    whole = round(minutes)
    if whole < 60:
        return f"{whole} мин"
    hours, rest = divmod(whole, 60)
    if hours < 24:
        return f"{hours} ч {rest} мин" if rest else f"{hours} ч"
    days, hours = divmod(hours, 24)
    return f"{days} дн {hours} ч" if hours else f"{days} дн"


def percent(part: int, whole: int | None) -> str:
    return f" ({round(100 * part / whole)}%)" if whole else ""


def coverage_line(c: ClassCoverage) -> str:
    if c.on_list is None:
        pupils = f"учеников в боте {c.pupils}, {NO_LIST}"
    else:
        pupils = f"учеников {c.pupils} из {c.on_list}{percent(c.pupils, c.on_list)}"
    # Children named by connected parents, whether or not the child is connected: «у 2 учеников родитель в боте»
    # reads right even beside «учеников в боте 1».
    with_parent = (f"у {plural(c.with_parent, 'ученика', 'учеников', 'учеников')}{percent(c.with_parent, c.on_list)} "
                   "родитель в боте" if c.with_parent else "ни у кого родитель не в боте")
    return f"• {c.label}: {pupils}; {with_parent}; родителей {c.parents}"


def roles_line(roles: Mapping[Role, int]) -> str:
    parts = [plural(roles[role], *ROLE_PLURALS[role]) for role in ROLE_ORDER if roles.get(role)]
    return ", ".join(parts) if parts else "пока никого"


def stats_text(stats: SchoolStats) -> str:
    """The whole summary, a phone screen or two."""
    whose = f"класса {stats.scope}" if stats.scope else "школы"
    lines = [f"Статистика {whose} {stats.period.title()}", ""]
    lines.append(f"Люди в боте: {roles_line(stats.roles)}.")
    if stats.classes:
        lines += ["", "Охват по классам:"]
        lines += [coverage_line(c) for c in stats.classes]
    lines += ["", f"Писали в чатах: за 7 дней — {plural(stats.active_7, 'человек', 'человека', 'человек')}, "
                  f"за 30 дней — {plural(stats.active_30, 'человек', 'человека', 'человек')}."]
    if stats.chats:
        lines.append("Сообщений за период по чатам (писали за 7 / 30 дней):")
        lines += [f"• {c.title}: {c.messages}; {c.active_7} / {c.active_30}" for c in stats.chats]
    else:
        lines.append("Привязанных чатов пока нет.")
    lines += ["", f"Ссылки-приглашения: выдано {stats.invites_issued}, использовано {stats.invites_used}, "
                  f"аннулировано {stats.invites_annulled}."]
    requests = (f"Заявки: поступило {stats.requests_received}, одобрено {stats.requests_approved}, "
                f"отклонено {stats.requests_rejected}")
    middle = stats.median_decision
    lines.append(requests + (f"; медиана до решения — {duration_text(middle)}." if middle is not None else "."))
    lines.append(_moderation_line(stats))
    lines.append(_reports_line(stats.reports))
    lines.append(f"Объявления: отправлено {stats.announcements_sent}, отметок «Прочитано» {stats.acknowledgements}.")
    return "\n".join(lines)


def _moderation_line(stats: SchoolStats) -> str:
    if not stats.moderation_total:
        return f"Модерация: нарушений не было; предупреждений выдано {stats.warnings}."
    kinds = ", ".join(f"{LABEL_TITLES[Label(k)] if k in Label.__members__.values() else k} {n}"
                      for k, n in stats.moderation_by_label.items())
    chats = ", ".join(f"{title} {n}" for title, n in stats.moderation_by_chat.items())
    return (f"Модерация: {plural(stats.moderation_total, 'событие', 'события', 'событий')} — {kinds}; "
            f"по чатам: {chats}; предупреждений выдано {stats.warnings}.")


def _reports_line(reports: Mapping[tuple[str, str], int]) -> str:
    def one(kind: str, title: str) -> str:
        opened, closed = reports.get((kind, "open"), 0), reports.get((kind, "closed"), 0)
        return f"{title} {opened + closed} (открыто {opened}, закрыто {closed})"

    return f"Обращения: {one('hacked', 'о взломе')}; {one('abuse', 'жалобы')}."


def digest_text(stats: SchoolStats) -> str:
    return "Еженедельная сводка для директора.\n" + stats_text(stats)


# --- CSV -------------------------------------------------------------------------------------------

CSV_HEADER = ("вид", "название", "в списке", "учеников в боте", "с родителем в боте", "родителей в боте",
              "сообщений за период", "писали за 7 дней", "писали за 30 дней")


def stats_csv(stats: SchoolStats) -> bytes:
    """One row per class and per chat; UTF-8 with a BOM and «;» between columns, so Excel in Russian
    opens it as a table."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for c in stats.classes:
        writer.writerow(("класс", c.label, NO_LIST if c.on_list is None else c.on_list, c.pupils, c.with_parent,
                         c.parents, "", "", ""))
    for chat in stats.chats:
        writer.writerow(("чат", chat.title, "", "", "", "", chat.messages, chat.active_7, chat.active_30))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_name(stats: SchoolStats, extension: str) -> str:
    scope = f"-{stats.scope}" if stats.scope else ""
    return f"statistika{scope}-{stats.period.start:%Y%m%d}-{stats.period.end:%Y%m%d}.{extension}"


def split_text(text: str, limit: int = 4000) -> list[str]:
    """Messages of at most `limit` characters, split between lines (a big school's summary is long)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
