"""A database made by the previous release (schema 4, VK ids as integers) migrates in place:
every row of every table comes through, its ids platform-qualified, nothing lost or invented."""

import json
import sqlite3
from pathlib import Path

import pytest

from storage.db import Database, Migration, bundled_migrations

NOW = "2026-09-01T08:00:00+00:00"
LATER = "2026-09-08T08:00:00+00:00"


async def old_database(path: Path) -> Database:
    db = await Database.open(path)
    await db.migrate(bundled_migrations()[:4])
    rows = [
        ("INSERT INTO people VALUES (1001, 'Анна Смирнова', ?, ?)", (NOW, NOW)),
        ("INSERT INTO people VALUES (1003, 'Ольга Иванова', ?, ?)", (NOW, NOW)),
        ("INSERT INTO people VALUES (1010, '', ?, ?)", (NOW, NOW)),
        ("INSERT INTO person_roles VALUES (1003, 'parent', 0, ?)", (NOW,)),
        ("INSERT INTO person_roles VALUES (1010, 'parent', 1001, ?)", (NOW,)),
        ("INSERT INTO chats VALUES (2000000001, 'staff', NULL, NULL, 1001, ?)", (NOW,)),
        ("INSERT INTO chats VALUES (2000000002, 'class_parents', '5А', NULL, 1001, ?)", (NOW,)),
        ("INSERT INTO audit_log (at, actor_id, action, target_id, peer_id, details) "
         "VALUES (?, 1001, 'bind_chat', NULL, 2000000001, '{\"purpose\": \"staff\"}')", (NOW,)),
        ("INSERT INTO audit_log (at, actor_id, action, target_id, peer_id, details) "
         "VALUES (?, 0, 'stranger_entered', 1010, 2000000002, '{}')", (NOW,)),
        ("INSERT INTO invites VALUES ('ABCD-EFGH', 'parent', 'class', '5А', NULL, NULL, 1, 1001, ?, ?, 1, "
         "'active', NULL, NULL)", (NOW, LATER)),
        ("INSERT INTO join_requests VALUES (1, 1010, 'ABCD-EFGH', 'parent', 'class', '5А', NULL, 'approved', "
         "'Орлов Миша', ?, 1001, ?, NULL)", (NOW, NOW)),
        ("INSERT INTO request_cards VALUES (1, 2000000001, 17)", ()),
        ("INSERT INTO memberships VALUES (1, 1010, 'parent', 'class', '5А', NULL, ?, NULL)", (NOW,)),
        ("INSERT INTO class_teachers VALUES ('5А', 1001, 0, ?)", (NOW,)),
        ("INSERT INTO children VALUES (1, 1010, 'Орлов Миша', '5А', ?, NULL)", (NOW,)),
        ("INSERT INTO verified_teachers VALUES (1001, 1001, ?)", (NOW,)),
        ("INSERT INTO moderation_events VALUES (1, ?, 2000000002, 1003, 42, 'profanity', 'п****ц', "
         "'удалено', 0)", (NOW,)),
        ("INSERT INTO warnings VALUES (1, 1003, 1, 'profanity', ?, ?, ?, 1001)", (NOW, LATER, NOW)),
        ("INSERT INTO filter_words VALUES ('жопа', 'block', 1001, ?)", (NOW,)),
        ("INSERT INTO appeals VALUES (1, 1, 1003, ?, 'lifted', 1001, ?)", (NOW, NOW)),
        ("INSERT INTO chat_notices VALUES (2000000002, 'not_admin', ?)", (NOW,)),
        ("INSERT INTO reports (id, kind, status, reporter_id, created_at) VALUES (1, 'hacked', 'open', 1003, ?)",
         (NOW,)),
        ("INSERT INTO reports VALUES (2, 'abuse', 'closed', 1010, ?, 2000000002, 42, 1003, 'грубость', 1001, ?)",
         (NOW, NOW)),
    ]
    for sql, params in rows:
        await db.execute(sql, params)
    return db


