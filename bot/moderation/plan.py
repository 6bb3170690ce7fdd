"""What to do about one flagged message, as a plan of effects (clauses 4.5, 4.6). Pure.

The check (check.py) says what a message is; actions.py holds the policy and the texts; this
module decides, for this author in this chat, what the bot does: the flow records the decision
and queues the effects in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.grammar import gendered
from bot.moderation.actions import (
    Act,
    AuthorGroup,
    Policy,
    author_dm_text,
    escalation,
    notice_text,
    plural,
    staff_log_line,
    warnings_phrase,
)
from bot.moderation.verdict import Label
from bot.port.gateway import Gender

COMBINE_WINDOW_MINUTES = 5
"""Violations of one author in one chat this close together share one notice, one DM, one log line."""


@dataclass(frozen=True, kw_only=True)
class Standing:
    """What is known about the author and the chat when the message comes in."""

    group: AuthorGroup
    """Student, parent, staff or unknown: the policy's columns."""
    active_warnings: int
    """Warnings still counting, before this message."""
    protected: bool
    """An administrator: never removed from a chat."""
    bot_can_delete: bool
    """False once the platform said the bot lacks the right here (until a delete works again)."""
    earlier_in_run: int = 0
    """This author's violations in this chat in the last few minutes, before this one."""
    alerted_today: bool = False
    """The staff (and class teacher) were already told today that this person reached the threshold."""


@dataclass(frozen=True, kw_only=True)
class ModerationPlan:
    delete: bool
    """Remove the message for everyone."""
    notice: str | None
    """A short notice in the chat naming the clause, never the words."""
    dm: str | None
    """What the author is told privately."""
    warn: bool
    """Count a warning."""
    warnings_after: int
    """Active warnings once this one counts."""
    staff_line: str
    """The staff room's log line, with a masked excerpt."""
    escalation_text: str | None
    """The staff room's alert at the threshold."""
    class_teacher_text: str | None
    """A student's class teacher is told at the threshold (a child is never removed)."""
    remove_from_chat: bool
    """An adult at the threshold, when the school's config says so."""
    acts: tuple[str, ...]
    """What was done, in words, for the log and /журнал."""
    combined: bool = False
    """Not the first in a run: the run's notice, DM and log line are edited, not sent again."""


def plan_moderation(
    labels: Iterable[Label],
    *,
    policy: Policy,
    standing: Standing,
    chat_title: str,
    author_label: str,
    author_ref: str,
    excerpt: str,
    author_gent: str | None = None,
    author_gender: Gender = Gender.UNKNOWN,
) -> ModerationPlan:
    """`author_label`: how staff see the author (a profile link); `author_gent`: the same in the
    genitive («у Пети Иванова (…)»); `author_ref`: how they name them in a command («id123»);
    `author_gender`: for «вашего ученика» / «вашей ученицы»."""
    gent = author_gent or author_label
    labels = tuple(labels)
    count = standing.earlier_in_run + 1
    acts = policy.acts_for(labels, standing.group)
    delete = Act.DELETE in acts and standing.bot_can_delete
    warn = Act.WARN in acts
    warnings_after = standing.active_warnings + (1 if warn else 0)
    done: list[str] = []
    if delete:
        done.append("удалено")
    notice = notice_text(labels, deleted=delete, count=count) if Act.NOTICE in acts else None
    if notice is not None:
        done.append("уведомление в чате")
    if warn:
        done.append(f"предупреждение {warnings_after}/{policy.warn_threshold}")
    dm = None
    if Act.DM in acts:
        dm = author_dm_text(labels, chat_title=chat_title, deleted=delete, warnings=warnings_after if warn else None,
                            threshold=policy.warn_threshold)
        if count > 1:
            dm += f"\nЗа последние минуты в этом чате: {plural(count, 'нарушение', 'нарушения', 'нарушений')}."
        done.append("автору написано в ЛС")
    decision = escalation(warnings_after, standing.group, policy) if warn and not standing.alerted_today else None
    escalation_text = class_teacher_text = None
    remove = False
    if decision is not None:
        remove = decision.remove_from_chat and not standing.protected
        escalation_text = (
            f"⚠️ У {gent} {warnings_phrase(warnings_after)} за нарушения п. 4.5–4.6 "
            f"(порог {policy.warn_threshold}). Чат: «{chat_title}». Снять последнее: /простить {author_ref}"
        )
        if remove:
            escalation_text += "\nИсключаю автора из чата (настройка moderation.remove_adults_at_threshold)."
        if decision.tell_class_teacher:
            whose = gendered(author_gender, f"У вашего ученика {gent}", f"У вашей ученицы {gent}",
                             f"У {gent} из вашего класса")
            class_teacher_text = (
                f"Здравствуйте! {whose} {warnings_phrase(warnings_after)} за нарушения "
                "правил общения в чатах (п. 4.5–4.6 Положения). Пожалуйста, поговорите с ребёнком. "
                "Ребёнка я из чатов не исключаю."
            )
    staff_line = staff_log_line(labels, chat_title=chat_title, author=author_label, excerpt=excerpt, done=done)
    if count > 1:
        staff_line += f"\nПодряд от этого автора здесь: {plural(count, 'нарушение', 'нарушения', 'нарушений')} (показано последнее)."
    return ModerationPlan(
        delete=delete, notice=notice, dm=dm, warn=warn, warnings_after=warnings_after, staff_line=staff_line,
        escalation_text=escalation_text, class_teacher_text=class_teacher_text, remove_from_chat=remove,
        acts=tuple(done), combined=count > 1,
    )
