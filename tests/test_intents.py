"""What a plain DM means (bot/intents.py): narrow patterns, so a question is never mistaken for a
greeting, and the registry still answers what it knows."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.intents import Intent, classify, outside_service

CASES = [
    ("привет", Intent.GREETING), ("Здравствуйте!", Intent.GREETING), ("Добрый день", Intent.GREETING),
    ("доброе утро, бот", Intent.GREETING), ("Привет, как дела?", Intent.GREETING), ("hi", Intent.GREETING),
    ("спасибо", Intent.THANKS), ("Спасибо большое!", Intent.THANKS), ("👍", Intent.THANKS), ("🙏🙏", Intent.THANKS),
    ("ок, понятно", Intent.THANKS), ("благодарю", Intent.THANKS),
    ("какие у меня права?", Intent.RIGHTS), ("Какие права у участников", Intent.RIGHTS),
    ("на что я имею право", Intent.RIGHTS),
    ("правила", Intent.RULES), ("какие правила в чате?", Intent.RULES), ("что нельзя писать в чате", Intent.RULES),
    ("как связаться с администратором", Intent.CONTACT_ADMIN), ("кто администратор?", Intent.CONTACT_ADMIN),
    ("дайте телефон администратора", Intent.CONTACT_ADMIN),
    ("куда писать, если не работает сферум", Intent.SUPPORT), ("не могу войти в аккаунт сферума", Intent.SUPPORT),
    ("техподдержка", Intent.SUPPORT), ("не открывается видеоурок, к кому обратиться?", Intent.SUPPORT),
    ("обжаловать", Intent.APPEAL), ("Хочу обжаловать предупреждение", Intent.APPEAL),
    ("жалоба", Intent.COMPLAINT), ("Жалоба: в чате 5А обзываются", Intent.COMPLAINT),
    # not intents: the registry or a hint answers these
    ("Здравствуйте, где демоверсии огэ?", Intent.NONE), ("где найти правила оформления проекта", Intent.NONE),
    ("Иванов Петя", Intent.NONE), ("фипи", Intent.NONE), ("у меня есть жалоба на погоду", Intent.NONE),
    ("спасибо, а где демоверсии?", Intent.NONE), ("", Intent.NONE), ("права на вождение", Intent.NONE),
]


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_intents(text: str, intent: Intent) -> None:
    assert classify(text).intent is intent


def test_appeal_and_complaint_keep_the_persons_words() -> None:
    assert classify("обжаловать я не ругался, это цитата").rest == "я не ругался, это цитата"
    assert classify("Хочу обжаловать предупреждение: Это была шутка").rest == "Это была шутка"
    assert classify("обжаловать").rest == ""
    assert classify("Жалоба — в чате 5А меня оскорбляют").rest == "в чате 5А меня оскорбляют"


@pytest.mark.parametrize(("text", "service"), [
    ("учи.ру", "Учи.ру"), ("где задания на учи ру?", "Учи.ру"), ("uchi.ru", "Учи.ру"), ("ЯКласс", "ЯКласс"),
    ("яндекс учебник", "Яндекс Учебник"), ("можно в зуме?", None), ("zoom", "Zoom"), ("ватсап", "WhatsApp"),
    ("зайдите на example.com", "example.com"), ("fipi.ru", None), ("https://resh.edu.ru/subject", None),
    ("Иванов Петя", None), ("где демоверсии огэ", None),
])
def test_services_outside_the_registry(text: str, service: str | None) -> None:
    assert outside_service(text, frozenset({"fipi.ru", "resh.edu.ru"})) == service


@given(st.text(max_size=400))
def test_classify_never_fails(text: str) -> None:
    assert classify(text).intent in Intent
    outside_service(text)
