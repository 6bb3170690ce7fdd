"""Appeals against warnings (clause 4.5): which warning a /обжаловать is about and the texts of its
card. Pure.

A person appeals their latest warning still in force; one the administrator already kept after
an appeal cannot be appealed again (otherwise an appeal could be repeated until someone gives in),
so the latest one without such a decision is taken, and if none is left the person is told when
their warnings stop counting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from bot.timefmt import day_month

EXPLANATION_LIMIT = 300  # masked; the appeals table allows no more


class WarningLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def issued_at(self) -> str: ...
    @property
    def expires_at(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class AppealChoice:
    index: int | None
    """Which of the active warnings to appeal; None with a refusal."""
    refusal: str | None = None


def choose_warning(active: Sequence[WarningLike], states: Mapping[int, str], *, tz: tzinfo,
                   now: datetime) -> AppealChoice:
    """`active`: warnings in force, oldest first; `states`: the latest appeal state of each appealed one."""
    if not active:
        return AppealChoice(index=None, refusal="У вас нет действующих предупреждений — обжаловать нечего.")
    open_ones = [w for w in active if states.get(w.id) == "open"]
    if open_ones:
        return AppealChoice(index=None, refusal="Ваше обжалование уже у администратора. Пожалуйста, дождитесь "
                                                  "решения — я сообщу о нём.")
    free = [w for w in active if states.get(w.id) != "kept"]
    if not free:
        last = max(w.expires_at for w in active)
        return AppealChoice(index=None, refusal=(
            "Администратор уже рассмотрел ваше обжалование и оставил предупреждение; обжаловать его ещё раз "
            f"нельзя. Оно перестанет действовать {day_month(last, tz, now)}."))
    return AppealChoice(index=list(active).index(free[-1]))


@dataclass(frozen=True, kw_only=True)
class AppealCard:
    appeal_id: int
    person: str
    """The appellant as the platform shows them (a profile link)."""
    issued: str
    """«29.11»."""
    expires: str
    labels: str
    """«нецензурная лексика»."""
    excerpt: str | None
    """The masked excerpt of the message the warning was given for, if still kept."""
    explanation: str | None
    """What the person wrote after /обжаловать, masked."""


def appeal_card(card: AppealCard) -> str:
    lines = [f"📝 Обжалование №{card.appeal_id} (п. 4.5 Положения)",
             f"{card.person} просит снять предупреждение от {card.issued} (действует до {card.expires}): {card.labels}."]
    if card.excerpt:
        lines.append(f"Фрагмент: «{card.excerpt}»")
    lines.append(f"Пояснение: «{card.explanation}»" if card.explanation else "Пояснения нет.")
    lines.append("Решите кнопками ниже; если предупреждение оставить, обжаловать его ещё раз будет нельзя.")
    return "\n".join(lines)


def decided_appeal_card(card: AppealCard, *, lifted: bool, decider: str) -> str:
    verdict = "предупреждение снято" if lifted else "предупреждение оставлено"
    return f"{appeal_card(card).rsplit(chr(10), 1)[0]}\n\nРешение: {verdict} — {decider}."


def appeal_outcome_text(*, lifted: bool) -> str:
    """What the appellant is told."""
    if lifted:
        return "Администратор рассмотрел ваше обжалование: предупреждение снято. Спасибо за терпение!"
    return ("Администратор рассмотрел ваше обжалование: предупреждение оставлено. Обжаловать его ещё раз нельзя; "
            "оно перестанет действовать в свой срок.")
