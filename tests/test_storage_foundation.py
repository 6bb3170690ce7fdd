import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.chats import ChatBinding, ChatPurpose
from bot.port.gateway import Gender
from bot.port.ids import SYSTEM, ChatId, PersonId, Platform
from bot.roles import Role
from storage.audit import AuditLog
from storage.chats import ChatsRepo
from storage.db import Database, Migration, SchemaTooNew, bundled_migrations
from storage.join_requests import JoinRequestsRepo
from storage.outbox import Outbox
from storage.people import PeopleRepo
from storage.reports import ReportsRepo

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
STAFF = ChatBinding(purpose=ChatPurpose.STAFF)
ADMIN, TEACHER = PersonId("vk:1"), PersonId("vk:10")
VK_ROOM, VK_OTHER_ROOM, MAX_ROOM = ChatId("vk:2000000001"), ChatId("vk:2000000002"), ChatId("max:-70123")


async def test_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    applied = await db.migrate()
    assert applied == [m.version for m in bundled_migrations()]
    assert await db.schema_version() == bundled_migrations()[-1].version
    await db.close()


async def test_the_platform_port_keeps_tables_per_feature_and_drops_request_cards(db: Database) -> None:
    tables = {r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"inbox", "poll_state", "outbox", "sent_messages", "known_chats"} <= tables
    assert "request_cards" not in tables and not any(t.endswith("_old") for t in tables)
    people = {r["name"] for r in await db.fetch_all("PRAGMA table_info(people)")}
    assert "person_id" in people and "vk_id" not in people


