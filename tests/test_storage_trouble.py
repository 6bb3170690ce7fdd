"""Storage trouble, named and survived: the cause of SQLite's refusals, the start-up probe, a
failed COMMIT that leaves nothing behind, what the bot answers while it cannot write, and the
intake that holds what arrived in memory until it can be stored."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.port.adapter import Batch
from bot.port.events import ButtonPress, Incoming, MemberJoined, MessageIn, Started
from bot.port.ids import ChatId, PersonId, Platform
from bot.runtime import intake as intake_module
from bot.runtime.intake import Intake
from bot.storage_trouble import STORAGE_APOLOGY, Reaction, admin_notice, reaction_to, start_refusal
from storage.db import Database
from storage.inbox import Inbox
from storage.trouble import StorageCause, storage_cause

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PARENT = PersonId("vk:1003")
CHAT = ChatId("vk:2000000002")


def message(text: str, *, chat: ChatId | None = None, edited: bool = False) -> MessageIn:
    return MessageIn(platform=Platform.VK, author=PARENT, chat=chat, message="7", text=text, sent_at=NOW,
                     edited=edited)


# --- the cause ---------------------------------------------------------------------------------
def test_a_full_database_is_named_full() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x BLOB)")
    connection.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as caught:
        for _ in range(100):
            connection.execute("INSERT INTO t VALUES (zeroblob(2000))")
    assert storage_cause(caught.value) is StorageCause.FULL


def test_a_read_only_database_is_named_read_only() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("PRAGMA query_only = 1")
    with pytest.raises(sqlite3.OperationalError) as caught:
        connection.execute("INSERT INTO t VALUES (1)")
    assert storage_cause(caught.value) is StorageCause.READ_ONLY


def test_a_locked_database_is_named_locked(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0.01)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("INSERT INTO t VALUES (1)")
    assert storage_cause(caught.value) is StorageCause.LOCKED
    holder.execute("ROLLBACK")


def test_a_file_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError) as caught:
        sqlite3.connect(tmp_path / "no-such-dir" / "db.sqlite3")
    assert storage_cause(caught.value) is StorageCause.CANNOT_OPEN


def test_bugs_are_not_storage_trouble() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x UNIQUE)")
    connection.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as duplicate:
        connection.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as typo:
        connection.execute("SELECT nope FROM t")
    assert storage_cause(duplicate.value) is None
    assert storage_cause(typo.value) is None
    assert storage_cause(ValueError("database or disk is full")) is None


# --- the database -------------------------------------------------------------------------------
async def test_the_start_probe_passes_on_a_healthy_database_and_leaves_no_trace(db: Database) -> None:
    await db.probe_write()
    await db.probe_write()
    tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE name = 'write_probe'")
    assert tables == []


async def test_the_start_probe_fails_on_a_full_database(db: Database) -> None:
    pages = (await db.pragma("PRAGMA page_count"))[0][0]
    await db.pragma(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        await db.probe_write()
    assert storage_cause(caught.value) is StorageCause.FULL
    await db.pragma("PRAGMA max_page_count = 1000000")
    await db.probe_write()  # the same connection works once there is room


async def test_the_start_probe_fails_on_a_read_only_database(db: Database) -> None:
    await db.pragma("PRAGMA query_only = 1")
    with pytest.raises(sqlite3.OperationalError) as caught:
        await db.probe_write()
    assert storage_cause(caught.value) is StorageCause.READ_ONLY


async def test_a_commit_that_fails_is_rolled_back_and_the_next_transaction_works(db: Database) -> None:
    # A deferred foreign key fails at COMMIT itself, as a full disk can.
    await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO child VALUES (42)")
    assert await db.fetch_all("SELECT * FROM child") == []
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO parent VALUES (1)")
    assert len(await db.fetch_all("SELECT * FROM parent")) == 1


def test_pragma_takes_only_pragmas() -> None:
    async def run() -> None:
        database = await Database.open(":memory:")
        try:
            with pytest.raises(ValueError):
                await database.pragma("DELETE FROM inbox")
        finally:
            await database.close()

    asyncio.run(run())


# --- what people get --------------------------------------------------------------------------------
@pytest.mark.parametrize(("event", "reaction"), [
    (message("/помощь"), Reaction.APOLOGISE),
    (message("Здравствуйте, как записать ребёнка?"), Reaction.APOLOGISE),
    (message("/правила", chat=CHAT), Reaction.APOLOGISE),
    (message("Добрый вечер всем", chat=CHAT), Reaction.MODERATE),
    (message("исправил", chat=CHAT, edited=True), Reaction.MODERATE),
    (message("исправил", edited=True), Reaction.WAIT),
    (ButtonPress(platform=Platform.VK, presser=PARENT, chat=None, message="5", press_id="e1", payload="{}"),
     Reaction.APOLOGISE),
    (Started(platform=Platform.VK, person=PARENT, payload="AB12-CD34"), Reaction.APOLOGISE),
    (MemberJoined(platform=Platform.VK, chat=CHAT, member=PARENT, by=None), Reaction.WAIT),
])
def test_what_each_event_gets_while_storage_fails(event: object, reaction: Reaction) -> None:
    assert reaction_to(event) is reaction  # type: ignore[arg-type]


def test_the_texts_name_the_cause_in_plain_words() -> None:
    assert STORAGE_APOLOGY == "Временная ошибка, попробуйте через несколько минут."
    assert "закончилось место" in admin_notice(StorageCause.FULL)
    assert "только для чтения" in admin_notice(StorageCause.READ_ONLY)
    assert "занят другой программой" in admin_notice(StorageCause.LOCKED)
    assert "/srv/bot.sqlite3" in start_refusal(StorageCause.FULL, "/srv/bot.sqlite3")


# --- the intake -----------------------------------------------------------------------------------------
class RecordingDegraded:
    """Stands in for DegradedMode, which needs platforms; records what the intake asked of it."""

    def __init__(self) -> None:
        self.reacted: list[str] = []
        self.failed: list[StorageCause] = []
        self.works = 0

    async def react(self, platform: Platform, incoming: Incoming) -> None:
        self.reacted.append(incoming.key)

    async def storage_failed(self, cause: StorageCause) -> None:
        self.failed.append(cause)

    async def storage_works(self) -> None:
        self.works += 1


def batch(*keys: str, position: str) -> Batch:
    return Batch(updates=[Incoming(key=k, event=message(f"текст {k}")) for k in keys], position=position)


async def test_the_intake_holds_batches_in_order_while_read_only_and_stores_them_after(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_module, "LONGEST_PAUSE", 0.05)
    inbox = Inbox(db)
    degraded = RecordingDegraded()
    woken: list[int] = []
    intake = Intake(Platform.VK, inbox, degraded, stored=lambda items: woken.append(len(items)), clock=lambda: NOW)  # type: ignore[arg-type]
    assert await intake.accept(batch("a", position="10"))
    await db.pragma("PRAGMA query_only = 1")
    assert not await intake.accept(batch("b", "c", position="12"))
    assert not await intake.accept(batch("d", position="13"))
    assert degraded.reacted == ["b", "c", "d"] and degraded.failed == [StorageCause.READ_ONLY]
    assert intake.waiting == 3 and await inbox.position(Platform.VK) == "10"
    await db.pragma("PRAGMA query_only = 0")
    for _ in range(200):
        if intake.waiting == 0:
            break
        await asyncio.sleep(0.01)
    assert intake.waiting == 0
    assert await inbox.position(Platform.VK) == "13"
    pending = await inbox.pending()
    assert [item.key for item in pending] == ["a", "b", "c", "d"]
    await intake.close()


async def test_the_intake_stops_the_poller_when_memory_is_full(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_module, "WAITING_LIMIT", 3)
    monkeypatch.setattr(intake_module, "LONGEST_PAUSE", 0.05)
    intake = Intake(Platform.VK, Inbox(db), RecordingDegraded(), stored=lambda items: None, clock=lambda: NOW)  # type: ignore[arg-type]
    await db.pragma("PRAGMA query_only = 1")
    await intake.accept(batch("a", "b", position="1"))
    await intake.accept(batch("c", position="2"))
    assert intake.full
    assert not await intake.accept(batch("d", position="3"))  # refused: a webhook answers 503
    assert intake.waiting == 3
    room = asyncio.create_task(intake.room())
    await asyncio.sleep(0.05)
    assert not room.done()
    await db.pragma("PRAGMA query_only = 0")
    await asyncio.wait_for(room, 5)
    await intake.close()


async def test_a_new_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    database = await Database.open(path)
    try:
        await database.migrate()
        assert path.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "private.sqlite3-wal").stat().st_mode & 0o777 == 0o600
    finally:
        await database.close()
