"""What the bot does about a flagged message (clauses 4.5, 4.6): pure decisions and texts.

The check says *what* a message is; this module says what to do about it for this
author, and how to say it. The handler (handlers/moderation.py) carries it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.grammar import plural
from bot.moderation.verdict import Label
from bot.roles import Role


class Act(StrEnum):
    """One thing the bot may do about a flagged message; values appear in the config."""

    DELETE = "delete"  # messages.delete for everyone
    NOTICE = "notice"  # a short notice in the chat naming the clause, never the words
    DM = "dm"  # explain to the author in a DM what and why, and what to do now
    WARN = "warn"  # count a warning (they expire)


class AuthorGroup(StrEnum):
    """Whose message it is, for the per-role policy; values appear in the config."""

    STUDENT = "student"
    PARENT = "parent"
    STAFF = "staff"  # teachers, class teachers, the administration, administrators
    UNKNOWN = "unknown"  # not (yet) on the roster


CLAUSE = {
    Label.PROFANITY: "4.5",
    Label.INSULT: "4.5",
    Label.PERSONAL_DATA: "4.6",
    Label.ACCOUNT_SHARING: "4.6",
}
LABEL_TITLES = {
    Label.PROFANITY: "нецензурная лексика",
    Label.INSULT: "оскорбление",
    Label.PERSONAL_DATA: "персональные данные",
    Label.ACCOUNT_SHARING: "доступ к аккаунту",
}
_NOTICE_REASON = {
    Label.PROFANITY: "п. 4.5 Положения — вежливое общение без ненормативной лексики",
    Label.INSULT: "п. 4.5 Положения — без оскорблений участников",
    Label.PERSONAL_DATA: "п. 4.6 Положения — нельзя публиковать чужие персональные данные",
    Label.ACCOUNT_SHARING: "п. 4.6 Положения — нельзя передавать доступ к аккаунту",
}
_WHAT_NOW = {
    Label.PROFANITY: "Пожалуйста, выражайте мысли вежливо: в школьных чатах мат недопустим.",
    Label.INSULT: "Пожалуйста, обсуждайте вопросы без оскорблений — даже если вы не согласны.",
    Label.PERSONAL_DATA: (
        "Не публикуйте в чатах номера документов, телефоны и адреса других людей. "
        "Если данные нужны школе, передайте их лично классному руководителю или в канцелярию."
    ),
    Label.ACCOUNT_SHARING: (
        "Никому не сообщайте коды из СМС и пароли. Если вы уже отправили код или пароль: "
        "1) смените пароль; 2) в настройках завершите все другие сеансы; 3) сообщите классному руководителю "
        "или напишите мне /взлом."
    ),
}

_STAFF_ROLES = {Role.ADMIN, Role.EXTRA_ADMIN, Role.ADMINISTRATION, Role.CLASS_TEACHER, Role.TEACHER}
ALL_ACTS = frozenset(Act)


def author_group(roles: Iterable[Role]) -> AuthorGroup:
    """The most responsible role wins: a teacher who is also a parent is judged as staff."""
    held = set(roles)
    if held & _STAFF_ROLES:
        return AuthorGroup.STAFF
    if Role.PARENT in held:
        return AuthorGroup.PARENT
    if Role.STUDENT in held:
        return AuthorGroup.STUDENT
    return AuthorGroup.UNKNOWN


@dataclass(frozen=True, kw_only=True)
class Policy:
    """Per label and author group, what to do. Missing entries mean «everything»."""

    acts: Mapping[Label, Mapping[AuthorGroup, frozenset[Act]]]
    warn_threshold: int = 3
    warning_ttl: timedelta = timedelta(days=30)
    remove_adults_at_threshold: bool = False

    def acts_for(self, labels: Iterable[Label], group: AuthorGroup) -> frozenset[Act]:
        chosen: set[Act] = set()
        for label in labels:
            chosen |= self.acts.get(label, {}).get(group, ALL_ACTS)
        return frozenset(chosen)


@dataclass(frozen=True, kw_only=True)
class Escalation:
    tell_staff: bool
    """Post to the staff chat that the threshold is reached."""
    tell_class_teacher: bool
    """A student: the class teacher gets a DM (a child is never removed automatically)."""
    remove_from_chat: bool
    """An adult, when the config says so."""


def escalation(active_warnings: int, group: AuthorGroup, policy: Policy) -> Escalation | None:
    """At the threshold (and at each further warning) the staff is told; None below it."""
    if active_warnings < policy.warn_threshold:
        return None
    is_adult = group in (AuthorGroup.PARENT, AuthorGroup.STAFF, AuthorGroup.UNKNOWN)
    return Escalation(
        tell_staff=True,
        tell_class_teacher=group is AuthorGroup.STUDENT,
        remove_from_chat=is_adult and group is not AuthorGroup.STAFF and policy.remove_adults_at_threshold,
    )


def warning_expiry(now: datetime, policy: Policy) -> datetime:
    return now + policy.warning_ttl


def notice_text(labels: Iterable[Label], *, deleted: bool, count: int = 1) -> str:
    """The chat notice: names the clause, never repeats the words; `count` messages in a row (one notice)."""
    reasons = "; ".join(_NOTICE_REASON[label] for label in _ordered(labels))
    if count > 1:
        messages = plural(count, "сообщение", "сообщения", "сообщений")
        if deleted:
            return f"Удалено {messages} одного автора подряд: {reasons}."
        return f"Напоминание: {messages} одного автора подряд нарушают правила — {reasons}."
    return f"Сообщение удалено: {reasons}." if deleted else f"Напоминание: {reasons}."


def author_dm_text(labels: Iterable[Label], *, chat_title: str, deleted: bool, warnings: int | None,
                   threshold: int) -> str:
    ordered = _ordered(labels)
    what = ", ".join(LABEL_TITLES[label] for label in ordered)
    clauses = ", ".join(sorted({CLAUSE[label] for label in ordered}))
    lines = [
        f"Здравствуйте! Ваше сообщение в чате «{chat_title}» {'удалено' if deleted else 'нарушает правила'}: "
        f"{what} (п. {clauses} Положения о сервисах взаимодействия школы).",
        *(_WHAT_NOW[label] for label in ordered),
    ]
    if warnings is not None:
        count = f"Предупреждение {warnings} из {threshold}" if warnings <= threshold else f"Это уже {warnings}-е предупреждение"
        lines.append(f"{count}; каждое перестаёт действовать через 30 дней.")
    lines.append("Если считаете, что я ошибся, напишите /обжаловать — администратор рассмотрит.")
    return "\n".join(lines)


def staff_log_line(labels: Iterable[Label], *, chat_title: str, author: str, excerpt: str, done: Iterable[str]) -> str:
    ordered = _ordered(labels)
    what = ", ".join(f"{LABEL_TITLES[label]} (п. {CLAUSE[label]})" for label in ordered)
    return f"🛡 Модерация: {what}\nЧат: «{chat_title}» · автор: {author}\nФрагмент: «{excerpt}»\nСделано: {', '.join(done) or 'ничего'}"


def _ordered(labels: Iterable[Label]) -> list[Label]:
    return sorted(set(labels), key=list(Label).index)


def warnings_phrase(count: int) -> str:
    """«1 предупреждение», «3 предупреждения», «5 предупреждений»."""
    return plural(count, "предупреждение", "предупреждения", "предупреждений")