async def test_vk_data_of_the_previous_schema_becomes_platform_qualified(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    port = next(m for m in bundled_migrations() if m.name.endswith("platform_port"))
    await db.migrate([m for m in bundled_migrations() if m.version < port.version])
    at, later = NOW.isoformat(), datetime(2026, 9, 8, tzinfo=UTC).isoformat()
    for sql, params in [
        ("INSERT INTO people VALUES (1001, 'Анна', ?, ?)", (at, at)),
        ("INSERT INTO people VALUES (1003, 'Ольга', ?, ?)", (at, at)),
        ("INSERT INTO person_roles VALUES (1001, 'administration', 0, ?)", (at,)),
        ("INSERT INTO person_roles VALUES (1003, 'parent', 1001, ?)", (at,)),
        ("INSERT INTO chats VALUES (2000000001, 'staff', NULL, NULL, 1001, ?)", (at,)),
        ("INSERT INTO audit_log (at, actor_id, action, target_id, peer_id) VALUES (?, 0, 'approve', 1003, 2000000001)",
         (at,)),
        ("INSERT INTO invites (code, role, group_kind, class_label, max_uses, uses, created_by, created_at, "
         "expires_at, needs_approval, state) VALUES ('ABCD-EFGH', 'parent', 'class', '5А', 1, 1, 1001, ?, ?, 1, "
         "'used_up')", (at, later)),
        ("INSERT INTO join_requests (user_id, invite_code, role, group_kind, class_label, state, child_name, "
         "created_at, decided_by, decided_at) VALUES (1003, 'ABCD-EFGH', 'parent', 'class', '5А', 'approved', 'Петя', "
         "?, 1001, ?)", (at, at)),
        ("INSERT INTO request_cards VALUES (1, 2000000001, 14)", ()),
        ("INSERT INTO reports (kind, reporter_id, created_at, peer_id, cmid, author_id, excerpt) "
         "VALUES ('abuse', 1002, ?, 2000000001, 15, 1003, 'грубость')", (at,)),
    ]:
        await db.execute(sql, params)

    assert await db.migrate() == [m.version for m in bundled_migrations() if m.version >= port.version]

    anna, olga, staff_room = PersonId("vk:1001"), PersonId("vk:1003"), ChatId("vk:2000000001")
    person = await PeopleRepo(db).get(olga)
    assert person is not None and (person.display_name, person.roles) == ("Ольга", {Role.PARENT})
    granted = {(r["person_id"], r["granted_by"]) for r in await db.fetch_all("SELECT * FROM person_roles")}
    assert granted == {(anna, SYSTEM), (olga, anna)}  # the bot (0 before) is 'system' now
    chat = await ChatsRepo(db).get(staff_room)
    assert chat is not None and (chat.binding, chat.bound_by) == (STAFF, anna)
    (entry,) = await AuditLog(db).recent()
    assert (entry.actor_id, entry.target_id, entry.chat_id) == (SYSTEM, olga, staff_room)
    request = await JoinRequestsRepo(db).get(1)
    assert request is not None and (request.person_id, request.decided_by) == (olga, anna)
    outbox = Outbox(db)  # request_cards is gone: the card is a message sent under the tag «card:<request>»
    assert await outbox.places_of("card:1") == [staff_room]
    assert await outbox.message_of("card:1", staff_room) == "14"
    report = await ReportsRepo(db).get(1)
    assert report is not None
    assert (report.reporter_id, report.chat_id, report.message_ref, report.author_id) == (
        PersonId("vk:1002"), staff_room, "15", olga)
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
    future = Migration(version=bundled_migrations()[-1].version + 1, name="future", sql="CREATE TABLE future (x INTEGER);")
    await db.migrate([*bundled_migrations(), future])
    with pytest.raises(SchemaTooNew) as error:
        await db.migrate()
    assert "новее" in str(error.value)
    await db.close()


async def test_a_lower_numbered_migration_merged_later_is_still_applied(tmp_path: Path) -> None:
    """Numbers are handed out to features built side by side; one may land after a higher one."""
    db = await Database.open(tmp_path / "a.sqlite3")
    first = Migration(version=1, name="first", sql="CREATE TABLE first (x INTEGER);")
    third = Migration(version=3, name="third", sql="CREATE TABLE third (x INTEGER);")
    second = Migration(version=2, name="second", sql="CREATE TABLE second (x INTEGER);")
    assert await db.migrate([first, third]) == [1, 3]
    assert await db.migrate([first, second, third]) == [2]
    assert await db.migrate([first, second, third]) == []
    assert await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 'second'") is not None
    await db.close()


async def test_failed_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    broken = Migration(version=1, name="broken", sql="CREATE TABLE half (x INTEGER);\nTHIS IS NOT SQL;")
    with pytest.raises(sqlite3.OperationalError):
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
    assert await people.get(TEACHER) is None
    assert await people.grant(TEACHER, Role.TEACHER, granted_by=ADMIN, now=NOW)
    assert not await people.grant(TEACHER, Role.TEACHER, granted_by=ADMIN, now=NOW)  # already had it
    await people.remember(TEACHER, "Мария Петрова", NOW, Gender.FEMALE)
    person = await people.get(TEACHER)
    assert person is not None and (person.id, person.display_name, person.gender) == (
        TEACHER, "Мария Петрова", Gender.FEMALE)
    assert person.roles == {Role.TEACHER}
    assert await people.with_role(Role.TEACHER) == [TEACHER]
    assert await people.grant(TEACHER, Role.CLASS_TEACHER, granted_by=ADMIN, now=NOW)
    assert (await people.get(TEACHER)).roles == {Role.TEACHER, Role.CLASS_TEACHER}  # type: ignore[union-attr]
    assert await people.revoke(TEACHER, Role.TEACHER)
    assert not await people.revoke(TEACHER, Role.TEACHER)
    assert await people.revoke(TEACHER, Role.CLASS_TEACHER)
    without_roles = await people.get(TEACHER)
    assert without_roles is not None and without_roles.roles == frozenset()
    assert without_roles.display_name == "Мария Петрова"


async def test_the_same_number_on_two_platforms_is_two_people(db: Database) -> None:
    people = PeopleRepo(db)
    await people.grant(PersonId("vk:10"), Role.TEACHER, granted_by=SYSTEM, now=NOW)
    await people.grant(PersonId("max:10"), Role.PARENT, granted_by=SYSTEM, now=NOW)
    assert await people.roles_of(PersonId("vk:10")) == {Role.TEACHER}
    assert await people.roles_of(PersonId("max:10")) == {Role.PARENT}
    granted_by = await db.fetch_all("SELECT DISTINCT granted_by FROM person_roles")
    assert [r["granted_by"] for r in granted_by] == [SYSTEM]  # the bot acts as 'system', no longer 0


async def test_unknown_role_is_refused_by_the_schema(db: Database) -> None:
    await PeopleRepo(db).remember(TEACHER, "X", NOW)
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute("INSERT INTO person_roles VALUES ('vk:10', 'janitor', 'vk:1', 'x')")
    with pytest.raises(sqlite3.IntegrityError):  # ids are platform-qualified: a bare number is no person
        await db.execute("INSERT INTO people (person_id, created_at, updated_at) VALUES ('10', 'x', 'x')")


async def test_binding_moves_a_purpose_between_chats(db: Database) -> None:
    chats = ChatsRepo(db)
    assert await chats.bind(VK_ROOM, STAFF, ADMIN, NOW) is None
    displaced = await chats.bind(VK_OTHER_ROOM, STAFF, ADMIN, NOW)
    assert displaced is not None and displaced.id == VK_ROOM
    assert [c.id for c in await chats.staff_chats()] == [VK_OTHER_ROOM]
    staff = await chats.get(VK_OTHER_ROOM)
    assert staff is not None and (staff.binding, staff.bound_by) == (STAFF, ADMIN)
    assert await chats.get(VK_ROOM) is None


async def test_one_chat_per_purpose_on_each_platform(db: Database) -> None:
    chats = ChatsRepo(db)
    assert await chats.bind(VK_ROOM, STAFF, ADMIN, NOW) is None
    assert await chats.bind(MAX_ROOM, STAFF, PersonId("max:5"), NOW) is None  # displaces nothing on VK
    assert [c.id for c in await chats.staff_chats()] == [MAX_ROOM, VK_ROOM]
    assert [c.id for c in await chats.find(STAFF, Platform.VK)] == [VK_ROOM]
    assert [c.id for c in await chats.find(STAFF, Platform.MAX)] == [MAX_ROOM]
    displaced = await chats.bind(VK_OTHER_ROOM, STAFF, ADMIN, NOW)
    assert displaced is not None and displaced.id == VK_ROOM
    assert [c.id for c in await chats.staff_chats()] == [MAX_ROOM, VK_OTHER_ROOM]
    assert await chats.find(ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label="5А")) == []


