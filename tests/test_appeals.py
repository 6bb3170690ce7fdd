"""Appeals (bot/appeals.py): which warning is appealed, and a kept one never again."""

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.appeals import AppealCard, appeal_card, appeal_outcome_text, choose_warning, decided_appeal_card

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class W:
    id: int
    issued_at: str = "2026-11-20T10:00:00+00:00"
    expires_at: str = "2026-12-20T10:00:00+00:00"


def test_the_latest_warning_is_appealed() -> None:
    assert choose_warning([W(1), W(2)], {}, tz=UTC, now=NOW).index == 1


def test_a_kept_warning_is_not_appealed_again_but_another_one_is() -> None:
    assert choose_warning([W(1), W(2)], {2: "kept"}, tz=UTC, now=NOW).index == 0
    refused = choose_warning([W(1, expires_at="2026-12-29T10:00:00+00:00")], {1: "kept"}, tz=UTC, now=NOW)
    assert refused.index is None and refused.refusal is not None
    assert "ещё раз нельзя" in refused.refusal and "29.12" in refused.refusal


def test_an_open_appeal_waits_and_no_warnings_means_nothing_to_appeal() -> None:
    assert "уже у администратора" in (choose_warning([W(1)], {1: "open"}, tz=UTC, now=NOW).refusal or "")
    assert "нечего" in (choose_warning([], {}, tz=UTC, now=NOW).refusal or "")


def test_the_card_shows_the_persons_explanation_and_the_decision() -> None:
    card = AppealCard(appeal_id=3, person="Ольга Иванова (vk.com/id1003)", issued="29.11", expires="29.12",
                      labels="оскорбление", excerpt="ты д**к", explanation="это была цитата из книги")
    text = appeal_card(card)
    assert "Обжалование №3" in text and "от 29.11 (действует до 29.12): оскорбление" in text
    assert "Фрагмент: «ты д**к»" in text and "Пояснение: «это была цитата из книги»" in text
    assert "Пояснения нет." in appeal_card(AppealCard(**{**card.__dict__, "explanation": None}))
    decided = decided_appeal_card(card, lifted=False, decider="Анна Смирнова (vk.com/id1001)")
    assert decided.endswith("Решение: предупреждение оставлено — Анна Смирнова (vk.com/id1001).")
    assert "кнопками" not in decided and "цитата из книги" in decided
    assert "ещё раз нельзя" in appeal_outcome_text(lifted=False) and "снято" in appeal_outcome_text(lifted=True)
