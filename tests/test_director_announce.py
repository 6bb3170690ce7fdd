"""Announcements and the audit log, pure: whom an announcement reaches, when, every text about it;
the announcement's state machine in storage; /действия as people read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chats import ChatBinding, ChatPurpose
from bot.commands.spec import CommandInput
from bot.commands.table import command_named
from bot.director.announce import (
    Audience,
    Delivery,
    Listed,
    Reach,
    list_text,
    message_text,
    parse_announcement,
    report_text,
    unread_text,
)
from bot.director.audit_view import AuditQuery, Entry, audit_text, entry_line
from bot.errors import BadCommand
from bot.membership.users import UserRefContext
from bot.port.gateway import Problem
from bot.port.ids import PersonId, Platform
from bot.services import Repos
from storage.db import Database
from storage.destruction import DestructionLog
from storage.retention import RetentionPurge

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
STAFF = ChatBinding(purpose=ChatPurpose.STAFF)
ADMINISTRATION = ChatBinding(purpose=ChatPurpose.ADMINISTRATION)
P5, S5 = (ChatBinding(purpose=p, class_label="5А") for p in (ChatPurpose.CLASS_PARENTS, ChatPurpose.CLASS_STUDENTS))
P6 = ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label="6Б")
PHYSICS = ChatBinding(purpose=ChatPurpose.SUBJECT, class_label="5А", subject="физика")
GENERAL, STAFF_CHANNEL = ChatBinding(purpose=ChatPurpose.CHANNEL_GENERAL), ChatBinding(purpose=ChatPurpose.CHANNEL_STAFF)
EVERY = [STAFF, ADMINISTRATION, P5, S5, P6, PHYSICS, GENERAL, STAFF_CHANNEL]


def reached(args: str) -> list[ChatBinding]:
    audience = parse_announcement(f"{args} текст", now=NOW, tz=MSK).audience
    return [b for b in EVERY if audience.wants(b)]


@pytest.mark.parametrize(("args", "chats"), [
    ("все", [STAFF, P5, S5, P6, GENERAL]),
    ("сотрудники", [STAFF, STAFF_CHANNEL]),
    ("родители", [P5, P6]),
    ("ученики", [S5]),
    ("5А", [P5, S5]),
    ("5а родители", [P5]),
    ("5 А ученики", [S5]),
    ("6Б", [P6]),
    ("канал общий", [GENERAL]),
    ("канал", [GENERAL]),
    ("канал сотрудники", [STAFF_CHANNEL]),
])
def test_whom_an_announcement_reaches(args: str, chats: list[ChatBinding]) -> None:
    assert reached(args) == chats


def test_the_audience_survives_storage() -> None:
    for audience in (Audience(reach=Reach.ALL), Audience(reach=Reach.CLASS, class_label="5А", part="parents"),
                     Audience(reach=Reach.CLASS, class_label="11Б"), Audience(reach=Reach.CHANNEL_STAFF)):
        assert Audience.from_key(audience.key()) == audience
    assert Audience.from_key("class:5А:parents").title() == "родители 5А"


def test_text_and_time() -> None:
    order = parse_announcement("5А родители Собрание в четверг в 18:00\nв 12 кабинете в 2026-12-01 09:00",
                               now=NOW, tz=MSK)
    assert order.text == "Собрание в четверг в 18:00\nв 12 кабинете"
    assert order.send_at == datetime(2026, 12, 1, 9, 0, tzinfo=MSK)
    dotted = parse_announcement("все Педсовет в 01.12.2026 в 15:30", now=NOW, tz=MSK)
    assert dotted.text == "Педсовет" and dotted.send_at == datetime(2026, 12, 1, 15, 30, tzinfo=MSK)
    assert parse_announcement("все", now=NOW, tz=MSK, has_file=True).text == ""  # a photo alone is enough


@pytest.mark.parametrize(("args", "says"), [
    ("", "Формат"), ("всем", "Напишите текст"), ("кому-то Привет", "Не понял, кому"), ("12Я Привет", "Класса «12Я» нет"),
    ("все Привет в 2026-11-27 09:00", "уже прошло"), ("все Привет в 2028-01-01 09:00", "на год вперёд"),
    ("все Привет в 2026-02-30 09:00", "Не понял дату"), ("все " + "я" * 3600, "длиннее"),
])
def test_bad_announcements_get_a_clear_answer(args: str, says: str) -> None:
    with pytest.raises(BadCommand) as error:
        parse_announcement(args, now=NOW, tz=MSK)
    assert says in error.value.text


@given(st.text(max_size=200))
def test_the_announcement_parser_never_fails_unexpectedly(text: str) -> None:
    try:
        order = parse_announcement(text, now=NOW, tz=MSK)
    except BadCommand as error:
        assert error.text
        return
    assert order.text and len(order.text) <= 3500
    assert order.send_at is None or order.send_at > NOW


def test_what_people_see() -> None:
    assert message_text("Собрание") == "Объявление школы\n\nСобрание"
    assert message_text("Экскурсия", from_class_teacher="5А").startswith("Объявление классного руководителя 5А")
    assert "Должно было выйти 2026-12-01 09:00; отправлено с опозданием" in message_text("x", late_from="2026-12-01 09:00")
    report = report_text(3, [Delivery(title="чат родителей 5А", problem=None),
                             Delivery(title="чат учеников 5А", problem=Problem.NOT_ADMIN)])
    assert report == ("Объявление №3 доставлено в 1 из 2 чатов.\nНе доставлено:\n"
                      "• чат учеников 5А: у бота нет прав администратора в чате")
    assert report_text(4, [Delivery(title="x", problem=None)]) == "Объявление №4 доставлено в 1 из 1 чата."
    listing = list_text([
        Listed(number=5, state="scheduled", audience=Audience(reach=Reach.ALL), when="2026-12-01 09:00", text="Линейка"),
        Listed(number=4, state="sent", audience=Audience(reach=Reach.CLASS, class_label="5А"), when="2026-11-27 10:00",
               text="Собрание " * 20, delivered=2, chats=2, ack=True, read=7, readers=25),
    ])
    assert "• №5 на 2026-12-01 09:00 — вся школа: «Линейка». Отменить: /отменить 5" in listing
    assert "• №4 2026-11-27 10:00 — 5А (ученики и родители), отправлено, доставлено в 2 из 2, прочитали 7 из 25" in listing
    assert list_text([]).startswith("Объявлений пока нет")
    unread = unread_text(4, 7, 25, {"чат родителей 5А": ["родитель: Иванов Петя"], "чат учеников 5А": []})
    assert unread == "Объявление №4: прочитали 7 из 25.\n\nНе прочитали — чат родителей 5А (1):\n• родитель: Иванов Петя"


async def test_an_announcement_goes_out_once_whoever_races(db: Database) -> None:
    repos = Repos.over(db)
    author = PersonId("vk:1")
    number = await repos.announcements.create(author=author, audience="all", text="Линейка", reply_to=author, now=NOW,
                                              send_at=NOW + timedelta(days=1))
    assert await repos.announcements.schedule(number, ack=True)
    assert not await repos.announcements.schedule(number, ack=False)  # a second press
    assert await repos.announcements.due(NOW) == []
    [due] = await repos.announcements.due(NOW + timedelta(days=1))
    assert due.ack and due.state == "scheduled"
    chats = [("vk:2000000001", "Учительская")]
    assert await repos.announcements.start_sending(number, from_states=("scheduled",), chats=chats, now=NOW)
    assert not await repos.announcements.start_sending(number, from_states=("scheduled",), chats=chats, now=NOW)
    assert not await repos.announcements.cancel(number)  # already going out
    assert await repos.announcements.finish(number, [("vk:2000000001", "sent", None)], NOW)
    assert not await repos.announcements.finish(number, [], NOW)
    [result] = await repos.announcements.chats(number)
    assert (result.title, result.state) == ("Учительская", "sent")
    assert await repos.announcements.record_read(number, author, NOW)
    assert not await repos.announcements.record_read(number, author, NOW)
    later = NOW + timedelta(days=400)
    assert (await RetentionPurge(db).purge(later)).get("announcements") == 1
    assert await db.fetch_all("SELECT * FROM announcement_reads") == []  # they go with it
    destroyed = {r.kind: r.records for r in await DestructionLog(db).since(NOW)}
    assert destroyed == {"announcement_reads": 1, "announcement_chats": 1, "announcements": 1}
    assert (await RetentionPurge(db).purge(later)).get("announcements", 0) == 0


# --- /действия ---------------------------------------------------------------------------------------

def audit_args(text: str) -> AuditQuery:
    spec = command_named("действия")
    assert spec is not None
    return spec.parse(CommandInput(args=text, raw_args=text, refs=UserRefContext(platform=Platform.VK)))  # type: ignore[no-any-return]


def test_audit_queries() -> None:
    assert audit_args("") == AuditQuery()
    assert audit_args("3") == AuditQuery(page=3)
    assert audit_args("привязать").actions == ("bind_chat",)
    assert audit_args("/принять 2") == AuditQuery(page=2, actions=("join_request_approved", "welcome_resent"),
                                                   command="принять")
    assert audit_args("id1010") == AuditQuery(person=PersonId("vk:1010"))
    assert audit_args("vk:1010 2") == AuditQuery(person=PersonId("vk:1010"), page=2)
    for bad, says in (("помощь", "не оставляет записей"), ("0", "Формат"), ("вася пупкин", "Формат")):
        with pytest.raises(BadCommand) as error:
            audit_args(bad)
        assert says in error.value.text, bad


def test_audit_lines_name_people_and_chats_in_school_time() -> None:
    entry = Entry(at="2026-11-28T09:05:00+00:00", actor="Анна Смирнова", action="join_request_approved",
                  target="Светлана Орлова", chat=None,
                  details={"request": 7, "role": "parent", "group": "5А", "with_reason": False})
    assert entry_line(entry, MSK, str) == ("• 2026-11-28 12:05 — Анна Смирнова: принята заявка — Светлана Орлова "
                                           "(родитель, 5А, заявка №7)")
    bind = Entry(at="2026-11-28T09:00:00+00:00", actor="Анна Смирнова", action="bind_chat", target=None,
                 chat="чат родителей 5А", details={"purpose": "channel_general", "class": None, "subject": None,
                                                   "unbound_chat": "vk:2000000009"})
    assert entry_line(bind, MSK, str) == ("• 2026-11-28 12:00 — Анна Смирнова: привязка чата (общий канал школы), "
                                          "чат «чат родителей 5А»")
    denied = Entry(at="2026-11-28T09:00:00+00:00", actor="бот", action="command_denied", target=None, chat=None,
                   details={"command": "bind"})
    assert entry_line(denied, MSK, lambda key: "/привязать") == "• 2026-11-28 12:00 — бот: отказано в команде (/привязать)"
    page = audit_text([entry] * 10, query=AuditQuery(), total=23, tz=MSK)
    assert page.startswith("Журнал решений администраторов (страница 1 из 3, всего записей 23") and "/действия 2" in page
    assert audit_text([], query=AuditQuery(page=9), total=23, tz=MSK).endswith("страницы 9 нет, всего 3.")


async def test_housekeeping_forgets_unconfirmed_previews_and_their_attachments(db: Database) -> None:
    from bot.config import Settings
    from bot.features import Features
    from bot.housekeeping import tidy_once
    from bot.services import Services

    settings = Settings()
    repos = Repos.over(db)
    services = Services(config=settings, repos=repos, gateways={}, features=Features.build(settings, repos.moderation),
                        clock=lambda: NOW + timedelta(days=2))
    author = PersonId("vk:1")
    file = await repos.files.store(b"photo", NOW, held=True)
    stale = await repos.announcements.create(author=author, audience="all", text="Старое", reply_to=author, now=NOW,
                                             file_id=file, file_kind="photo", file_name="a.jpg")
    fresh = await repos.announcements.create(author=author, audience="all", text="Новое", reply_to=author,
                                             now=NOW + timedelta(days=2))
    done = await tidy_once(services)
    assert done["drafts_forgotten"] == 1
    assert (await repos.announcements.get(stale)).state == "cancelled"  # type: ignore[union-attr]
    assert (await repos.announcements.get(fresh)).state == "draft"  # type: ignore[union-attr]
    assert await repos.files.count() == 0
