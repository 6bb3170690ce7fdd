"""/статистика: the numbers of a seeded school, exactly; the period parser; the text, CSV and chart."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chats import ChatBinding, ChatPurpose
from bot.classlist.model import NewPupil
from bot.destruction import Reason
from bot.director.chart import chart_data, render, render_chart_data
from bot.director.digest import digest_period, latest_due
from bot.director.stats import (
    NO_LIST,
    ClassCoverage,
    Period,
    SchoolStats,
    duration_text,
    parse_stats_args,
    split_text,
    stats_csv,
    stats_text,
)
from bot.errors import BadCommand
from bot.membership.groups import Group, SchoolClass, parse_class
from bot.port.ids import SYSTEM, ChatId, PersonId
from bot.roles import Role
from bot.services import Repos
from storage.db import Database
from storage.destruction import DestructionLog
from storage.director_stats import ChatRef, StatsRepo, Window, child_key
from storage.times import iso

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)
S1, S2, S3 = PersonId("vk:11"), PersonId("vk:12"), PersonId("vk:13")
P1, P2 = PersonId("vk:21"), PersonId("vk:22")
T1, CT = PersonId("vk:31"), PersonId("vk:32")
STAFF, PAR5, STU5, PAR6 = (ChatId(f"vk:200000000{n}") for n in (1, 2, 3, 4))
C5A, C6B = SchoolClass(5, "А"), SchoolClass(6, "Б")


def window(days: int = 7) -> Window:
    period = Period(start=TODAY - timedelta(days=days - 1), end=TODAY, name="неделю" if days == 7 else "год")
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=MSK)
    return Window(period=period, start=start, end=start + timedelta(days=days), today=TODAY)


CHATS = [ChatRef(id=STAFF, title="Учительская"), ChatRef(id=PAR5, title="чат родителей 5А", class_label="5А"),
         ChatRef(id=STU5, title="чат учеников 5А", class_label="5А"),
         ChatRef(id=PAR6, title="чат родителей 6Б", class_label="6Б")]


async def seed(db: Database) -> Repos:
    repos = Repos.over(db)
    then = NOW - timedelta(days=60)
    for person, role in ((S1, Role.STUDENT), (S2, Role.STUDENT), (S3, Role.STUDENT), (P1, Role.PARENT),
                         (P2, Role.PARENT), (T1, Role.TEACHER), (CT, Role.TEACHER), (CT, Role.CLASS_TEACHER)):
        await repos.people.grant(person, role, granted_by=SYSTEM, now=then)
    for person, role, school_class in ((S1, Role.STUDENT, C5A), (S2, Role.STUDENT, C5A), (S3, Role.STUDENT, C6B),
                                       (P1, Role.PARENT, C5A), (P2, Role.PARENT, C5A), (P2, Role.PARENT, C6B)):
        await repos.memberships.add(person, role, Group.of_class(school_class), then)
    await repos.memberships.add_child(P1, "Иванов Петя", C5A, then)
    await repos.memberships.add_child(P2, "петя  Иванов", C5A, then)  # the same pupil, written by the other parent
    await repos.memberships.add_child(P2, "Сидорова Аня", C6B, then)
    await repos.memberships.set_class_teacher(C5A, CT, by=SYSTEM, now=then)
    for chat, purpose, label in ((STAFF, ChatPurpose.STAFF, None), (PAR5, ChatPurpose.CLASS_PARENTS, "5А"),
                                 (STU5, ChatPurpose.CLASS_STUDENTS, "5А"), (PAR6, ChatPurpose.CLASS_PARENTS, "6Б")):
        await repos.chats.bind(chat, ChatBinding(purpose=purpose, class_label=label), SYSTEM, then)
    # The class lists (/список): 5А has four pupils, 7В two.
    await repos.classlists.add([NewPupil(school_class=parse_class(label), surname=f"Фамилия{i}", name="Имя")
                                for i, label in enumerate(("5А", "5А", "5А", "5А", "7В", "7В"))], then)
    # Activity: days are the school's dates.
    for person, chat, days_ago, times in ((P1, PAR5, 0, 3), (P1, PAR5, 10, 2), (P1, PAR5, 40, 4), (S1, STU5, 6, 1),
                                          (S1, STU5, 7, 1), (CT, STAFF, 0, 1)):
        for _ in range(times):
            await repos.activity.bump(person, chat, TODAY - timedelta(days=days_ago))
    await repos.activity.roll_up(TODAY - timedelta(days=34), NOW)  # the 40-day-old row becomes a chat total
    # Invitations: three issued this week (one used), an older one revoked this week.
    for code, created, uses, state, closed in (("AAAA-0001", 1, 1, "active", None), ("AAAA-0002", 2, 0, "active", None),
                                               ("AAAA-0003", 3, 0, "active", None),
                                               ("AAAA-0004", 20, 0, "revoked", 2)):
        made = NOW - timedelta(days=created)
        await db.execute(
            "INSERT INTO invites (code, role, group_kind, class_label, max_uses, uses, created_by, created_at, "
            "expires_at, needs_approval, state, closed_by, closed_at) VALUES (?, 'parent', 'class', '5А', 5, ?, ?, ?, ?, "
            "1, ?, ?, ?)", (code, uses, CT, iso(made), iso(made + timedelta(days=30)), state,
                            CT if closed else None, iso(NOW - timedelta(days=closed)) if closed else None))
    # Join requests: decided after 30, 90 and 60 minutes (median 60), one still pending.
    for person, state, minutes in ((P1, "approved", 30), (P2, "approved", 90), (S1, "rejected", 60), (S2, "pending", 0)):
        made = NOW - timedelta(days=1)
        decided = made + timedelta(minutes=minutes) if state != "pending" else None
        await db.execute(
            "INSERT INTO join_requests (person_id, invite_code, role, group_kind, class_label, state, child_name, "
            "created_at, decided_by, decided_at) VALUES (?, 'AAAA-0001', 'student', 'class', '5А', ?, NULL, ?, ?, ?)",
            (person, state, iso(made), CT if decided else None, iso(decided) if decided else None))
    # Moderation: three events this week, one long ago; two warnings this week.
    for chat, labels, days_ago in ((PAR5, ["profanity"], 1), (PAR5, ["profanity", "insult"], 2),
                                   (STAFF, ["personal_data"], 3), (PAR5, ["insult"], 30)):
        event = await repos.moderation.record_event(now=NOW - timedelta(days=days_ago), chat_id=chat, author_id=P1,
                                                    message_ref="1", labels=labels, excerpt="***", edited=False, acts=[])
        if days_ago < 3:
            await repos.moderation.add_warning(person_id=P1, event_id=event, labels=labels,
                                               now=NOW - timedelta(days=days_ago), expires_at=NOW + timedelta(days=30))
    hacked_open = await repos.reports.add_hacked(S1, NOW - timedelta(days=1))
    hacked_closed = await repos.reports.add_hacked(S2, NOW - timedelta(days=2))
    await repos.reports.close(hacked_closed.id, CT, NOW - timedelta(days=1))
    await repos.reports.add_abuse(reporter_id=P2, chat_id=PAR5, message_ref="7", author_id=P1, excerpt="***",
                                  now=NOW - timedelta(days=1))
    assert hacked_open.id
    # An announcement sent this week to the 5А parents, read by both parents.
    number = await repos.announcements.create(author=CT, audience="class:5А:parents", text="Собрание", reply_to=CT,
                                              now=NOW - timedelta(days=1))
    await repos.announcements.start_sending(number, from_states=("draft",), chats=[(PAR5, "чат родителей 5А")],
                                            now=NOW - timedelta(days=1), ack=True)
    for parent in (P1, P2):
        await repos.announcements.record_read(number, parent, NOW)
    return repos


async def test_the_numbers_of_a_seeded_school_are_exact(db: Database) -> None:
    repos = await seed(db)
    stats = await repos.stats.gather(window(), CHATS, extra_admins=1)
    assert dict(stats.roles) == {Role.STUDENT: 3, Role.PARENT: 2, Role.TEACHER: 2, Role.CLASS_TEACHER: 1, Role.ADMIN: 1}
    assert list(stats.classes) == [
        ClassCoverage(label="5А", on_list=4, pupils=2, with_parent=1, parents=2),
        ClassCoverage(label="6Б", on_list=None, pupils=1, with_parent=1, parents=1),
        ClassCoverage(label="7В", on_list=2, pupils=0, with_parent=0, parents=0),
    ]
    assert [(c.title, c.messages, c.active_7, c.active_30) for c in stats.chats] == [
        ("Учительская", 1, 1, 1), ("чат родителей 5А", 3, 1, 1), ("чат учеников 5А", 1, 1, 1),
        ("чат родителей 6Б", 0, 0, 0)]
    assert (stats.active_7, stats.active_30) == (3, 3)
    assert [n for _, n in stats.daily] == [1, 0, 0, 0, 0, 0, 4] and stats.daily[0][0] == date(2026, 11, 22)
    assert (stats.invites_issued, stats.invites_used, stats.invites_annulled) == (3, 1, 1)
    assert (stats.requests_received, stats.requests_approved, stats.requests_rejected) == (4, 2, 1)
    assert stats.median_decision == 60
    assert dict(stats.moderation_by_label) == {"profanity": 2, "insult": 1, "personal_data": 1}
    assert dict(stats.moderation_by_chat) == {"чат родителей 5А": 2, "Учительская": 1}
    assert stats.warnings == 2
    assert dict(stats.reports) == {("hacked", "open"): 1, ("hacked", "closed"): 1, ("abuse", "open"): 1}
    assert (stats.announcements_sent, stats.acknowledgements) == (1, 2)

    text = stats_text(stats)
    for line in (
        "Статистика школы за неделю (22.11.2026–28.11.2026)",
        "Люди в боте: 3 ученика, 2 родителя, 2 учителя, 1 классный руководитель, 1 администратор.",
        "• 5А: учеников 2 из 4 (50%); у 1 ученика (25%) родитель в боте; родителей 2",
        f"• 6Б: учеников в боте 1, {NO_LIST}; у 1 ученика родитель в боте; родителей 1",
        "• 7В: учеников 0 из 2 (0%); ни у кого родитель не в боте; родителей 0",
        "Писали в чатах: за 7 дней — 3 человека, за 30 дней — 3 человека.",
        "• чат родителей 5А: 3; 1 / 1",
        "Ссылки-приглашения: выдано 3, использовано 1, аннулировано 1.",
        "Заявки: поступило 4, одобрено 2, отклонено 1; медиана до решения — 1 ч.",
        "Модерация: 3 события — нецензурная лексика 2, оскорбление 1, персональные данные 1; по чатам: "
        "чат родителей 5А 2, Учительская 1; предупреждений выдано 2.",
        "Обращения: о взломе 2 (открыто 1, закрыто 1); жалобы 1 (открыто 1, закрыто 0).",
        "Объявления: отправлено 1, отметок «Прочитано» 2.",
    ):
        assert line in text, line


async def test_a_year_adds_the_rolled_up_days_that_name_nobody(db: Database) -> None:
    repos = await seed(db)
    stats = await repos.stats.gather(window(365), CHATS)
    assert [c.messages for c in stats.chats] == [1, 9, 2, 0]  # 3 + 2 + the 4 rolled up; 1 + 1
    rows = await db.fetch_all("SELECT * FROM activity WHERE day < ?", ((TODAY - timedelta(days=34)).isoformat(),))
    assert rows == []  # the personal rows of the old day are gone, and the act says so (152-ФЗ)
    assert [(r.kind, r.records, r.reason) for r in await DestructionLog(db).since(NOW - timedelta(days=1))] == [
        ("activity", 1, Reason.RETENTION)]
    assert await repos.activity.roll_up(TODAY - timedelta(days=34), NOW) == 0  # nothing more: no new record
    assert len(await DestructionLog(db).since(NOW - timedelta(days=1))) == 1
    assert [tuple(r) for r in await db.fetch_all("SELECT chat_id, day, messages, people FROM chat_activity")] == [
        (PAR5, (TODAY - timedelta(days=40)).isoformat(), 4, 1)]


async def test_a_class_teacher_sees_their_class_only(db: Database) -> None:
    repos = await seed(db)
    own = [c for c in CHATS if c.class_label == "5А"]
    stats = await repos.stats.gather(window(), own, scope="5А")
    assert dict(stats.roles) == {Role.STUDENT: 2, Role.PARENT: 2, Role.CLASS_TEACHER: 1}
    assert [c.label for c in stats.classes] == ["5А"]
    assert [c.title for c in stats.chats] == ["чат родителей 5А", "чат учеников 5А"]
    assert (stats.invites_issued, stats.requests_received) == (3, 4)
    assert dict(stats.moderation_by_chat) == {"чат родителей 5А": 2} and stats.warnings == 2
    assert dict(stats.reports) == {("hacked", "open"): 1, ("hacked", "closed"): 1, ("abuse", "open"): 1}
    assert stats_text(stats).startswith("Статистика класса 5А за неделю")


async def test_without_class_lists_every_class_says_the_list_is_not_loaded(db: Database) -> None:
    repos = await seed(db)
    await db.execute("DELETE FROM class_lists")
    assert await StatsRepo(db).roster_sizes() == {}
    stats = await repos.stats.gather(window(), CHATS)
    assert [(c.label, c.on_list) for c in stats.classes] == [("5А", None), ("6Б", None)]
    assert "5А: учеников в боте 2, список не загружен" in stats_text(stats)


async def test_an_empty_school_has_zeros_and_no_error(db: Database) -> None:
    stats = await StatsRepo(db).gather(window(), [])
    text = stats_text(stats)
    assert "Люди в боте: пока никого." in text and "Привязанных чатов пока нет." in text
    assert "Модерация: нарушений не было; предупреждений выдано 0." in text
    assert render(stats).startswith(b"\x89PNG")


def test_child_names_are_one_pupil_however_parents_write_them() -> None:
    assert child_key("Иванов Петя") == child_key("петя  ИВАНОВ") == child_key("Петя Иванов")
    assert child_key("Ёлкин Федя") == child_key("елкин федя")


# --- the period ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "start", "end", "as_file", "school_class"), [
    ("", date(2026, 11, 22), TODAY, False, None),
    ("неделя", date(2026, 11, 22), TODAY, False, None),
    ("Месяц", date(2026, 10, 30), TODAY, False, None),
    ("год", date(2025, 11, 29), TODAY, False, None),
    ("файл", date(2026, 11, 22), TODAY, True, None),
    ("csv месяц", date(2026, 10, 30), TODAY, True, None),
    ("5А месяц", date(2026, 10, 30), TODAY, False, "5А"),
    ("2026-09-01..2026-12-31", date(2026, 9, 1), date(2026, 12, 31), False, None),
    ("2026-09-01 — 2026-09-30", date(2026, 9, 1), date(2026, 9, 30), False, None),
    ("файл 6б 2026-09-01..2026-09-01", date(2026, 9, 1), date(2026, 9, 1), True, "6Б"),
])
def test_periods(text: str, start: date, end: date, as_file: bool, school_class: str | None) -> None:
    request = parse_stats_args(text, TODAY)
    assert (request.period.start, request.period.end, request.as_file, request.school_class) == (
        start, end, as_file, school_class)


@pytest.mark.parametrize(("text", "says"), [
    ("вчера", "Формат"), ("2026-02-30..2026-03-01", "Такой даты нет"), ("2026-12-31..2026-09-01", "позже конца"),
    ("2020-01-01..2026-01-01", "двух лет"), ("13Я", "Класса «13Я» нет"),
])
def test_bad_periods_get_the_form(text: str, says: str) -> None:
    with pytest.raises(BadCommand) as error:
        parse_stats_args(text, TODAY)
    assert says in error.value.text


@given(st.text(max_size=80))
def test_the_period_parser_never_fails_unexpectedly(text: str) -> None:
    try:
        request = parse_stats_args(text, TODAY)
    except BadCommand as error:
        assert error.text
        return
    assert request.period.start <= request.period.end


# --- text, CSV, chart ------------------------------------------------------------------------------

def test_durations() -> None:
    assert [duration_text(m) for m in (0.2, 12, 60, 200, 1440, 1500 + 60)] == [
        "0 мин", "12 мин", "1 ч", "3 ч 20 мин", "1 дн", "1 дн 2 ч"]


async def test_the_csv_has_a_bom_and_one_row_per_class_and_chat(db: Database) -> None:
    repos = await seed(db)
    data = stats_csv(await repos.stats.gather(window(), CHATS))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [
        ["класс", "5А", "4", "2", "1", "2", "", "", ""],
        ["класс", "6Б", NO_LIST, "1", "1", "1", "", "", ""],
        ["класс", "7В", "2", "0", "0", "0", "", "", ""],
        ["чат", "Учительская", "", "", "", "", "1", "1", "1"],
        ["чат", "чат родителей 5А", "", "", "", "", "3", "1", "1"],
        ["чат", "чат учеников 5А", "", "", "", "", "1", "1", "1"],
        ["чат", "чат родителей 6Б", "", "", "", "", "0", "0", "0"],
    ]


def test_the_chart_is_a_png_readable_on_a_phone() -> None:
    period = Period(start=date(2025, 12, 1), end=date(2026, 11, 30), name="год")
    classes = [ClassCoverage(label=f"{g}{letter}", on_list=25, pupils=20, with_parent=15, parents=18)
               for g in range(1, 12) for letter in "АБВ"]
    daily = [(period.start + timedelta(days=n), n % 40) for n in range(period.days)]
    png = render(SchoolStats(period=period, classes=classes, daily=daily))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width == 780 and height > 1500  # one column, taller with more classes, never wider than a phone
    assert render_chart_data(chart_data(stats := SchoolStats(period=period, classes=classes[:3], daily=daily))) == \
        render(stats)  # what travels in the outbox draws the same picture


def test_long_summaries_are_split_between_lines() -> None:
    text = "\n".join(f"• чат {n}: {n}" for n in range(800))
    parts = split_text(text, 4000)
    assert all(len(p) <= 4000 for p in parts) and "\n".join(parts) == text and len(parts) > 1
    assert split_text("x" * 9000, 4000) == ["x" * 4000, "x" * 4000, "x" * 1000]
    assert split_text("") == [""]


# --- the digest's clock ----------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "due"), [
    (datetime(2026, 11, 30, 5, 59, tzinfo=UTC), date(2026, 11, 23)),  # Monday 08:59 in Moscow: last week's
    (datetime(2026, 11, 30, 6, 0, tzinfo=UTC), date(2026, 11, 30)),  # Monday 09:00: today's
    (datetime(2026, 12, 6, 20, 0, tzinfo=UTC), date(2026, 11, 30)),  # Sunday night
    (datetime(2026, 11, 29, 22, 0, tzinfo=UTC), date(2026, 11, 23)),  # Monday 01:00 in Moscow, before 09:00
])
def test_the_digest_is_due_on_the_configured_local_weekday_and_time(now: datetime, due: date) -> None:
    assert latest_due(now, MSK, 1, 9, 0) == due


def test_the_digest_covers_the_week_before_its_day() -> None:
    period = digest_period(date(2026, 11, 30))
    assert (period.start, period.end) == (date(2026, 11, 23), date(2026, 11, 29))
