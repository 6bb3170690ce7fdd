"""Insults: a pejorative about someone else, judged from sentence structure."""

from __future__ import annotations

import pytest

from tests.moderation_scoring import labels

INSULTS = [
    "ты дебил", "ты дурак))", "идиотка, отдай телефон", "учительница — дура", "родители 5Б — быдло",
    "Тимофей — болван, списал даже ошибки", "родители 6Г — стадо баранов", "заткнись уже", "закрой рот",
    "завали варежку, выскочка", "ну ты и лошара 😂", "Воронцов у нас имб3цил", "ты о т м о р о з о к",
    "oбeзьянa, отдай телефон", "ty bezmozglyj", "эта овца опять всё перепутала", "тормознутый, пришли уже",
    "в нашем классе одни неучи", "ты ид10т", "вы все клоуны", "подонок, ты толкнул сестру",
    "ну ты и тупееень", "кр*тины из 7Б", "Дебил, верни зарядку",
]
BOTH = ["ты мудак", "уебан, верни зарядку", "мудозвон ты", "с у ч ё н ы ш, отдай мяч", "ty mudilo", "пиздюки из 5В", "ты сука"]
CLEAN = [
    "я дура, забыла форму", "какой же я болван", "ну я и курица", "слово «дебил» — это оскорбление",
    "роман «Идиот»", "сказка про Иван-дурака", "прыжок через козла на физре", "тупой угол", "синдром Дауна",
    "Козлов, к доске", "задача тупая", "идиотское расписание", "форма уродская", "медсестра проверит на вши и гниды",
    "что значит «имбецил»?", "ты не дурак, просто устал", "сука, ручка потекла", "честное слово, я не знал",
]


@pytest.mark.parametrize("text", INSULTS)
def test_insults(text: str) -> None:
    assert labels(text) == {"insult"}


@pytest.mark.parametrize("text", BOTH)
def test_obscene_insults_carry_both_labels(text: str) -> None:
    assert labels(text) == {"insult", "profanity"}


@pytest.mark.parametrize("text", CLEAN)
def test_not_insults(text: str) -> None:
    assert "insult" not in labels(text)
