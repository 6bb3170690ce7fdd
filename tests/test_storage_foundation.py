from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.chats import ChatBinding, ChatPurpose
from bot.roles import Role
from storage.audit import AuditLog
from storage.chats import ChatsRepo
from storage.db import Database, Migration, SchemaTooNew, bundled_migrations
from storage.people import PeopleRepo

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
STAFF = ChatBinding(purpose=ChatPurpose.STAFF)


async def test_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    applied = await db.migrate()
    assert applied == [m.version for m in bundled_migrations()]
    assert await db.schema_version() == len(bundled_migrations())
    await db.close()


async def test_migrating_twice_applies_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    await db.migrate()
    await db.close()
    db = await Database.open(tmp_path / "a.sqlite3")
    assert await db.migrate() == []
    await db.close()


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    await db.migrate()
    future = Migration(version=len(bundled_migrations()) + 1, name="future", sql="CREATE TABLE future (x INTEGER);")
    await db.migrate([*bundled_migrations(), future])
    with pytest.raises(SchemaTooNew) as error:
        await db.migrate()
    assert "новее" in str(error.value)
    await db.close()


async def test_failed_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    broken = Migration(version=1, name="broken", sql="CREATE TABLE half (x INTEGER);\nTHIS IS NOT SQL;")
    with pytest.raises(Exception):
        await db.migrate([broken])
    assert await db.schema_version() == 0
    assert await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 'half'") is None
    await db.close()


async def test_pragmas(db: Database) -> None:
    assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetch_one("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetch_one("PRAGMA busy_timeout"))[0] == 5000


async def test_people_and_roles(db: Database) -> None:
    people = PeopleRepo(db)
    assert await people.get(10) is None
    await people.grant(10, Role.TEACHER, granted_by=1, now=NOW)
    await people.remember(10, "Мария Петрова", NOW)
    person = await people.get(10)
    assert person is not None and person.display_name == "Мария Петрова"
    assert person.roles == {Role.TEACHER}
    assert await people.revoke(10, Role.TEACHER)
    assert not await people.revoke(10, Role.TEACHER)


async def test_unknown_role_is_refused_by_the_schema(db: Database) -> None:
    await PeopleRepo(db).remember(10, "X", NOW)
    with pytest.raises(Exception):
        await db.execute("INSERT INTO person_roles VALUES (10, 'janitor', 1, 'x')")


async def test_binding_moves_a_purpose_between_chats(db: Database) -> None:
    chats = ChatsRepo(db)
    assert await chats.bind(2_000_000_001, STAFF, 1, NOW) is None
    displaced = await chats.bind(2_000_000_002, STAFF, 1, NOW)
    assert displaced is not None and displaced.peer_id == 2_000_000_001
    staff = await chats.staff_chat()
    assert staff is not None and staff.peer_id == 2_000_000_002
    assert await chats.get(2_000_000_001) is None


async def test_rebinding_a_chat_changes_its_purpose(db: Database) -> None:
    chats = ChatsRepo(db)
    await chats.bind(2_000_000_001, STAFF, 1, NOW)
    await chats.bind(2_000_000_001, ChatBinding(purpose=ChatPurpose.ADMINISTRATION), 1, NOW)
    assert await chats.staff_chat() is None
    assert len(await chats.all()) == 1


async def test_audit_log_is_append_only(db: Database) -> None:
    audit = AuditLog(db)
    entry_id = await audit.record(actor_id=1, action="bind_chat", now=NOW, peer_id=2_000_000_001, details={"a": 1})
    entries = await audit.recent()
    assert entries[0].id == entry_id and entries[0].details == {"a": 1}
    with pytest.raises(Exception, match="append-only"):
        await db.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(Exception, match="append-only"):
        await db.execute("DELETE FROM audit_log")