async def test_previous_release_database_migrates_row_by_row(tmp_path: Path) -> None:
    db = await old_database(tmp_path / "old.sqlite3")
    try:
        assert await db.migrate() == [m.version for m in bundled_migrations() if m.version >= 5]

        async def table(sql: str) -> list[tuple]:  # type: ignore[type-arg]
            return [tuple(row) for row in await db.fetch_all(sql)]

        assert await table("SELECT person_id, display_name, gender FROM people ORDER BY person_id") == [
            ("vk:1001", "Анна Смирнова", ""), ("vk:1003", "Ольга Иванова", ""), ("vk:1010", "", "")]
        assert await table("SELECT person_id, role, granted_by FROM person_roles ORDER BY person_id") == [
            ("vk:1003", "parent", "system"), ("vk:1010", "parent", "vk:1001")]
        assert await table("SELECT chat_id, platform, purpose, class_label, bound_by FROM chats ORDER BY chat_id") == [
            ("vk:2000000001", "vk", "staff", None, "vk:1001"),
            ("vk:2000000002", "vk", "class_parents", "5А", "vk:1001")]
        assert await table("SELECT id, actor_id, action, target_id, chat_id, details FROM audit_log ORDER BY id") == [
            (1, "vk:1001", "bind_chat", None, "vk:2000000001", '{"purpose": "staff"}'),
            (2, "system", "stranger_entered", "vk:1010", "vk:2000000002", "{}")]
        assert await table("SELECT code, created_by, uses, state FROM invites") == [("ABCD-EFGH", "vk:1001", 1, "active")]
        assert await table("SELECT id, person_id, state, child_name, decided_by FROM join_requests") == [
            (1, "vk:1010", "approved", "Орлов Миша", "vk:1001")]
        assert await table("SELECT tag, conversation, message_ref FROM sent_messages") == [
            ("card:1", "vk:2000000001", "17")]
        assert await table("SELECT person_id, role, class_label FROM memberships") == [("vk:1010", "parent", "5А")]
        assert await table("SELECT class_label, person_id, assigned_by FROM class_teachers") == [
            ("5А", "vk:1001", "system")]
        assert await table("SELECT parent_id, child_name FROM children") == [("vk:1010", "Орлов Миша")]
        assert await table("SELECT person_id, verified_by FROM verified_teachers") == [("vk:1001", "vk:1001")]
        assert await table("SELECT chat_id, author_id, message_ref, excerpt, acts FROM moderation_events") == [
            ("vk:2000000002", "vk:1003", "42", "п****ц", "удалено")]
        assert await table("SELECT person_id, event_id, pardoned_by FROM warnings") == [("vk:1003", 1, "vk:1001")]
        assert await table("SELECT word, added_by FROM filter_words") == [("жопа", "vk:1001")]
        assert await table("SELECT warning_id, person_id, state, decided_by FROM appeals") == [
            (1, "vk:1003", "lifted", "vk:1001")]
        assert await table("SELECT chat_id, notice FROM chat_notices") == [("vk:2000000002", "not_admin")]
        assert await table("SELECT id, kind, reporter_id, chat_id, message_ref, author_id, closed_by FROM reports "
                           "ORDER BY id") == [
            (1, "hacked", "vk:1003", None, None, None, None),
            (2, "abuse", "vk:1010", "vk:2000000002", "42", "vk:1003", "vk:1001")]
        old_tables = await table("SELECT name FROM sqlite_master WHERE name LIKE '%_old' OR name = 'request_cards'")
        assert old_tables == []
        assert await table("PRAGMA foreign_key_check") == []
    finally:
        await db.close()


async def test_the_audit_log_stays_append_only_after_the_migration(tmp_path: Path) -> None:
    db = await old_database(tmp_path / "old.sqlite3")
    try:
        await db.migrate()
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.execute("UPDATE audit_log SET action = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.execute("DELETE FROM audit_log")
        details = json.loads((await db.fetch_one("SELECT details FROM audit_log WHERE id = 1"))["details"])  # type: ignore[index]
        assert details == {"purpose": "staff"}
    finally:
        await db.close()


async def test_a_failing_migration_leaves_the_old_database_as_it_was(tmp_path: Path) -> None:
    db = await old_database(tmp_path / "old.sqlite3")
    try:
        broken = Migration(version=5, name="broken", sql="-- schoolbot: rebuilds tables\n"
                           "ALTER TABLE people RENAME TO people_old;\nSELECT no_such_function();")
        with pytest.raises(sqlite3.OperationalError):
            await db.migrate([*bundled_migrations()[:4], broken])
        assert await db.schema_version() == 4
        rows = await db.fetch_all("SELECT vk_id FROM people ORDER BY vk_id")
        assert [r["vk_id"] for r in rows] == [1001, 1003, 1010]
    finally:
        await db.close()
