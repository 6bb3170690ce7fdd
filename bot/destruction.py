"""Records of destroyed personal data (152-ФЗ, ст. 21): what kind, how many records, when and why.

Pure: storage writes a record in the transaction that destroys the rows (the retention purge in
bot/housekeeping.py, /удалить); this module names the kinds in Russian and builds what the order's
administrators read with /уничтожение. A record never holds a person's id or any content: it
proves the destruction without keeping what was destroyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from bot.errors import BadCommand
from bot.privacy import MESSAGE_LIMIT, TABLE_TITLES

DEFAULT_DAYS = 30
MAX_DAYS = 366
USAGE = "Формат: /уничтожение [за сколько дней, до 366], например: /уничтожение 90"


class Reason(StrEnum):
    RETENTION = "retention"  # the retention period in bot/privacy.py ran out
    REQUEST = "request"  # /удалить: the person's request, or an order administrator's for a leaver


REASON_TITLES: dict[Reason, str] = {
    Reason.RETENTION: "по истечении срока хранения",
    Reason.REQUEST: "по запросу /удалить",
}

# The purge's kinds as an administrator reads them; /удалить's tables fall back to bot/privacy.py.
KIND_TITLES: dict[str, str] = {
    "reports": "закрытые обращения о взломе и жалобы",
    "warnings": "предупреждения",
    "appeals": "обжалования предупреждений",
    "moderation_events": "записи модерации (замаскированные отрывки)",
    "moderation_alerts": "отметки об оповещениях о порог предупреждений",
    "inbox": "отметки об обработанных входящих сообщениях",
    "outbox": "записи об ответах бота",
    "people": "имена из профилей",
    "person_roles": "роли",
    "memberships": "членство в группах",
    "children": "имена детей",
    "join_requests": "заявки на вступление",
    "class_teachers": "классное руководство",
    "verified_teachers": "отметки о проверке учителей",
    "activity": "счётчики сообщений по людям и дням (без текста)",
    "announcements": "объявления",
    "announcement_chats": "отметки о доставке объявлений в чаты",
    "announcement_reads": "отметки «Прочитано» под объявлениями",
}


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind) or TABLE_TITLES.get(kind, kind).lower()


def retention_basis(days: int) -> str:
    return f"срок хранения {days} дн. истёк"


@dataclass(frozen=True, kw_only=True)
class DestructionRecord:
    at: datetime
    """When (UTC)."""
    kind: str
    """What kind of data: the table it was in."""
    records: int
    """How many records."""
    reason: Reason
    basis: str = ""
    """Why, in words (e.g. the retention period)."""


def parse_days(args: str) -> int:
    """The argument of /уничтожение: how many days back (default 30); BadCommand otherwise."""
    text = args.strip()
    if not text:
        return DEFAULT_DAYS
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
        raise BadCommand("bad days", text=USAGE)
    return int(text)


def destruction_text(records: Sequence[DestructionRecord], *, days: int, tz: tzinfo) -> str:
    """One line per local day, newest first: the reason, then each kind with its count; fits one message."""
    if not records:
        return f"За последние {days} дн. бот не уничтожал персональных данных."
    by_day: dict[str, dict[Reason, dict[str, int]]] = {}
    for record in sorted(records, key=lambda r: r.at, reverse=True):
        day = record.at.astimezone(tz).strftime("%d.%m.%Y")
        kinds = by_day.setdefault(day, {}).setdefault(record.reason, {})
        kinds[record.kind] = kinds.get(record.kind, 0) + record.records
    total = sum(r.records for r in records)
    head = [f"Уничтожение персональных данных за {days} дн. (152-ФЗ, ст. 21): всего записей {total}.", ""]
    lines = []
    for day, reasons in by_day.items():
        parts = []
        for reason, kinds in reasons.items():
            counted = ", ".join(f"{kind_title(kind)} — {count}" for kind, count in kinds.items())
            parts.append(f"{REASON_TITLES[reason]}: {counted}")
        lines.append(f"• {day}: " + "; ".join(parts))
    foot = ["", "Записи хранятся бессрочно, изменить или удалить их нельзя. Имён и содержания в них нет."]
    return _fit(head, lines, foot)


def _fit(head: list[str], lines: list[str], foot: list[str]) -> str:
    text = "\n".join([*head, *lines, *foot])
    while len(text) > MESSAGE_LIMIT and lines:
        lines.pop()
        text = "\n".join([*head, *lines, "…более ранние дни не поместились: укажите меньше дней.", *foot])
    return text
