"""The generalised rules: insults beyond the best-known words, account sharing in slang and
translit, personal data in words and without a street, and the clean look-alikes.

Examples here are illustrations of each rule; the quality targets are checked on
tests/data/moderation_own_dev.jsonl (the rules were tuned on it) and, more honestly, on
tests/data/moderation_own_aside.jsonl (written before the rules and held aside).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.moderation import default_checker, lexicon, masked_excerpt
from bot.moderation.normalise import normalise
from bot.moderation.script_view import cyrillic_view, digit_view
from tests.moderation_scoring import labels

DATA = Path(__file__).parent / "data"
LABELS = ("profanity", "insult", "personal_data", "account_sharing")



INSULTS = [
    "ты свинтус, весь стол в крошках",  # animal metaphor, addressed
    "Петя просто полено на физре",  # predicated of a first name
    "эй, шакал, верни рюкзак",  # vocative
    "Гоша — плешивый карлик",  # looks, after a dash
    "ты шизанутая что ли",  # mental health as an insult
    "она сплетница и врушка",  # character
    "тупорылые восьмиклассники опять сломали турник",  # contempt for a group
    "вонючие пятиклассники заняли столовку",
    "отвали, надоел",  # dismissal without мат
    "проваливай со своими советами",
    "ты как пробка, ничего не понимаешь",
]
BOTH = ["иди нахуй", "пошла ты в пизду", "отъебись от меня", "заткни ебало", "ты охуел?", "вы там все ебанутые?"]
NOT_INSULTS = [
    "Хлестаков — враль и хвастун, найдите цитаты",  # a book's character in homework
    "Обломов — лентяй или мечтатель? Сочинение к среде",
    "мой кот — страшный лентяй",  # an animal, not a person
    "эта корова на картинке — символ года",  # a picture
    "ты толстую тетрадь купил?",  # the adjective belongs to the noun after it
    "Больные дети остаются дома",  # literal sense, not a verdict on anyone
    "я как баран смотрела на задачу",  # self-deprecation
    "пошли вон туда, к фонтану",  # directions, not a dismissal
    "закройте рот при кашле",
    "ты молодец, классно выступил",
    "в живом уголке у нас хорёк",
    "сорок минут ждали автобус",  # «сорок» is not a form of «сорока» here
    "ворона, сорока и синица — птицы",  # a list, not a call: nobody is spoken to
]
PROFANITY_CLEAN = [
    "Mandy и Blair — героини диалога",  # capitalised Latin names
    "закажите на eBay",
    "вирус Ebola, доклад",
    "Справку подписала Иванова Е.Б.",  # initials
    "Е. Б. Ковалёва проведёт урок",
    "Концерт в МУДО ЦДТ «Созвездие»",  # an abbreviation
    "ворона сидела на суку",  # the literal «на суку»
    "кормушка на толстом суку",
]
PROFANITY = ["Blyat, опять снег", "ПЗДЦ", "сижу Haeбнyлcя с презентацией", "pizdec", "ХУЙ знает"]
PERSONAL = [
    "загранпаспорт Маши 75 4412398",
    "паспорт: серия сорок пять ноль семь, номер сто двадцать три четыреста пятьдесят шесть",
    "паспорт 4509 № 112233 у Натальи",
    "Вероника живёт в микрорайоне Юбилейный, дом 5, квартира 88",
    "Стёпа живёт в СНТ «Ромашка», участок 88",
    "Vasya zhivet: ul. Pushkina 10, kv. 5",
    "всем написать в чат СНИЛС ребёнка",
    "просьба продублировать сюда номера полисов ОМС",
    "Пришлите номера паспортов родителей в личку и сюда",
]
PERSONAL_CLEAN = [
    "Пост охраны: 8 916 123 45 67",
    "Бассейн «Дельфин», запись по телефону 8 (495) 765-43-21",
    "Реквизиты: МБОУ СОШ № 5, ИНН 9749461646",
    "Ждём всех на новоселье! Адрес: ул. Мира, 3, кв. 18",
    "Мы живём в СНТ «Рассвет», участок 14 — приезжайте",
    "Если просят прислать СНИЛС в чат — не делайте этого",
]
ACCOUNT = [
    "skin' parol ot dnevnika",
    "moi login pavlik2010 parol qwerty2010",
    "продаю акк в стандофф",
    "сдаю аккаунт в аренду на выходные",
    "у меня есть учётка от дневника брата, могу пустить",
    "какой пароль у тебя от почты?",
    "подскажи пароль от своего дневника",
    "«482913 — ваш код для входа в ВК» — что это?",
]
ACCOUNT_CLEAN = [
    "Код для Kahoot: 728 451, все заходим",
    "Пример плохого пароля: 12345678",
    "не используйте пароли вроде qwerty или 111111",
    "пароль от вайфая в кабинете 12: school2024",
    "подскажите, как поменять пароль в Сферуме?",
    "заходите в мою комнату в Among Us",
    "никогда не давайте свой акк друзьям",
]


@pytest.mark.parametrize("text", INSULTS)
def test_insults(text: str) -> None:
    assert labels(text) == {"insult"}


@pytest.mark.parametrize("text", BOTH)
def test_obscenity_aimed_at_someone_is_also_an_insult(text: str) -> None:
    assert labels(text) == {"insult", "profanity"}


@pytest.mark.parametrize("text", NOT_INSULTS)
def test_not_insults(text: str) -> None:
    assert "insult" not in labels(text)


@pytest.mark.parametrize("text", PROFANITY_CLEAN)
def test_names_abbreviations_and_branches_are_not_profanity(text: str) -> None:
    assert "profanity" not in labels(text)


@pytest.mark.parametrize("text", PROFANITY)
def test_capitalised_obscenity_is_still_profanity(text: str) -> None:
    assert "profanity" in labels(text)


@pytest.mark.parametrize("text", PERSONAL)
def test_personal_data(text: str) -> None:
    assert "personal_data" in labels(text)


@pytest.mark.parametrize("text", PERSONAL_CLEAN)
def test_personal_data_clean(text: str) -> None:
    assert "personal_data" not in labels(text)


@pytest.mark.parametrize("text", ACCOUNT)
def test_account_sharing(text: str) -> None:
    assert "account_sharing" in labels(text)


@pytest.mark.parametrize("text", ACCOUNT_CLEAN)
def test_account_sharing_clean(text: str) -> None:
    assert "account_sharing" not in labels(text)


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("логин levkin11, пароль zayac777", ["levkin11", "zayac777"]),
        ("moj akk: login anna2011, pass 2011anna", ["anna2011", "2011anna"]),
        ("мой пароль от дневника — Masha_2012", ["Masha_2012"]),
        ("пароль: котик, заходи", ["котик"]),
        ("пишите на ivan.petrov@mail.ru, логин там же", ["ivan.petrov"]),
    ],
)
def test_masked_excerpt_hides_logins_and_passwords(text: str, secrets: list[str]) -> None:
    excerpt = masked_excerpt(text, default_checker().check(text))
    for secret in secrets:
        assert secret not in excerpt


def test_masking_keeps_ordinary_words_after_keywords() -> None:
    text = "код не приходит, что делать"
    assert masked_excerpt(text, default_checker().check(text)) == text


def test_shipped_forms_table_matches_the_word_list() -> None:
    """data/pejorative_forms.txt must be rebuilt (bench/build_moderation_lexicon.py) after editing insults.txt."""
    shipped = lexicon._load_forms_table()
    assert shipped is not None, "pejorative_forms.txt is missing or stale: run bench/build_moderation_lexicon.py"
    assert shipped == lexicon.expand_pejoratives()


def _f1_and_false_alarms(name: str) -> tuple[dict[str, float], float]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {label: [0, 0, 0] for label in LABELS}
    clean = false_alarms = 0
    for row in rows:
        got, expected = labels(row["text"]), set(row["labels"])
        if not expected:
            clean += 1
            false_alarms += bool(got)
        for label in LABELS:
            counts[label][0] += label in got and label in expected
            counts[label][1] += label in got and label not in expected
            counts[label][2] += label not in got and label in expected
    f1 = {label: 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0 for label, (tp, fp, fn) in counts.items()}
    return f1, false_alarms / clean


@pytest.mark.parametrize(
    ("name", "targets", "max_false_alarms"),
    [
        ("moderation_own_dev.jsonl", {"profanity": 0.95, "insult": 0.95, "personal_data": 0.97, "account_sharing": 0.97}, 0.02),
        ("moderation_own_aside.jsonl", {"profanity": 0.90, "insult": 0.95, "personal_data": 0.95, "account_sharing": 0.90}, 0.02),
        # Round 2's held-aside set; first scored at 0.975 (personal_data) and 0.933 (account_sharing), then fixed.
        ("moderation_own_aside2.jsonl", {"profanity": 0.95, "insult": 0.95, "personal_data": 0.95, "account_sharing": 0.92}, 0.02),
    ],
)
def test_own_sets_quality(name: str, targets: dict[str, float], max_false_alarms: float) -> None:
    f1, false_alarms = _f1_and_false_alarms(name)
    for label, target in targets.items():
        assert f1[label] >= target, (label, f1[label])
    assert false_alarms <= max_false_alarms


TEXTS = st.text(alphabet=st.sampled_from(list("abcdehkmoprstuxyz' .,:-0123456789парольсерияноль пять сорок")), max_size=200)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_views_map_back_into_the_normalised_text(text: str) -> None:
    norm = normalise(text).text
    for view in (cyrillic_view(norm), digit_view(norm)):
        if view is None:
            continue
        assert len(view.origin) == len(view.text)
        for start in range(len(view.text)):
            a, b = view.span(start, start + 1)
            assert 0 <= a < b <= len(norm)
    default_checker().check(text)