async def test_rebinding_a_chat_changes_its_purpose(db: Database) -> None:
    chats = ChatsRepo(db)
    await chats.bind(VK_ROOM, STAFF, ADMIN, NOW)
    await chats.bind(VK_ROOM, ChatBinding(purpose=ChatPurpose.ADMINISTRATION), ADMIN, NOW)
    assert await chats.staff_chats() == []
    assert len(await chats.all()) == 1


async def test_chats_the_bot_is_in_keep_their_title(db: Database) -> None:
    chats = ChatsRepo(db)
    assert await chats.title_of(MAX_ROOM) == ""
    await chats.bot_added(MAX_ROOM, "5А — родители", NOW)
    await chats.bot_added(MAX_ROOM, "", NOW)  # an update without a title keeps the known one
    assert await chats.title_of(MAX_ROOM) == "5А — родители"
    await chats.bot_removed(MAX_ROOM, NOW)
    await chats.bot_added(MAX_ROOM, "5А родители", NOW)
    assert await chats.title_of(MAX_ROOM) == "5А родители"
    row = await db.fetch_one("SELECT removed_at FROM known_chats WHERE chat_id = ?", (MAX_ROOM,))
    assert row is not None and row["removed_at"] is None  # added back


async def test_notice_is_given_once_until_cleared(db: Database) -> None:
    chats = ChatsRepo(db)
    assert await chats.first_notice(VK_ROOM, "not_admin", NOW)
    assert await chats.has_notice(VK_ROOM, "not_admin")
    assert not await chats.first_notice(VK_ROOM, "not_admin", NOW)
    assert await chats.first_notice(MAX_ROOM, "not_admin", NOW)  # per chat
    await chats.clear_notice(VK_ROOM, "not_admin")
    assert not await chats.has_notice(VK_ROOM, "not_admin")
    assert await chats.first_notice(VK_ROOM, "not_admin", NOW)


async def test_audit_log_is_append_only(db: Database) -> None:
    audit = AuditLog(db)
    entry_id = await audit.record(actor_id=ADMIN, action="bind_chat", now=NOW, chat_id=VK_ROOM, details={"a": 1})
    automatic = await audit.record(actor_id=SYSTEM, action="invite_expired", now=NOW, target_id=TEACHER)
    entries = await audit.recent()
    assert [e.id for e in entries] == [automatic, entry_id]
    assert (entries[1].actor_id, entries[1].chat_id, entries[1].target_id, entries[1].details) == (
        ADMIN, VK_ROOM, None, {"a": 1})
    assert (entries[0].actor_id, entries[0].target_id, entries[0].chat_id) == (SYSTEM, TEACHER, None)
    assert [e.id for e in await audit.recent(action="bind_chat")] == [entry_id]
    with pytest.raises(Exception, match="append-only"):
        await db.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(Exception, match="append-only"):
        await db.execute("DELETE FROM audit_log")
