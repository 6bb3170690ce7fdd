"""/моиданные as a person reads it: plain sentences grouped by purpose, dates as people write them,
how long each thing is kept — never a dump of columns («чат: 2000000002; решил: 1001»). Pure.

The rows come from storage as they are (bot/privacy.py says which tables and columns are the
person's); each known table has its sentence here. A table added later without a sentence is
still shown, plainly, under «Другое» (its entry in bot/privacy.py is required by a test).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from bot.grammar import plural
from bot.moderation.actions import LABEL_TITLES
from bot.privacy import (
    AUDIT_REASON,
    CLOSED_REPORTS_DAYS,
    MESSAGE_LIMIT,
    MODERATION_RECORDS_DAYS,
    ROWS_SHOWN,
    TABLE_TITLES,
    Found,
    Mode,
    describe_row,
    retention_for,
)
from bot.roles import ROLE_TITLES, Role
from bot.timefmt import day_month, day_month_time

Row = Mapping[str, object]

_WHO = ("people", "person_roles", "memberships", "children", "class_teachers", "verified_teachers", "join_requests")
_RULES = ("warnings", "appeals", "moderation_events", "moderation_alerts")
_REPORTS = ("reports",)
_STAFF_RECORDS = {"invites": "ссылок-приглашений выдано", "chats": "чатов привязано",
                  "filter_words": "слов фильтра добавлено"}
_GENDERS = {"male": "мужской", "female": "женский"}
_REQUEST_STATES = {"pending": "на рассмотрении", "awaiting_child": "ждёт имя ребёнка", "approved": "одобрена",
                   "rejected": "отклонена", "cancelled": "отменена"}
_APPEAL_STATES = {"open": "на рассмотрении", "lifted": "предупреждение снято", "kept": "предупреждение оставлено"}


@dataclass(frozen=True, kw_only=True)
class Show:
    tz: tzinfo
    now: datetime

    def date(self, value: object) -> str:
        return day_month(str(value), self.tz, self.now)

    def moment(self, value: object) -> str:
        return day_month_time(str(value), self.tz, self.now)

    def full_date(self, value: object) -> str:
        """«29.11.2026»: for what lasts long (when a child was named, when a record goes)."""
        return day_month(str(value), self.tz)

    def plus(self, value: object, days: int) -> str:
        moment = _parse(value)
        return self.full_date((moment + timedelta(days=days)).isoformat()) if moment is not None else "—"


def _parse(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _rows(found: Sequence[Found], table: str) -> list[Row]:
    return [row for f in found if f.lookup.table == table and f.lookup.mode is Mode.ROWS for row in f.rows]


def _count(found: Sequence[Found], table: str, mode: Mode) -> int:
    return sum(f.count for f in found if f.lookup.table == table and f.lookup.mode is mode)


_LABEL_WORDS = {label.value: title for label, title in LABEL_TITLES.items()}
_ORDER = (*_WHO, *_RULES, *_REPORTS)


def _labels(value: object) -> str:
    titles = [_LABEL_WORDS.get(part, part) for part in str(value or "").split(",") if part]
    return ", ".join(titles) or "нарушение правил"


def _role(value: object) -> str:
    try:
        return ROLE_TITLES[Role(str(value))]
    except ValueError:
        return str(value)


def _group(row: Row) -> str:
    kind, label, subject = row.get("group_kind"), row.get("class_label"), row.get("subject")
    if kind == "class":
        return f"в {label}"
    if kind == "subject":
        return f"в группе {label} {subject}"
    if kind == "staff":
        return "в «Учительской»"
    if kind == "administration":
        return "в руководстве школы"
    return ""


# --- who you are at school ----------------------------------------------------------------------


def _who(found: Sequence[Found], show: Show) -> list[str]:
    lines: list[str] = []
    children = _rows(found, "children")
    named: set[object] = set()
    live_roles: set[str] = set()
    for row in _rows(found, "memberships"):
        if row.get("ended"):
            continue
        live_roles.add(str(row.get("role")))
        line = f"Вы — {_role(row.get('role'))} {_group(row)}".rstrip() + f" с {show.full_date(row.get('since'))}"
        if row.get("role") == "parent":
            kids = [c for c in children if c.get("class_label") == row.get("class_label") and not c.get("ended")]
            named |= {c.get("id") for c in kids}
            if kids:
                line += "; " + ", ".join(f"ребёнок: {c.get('child_name')} (указан вами {show.full_date(c.get('since'))})"
                                         for c in kids)
        lines.append(line + ".")
    for child in children:
        if child.get("id") not in named and not child.get("ended"):
            lines.append(f"Ребёнок: {child.get('child_name')}, {child.get('class_label')} "
                         f"(указан вами {show.full_date(child.get('since'))}).")
    other_roles = [_role(r.get("role")) for r in _rows(found, "person_roles") if str(r.get("role")) not in live_roles]
    if other_roles:
        lines.append(f"{'Ваша роль' if len(other_roles) == 1 else 'Ваши роли'}: {', '.join(other_roles)}.")
    for row in _rows(found, "class_teachers"):
        if "class_teacher" not in live_roles:
            lines.append(f"Вы — классный руководитель {row.get('class_label')} "
                         f"(назначены {show.full_date(row.get('assigned_at'))}).")
    for row in _rows(found, "verified_teachers"):
        lines.append(f"Статус «учитель» подтверждён администратором {show.full_date(row.get('verified_at'))}.")
    past = [r for r in _rows(found, "memberships") if r.get("ended")]
    if past:
        lines.append("Раньше: " + "; ".join(f"{_role(r.get('role'))} {_group(r)} (по {show.full_date(r.get('ended'))})"
                                              for r in past[:ROWS_SHOWN]) + ".")
    for row in _rows(found, "join_requests")[:ROWS_SHOWN]:
        kid = f"; ребёнок: {row.get('child_name')}" if row.get("child_name") else ""
        state = _REQUEST_STATES.get(str(row.get("state")), str(row.get("state")))
        decided = f" {show.date(row.get('decided_at'))}" if row.get("decided_at") else ""
        reason = f" (причина: {row.get('reason')})" if row.get("reason") else ""
        lines.append(f"Заявка №{row.get('id')} ({_role(row.get('role'))} {_group(row)}{kid}) от "
                     f"{show.date(row.get('created_at'))} — {state}{decided}{reason}.")
    profile = _rows(found, "people")
    if profile and profile[0].get("display_name"):
        gender = _GENDERS.get(str(profile[0].get("gender")))
        lines.append(f"Имя из профиля в мессенджере: {profile[0].get('display_name')}"
                     + (f"; пол: {gender}" if gender else "") + " — для обращений и склонений.")
    return lines


# --- the rules of communication -----------------------------------------------------------------


def _rules(found: Sequence[Found], show: Show) -> list[str]:
    lines: list[str] = []
    warnings = _rows(found, "warnings")
    active = [w for w in warnings if not w.get("pardoned_at") and (_parse(w.get("expires_at")) or show.now) > show.now]
    if warnings:
        lines.append(f"Действует {plural(len(active), 'предупреждение', 'предупреждения', 'предупреждений')}."
                     if active else "Действующих предупреждений нет.")
    for w in warnings[:ROWS_SHOWN]:
        if w.get("pardoned_at"):
            state = f"снято {show.date(w.get('pardoned_at'))}"
        elif w in active:
            state = f"действует до {show.date(w.get('expires_at'))}"
        else:
            state = f"перестало действовать {show.date(w.get('expires_at'))}"
        lines.append(f"Предупреждение от {show.date(w.get('issued_at'))} ({state}): {_labels(w.get('labels'))}; "
                     f"запись хранится до {show.plus(w.get('expires_at'), MODERATION_RECORDS_DAYS)}.")
    for a in _rows(found, "appeals")[:ROWS_SHOWN]:
        words = f"; ваше пояснение: «{a.get('explanation')}»" if a.get("explanation") else ""
        lines.append(f"Обжалование от {show.date(a.get('at'))} — "
                     f"{_APPEAL_STATES.get(str(a.get('state')), str(a.get('state')))}{words}.")
    for e in _rows(found, "moderation_events")[:ROWS_SHOWN]:
        acts = str(e.get("acts") or "").replace(",", ", ") or "без мер"
        lines.append(f"{show.moment(e.get('at'))} — ваше сообщение отмечено: {_labels(e.get('labels'))} "
                     f"(«{e.get('excerpt')}»); сделано: {acts}; хранится до "
                     f"{show.plus(e.get('at'), MODERATION_RECORDS_DAYS)}.")
    for alert in _rows(found, "moderation_alerts")[:ROWS_SHOWN]:
        lines.append(f"{show.date(alert.get('at'))} администрации сообщено, что у вас набралось много предупреждений.")
    complaints = _count(found, "reports", Mode.COUNT)
    if complaints:
        lines.append(f"На ваши сообщения пожаловались: {plural(complaints, 'раз', 'раза', 'раз')} — кто, не сообщаю; "
                     f"жалобы хранятся у администрации, пока открыты, и {CLOSED_REPORTS_DAYS} дней после.")
    return lines


# --- your reports -------------------------------------------------------------------------------


def _reports(found: Sequence[Found], show: Show) -> list[str]:
    lines: list[str] = []
    for r in _rows(found, "reports")[:ROWS_SHOWN]:
        what = "сообщение о взломе аккаунта" if r.get("kind") == "hacked" else "жалоба на сообщение"
        if r.get("excerpt"):
            what += f" («{r.get('excerpt')}»)"
        if r.get("reason"):
            what += f"; ваши слова: «{r.get('reason')}»"
        if r.get("status") == "closed":
            state = (f"рассмотрено {show.date(r.get('closed_at'))}, запись хранится до "
                     f"{show.plus(r.get('closed_at'), CLOSED_REPORTS_DAYS)}")
        else:
            state = f"открыто (хранится, пока открыто, и {CLOSED_REPORTS_DAYS} дней после)"
        lines.append(f"№{r.get('id')} от {show.date(r.get('created_at'))} — {what}; {state}.")
    return lines


# --- the whole text -----------------------------------------------------------------------------

_Section = tuple[str, tuple[str, ...], Callable[[Sequence[Found], Show], list[str]]]
_SECTIONS: tuple[_Section, ...] = (
    ("Кто вы в школе", _WHO, _who),
    ("Правила общения (п. 4.5, 4.6)", _RULES, _rules),
    ("Ваши обращения", _REPORTS, _reports),
)


def mydata_text(found: Sequence[Found], tz: tzinfo = UTC, now: datetime | None = None) -> str:
    """Everything found about the person, grouped by purpose, with how long each is kept."""
    show = Show(tz=tz, now=now or datetime.now(UTC))
    out = ["Вот что я храню о вас."]
    shown_tables: set[str] = set()
    for title, tables, sentences in _SECTIONS:
        lines = sentences(found, show)
        if lines:
            out += ["", f"{title}:"] + [f"• {line}" for line in lines]
            shown_tables |= {t for t in tables if any(f.lookup.table == t and f.count for f in found)}
    other = [f for f in found if f.lookup.mode is Mode.ROWS and f.count and f.lookup.table not in _ORDER]
    if other:
        out += ["", "Другое:"]
        for item in other:
            out.append(f"• {TABLE_TITLES.get(item.lookup.table, item.lookup.table)}:")
            out += [f"  – {describe_row(row, item.lookup.column, tz)}" for row in item.rows[:ROWS_SHOWN]]
            if item.count > ROWS_SHOWN:
                out.append(f"  …и ещё {item.count - ROWS_SHOWN}")
            shown_tables.add(item.lookup.table)
    staff = [f"{label}: {_count(found, table, Mode.COUNT)}" for table, label in _STAFF_RECORDS.items()
             if _count(found, table, Mode.COUNT)]
    if staff:
        out += ["", "Как сотрудник школы вы: " + "; ".join(staff) + ". Это записи школы, а не ваши личные данные."]
    audit = _count(found, "audit_log", Mode.COUNT)
    if audit:
        out += ["", f"В журнале решений администраторов записей с вами: {audit} — {AUDIT_REASON}."]
    if len(out) == 1:
        out = ["Я не храню о вас ничего, кроме имени из профиля, пока вы пишете мне."]
    periods = _periods(shown_tables)
    out += ["", "Сроки хранения:", *periods,
            "• Переписку в чатах я не сохраняю — только замаскированные отрывки в жалобах и записях модерации.",
            "", "Удалить свои данные: /удалить"]
    return _fit("\n".join(out))


def _periods(tables: set[str]) -> list[str]:
    """One line per retention that applies to what was shown (kinds kept equally long share it)."""
    periods: dict[str, list[str]] = {}
    for table in sorted(tables, key=lambda t: _ORDER.index(t) if t in _ORDER else len(_ORDER)):
        retention = retention_for(table)
        if retention.what not in periods.setdefault(retention.period, []):
            periods[retention.period].append(retention.what)
    return [f"• {'; '.join(whats)}: {period}" for period, whats in periods.items()]


def _fit(text: str) -> str:
    if len(text) <= MESSAGE_LIMIT:
        return text
    return text[: MESSAGE_LIMIT - 2].rstrip() + "\n…"
