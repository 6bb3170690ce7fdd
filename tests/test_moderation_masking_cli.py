"""Masked excerpts, a school's own words, verdict JSON and the two CLI commands."""

from __future__ import annotations

import io
import json
import re

import pytest

from bot.moderation import Label, ModerationChecker, default_checker, masked_excerpt
from bot.moderation.jsonl_cli import check_jsonl_command, check_text_command

SECRETS = [
    ("паспорт 62 16 315524, выдан 14.06.2016", "315524"),
    ("СНИЛС Мирослава 711-066-580 62, внесите", "066-580"),
    ("карта 5228271581210889, срок 03/28", "27158121"),
    ("телефон папы Елисея 8 (916) 257-21-30, он на машине", "257-21-30"),
    ("логин levkin11, пароль zayac777", "zayac777"),
    ("вход: 89161250748, пароль 5577 — гляньте", "5577"),
    ("Код для входа: 73-19-52", "73-19-52"),
    ("ИНН Шубиной: 781951060443 — для договора", "1951060"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_masked_excerpt_never_leaks(text: str, secret: str) -> None:
    verdict = default_checker().check(text)
    assert verdict.hits
    excerpt = masked_excerpt(text, verdict)
    assert secret not in excerpt
    assert len(re.sub(r"\D", "", excerpt)) < len(re.sub(r"\D", "", text))


def test_mask_formats() -> None:
    check = default_checker().check
    assert masked_excerpt("карта 5228 2715 8121 0889", check("карта 5228 2715 8121 0889")) == "карта 5228 **** **** 0889"
    assert masked_excerpt("ну пиздец", check("ну пиздец")) == "ну п****ц"
    assert masked_excerpt("паспорт 45 07 123456", check("паспорт 45 07 123456")) == "паспорт 45 ** ******"
    text = "это номер Златы +7 977 724 50 62"
    assert masked_excerpt(text, check(text)).endswith("+7 9** *** ** **")


def test_excerpt_is_limited_and_centred_on_the_hit() -> None:
    text = "обычный текст " * 20 + "ну пиздец" + " и ещё текст" * 20
    excerpt = masked_excerpt(text, default_checker().check(text), limit=80)
    assert len(excerpt) <= 82 and "п****ц" in excerpt


def test_extra_blocked_and_allowed_words() -> None:
    checker = ModerationChecker(extra_blocked=["кринж"], extra_allowed=["мудак"])
    assert checker.check("какой к р и н ж").labels == (Label.PROFANITY,)
    assert checker.check("это КРИНЖА полная").labels == (Label.PROFANITY,)
    assert checker.check("ты мудак").labels == ()
    assert default_checker().check("какой кринж").labels == ()


def test_verdict_json_shape() -> None:
    data = default_checker().check("ты мудак, вот код 640281").to_json()
    assert data["labels"] == ["account_sharing", "insult", "profanity"]
    assert all(set(hit) == {"label", "start", "end", "reason"} for hit in data["hits"])


def test_check_text_command_prints_russian_verdict() -> None:
    out = io.StringIO()
    assert check_text_command("ну пиздец, карта 5228271581210889", out) == 0
    text = out.getvalue()
    assert "ненормативная лексика" in text and "персональные данные" in text
    assert "5228271581210889" not in text and "пиздец" not in text
    out = io.StringIO()
    check_text_command("Доброе утро!", out)
    assert out.getvalue().strip() == "Нарушений не найдено."


class _FlushCounter(io.StringIO):
    flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_jsonl_command_keeps_order_survives_bad_lines_and_flushes() -> None:
    lines = [
        json.dumps({"text": "ну пиздец"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": "Доброе утро"}, ensure_ascii=False),
        json.dumps({"nope": 1}),
        json.dumps(["list"]),
        "",
        json.dumps({"text": "код 640281"}, ensure_ascii=False),
    ]
    out = _FlushCounter()
    assert check_jsonl_command(io.StringIO("\n".join(lines) + "\n"), out) == 0
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(answers) == len(lines)
    assert answers[0]["labels"] == ["profanity"]
    assert "error" in answers[1] and "error" in answers[3] and "error" in answers[4] and "error" in answers[5]
    assert answers[2] == {"labels": [], "hits": []}
    assert answers[6]["labels"] == ["account_sharing"]
    assert out.flushes >= len(lines)
