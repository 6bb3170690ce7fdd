"""Round 4 (2026-11-30, after reading round 3's misses): someone's login asked for with or without
«свой», third-person asks in «кто …?» questions, «нужен чей-нибудь», logging in for someone, offering
a code, the right secret picked among several; private people named by role or plainly («соседка моя»,
«той женщины», a coach); an obscene noun for people opens a sentence; a dog at the vet.

Written here in our own words; the rules were frozen and scored once on a new blind set
(tests/test_moderation_blind_round4.py).
"""

from __future__ import annotations

import pytest

from tests.moderation_scoring import labels

ACCOUNT_SHARING = [
    "скиньте логин от ЯКласса, у меня пароль не подходит",
    "Кто даст свой логин на Фоксфорде на вечер?",
    "Кто может скинуть логин от электронного дневника? Мой заблокировали",
    "Нужен чей-то аккаунт в Учи.ру с подпиской, верну через неделю",
    "Отметься за меня в Сферуме, я проспал",
    "Зайдите за меня в Госуслуги, я с телефона не могу",
    "Кто пришлёт код из смс для голосования за наш класс?",
    "Сдайте мне пароли от дневников, я проверю оценки сама",
    "код из смс сейчас перешлю, вводи",
    "дай пароль от вайфая и заодно код от госуслуг",  # the second secret is someone's
    "скиньте пароль от аккаунта класса в ВК, хочу выложить фото",
]

PERSONAL = [
    "Кто искал репетитора — Ольга Сергеевна, подруга моя, 8 916 402 77 31",
    "Номер тренера по плаванию +79165550142, можете ему написать насчёт справки",
    "Телефон той девушки, что нашла кошелёк: 89035551234",
    "Адрес нашего учителя физики — Лесная 7, кв. 21, отнесём ему открытку",
]

CLEAN = [
    "Дай свой логин в игре, добавлю в друзья",
    "Пришлите ссылку на конференцию, а не пароль, я по ссылке зайду",
    "Кто скажет, когда контрольная по алгебре?",
    "Ветеринар сказал, что сука здорова, щенков ждём в марте",
    "Телефон учительской 2-15-17, звоните после уроков",
    # found by probing the frozen round-4 rules with ordinary messages (fixed without changing any score)
    "Кто не может зайти в аккаунт? Дам инструкцию",  # advice after a question, not an account for sale
    "У кого не работает аккаунт в МЭШ? Дам телефон поддержки",
    "Пишите сюда, если не приходит код",  # a trouble, not a secret
    "Пришлите код, если он не подходит, разберёмся",
    "Зайди за меня в столовую, возьми булочку",  # an errand: no account named
    "Отметься за меня у классной, я опоздаю",
    "Кому нужна форма? Отдам бесплатно, размер 140",
]


@pytest.mark.parametrize("text", ACCOUNT_SHARING)
def test_more_asks_and_offers(text: str) -> None:
    assert "account_sharing" in labels(text)


@pytest.mark.parametrize("text", PERSONAL)
def test_private_people_named_by_role_or_plainly(text: str) -> None:
    assert "personal_data" in labels(text)


@pytest.mark.parametrize("text", CLEAN)
def test_still_clean(text: str) -> None:
    assert labels(text) == set()


def test_an_obscene_noun_for_people_opens_a_sentence_and_still_insults() -> None:
    assert labels("Долбоёбы из 8Б снова разбили окно") == {"profanity", "insult"}
    assert labels("Катя сука, всем рассказала") == {"profanity", "insult"}
    assert labels("Ира, сука, опять ручка потекла") == {"profanity"}  # an interjection between commas
