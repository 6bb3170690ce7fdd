"""The pure privacy core: which columns hold a person, the retention policy, the texts."""

from zoneinfo import ZoneInfo

from bot.privacy import (
    AUDIT_REASON,
    MESSAGE_LIMIT,
    RETENTION,
    SUBJECT_COLUMNS,
    ForgetResult,
    Found,
    Lookup,
    Mode,
    describe_row,
    forget_confirm_text,
    forget_done_text,
    mydata_text,
    nothing_but_profile,
    nothing_stored_text,
    plan_lookups,
    retention_for,
    retention_markdown,
    retention_text,
)

SCHEMA = {
    "people": ["person_id", "display_name", "gender", "created_at", "updated_at"],
    "person_roles": ["person_id", "role", "granted_by", "granted_at"],
    "audit_log": ["id", "at", "actor_id", "action", "target_id", "chat_id", "details"],
    "reports": ["id", "kind", "reporter_id", "chat_id", "message_ref", "author_id", "excerpt"],
    "children": ["id", "parent_id", "child_name", "class_label"],
    "invites": ["code", "created_by", "closed_by"],
    "chats": ["chat_id", "platform", "purpose", "bound_by"],
    "known_chats": ["chat_id", "title", "added_at", "removed_at"],
    "schema_migrations": ["version", "name", "applied_at"],
    "sqlite_sequence": ["name", "seq"],
    "someone_elses_feature": ["id", "user_id", "note"],
    "legacy_feature": ["id", "vk_id", "note"],  # a pre-port column name: ids are person_id now
}


def test_lookups_find_every_column_naming_the_person_and_keep_the_audit_log() -> None:
    lookups = plan_lookups(SCHEMA)
    rows = {(lk.table, lk.column) for lk in lookups if lk.mode is Mode.ROWS}
    counted = {(lk.table, lk.columns) for lk in lookups if lk.mode is Mode.COUNT}
    assert rows == {("people", "person_id"), ("person_roles", "person_id"), ("reports", "reporter_id"),
                    ("children", "parent_id"), ("someone_elses_feature", "user_id")}
    assert counted == {("audit_log", ("actor_id", "target_id")), ("reports", ("author_id",))}
    assert lookups[-1].table == "people"  # erased last: nothing may still point at it
    assert "vk_id" not in SUBJECT_COLUMNS and "person_id" in SUBJECT_COLUMNS


def test_administrators_decisions_in_others_records_are_not_the_persons_data() -> None:
    tables = {lk.table for lk in plan_lookups(SCHEMA)}
    assert "invites" not in tables and "chats" not in tables and "schema_migrations" not in tables
    assert "known_chats" not in tables


def test_retention_policy_covers_every_erasable_kind_and_the_audit_log() -> None:
    keys = {r.key for r in RETENTION}
    assert {"people", "person_roles", "memberships", "children", "reports", "warnings", "audit_log"} <= keys
    assert not retention_for("audit_log").erasable
    assert retention_for("appeals") is retention_for("warnings")
    assert retention_for("someone_elses_feature").period == "до удаления командой /удалить"
    assert retention_text().count("\n") < len(RETENTION) - 1  # same periods share a line
    table = retention_markdown()
    assert table.count("\n") == len(RETENTION) + 1 and "| журнал решений администраторов |" in table


def _found(table: str, column: str, rows: list[dict[str, object]], mode: Mode = Mode.ROWS) -> Found:
    return Found(lookup=Lookup(table=table, columns=(column,), mode=mode), rows=tuple(rows), count=len(rows))


def test_mydata_text_shows_rows_in_russian_and_the_policy() -> None:
    found = [
        _found("person_roles", "person_id",
               [{"person_id": "vk:1", "role": "parent", "granted_at": "2025-03-01T10:00:00+00:00"}]),
        _found("children", "parent_id", [{"id": 4, "parent_id": "vk:1", "child_name": "Петя Иванов",
                                          "class_label": "5А", "since": "2025-03-01 10:00:00.123456+00:00"}]),
        Found(lookup=Lookup(table="reports", columns=("author_id",), mode=Mode.COUNT), count=2),
        Found(lookup=Lookup(table="audit_log", columns=("actor_id", "target_id"), mode=Mode.COUNT), count=3),
        _found("people", "person_id", [{"person_id": "vk:1", "display_name": "Ольга Иванова"}]),
    ]
    text = mydata_text(found)
    for part in ("роль: родитель; с: 2025-03-01 10:00", "№4: ребёнок: Петя Иванов; класс: 5А; с: 2025-03-01 10:00\n",
                 "имя: Ольга Иванова", "Жалоб других участников на ваши сообщения: 2",
                 "журнале решений администраторов: 3", "Сколько храню:", "/удалить"):
        assert part in text
    assert "person_id" not in text and "parent_id" not in text and "vk:1" not in text


