"""Personal data and account sharing."""

from __future__ import annotations

import pytest

from bot.moderation.checksums import inn_person_valid, luhn_valid, snils_valid
from tests.moderation_scoring import labels

PERSONAL = [
    "паспорт 62 16 315524, выдан 14.06.2016", "мой паспорт 5515 472367", "серия 45 07 номер 123456",
    "СНИЛС Мирослава 711-066-580 62", "снилс сына 35173745989", "ИНН дочки 168936896903",
    "карта 5228271581210889", "скидывайте на 4377 1013 4575 2151", "2206-6837-9690-1875",
    "полис ОМС 7788 4818 4387 1257", "свидетельство IV-ИК 518437", "телефон папы 8 (916) 257-21-30",
    "это номер Златы +7 977 724 50 62", "Савелий живёт на Первомайской, 44, кв. 17",
    "адрес: мкр. Солнечный, д. 8, кв. 203", "скиньте сюда СНИЛС детей", "киньте в чат номера полисов ОМС",
]
PERSONAL_CLEAN = [
    "ISBN 978-5-93878-769-8", "Приёмная директора: 8 (4852) 31-08-76", "Поддержка: 8 800 100-70-10",
    "звоните 112", "карта заканчивается на 0619", "ИНН 5049946253, КПП 504901001",
    "мой номер 8 916 507-24-31, пишите", "Сбор у музея (ул. Свердлова, 41) в 9:40", "индекс 620078",
    "Номера полисов в чат не присылаем!", "номер заказа 1738 0046 2291 5503", "каб. 318, стр. 76–81, 14:20",
    "Номер вашей заявки: 627-038-288 28", "площадь 54 кв. м",
]
ACCOUNT = [
    "код 640281", "Код для входа: 73-19-52", "вот цифры из сообщения: 5 0 9 3 8", "логин levkin11, пароль zayac777",
    "пароль Tigr2013!!", "дам свой аккаунт", "зайди с моего аккаунта", "продиктуй код из смс",
    "скиньте мне пароли от МЭШ", "какой у тебя пароль от вк?", "могу пустить в свой Кинопоиск — скину вход",
]
ACCOUNT_CLEAN = [
    "никому не сообщайте коды", "код не приходит", "ID конференции 739 204 5518, пароль конференции 7mQx",
    "код курса hb4t8wz", "номер теста 41873", "Промокод SKAZKA20", "Пароль от 10 символов, с цифрой",
    "Забыли пароль от МЭШ — жмите «Восстановить»", "Логины выдам на уроке",
]


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


def test_checksums() -> None:
    assert luhn_valid("5228271581210889") and not luhn_valid("5228271581210888")
    assert snils_valid("71106658062") and not snils_valid("71106658063")
    assert inn_person_valid("168936896903") and not inn_person_valid("168936896904")
