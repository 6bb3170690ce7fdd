"""The retention purge: indexes only, small batches, and a destruction record for every erasure (152-ФЗ)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.destruction import DestructionRecord, Reason, destruction_text, parse_days
from bot.errors import BadCommand
from bot.port.effects import Send
from bot.port.events import Incoming, Started
from bot.port.ids import SYSTEM, ChatId, PersonId, Platform
from bot.privacy import MESSAGE_LIMIT
from bot.roles import Role
from storage.db import Database
from storage.destruction import DestructionLog
from storage.inbox import Inbox
from storage.moderation import ModerationRepo
from storage.outbox import Outbox
from storage.people import PeopleRepo
from storage.personal_data import PersonalDataRepo
from storage.reports import ReportsRepo
from storage.retention import BATCH, RULES, RetentionPurge
from storage.times import iso

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CHAT = ChatId("vk:2000000001")
MOSCOW = ZoneInfo("Europe/Moscow")


async def plan(db: Database, sql: str, params: tuple[object, ...]) -> list[str]:
    return [row["detail"] for row in await db.fetch_all("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.kind)
async def test_every_purge_statement_finds_its_rows_through_an_index(db: Database, rule) -> None:  # type: ignore[no-untyped-def]
    for sql in (rule.select_due(), rule.any_due()):
        found = await plan(db, sql, ("2026-01-01",))
        assert found and all(step.startswith("SEARCH") and "INDEX" in step for step in found), found
        assert "<?" in found[0], found  # the cutoff bounds the index range, not a filter over a scan
    # The delete by rowid, and the foreign-key actions it sets off (warnings.event_id, appeals.warning_id).
    deleted = await plan(db, f"DELETE FROM {rule.kind} WHERE rowid IN (?, ?)", (1, 2))
    assert all(not step.startswith("SCAN") for step in deleted), deleted
    for table, column in rule.dependents:
        dependents = await plan(db, f"DELETE FROM {table} WHERE {column} IN (?, ?)", (1, 2))
        assert all(step.startswith("SEARCH") for step in dependents), dependents


async def test_deleting_a_moderation_event_does_not_scan_the_warnings(db: Database) -> None:
    steps = await plan(db, "DELETE FROM moderation_events WHERE rowid IN (?)", (1,))
    assert any("warnings_by_event" in step for step in steps), steps


async def seed(db: Database) -> dict[str, int]:
    """Due and fresh rows of every kind the purge handles; returns how many are due per table."""
    moderation, reports = ModerationRepo(db), ReportsRepo(db)
    old, fresh = NOW - timedelta(days=400), NOW - timedelta(days=10)
    due = {"moderation_events": BATCH + 3, "warnings": 2, "appeals": 1, "reports": 1, "moderation_alerts": 1,
           "inbox": 1, "outbox": 1}
    events = []
    for n in range(due["moderation_events"]):
        events.append(await moderation.record_event(now=old, chat_id=CHAT, author_id=PersonId(f"vk:{n + 10}"),
                                                    message_ref=str(n), labels=["insult"], excerpt="д**а",
                                                    edited=False, acts=[]))
    await moderation.record_event(now=fresh, chat_id=CHAT, author_id=PersonId("vk:9"), message_ref="x",
                                  labels=["insult"], excerpt="д**а", edited=False, acts=[])
    for when, event in ((old, events[0]), (old, events[1]), (fresh, None)):
        await db.execute("INSERT INTO warnings (person_id, event_id, labels, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                         ("vk:10", event, "insult", iso(when), iso(when + timedelta(days=30))))
    await db.execute("INSERT INTO appeals (warning_id, person_id, at) VALUES (1, 'vk:10', ?)", (iso(old),))
    await db.execute("INSERT INTO moderation_alerts (person_id, day, at) VALUES ('vk:10', '2025-10-01', ?)", (iso(old),))
    closed = await reports.add_hacked(PersonId("vk:11"), old)
    await reports.close(closed.id, PersonId("vk:1"), old)
    await reports.add_hacked(PersonId("vk:12"), old)  # still open: kept however old
    inbox = [Incoming(key=k, event=Started(platform=Platform.VK, person=PersonId("vk:10"), payload=""))
             for k in ("a", "b")]
    await Inbox(db).store(Platform.VK, inbox, "1", old)
    first, _ = await Inbox(db).pending()
    await Inbox(db).mark_done(first.id, old)
    sent, _ = await Outbox(db).add([Send(to=PersonId("vk:10"), text="x"), Send(to=CHAT, text="y")], old)
    await Outbox(db).mark_sent(sent, old)
    return due


async def count(db: Database, table: str) -> int:
    row = await db.fetch_one(f"SELECT COUNT(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


async def test_the_purge_deletes_what_is_due_in_batches_and_records_each_kind(db: Database) -> None:
    due = await seed(db)
    before = {table: await count(db, table) for table in due}

    deleted = await RetentionPurge(db).purge(NOW)

    assert deleted == due
    for table, n in due.items():
        assert await count(db, table) == before[table] - n, table
    # The fresh warning, the open report, the pending update and the queued message stay.
    assert await count(db, "warnings") == 1 and await count(db, "reports") == 1
    assert await count(db, "inbox") == 1 and await count(db, "outbox") == 1
    records = await DestructionLog(db).since(NOW - timedelta(days=1))
    totals: dict[str, int] = {}
    for record in records:
        assert record.reason is Reason.RETENTION and record.at == NOW and "срок хранения" in record.basis
        totals[record.kind] = totals.get(record.kind, 0) + record.records
    assert totals == due
    assert len([r for r in records if r.kind == "moderation_events"]) == 2  # two batches
    assert await RetentionPurge(db).purge(NOW) == {}
    assert len(await DestructionLog(db).since(NOW - timedelta(days=1))) == len(records)


async def test_destruction_records_cannot_be_changed_or_deleted(db: Database) -> None:
    await DestructionLog(db).record(at=NOW, kind="warnings", records=3, reason=Reason.RETENTION)
    for sql in ("UPDATE destruction_log SET records = 1", "DELETE FROM destruction_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.execute(sql)
    assert [r.records for r in await DestructionLog(db).since(NOW)] == [3]


async def test_erasure_on_request_is_recorded_without_naming_the_person(db: Database) -> None:
    person = PersonId("vk:77")
    await PeopleRepo(db).grant(person, Role.PARENT, granted_by=SYSTEM, now=NOW)
    await PeopleRepo(db).remember(person, "Ольга Иванова", NOW)

    result = await PersonalDataRepo(db).forget(person, NOW)

    records = await DestructionLog(db).since(NOW)
    assert {r.kind: r.records for r in records} == {t: n for t, n in result.deleted.items() if n}
    assert all(r.reason is Reason.REQUEST for r in records)
    rows = await db.fetch_all("SELECT * FROM destruction_log")
    assert all("77" not in str(tuple(row)) and "Ольга" not in str(tuple(row)) for row in rows)


def test_destruction_text_groups_by_local_day_newest_first() -> None:
    evening = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 28.11 in Moscow
    records = [
        DestructionRecord(at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), kind="reports", records=2,
                          reason=Reason.RETENTION),
        DestructionRecord(at=evening, kind="moderation_events", records=500, reason=Reason.RETENTION),
        DestructionRecord(at=evening, kind="moderation_events", records=12, reason=Reason.RETENTION),
        DestructionRecord(at=evening, kind="children", records=1, reason=Reason.REQUEST),
    ]
    text = destruction_text(records, days=30, tz=MOSCOW)
    assert "всего записей 515" in text
    newest, oldest = text.index("28.11.2026"), text.index("20.11.2026")
    assert newest < oldest
    assert ("28.11.2026: по истечении срока хранения: записи модерации (замаскированные отрывки) — 512; "
            "по запросу /удалить: имена детей — 1") in text
    assert "vk:" not in text


def test_destruction_text_when_nothing_was_destroyed_and_when_too_long() -> None:
    assert "не уничтожал" in destruction_text([], days=30, tz=UTC)
    many = [DestructionRecord(at=NOW - timedelta(days=d), kind=kind, records=d + 1, reason=Reason.RETENTION)
            for d in range(366) for kind in ("moderation_events", "warnings", "inbox", "outbox")]
    text = destruction_text(many, days=366, tz=UTC)
    assert len(text) <= MESSAGE_LIMIT and "не поместились" in text and "28.11.2026" in text


@pytest.mark.parametrize(("args", "days"), [("", 30), ("7", 7), (" 366 ", 366)])
def test_days_argument(args: str, days: int) -> None:
    assert parse_days(args) == days


@pytest.mark.parametrize("args", ["0", "367", "неделю", "-5", "1.5"])
def test_bad_days_argument_shows_the_form(args: str) -> None:
    with pytest.raises(BadCommand) as error:
        parse_days(args)
    assert "/уничтожение" in error.value.text


def test_the_operator_page_quotes_the_current_retention_table() -> None:
    from pathlib import Path

    from bot.privacy import retention_markdown

    page = (Path(__file__).resolve().parents[1] / "docs" / "operator.md").read_text(encoding="utf-8")
    assert retention_markdown() in page  # regenerate the table in docs/operator.md when bot/privacy.py changes
    for duty in ("24 часов", "72 часов", "10 рабочих дней", "/уничтожение", "№ 179"):
        assert duty in page, duty
