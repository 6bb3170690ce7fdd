"""The person's own data: what is kept and for how long, what /моиданные shows, what /удалить erases.

Pure: the storage layer reads the database's schema, this module decides which tables and
columns hold a person's id and what happens to each, and storage carries the plan out.

Every table that holds a person's id has an explicit entry here: a retention (its own key in
RETENTION, or a sibling's through _SAME_POLICY) and a title in TABLE_TITLES. A table without one
is neither shown nor erased (only explicit entries are acted on), and tests/test_privacy_map.py
fails on a migrated database until the table is classified — so a new feature's table can never
be shown or wiped by accident because of a column name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from enum import StrEnum

from bot.moderation.actions import LABEL_TITLES
from bot.roles import ROLE_TITLES
from bot.timefmt import day_month_time

CLOSED_REPORTS_DAYS = 90  # enforced hourly by bot.housekeeping (and before /моиданные)
MODERATION_RECORDS_DAYS = 180  # enforced hourly by bot.housekeeping
SENT_RECORDS_DAYS = 30  # long enough for a request card to be edited when it is decided
DELIVERY_RECORDS_DAYS = 7  # handled updates' keys and sent messages' records (the texts are erased on handling)
STAGED_DAYS = 7  # questions awaiting «Применить»/«Отмена» (a staged class list holds pupils' names)
ACTIVITY_DAYS = 35  # a person's daily message counts (statistics: «wrote in the last 7 / 30 days»); then chat totals
ANNOUNCEMENTS_DAYS = 365  # announcements, who received and who read them (enforced hourly by bot.housekeeping)
MESSAGE_LIMIT = 4000  # the shorter of the platforms' limits (VK 4096, MAX 4000)
ROWS_SHOWN = 10  # per kind of data in /моиданные: a phone screen, not a database dump
_VALUE_LIMIT = 60


# --- the retention policy ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Retention:
    key: str
    """The table it is about (or a pseudo-key for what is deliberately not stored)."""
    what: str
    """What is kept, in plain Russian."""
    period: str
    """For how long."""
    erasable: bool
    """Whether /удалить erases it."""


AUDIT_REASON = "его нельзя изменить или удалить: по нему можно проверить, кто, что и когда решил (п. 3.2 Положения)"
ACTIVE_WARNINGS_REASON = (
    "действующие предупреждения остаются до конца своего срока: иначе удаление данных снимало бы предупреждения"
)

_WHILE_AT_SCHOOL = "пока вы учитесь или работаете в школе; стирает /удалить или администратор при уходе из школы"

RETENTION: tuple[Retention, ...] = (
    Retention(key="people", what="имя и пол из профиля в мессенджере", erasable=True,
              period="пока вы пишете боту; /удалить стирает сразу"),
    Retention(key="person_roles", what="ваши роли (родитель, ученик, учитель…)", erasable=True, period=_WHILE_AT_SCHOOL),
    Retention(key="memberships", what="группы, в которых вы состоите или состояли", erasable=True,
              period=_WHILE_AT_SCHOOL),
    Retention(key="children", what="имя ребёнка и класс — как вы их указали", erasable=True, period=_WHILE_AT_SCHOOL),
    Retention(key="join_requests", what="заявки на вступление", erasable=True, period=_WHILE_AT_SCHOOL),
    Retention(key="consents", what="ваше согласие на обработку данных ребёнка: редакция текста, когда дано и "
              "когда отозвано", erasable=True, period=_WHILE_AT_SCHOOL),
    Retention(key="class_lists", what="список класса из электронного журнала: фамилия, имя, отчество и дата "
              "рождения ученика, а у подключившегося ученика — его учётная запись", erasable=True,
              period="пока ученик учится в школе; стирается при выпуске (/выпуск), выбытии (/исключить) или "
                     "загрузке нового списка без него"),
    Retention(key="staged_actions", what="изменения, ждущие подтверждения кнопкой (например, загруженный список "
              "класса)", erasable=False,
              period=f"до нажатия «Применить» или «Отмена», не дольше {STAGED_DAYS} дней"),
    Retention(key="class_teachers", what="классное руководство и проверка статуса учителя", erasable=True,
              period="пока действует решение администратора"),
    Retention(key="warnings", what="предупреждения за нарушение правил общения и их обжалования (с вашими "
              "пояснениями, замаскированными)", erasable=True,
              period=f"предупреждение действует 30 дней (по умолчанию), запись стирается через {MODERATION_RECORDS_DAYS} "
                     f"дней после этого; /удалить стирает только уже не действующие — {ACTIVE_WARNINGS_REASON}"),
    Retention(key="moderation_events", what="замаскированные отрывки ваших сообщений, нарушивших правила, и принятые меры",
              erasable=True, period=f"{MODERATION_RECORDS_DAYS} дней"),
    Retention(key="reports", what="ваши обращения о взломе и жалобы (из сообщения — не больше 100 знаков, ваши "
              "слова — не больше 300, номера и мат замаскированы)",
              erasable=True, period=f"пока обращение открыто и {CLOSED_REPORTS_DAYS} дней после закрытия"),
    Retention(key="staff_records", what="ссылки-приглашения, привязанные чаты и слова фильтра, которые вы выдали "
              "или добавили как сотрудник школы", erasable=False,
              period="пока они нужны школе: это решения школы, а не ваши личные данные; ваше имя в них не хранится"),
    Retention(key="activity", what="сколько сообщений вы написали в чате школы за день — без текста, для статистики",
              erasable=True, period=f"{ACTIVITY_DAYS} дней; потом остаются только общие числа по чату, без имён"),
    Retention(key="announcement_reads", what="ваши отметки «Прочитано» под объявлениями школы", erasable=True,
              period=f"{ANNOUNCEMENTS_DAYS} дней вместе с объявлением"),
    Retention(key="announcements", what="объявления, которые вы разослали от имени школы", erasable=False,
              period=f"{ANNOUNCEMENTS_DAYS} дней — это сообщения школы, а не ваши личные данные"),
    Retention(key="messages", what="переписка в чатах", erasable=True,
              period="целиком не сохраняется — только замаскированные отрывки в жалобах и записях модерации"),
    Retention(key="inbox", what="входящее сообщение до его обработки (очередь бота)", erasable=False,
              period=f"текст стирается сразу после обработки, отметка о ней — через {DELIVERY_RECORDS_DAYS} дней"),
    Retention(key="outbox", what="ответы бота, ещё не доставленные или недавно доставленные", erasable=False,
              period=f"{DELIVERY_RECORDS_DAYS} дней после доставки"),
    Retention(key="sent_messages", what="какие сообщения бот вам отправил (без текста) — чтобы исправлять их, "
              "а не присылать новые", erasable=True, period=f"{SENT_RECORDS_DAYS} дней после отправки"),
    Retention(key="audit_log", what="журнал решений администраторов", erasable=False,
              period="бессрочно — " + AUDIT_REASON),
)
# Tables whose policy is stated by a sibling above.
_SAME_POLICY: Mapping[str, str] = {"verified_teachers": "class_teachers", "appeals": "warnings",
                                   "moderation_alerts": "warnings", "invites": "staff_records",
                                   "chats": "staff_records", "filter_words": "staff_records"}
_OTHER_TABLES = Retention(key="*", what="прочие записи о вас", erasable=True, period="до удаления командой /удалить")


def retention_for(table: str) -> Retention:
    key = _SAME_POLICY.get(table, table)
    return next((r for r in RETENTION if r.key == key), _OTHER_TABLES)


def has_entry(table: str) -> bool:
    """The table's purpose and retention are stated explicitly (its own key or a sibling's)."""
    key = _SAME_POLICY.get(table, table)
    return any(r.key == key for r in RETENTION)


def retention_text() -> str:
    """The policy as shown in /моиданные; kinds kept for the same time share a line (phone screens)."""
    periods: dict[str, list[str]] = {}
    for r in RETENTION:
        periods.setdefault(r.period, []).append(r.what)
    return "\n".join(f"• {'; '.join(whats)}: {period}" for period, whats in periods.items())


def retention_markdown() -> str:
    """The policy as a Markdown table, for the README to quote."""
    lines = ["| Что | Сколько хранится | Стирает /удалить |", "|---|---|---|"]
    lines += [f"| {r.what} | {r.period} | {'да' if r.erasable else 'нет'} |" for r in RETENTION]
    return "\n".join(lines)


# --- which columns hold the person -------------------------------------------------------------

# Columns that say whom a row is about: such rows are the person's data.
SUBJECT_COLUMNS = frozenset({
    "person_id", "user_id", "member_id", "parent_id", "child_id", "student_id",
    "applicant_id", "requester_id", "reporter_id", "target_id", "warned_id", "used_by", "author_id",
    "conversation",  # sent_messages: a DM's conversation is the person
})
# Rows about the person in records that belong to others or to accountability: counted, kept.
KEPT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "audit_log": ("actor_id", "target_id"),
    "reports": ("author_id",),  # other people's complaints about the person's messages
    "invites": ("created_by",),  # the school's links a staff member issued: counted in /моиданные
    "chats": ("bound_by",),
    "filter_words": ("added_by",),
    "announcements": ("author_id",),  # the school's broadcasts a staff member sent: the school's record
}
KEPT_TABLES = frozenset({"audit_log", "invites", "chats", "filter_words"})  # nothing in them is the person's to erase
# Columns naming someone acting in a role in a record about something else (who granted, decided,
# closed…): never the subject of the row, so neither shown as the person's data nor erased.
ACTOR_COLUMNS = frozenset({"granted_by", "decided_by", "assigned_by", "verified_by", "pardoned_by", "closed_by",
                           "bound_by", "added_by", "created_by", "actor_id"})
# Columns of delivery records that hold a DM's person id only to keep its messages in order; their
# rows go after DELIVERY_RECORDS_DAYS and the texts on handling (the «inbox», «outbox» entries).
DELIVERY_COLUMNS = frozenset({"lane"})
# Columns ending in _id that never name a person.
_NOT_PERSON_COLUMNS = frozenset({"id", "chat_id", "event_id", "warning_id", "request_id", "press_id", "file_id",
                                 "announcement_id"})
_NOT_DATA = frozenset({"schema_migrations", "sqlite_sequence", "sqlite_stat1"})
PEOPLE_TABLE = "people"


def person_columns(columns: Sequence[str]) -> list[str]:
    """The columns of a table that may hold a person's id (by their names)."""
    return [c for c in columns if c not in _NOT_PERSON_COLUMNS
            and (c.endswith(("_id", "_by")) or c in SUBJECT_COLUMNS or c in DELIVERY_COLUMNS)]