def test_mydata_text_fits_one_message_however_much_is_stored() -> None:
    rows = [{"user_id": "vk:1", "note": "x" * 500} for _ in range(200)]
    text = mydata_text([_found("someone_elses_feature", "user_id", rows)])
    assert MESSAGE_LIMIT == 4000  # the shorter of the platforms' limits: MAX 4000, VK 4096
    assert len(text) <= MESSAGE_LIMIT and "…и ещё 190" in text


def test_only_a_cached_profile_name_counts_as_nothing_stored() -> None:
    profile = _found("people", "person_id", [{"person_id": "vk:1", "display_name": "Игорь"}])
    empty_roles = _found("person_roles", "person_id", [])
    audit = Found(lookup=Lookup(table="audit_log", columns=("target_id",), mode=Mode.COUNT), count=4)
    assert nothing_but_profile([profile, empty_roles, audit])
    a_role = _found("person_roles", "person_id", [{"person_id": "vk:1", "role": "parent"}])
    assert not nothing_but_profile([profile, a_role])


def test_forget_texts_say_what_stays_and_why() -> None:
    found = [_found("person_roles", "person_id", [{"role": "parent"}]),
             _found("people", "person_id", [{"person_id": "vk:1"}])]
    assert "новое приглашение" in forget_confirm_text(found, own=True)
    assert "Ольга (vk.com/id5)" in forget_confirm_text(found, own=False, name="Ольга (vk.com/id5)")
    done = forget_done_text(ForgetResult(deleted={"people": 1}, audit_entries=2, complaints_kept=1), own=True)
    assert "Ваши данные удалены" in done and "остаётся записей: 2" in done and AUDIT_REASON in done
    assert "90 дней" in done
    assert "удалять нечего" in nothing_stored_text(0, own=True)
    assert "п. 3.2" in nothing_stored_text(1, own=False)


def test_times_are_shown_in_the_school_time_zone_and_labels_in_russian() -> None:
    row = {"id": 1, "person_id": "vk:5", "labels": "profanity,insult", "issued_at": "2026-11-28T14:31:00+00:00"}
    text = describe_row(row, "person_id", ZoneInfo("Europe/Moscow"))
    assert "нецензурная лексика, оскорбление" in text
    assert "2026-11-28 17:31" in text and "vk:5" not in text


def test_a_reported_message_is_described_by_chat_and_number() -> None:
    row = {"id": 3, "kind": "abuse", "status": "open", "reporter_id": "vk:1", "chat_id": "vk:2000000001",
           "message_ref": "14", "excerpt": "грубость"}
    text = describe_row(row, "reporter_id")
    assert text == ("№3: вид: жалоба на сообщение; статус: открыто; чат: vk:2000000001; сообщение №: 14; "
                    "фрагмент: грубость")


def test_the_profile_row_is_shown_in_russian_whatever_gender_is_stored() -> None:
    """The people table now keeps the profile's gender ('male', 'female', 'unknown'); /моиданные
    must not show the stored English value to the person."""
    for gender in ("female", "male", "unknown"):
        row = {"person_id": "vk:1", "display_name": "Ольга Иванова", "gender": gender,
               "created_at": "2025-03-01T10:00:00+00:00", "updated_at": "2025-03-01T10:00:00+00:00"}
        text = mydata_text([_found("people", "person_id", [row])])
        assert "имя: Ольга Иванова" in text
        shown = next(line for line in text.splitlines() if "имя:" in line)
        assert gender not in shown, f"/моиданные shows the stored gender {gender!r} untranslated: {shown!r}"
