"""Profanity: obscene roots in any spelling, and the ordinary words that merely contain them."""

from __future__ import annotations

import pytest

from bot.moderation import Label, default_checker
from tests.moderation_scoring import labels

OBSCENE = [
    "ну пиздец", "пиздёж это всё", "спиздили зонт", "распиздяй", "пиздюлей получишь",
    "хуй знает", "нахуя ты это сделал", "охуевшие цены", "хуёвая погода", "дохуища задали", "нихуя себе",
    "заебал уже", "выебываться не надо", "ебаный ремонт", "наебнулся на льду", "долбоёб", "съебался с урока",
    "блядь", "бля, опять", "блять", "блядский автобус", "выблядок",
    "мудак", "мудила", "мудацкая идея", "манда", "мандавошка", "залупаться не надо", "пидорас", "пидор",
    "сука, ручка потекла", "сучара",
]
OBFUSCATED = [
    "п.и.з.д.е.ц", "х у й", "б л я д с т в о", "п-и-з-д-а-т-е-н-ь-к-о", "е б а ш у с утра",
    "бляяяядь", "мудааацкий тест", "п*здец", "х**", "бл*ть", "пздц", "блэт", "у*бищная обложка",
    "х*ячим", "х🙈ёвая", "пи3дюлей", "0хуевшие", "ПИЗДЕЦ", "за_ебан_ная неделя",
    "спи\u200bзди\u200cли", "у\u00adёбищ\u00adный", "xуeвaя", "ocтoпиздeлo", "blyat", "pizdec", "nahuy",
    "suka, opyat", "ebat' ty genij", "cyka", "пи\u0301здец", "πиздец", "п*и*з*д*е*ц", "з*ебываюсь",
]
TRAPS = [
    "оскорблять", "рубля", "команда", "мандарин", "скипидар", "застрахуйте", "хлеба", "мудрый", "Херсон",
    "небеса", "психиатр", "употреблять", "колеблются", "требую", "гребля", "корабля", "сабля", "учебник",
    "ребята", "себе", "тебе", "небо", "истребитель", "погребение", "мудрец", "Амударья", "Махмудов",
    "мандат", "мандолина", "мандраж", "командир", "страхуйся", "перестрахуемся", "сукно", "суккуленты",
    "Сукачёва", "сукцессия", "сучить нитку", "сучок", "сук тополя", "бляха ремня", "двоеборье", "хлебобулочные",
    "художник", "хулиган", "наиболее", "ибо", "блин", "капец", "офигеть", "фиг", "чёрт", "ёлки-палки",
    "П. И. Здоровцева", "П.И.Здоровцева", "а я в шоке", "Enid Blyton", "Sukhoi Superjet", "Каро-Канн",
]


@pytest.mark.parametrize("text", OBSCENE + OBFUSCATED)
def test_obscene_forms_are_flagged(text: str) -> None:
    assert "profanity" in labels(text)


@pytest.mark.parametrize("text", TRAPS)
def test_ordinary_words_are_clean(text: str) -> None:
    assert "profanity" not in labels(f"Вот: {text}, и всё")


@pytest.mark.parametrize("text", ["собака ощенилась, сука спокойная", "на дереве толстый сук"])
def test_literal_suka_is_clean(text: str) -> None:
    assert "profanity" not in labels(text)


def test_span_points_at_original_characters() -> None:
    text = "ну и х🙈ёвая погодка, спи\u200bзди\u200cли зонт"
    hits = [h for h in default_checker().check(text).hits if h.label == Label.PROFANITY]
    assert [text[h.start : h.end] for h in hits] == ["х🙈ёвая", "спи\u200bзди\u200cли"]


def test_spelled_out_word_span_covers_all_letters() -> None:
    text = "это х у й знает что"
    (hit,) = default_checker().check(text).hits
    assert text[hit.start : hit.end] == "х у й"
    assert hit.reason == "obscene root хуй"


@pytest.mark.parametrize("text", ["бл@ть", "н@хуй", "ну бл@ть, опять"])
def test_at_sign_masks_a_letter(text: str) -> None:
    assert "profanity" in labels(text)


@pytest.mark.parametrize("text", ["пишите на school56@mail.ru", "п@рк у школы", "встреча в 9@30"])
def test_at_sign_in_ordinary_text_is_clean(text: str) -> None:
    assert "profanity" not in labels(text)


def test_masked_excerpt_hides_symbols_standing_for_letters() -> None:
    from bot.moderation import masked_excerpt

    text = "бл@ть"
    assert masked_excerpt(text, default_checker().check(text)) == "б***ь"