def unclassified(schema: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Tables (→ their columns) that may hold a person's id without an explicit entry here, or with a
    column the entry does not account for. Empty for a database this code knows: tests keep it so."""
    found: dict[str, list[str]] = {}
    for table, columns in schema.items():
        if table in _NOT_DATA or table.startswith("sqlite_"):
            continue
        suspects = person_columns(columns)
        if not suspects:
            continue
        shown = table not in KEPT_TABLES and any(c in SUBJECT_COLUMNS and c not in KEPT_COLUMNS.get(table, ())
                                                 for c in suspects)
        if not has_entry(table) or (shown and table not in TABLE_TITLES):
            found[table] = suspects
            continue
        known = SUBJECT_COLUMNS | ACTOR_COLUMNS | DELIVERY_COLUMNS | frozenset(KEPT_COLUMNS.get(table, ()))
        loose = [c for c in suspects if c not in known]
        if loose:
            found[table] = loose
    return found


class Mode(StrEnum):
    ROWS = "rows"  # the person's rows: shown and erased
    COUNT = "count"  # others' or accountability records: counted, kept


@dataclass(frozen=True, kw_only=True)
class Lookup:
    table: str
    columns: tuple[str, ...]
    """ROWS: the one column naming the person; COUNT: every such column (a row counts once)."""
    mode: Mode

    @property
    def column(self) -> str:
        return self.columns[0]


def plan_lookups(schema: Mapping[str, Sequence[str]]) -> list[Lookup]:
    """Every (table, column) that may hold the person's id, given table → column names.

    The people table comes last so that erasing in this order never trips a foreign key.
    """
    found: list[Lookup] = []
    for table in sorted(schema, key=lambda t: (t == PEOPLE_TABLE, t)):
        if table in _NOT_DATA or table.startswith("sqlite_") or not has_entry(table):
            continue  # only explicit entries are shown or erased
        kept = tuple(c for c in KEPT_COLUMNS.get(table, ()) if c in schema[table])
        if kept:
            found.append(Lookup(table=table, columns=kept, mode=Mode.COUNT))
        if table in KEPT_TABLES:
            continue
        for column in schema[table]:
            if column in SUBJECT_COLUMNS and column not in kept:
                found.append(Lookup(table=table, columns=(column,), mode=Mode.ROWS))
    return found


def erasable(lookups: Sequence[Lookup]) -> list[Lookup]:
    return [lookup for lookup in lookups if lookup.mode is Mode.ROWS]


# --- what was found ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Found:
    lookup: Lookup
    rows: tuple[Mapping[str, object], ...] = ()
    """The person's rows (Mode.ROWS)."""
    count: int = 0
    """How many rows matched (both modes)."""


def nothing_but_profile(found: Sequence[Found]) -> bool:
    """True when the only erasable data is the name the bot caches from the profile.

    Every message makes the bot look the name up, so «nothing stored» means nothing else.
    """
    return all(f.count == 0 for f in found if f.lookup.mode is Mode.ROWS and f.lookup.table != PEOPLE_TABLE)


TABLE_TITLES: Mapping[str, str] = {
    "people": "Профиль",
    "person_roles": "Роли",
    "reports": "Ваши обращения и жалобы",
    "memberships": "Членство в группах",
    "join_requests": "Заявки на вступление",
    "children": "Дети",
    "warnings": "Предупреждения",
    "invites": "Приглашения",
    "class_teachers": "Классное руководство",
    "verified_teachers": "Статус учителя проверен",
    "moderation_events": "Записи модерации ваших сообщений",
    "appeals": "Обжалования предупреждений",
    "moderation_alerts": "Дни, когда администрации сообщено о превышении порога предупреждений",
    "sent_messages": "Сообщения бота вам (только отметки, без текста)",
    "consents": "Согласие на обработку данных ребёнка",
    "class_lists": "Вы в списке класса",
    "activity": "Сколько сообщений вы написали в чатах школы (по дням, без текста)",
    "announcement_reads": "Отметки «Прочитано» под объявлениями",
}
COLUMN_LABELS: Mapping[str, str] = {
    "display_name": "имя", "role": "роль", "granted_at": "с", "granted_by": "выдал", "created_at": "создано",
    "updated_at": "обновлено", "status": "статус", "state": "состояние", "kind": "вид", "chat_id": "чат",
    "message_ref": "сообщение №", "gender": "пол", "excerpt": "фрагмент", "child_name": "ребёнок", "class_label": "класс",
    "subject": "предмет", "reason": "причина", "expires_at": "до", "closed_at": "закрыто", "closed_by": "закрыл",
    "author_id": "автор", "since": "с", "ended": "по", "group_kind": "группа", "labels": "нарушение",
    "acts": "меры", "issued_at": "выдано", "pardoned_at": "снято", "pardoned_by": "снял", "invite_code": "приглашение",
    "decided_at": "решено", "decided_by": "решил", "verified_at": "проверено", "verified_by": "проверил",
    "assigned_at": "назначено", "assigned_by": "назначил", "at": "когда", "event_id": "запись модерации",
    "warning_id": "предупреждение", "edited": "исправлено",
    "version": "редакция", "agreed_at": "согласие дано", "withdrawn_at": "отозвано", "surname": "фамилия",
    "name": "имя", "patronymic": "отчество", "birth_date": "дата рождения", "added_at": "внесено",
    "day": "день", "count": "сообщений",
    "announcement_id": "объявление №",
}
_VALUE_WORDS: Mapping[str, str] = {
    **{role.value: title for role, title in ROLE_TITLES.items()},
    "open": "открыто", "closed": "закрыто", "hacked": "взлом аккаунта", "abuse": "жалоба на сообщение",
    "pending": "на рассмотрении", "awaiting_child": "ждёт имя ребёнка", "approved": "одобрена", "rejected": "отклонена",
    "cancelled": "отменена", "staff": "учительская", "class": "класс", "subject": "предметная группа",
    "lifted": "снято", "kept": "оставлено",
    "male": "мужской", "female": "женский", "unknown": "не указан",
    **{label.value: title for label, title in LABEL_TITLES.items()},
}


def _value(value: object, tz: tzinfo) -> str:
    text = str(value)
    if "," in text and all(part in _VALUE_WORDS for part in text.split(",")):  # e.g. labels «profanity,insult»
        text = ", ".join(_VALUE_WORDS[part] for part in text.split(","))
    text = _VALUE_WORDS.get(text, text)
    text = day_month_time(text, tz) if _looks_like_moment(text) else text
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "…"


def _looks_like_moment(text: str) -> bool:
    return len(text) >= 16 and text[4:5] == "-" and text[7:8] == "-" and text[10:11] in ("T", " ")


def describe_row(row: Mapping[str, object], skip: str, tz: tzinfo = UTC) -> str:
    """A row of a table without its own sentence in bot/privacy_text.py: labels in Russian, ids of
    people and chats left out (they mean nothing to a person)."""
    parts = [f"{COLUMN_LABELS.get(k, k)}: {_value(v, tz)}" for k, v in row.items()
             if k not in (skip, "id") and v not in (None, "") and k not in person_columns([k]) and k != "chat_id"]
    text = "; ".join(parts) or "запись без подробностей"
    return f"№{row['id']}: {text}" if row.get("id") is not None else text


# --- forgetting --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ForgetResult:
    deleted: Mapping[str, int]
    """Rows erased per table."""
    audit_entries: int
    """Entries naming the person that the append-only audit log keeps."""
    complaints_kept: int
    """Other people's open or recent complaints about the person's messages, kept."""
    id_kept: bool = False
    """The people row stayed (name erased) because an administrative record still points at it."""
    warnings_kept: int = 0
    """Warnings still in force: they stay until they expire (erasing data must not lift them)."""

    @property
    def anything_erased(self) -> bool:
        return any(self.deleted.values())


def forget_confirm_text(found: Sequence[Found], *, own: bool, name: str = "") -> str:
    whose = "ваши данные" if own else f"данные о человеке: {name}"
    kinds = [TABLE_TITLES.get(f.lookup.table, f.lookup.table).lower() for f in found
             if f.lookup.mode is Mode.ROWS and f.count]
    consequence = (
        "Бот забудет вашу роль и группы: чтобы снова пользоваться чатами школы, понадобится новое приглашение."
        if own else "Человек потеряет роль и группы в боте (п. 3.2: движение обучающихся и работников)."
    )
    return (
        f"Удалить {whose}? Будет стёрто: {', '.join(dict.fromkeys(kinds)) or 'имя'}.\n{consequence}\n"
        f"Останутся журнал решений администраторов ({AUDIT_REASON}) и действующие предупреждения "
        "(до конца их срока)."
    )


def forget_done_text(result: ForgetResult, *, own: bool) -> str:
    """«Я больше ничего о вас не храню, кроме …»: what stays, and why."""
    kept = []
    if result.warnings_kept:
        kept.append(f"действующих предупреждений: {result.warnings_kept} — {ACTIVE_WARNINGS_REASON}")
    if result.complaints_kept:
        kept.append(f"жалоб других участников на сообщения: {result.complaints_kept} — это чужие обращения; они "
                    f"хранятся у администрации, пока не закрыты, и {CLOSED_REPORTS_DAYS} дней после")
    if result.audit_entries:
        kept.append(f"записей в журнале решений администраторов: {result.audit_entries} — его {AUDIT_REASON}")
    if result.id_kept:
        kept.append("номера учётной записи в записях администраторов (имя стёрто)")
    head = "Готово. Я больше ничего о вас не храню" if own else "Готово. Об этом человеке я больше ничего не храню"
    if not kept:
        return head + "."
    return head + ", кроме:\n" + "\n".join(f"• {line}" for line in kept)


def nothing_stored_text(audit_entries: int, *, own: bool, name_erased: bool = False) -> str:
    text = "У меня нет ваших данных — удалять нечего." if own else "Об этом человеке у меня нет данных — удалять нечего."
    if name_erased:
        text += " Имя из профиля, которое я запомнил, тоже стёр."
    if audit_entries:
        text += f"\nВ журнале решений администраторов есть записей: {audit_entries}; {AUDIT_REASON}."
    return text
