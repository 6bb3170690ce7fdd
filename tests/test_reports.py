"""The pure core of reports: phrase matcher, rate limit, numbers, excerpts, texts."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadCommand, InvalidTransition
from bot.max.capabilities import MAX_CAPABILITIES
from bot.port.gateway import Gender
from bot.port.ids import ChatId, PersonId
from bot.reports import (
    EXCERPT_LIMIT,
    AccountPlatform,
    ChatContext,
    HackedIntent,
    Report,
    ReportAction,
    ReportKind,
    ReportStatus,
    Who,
    abuse_staff_card,
    already_open_text,
    classify_hacked,
    hacked_advice_text,
    hacked_staff_card,
    hacked_steps_text,
    mask_excerpt,
    parse_report_number,
    rate_decision,
    rate_limited_text,
    reports_list_text,
    transition,
)
from bot.vk.gateway import VK_CAPABILITIES

NOW = datetime(2025, 3, 12, 11, 5, tzinfo=UTC)
OLGA, MARIA = PersonId("vk:1003"), PersonId("vk:1002")
PARENTS_5A = ChatId("vk:2000000002")
VK_ACCOUNT = AccountPlatform(title=VK_CAPABILITIES.title, sessions_hint=VK_CAPABILITIES.sessions_hint)
MAX_ACCOUNT = AccountPlatform(title=MAX_CAPABILITIES.title, sessions_hint=MAX_CAPABILITIES.sessions_hint)

REPORTS = [
    "мой аккаунт взломали",
    "Взломали страницу!!!",
    "кто-то зашёл в мой профиль",
    "Кто то зашел в мою страницу",
    "у меня украли аккаунт",
    "УКРАЛИ АККАУНТ",
    "меня взломали",
    "взломали",
    "аккаунт сына взломали, что делать?",
    "с моей страницы кто-то пишет одноклассникам",
    "угнали страницу в вк",
]
ADVICE = [
    "как защитить аккаунт от взлома?",
    "Что делать, если взломают страницу?",
    "как обезопасить профиль",
    "могут ли взломать мой аккаунт",
    "меня не взломали, просто спрашиваю про взлом",
]
NOTHING = [
    "где демоверсии огэ",
    "фипи",
    "какой пароль лучше поставить",
    "одноклассник взломал игру",
    "ученик зашёл в класс",
    "",
    "😀",
    "вкусно",
]


@pytest.mark.parametrize("text", REPORTS)
def test_statements_of_a_stolen_account_are_reports(text: str) -> None:
    assert classify_hacked(text) is HackedIntent.REPORT


@pytest.mark.parametrize("text", ADVICE)
def test_hypothetical_or_preventive_questions_get_advice(text: str) -> None:
    assert classify_hacked(text) is HackedIntent.ADVICE


@pytest.mark.parametrize("text", NOTHING)
def test_other_messages_are_not_about_stolen_accounts(text: str) -> None:
    assert classify_hacked(text) is HackedIntent.NONE


def test_only_the_start_of_a_huge_message_is_read() -> None:
    assert classify_hacked("привет " * 200 + "взломали аккаунт") is HackedIntent.NONE
    assert classify_hacked("взломали аккаунт " + "а" * 4000) is HackedIntent.REPORT


@given(st.text(max_size=300))
def test_classifier_never_fails(text: str) -> None:
    assert classify_hacked(text) in set(HackedIntent)


def test_rate_limit_allows_up_to_the_maximum_per_hour() -> None:
    recent = [NOW - timedelta(minutes=50), NOW - timedelta(minutes=10)]
    assert rate_decision(recent, NOW, 3).allowed
    refused = rate_decision([*recent, NOW - timedelta(minutes=1)], NOW, 3)
    assert not refused.allowed and refused.retry_after == timedelta(minutes=10)
    assert "10 мин" in rate_limited_text(refused, 3)


def test_reports_older_than_an_hour_do_not_count() -> None:
    old = [NOW - timedelta(hours=1), NOW - timedelta(hours=2), NOW - timedelta(minutes=61)]
    assert rate_decision(old, NOW, 1).allowed


@pytest.mark.parametrize(("args", "number"), [("7", 7), ("№7", 7), ("#12", 12), (" № 3 ", 3), ("No5", 5)])
def test_report_numbers(args: str, number: int) -> None:
    assert parse_report_number(args) == number


@pytest.mark.parametrize("args", ["", "0", "-1", "abc", "7 8", "1" * 12, "7.5", "семь"])
def test_bad_report_numbers_explain_the_form(args: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_report_number(args)
    assert "/закрыть 7" in caught.value.text


def test_a_closed_report_cannot_be_closed_again() -> None:
    assert transition(ReportStatus.OPEN, ReportAction.CLOSE) is ReportStatus.CLOSED
    with pytest.raises(InvalidTransition):
        transition(ReportStatus.CLOSED, ReportAction.CLOSE)


def test_excerpt_is_short_and_hides_personal_data_and_pings() -> None:
    text = "[id5|Петя] @all звоните +7 (912) 345-67-89 или пишите a.b@mail.ru " + "бла " * 100
    excerpt = mask_excerpt(text)
    assert len(excerpt) <= EXCERPT_LIMIT and excerpt.endswith("…")
    assert "345" not in excerpt and "mail.ru" not in excerpt and "@" not in excerpt and "[id5" not in excerpt
    assert excerpt.startswith("Петя all звоните [телефон скрыт]")


@given(st.text(max_size=5000))
def test_excerpt_never_exceeds_the_limit(text: str) -> None:
    assert 0 < len(mask_excerpt(text)) <= EXCERPT_LIMIT


def test_empty_message_excerpt_says_why() -> None:
    assert mask_excerpt("   ") == "(без текста: вложение или стикер)"


def test_staff_cards_name_who_when_where_and_how_to_close() -> None:
    hacked = Report(id=5, kind=ReportKind.HACKED, status=ReportStatus.OPEN, reporter_id=OLGA, created_at=NOW)
    card = hacked_staff_card(hacked, reporter=Who(link="Ольга Иванова (vk.com/id1003)", gender=Gender.FEMALE),
                             roles="родитель", tz=UTC)
    assert "№5" in card and "Сообщила: Ольга Иванова" in card and "12.03, 11:05" in card and "/закрыть 5" in card
    abuse = Report(id=6, kind=ReportKind.ABUSE, status=ReportStatus.OPEN, reporter_id=MARIA, created_at=NOW,
                   chat_id=PARENTS_5A, message_ref="14", author_id=OLGA, excerpt="плохие слова", reason="хамит")
    card = abuse_staff_card(abuse, chat=ChatContext(title="5А — родители", purpose="чат родителей 5А"),
                            reporter=Who(link="Мария (vk.com/id1002)", gender=Gender.FEMALE),
                            author="Ольга (vk.com/id1003)", tz=UTC)
    for part in ("«5А — родители» (чат родителей 5А)", "Сообщение №14", "Автор сообщения: Ольга",
                 "Пожаловалась: Мария", "«плохие слова»", "Со слов жалующегося: «хамит»", "12.03, 11:05",
                 "/закрыть 6", "только для администраторов"):
        assert part in card
    assert "[id" not in card  # no mention: the card must not ping the author in the staff chat
    assert "2000000002" not in card and "peer_id" not in card  # the chat is named by its title, not its id
    assert "(а)" not in card and "(-ась)" not in card


@pytest.mark.parametrize(("gender", "hacked_line", "abuse_line"), [
    (Gender.MALE, "Сообщил: Петя", "Пожаловался: Петя"),
    (Gender.FEMALE, "Сообщила: Петя", "Пожаловалась: Петя"),
    (Gender.UNKNOWN, "Кто сообщает: Петя", "Жалоба от: Петя"),  # MAX has no gender: no «(а)»
])
def test_cards_follow_the_gender_or_say_it_without_one(gender: Gender, hacked_line: str, abuse_line: str) -> None:
    who = Who(link="Петя", gender=gender)
    hacked = Report(id=1, kind=ReportKind.HACKED, status=ReportStatus.OPEN, reporter_id=OLGA, created_at=NOW)
    assert hacked_line in hacked_staff_card(hacked, reporter=who, roles="ученик", tz=UTC)
    described = Report(id=2, kind=ReportKind.ABUSE, status=ReportStatus.OPEN, reporter_id=OLGA, created_at=NOW,
                       reason="в чате 5А обзываются")
    card = abuse_staff_card(described, chat=None, reporter=who, author=None, tz=UTC)
    assert abuse_line in card and "описана словами" in card and "Автор сообщения" not in card
    forwarded = Report(id=3, kind=ReportKind.ABUSE, status=ReportStatus.OPEN, reporter_id=OLGA, created_at=NOW,
                       author_id=MARIA, excerpt="грубость")
    card = abuse_staff_card(forwarded, chat=None, reporter=who, author="Мария", tz=UTC)
    assert "переслано" in card and "Автор сообщения: Мария" in card and "Фрагмент: «грубость»" in card


@pytest.mark.parametrize(("account", "sessions"), [(VK_ACCOUNT, "В настройках VK ID"), (MAX_ACCOUNT, "В MAX")])
def test_steps_tell_what_to_do_now(account: AccountPlatform, sessions: str) -> None:
    steps = hacked_steps_text(5, account)
    for part in ("№5", "сеансы", "пароль", "классному руководителю", "коды", "info@sferum.ru",
                 f"1. {sessions}", f"Школа и {account.title} их никогда не спрашивают"):
        assert part in steps
    told_before = hacked_steps_text(None, account)
    assert "уже знает" in told_before and "№" not in told_before.split("\n")[0] and "сеансы" in told_before
    again = already_open_text(5, account)
    assert "№5" in again and "ещё не закрыто" in again and f"1. {sessions}" in again


def test_advice_names_the_platform_and_how_to_report() -> None:
    assert "только для ВКонтакте" in hacked_advice_text(VK_ACCOUNT)
    advice = hacked_advice_text(MAX_ACCOUNT)
    assert "только для MAX" in advice and "/взлом" in advice and "ВКонтакте" not in advice


def test_reports_list_shows_each_reporter_as_the_platform_formats_them() -> None:
    hacked = Report(id=5, kind=ReportKind.HACKED, status=ReportStatus.OPEN, reporter_id=OLGA, created_at=NOW)
    abuse = Report(id=6, kind=ReportKind.ABUSE, status=ReportStatus.OPEN, reporter_id=PersonId("max:77"),
                   created_at=NOW, chat_id=PARENTS_5A, message_ref="14", author_id=OLGA, excerpt="плохие слова")
    text = reports_list_text([hacked, abuse], tz=UTC, names={OLGA: "Ольги Ивановой (vk.com/id1003)"}, now=NOW)
    assert "№5 — взлом аккаунта, 12.03, 11:05, от Ольги Ивановой (vk.com/id1003)" in text
    assert "№6 — жалоба на сообщение, 12.03, 11:05, от участника" in text  # no name known: no raw id
    assert "max:77" not in text and "плохие слова" not in text and "/закрыть N" in text
    assert reports_list_text([], tz=UTC, names={}) == "Открытых обращений нет."


def test_reports_list_in_a_staff_chat_names_no_complainant() -> None:
    """The accused teacher may sit in the staff room: a complaint there names nobody."""
    hacked = Report(id=5, kind=ReportKind.HACKED, status=ReportStatus.OPEN, reporter_id=OLGA, created_at=NOW)
    abuse = Report(id=6, kind=ReportKind.ABUSE, status=ReportStatus.OPEN, reporter_id=MARIA, created_at=NOW,
                   chat_id=PARENTS_5A, message_ref="14", author_id=OLGA, excerpt="x")
    names = {OLGA: "Ольги Ивановой (vk.com/id1003)", MARIA: "Марии Петровой (vk.com/id1002)"}
    text = reports_list_text([hacked, abuse], tz=UTC, names=names, now=NOW, private=False)
    assert "№6 — жалоба на сообщение, 12.03, 11:05\n" in text and "Марии" not in text
    assert "в личные сообщения" in text and "от Ольги Ивановой" in text
