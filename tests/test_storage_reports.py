"""ReportsRepo and PersonalDataRepo on a fresh migrated database (all features' tables present)."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import InvalidTransition, NotFound
from bot.reports import ReportKind, ReportStatus
from bot.roles import Role
from storage.audit import AuditLog
from storage.db import Database
from storage.people import PeopleRepo
from storage.personal_data import PersonalDataRepo
from storage.reports import ReportsRepo

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
PEER = 2_000_000_001


async def test_hacked_report_is_stored_open(db: Database) -> None:
    repo = ReportsRepo(db)
    report = await repo.add_hacked(1003, NOW)
    assert (report.kind, report.status, report.reporter_id, report.created_at) == (
        ReportKind.HACKED, ReportStatus.OPEN, 1003, NOW)
    assert (await repo.open_hacked_of(1003)) == report
    assert await repo.open_hacked_of(1002) is None


async def test_one_person_reports_one_message_once(db: Database) -> None:
    repo = ReportsRepo(db)
    first = await repo.add_abuse(1002, NOW, peer_id=PEER, cmid=7, author_id=1003, excerpt="грубость")
    assert first is not None and first.excerpt == "грубость" and first.cmid == 7
    assert await repo.add_abuse(1002, NOW, peer_id=PEER, cmid=7, author_id=1003, excerpt="грубость") is None
    assert await repo.add_abuse(1004, NOW, peer_id=PEER, cmid=7, author_id=1003, excerpt="грубость") is not None


async def test_the_database_refuses_a_full_message_text(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await ReportsRepo(db).add_abuse(1002, NOW, peer_id=PEER, cmid=7, author_id=1003, excerpt="x" * 101)


async def test_times_since_counts_the_last_hour_only(db: Database) -> None:
    repo = ReportsRepo(db)
    for minutes, cmid in ((90, 1), (30, 2), (5, 3)):
        await repo.add_abuse(1002, NOW - timedelta(minutes=minutes), peer_id=PEER, cmid=cmid, author_id=1003, excerpt="a")
    times = await repo.times_since(1002, NOW - timedelta(hours=1))
    assert times == [NOW - timedelta(minutes=30), NOW - timedelta(minutes=5)]


async def test_close_once_then_refuse(db: Database) -> None:
    repo = ReportsRepo(db)
    report = await repo.add_hacked(1003, NOW)
    closed = await repo.close(report.id, 1001, NOW + timedelta(hours=1))
    assert closed.status is ReportStatus.CLOSED and closed.closed_by == 1001
    assert await repo.list_open() == []
    with pytest.raises(InvalidTransition):
        await repo.close(report.id, 1001, NOW)
    with pytest.raises(NotFound):
        await repo.close(999, 1001, NOW)


async def test_purge_removes_only_old_closed_reports(db: Database) -> None:
    repo = ReportsRepo(db)
    old = await repo.add_hacked(1003, NOW - timedelta(days=200))
    await repo.close(old.id, 1001, NOW - timedelta(days=100))
    recent = await repo.add_hacked(1004, NOW - timedelta(days=200))
    await repo.close(recent.id, 1001, NOW - timedelta(days=10))
    still_open = await repo.add_hacked(1002, NOW - timedelta(days=300))
    assert await repo.purge_closed_before(NOW - timedelta(days=90)) == 1
    assert await repo.get(old.id) is None
    assert await repo.get(recent.id) is not None and await repo.get(still_open.id) is not None


async def _a_parent_with_data(db: Database) -> None:
    people = PeopleRepo(db)
    await people.remember(1003, "Ольга Иванова", NOW)
    await people.grant(1003, Role.PARENT, granted_by=1001, now=NOW)
    await db.execute("INSERT INTO children (parent_id, child_name, class_label, since) VALUES (1003, 'Петя', '5А', ?)",
                     (NOW.isoformat(),))
    reports = ReportsRepo(db)
    await reports.add_hacked(1003, NOW)
    await reports.add_abuse(1002, NOW, peer_id=PEER, cmid=3, author_id=1003, excerpt="о ней")
    await AuditLog(db).record(actor_id=1001, action="grant", now=NOW, target_id=1003)


async def test_collect_reads_every_table_holding_the_person(db: Database) -> None:
    await _a_parent_with_data(db)
    found = {(f.lookup.table, f.lookup.mode.value): f for f in await PersonalDataRepo(db).collect(1003)}
    assert found[("people", "rows")].rows[0]["display_name"] == "Ольга Иванова"
    assert found[("person_roles", "rows")].rows[0]["role"] == "parent"
    assert found[("children", "rows")].rows[0]["child_name"] == "Петя"
    assert found[("reports", "rows")].count == 1  # the one she filed
    assert found[("reports", "count")].count == 1  # the complaint about her message
    assert found[("audit_log", "count")].count == 1


async def test_forget_erases_the_person_and_keeps_audit_and_others_complaints(db: Database) -> None:
    await _a_parent_with_data(db)
    result = await PersonalDataRepo(db).forget(1003)
    assert result.deleted["people"] == 1 and result.deleted["children"] == 1 and result.deleted["reports"] == 1
    assert (result.audit_entries, result.complaints_kept, result.id_kept) == (1, 1, False)
    after = await PersonalDataRepo(db).collect(1003)
    assert all(f.count == 0 for f in after if f.lookup.mode.value == "rows")
    assert await PeopleRepo(db).get(1003) is None
    assert len(await AuditLog(db).recent()) == 1


async def test_forget_keeps_a_bare_id_when_an_admin_record_points_at_it(db: Database) -> None:
    await PeopleRepo(db).remember(1001, "Анна Смирнова", NOW)
    await db.execute(
        "INSERT INTO invites (code, role, max_uses, created_by, created_at, expires_at, needs_approval) "
        "VALUES ('ABCD-EFGH', 'teacher', 1, 1001, ?, ?, 1)",
        (NOW.isoformat(), (NOW + timedelta(days=7)).isoformat()),
    )
    result = await PersonalDataRepo(db).forget(1001)
    assert result.id_kept
    person = await PeopleRepo(db).get(1001)
    assert person is not None and person.display_name == "" and not person.roles


async def test_forget_of_someone_unknown_erases_nothing(db: Database) -> None:
    result = await PersonalDataRepo(db).forget(4242)
    assert not result.anything_erased and result.audit_entries == 0
