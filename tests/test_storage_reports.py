"""ReportsRepo and PersonalDataRepo on a fresh migrated database (all features' tables present)."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import InvalidTransition, NotFound
from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import InviteDefaults, make_invite
from bot.membership.requests import JoinRequestState
from bot.port.gateway import Gender
from bot.port.ids import ChatId, PersonId
from bot.reports import ReportKind, ReportStatus
from bot.roles import Role
from storage.audit import AuditLog
from storage.db import Database
from storage.invites import InvitesRepo
from storage.join_requests import JoinRequestsRepo
from storage.memberships import MembershipsRepo
from storage.moderation import ModerationRepo
from storage.people import PeopleRepo
from storage.personal_data import PersonalDataRepo
from storage.reports import ReportsRepo

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
CHAT = ChatId("vk:2000000001")
C5A = SchoolClass(5, "А")
ADMIN, MARIA, OLGA, PETYA = PersonId("vk:1001"), PersonId("vk:1002"), PersonId("vk:1003"), PersonId("vk:1004")


async def test_hacked_report_is_stored_open(db: Database) -> None:
    repo = ReportsRepo(db)
    report = await repo.add_hacked(OLGA, NOW)
    assert (report.kind, report.status, report.reporter_id, report.created_at) == (
        ReportKind.HACKED, ReportStatus.OPEN, OLGA, NOW)
    assert (report.chat_id, report.message_ref, report.author_id) == (None, None, None)
    assert (await repo.open_hacked_of(OLGA)) == report
    assert await repo.open_hacked_of(MARIA) is None
    assert await repo.open_hacked_of(PersonId("max:1003")) is None  # the same number on MAX is someone else


async def test_one_person_reports_one_message_once(db: Database) -> None:
    repo = ReportsRepo(db)
    first = await repo.add_abuse(MARIA, NOW, chat_id=CHAT, message_ref="7", author_id=OLGA, excerpt="грубость")
    assert first is not None and first.excerpt == "грубость" and first.message_ref == "7"
    assert (first.kind, first.reporter_id, first.chat_id, first.author_id) == (ReportKind.ABUSE, MARIA, CHAT, OLGA)
    assert await repo.add_abuse(MARIA, NOW, chat_id=CHAT, message_ref="7", author_id=OLGA, excerpt="грубость") is None
    assert await repo.add_abuse(PETYA, NOW, chat_id=CHAT, message_ref="7", author_id=OLGA, excerpt="x") is not None
    elsewhere = ChatId("max:-70123")  # the same message number in another chat is another message
    assert await repo.add_abuse(MARIA, NOW, chat_id=elsewhere, message_ref="7", author_id=OLGA, excerpt="x") is not None


async def test_the_database_refuses_a_full_message_text(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await ReportsRepo(db).add_abuse(MARIA, NOW, chat_id=CHAT, message_ref="7", author_id=OLGA, excerpt="x" * 101)


async def test_times_since_counts_the_last_hour_only(db: Database) -> None:
    repo = ReportsRepo(db)
    for minutes, message in ((90, "1"), (30, "2"), (5, "3")):
        await repo.add_abuse(MARIA, NOW - timedelta(minutes=minutes), chat_id=CHAT, message_ref=message, author_id=OLGA,
                             excerpt="a")
    await repo.add_hacked(OLGA, NOW - timedelta(minutes=1))  # someone else's report does not count
    times = await repo.times_since(MARIA, NOW - timedelta(hours=1))
    assert times == [NOW - timedelta(minutes=30), NOW - timedelta(minutes=5)]


async def test_close_once_then_refuse(db: Database) -> None:
    repo = ReportsRepo(db)
    report = await repo.add_hacked(OLGA, NOW)
    assert await repo.list_open() == [report]
    closed = await repo.close(report.id, ADMIN, NOW + timedelta(hours=1))
    assert closed.status is ReportStatus.CLOSED and closed.closed_by == ADMIN
    assert closed.closed_at == NOW + timedelta(hours=1)
    assert await repo.list_open() == []
    with pytest.raises(InvalidTransition):
        await repo.close(report.id, ADMIN, NOW)
    with pytest.raises(NotFound):
        await repo.close(999, ADMIN, NOW)


async def test_purge_removes_only_old_closed_reports(db: Database) -> None:
    repo = ReportsRepo(db)
    old = await repo.add_hacked(OLGA, NOW - timedelta(days=200))
    await repo.close(old.id, ADMIN, NOW - timedelta(days=100))
    recent = await repo.add_hacked(PETYA, NOW - timedelta(days=200))
    await repo.close(recent.id, ADMIN, NOW - timedelta(days=10))
    still_open = await repo.add_hacked(MARIA, NOW - timedelta(days=300))
    assert await repo.purge_closed_before(NOW - timedelta(days=90)) == 1
    assert await repo.get(old.id) is None
    assert await repo.get(recent.id) is not None and await repo.get(still_open.id) is not None


async def _a_parent_with_data(db: Database) -> None:
    people = PeopleRepo(db)
    await people.remember(OLGA, "Ольга Иванова", NOW)
    await people.grant(OLGA, Role.PARENT, granted_by=ADMIN, now=NOW)
    await db.execute("INSERT INTO children (parent_id, child_name, class_label, since) VALUES (?, 'Петя', '5А', ?)",
                     (OLGA, NOW.isoformat()))
    reports = ReportsRepo(db)
    await reports.add_hacked(OLGA, NOW)
    await reports.add_abuse(MARIA, NOW, chat_id=CHAT, message_ref="3", author_id=OLGA, excerpt="о ней")
    await AuditLog(db).record(actor_id=ADMIN, action="grant", now=NOW, target_id=OLGA)
    # the same number on MAX is another person: none of this is hers
    await people.grant(PersonId("max:1003"), Role.STUDENT, granted_by=ADMIN, now=NOW)


async def test_collect_reads_every_table_holding_the_person(db: Database) -> None:
    await _a_parent_with_data(db)
    found = {(f.lookup.table, f.lookup.mode.value): f for f in await PersonalDataRepo(db).collect(OLGA)}
    assert found[("people", "rows")].rows[0]["display_name"] == "Ольга Иванова"
    assert found[("person_roles", "rows")].count == 1
    assert found[("person_roles", "rows")].rows[0]["role"] == "parent"
    assert found[("children", "rows")].rows[0]["child_name"] == "Петя"
    assert found[("reports", "rows")].count == 1  # the one she filed
    assert found[("reports", "count")].count == 1  # the complaint about her message
    assert found[("audit_log", "count")].count == 1


async def test_forget_erases_the_person_and_keeps_audit_and_others_complaints(db: Database) -> None:
    await _a_parent_with_data(db)
    result = await PersonalDataRepo(db).forget(OLGA, NOW)
    assert result.deleted["people"] == 1 and result.deleted["children"] == 1 and result.deleted["reports"] == 1
    assert result.deleted["person_roles"] == 1
    assert (result.audit_entries, result.complaints_kept, result.id_kept) == (1, 1, False)
    after = await PersonalDataRepo(db).collect(OLGA)
    assert all(f.count == 0 for f in after if f.lookup.mode.value == "rows")
    assert await PeopleRepo(db).get(OLGA) is None
    assert len(await AuditLog(db).recent()) == 1
    assert await PeopleRepo(db).roles_of(PersonId("max:1003")) == {Role.STUDENT}  # someone else: untouched


async def test_forget_keeps_a_bare_id_when_an_admin_record_points_at_it(db: Database) -> None:
    await PeopleRepo(db).remember(ADMIN, "Анна Смирнова", NOW, Gender.FEMALE)
    await db.execute(
        "INSERT INTO invites (code, role, max_uses, created_by, created_at, expires_at, needs_approval) "
        "VALUES ('ABCD-EFGH', 'teacher', 1, ?, ?, ?, 1)",
        (ADMIN, NOW.isoformat(), (NOW + timedelta(days=7)).isoformat()),
    )
    result = await PersonalDataRepo(db).forget(ADMIN, NOW)
    assert result.id_kept
    person = await PeopleRepo(db).get(ADMIN)
    assert person is not None and person.display_name == "" and not person.roles
    assert person.gender is Gender.UNKNOWN  # the profile's gender is erased with the name


async def test_forget_of_someone_unknown_erases_nothing(db: Database) -> None:
    result = await PersonalDataRepo(db).forget(PersonId("vk:4242"), NOW)
    assert not result.anything_erased and result.audit_entries == 0


async def test_every_table_naming_a_person_is_looked_up_by_its_person_column(db: Database) -> None:
    lookups = {(lk.table, lk.columns, lk.mode.value) for lk in await PersonalDataRepo(db).lookups()}
    rows = {table for table, _, mode in lookups if mode == "rows"}
    assert rows == {"appeals", "children", "class_teachers", "join_requests", "memberships", "moderation_events",
                    "moderation_alerts", "person_roles", "reports", "verified_teachers", "warnings", "people",
                    "sent_messages", "class_lists", "consents", "activity", "announcement_reads"}
    assert ("people", ("person_id",), "rows") in lookups and ("children", ("parent_id",), "rows") in lookups
    assert ("moderation_events", ("author_id",), "rows") in lookups
    assert ("sent_messages", ("conversation",), "rows") in lookups  # a DM's conversation is the person
    assert ("audit_log", ("actor_id", "target_id"), "count") in lookups
    assert ("reports", ("author_id",), "count") in lookups


async def test_forget_erases_memberships_requests_and_moderation_records_too(db: Database) -> None:
    await InvitesRepo(db).add(made := make_invite(code="ABCD-EFGH", role=Role.STUDENT, group=Group.of_class(C5A),
                                                  created_by=ADMIN, now=NOW, defaults=InviteDefaults(), approve=False))
    assert await JoinRequestsRepo(db).open_from_invite(made, PETYA, JoinRequestState.APPROVED, NOW) is not None
    memberships = MembershipsRepo(db)
    await memberships.set_class_teacher(C5A, PETYA, ADMIN, NOW)  # unlikely for a student, but every table counts
    await memberships.verify(PETYA, ADMIN, NOW)
    moderation = ModerationRepo(db)
    event = await moderation.record_event(now=NOW, chat_id=CHAT, author_id=PETYA, message_ref="5", labels=["insult"],
                                          excerpt="д**а", edited=False, acts=["warn"])
    warning = await moderation.add_warning(person_id=PETYA, event_id=event, labels=["insult"], now=NOW,
                                           expires_at=NOW + timedelta(days=30))
    assert await moderation.open_appeal(warning_id=warning, person_id=PETYA, now=NOW) is not None

    result = await PersonalDataRepo(db).forget(PETYA, NOW)

    for table in ("join_requests", "memberships", "class_teachers", "verified_teachers", "moderation_events",
                  "person_roles"):
        assert result.deleted.get(table, 0) >= 1, table
    # A warning still in force stays (and its appeal): erasing data must not lift a warning.
    assert result.warnings_kept == 1 and not result.deleted.get("warnings") and not result.deleted.get("appeals")
    left = {f.lookup.table: f.count for f in await PersonalDataRepo(db).collect(PETYA) if f.count}
    assert left == {"warnings": 1, "appeals": 1}
    later = await PersonalDataRepo(db).forget(PETYA, NOW + timedelta(days=31))  # expired: now it goes
    assert later.deleted.get("warnings") == 1 and later.deleted.get("appeals") == 1 and later.warnings_kept == 0
    assert not later.id_kept
    assert all(f.count == 0 for f in await PersonalDataRepo(db).collect(PETYA))
    assert await InvitesRepo(db).get(made.code) is not None  # the administrator's link is not Petya's data
