"""The pure privacy core: which columns hold a person, the retention policy, the texts."""

from datetime import UTC, datetime
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
    nothing_but_profile,
    nothing_stored_text,
    plan_lookups,
    retention_for,
    retention_markdown,
    retention_text,
    unclassified,
)
from bot.privacy_text import mydata_text

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
                    ("children", "parent_id")}
    assert counted == {("audit_log", ("actor_id", "target_id")), ("reports", ("author_id",)),
                       ("invites", ("created_by",)), ("chats", ("bound_by",))}
    assert lookups[-1].table == "people"  # erased last: nothing may still point at it
    assert "vk_id" not in SUBJECT_COLUMNS and "person_id" in SUBJECT_COLUMNS


def test_a_table_without_an_explicit_entry_is_neither_shown_nor_erased() -> None:
    """A feature's table with a «user_id» column is not the person's data by accident: it waits for
    its entry (and tests/test_privacy_map.py fails until it has one)."""
    tables = {lk.table for lk in plan_lookups(SCHEMA)}
    assert "someone_elses_feature" not in tables and "legacy_feature" not in tables
    assert unclassified(SCHEMA) == {"someone_elses_feature": ["user_id"], "legacy_feature": ["vk_id"]}


def test_administrators_decisions_in_others_records_are_counted_never_erased() -> None:
    lookups = plan_lookups(SCHEMA)
    assert {lk.table for lk in lookups if lk.mode is Mode.ROWS}.isdisjoint({"invites", "chats", "schema_migrations",
                                                                            "known_chats"})
    assert "known_chats" not in {lk.table for lk in lookups}


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


NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


def test_mydata_text_is_plain_sentences_grouped_by_purpose() -> None:
    found = [
        _found("memberships", "person_id", [{"id": 3, "person_id": "vk:1", "role": "parent", "group_kind": "class",
                                             "class_label": "5А", "subject": None, "since": "2026-11-29T09:00:00+00:00",
                                             "ended": None}]),
        _found("person_roles", "person_id",
               [{"person_id": "vk:1", "role": "parent", "granted_by": "system", "granted_at": "2026-11-29T09:00:00+00:00"}]),
        _found("children", "parent_id", [{"id": 4, "parent_id": "vk:1", "child_name": "Иванов Петя",
                                          "class_label": "5А", "since": "2026-11-29 09:00:00.123456+00:00",
                                          "ended": None}]),
        _found("warnings", "person_id", [{"id": 1, "person_id": "vk:1", "labels": "insult", "event_id": 2,
                                          "issued_at": "2026-11-29T09:00:00+00:00",
                                          "expires_at": "2026-12-29T09:00:00+00:00", "pardoned_at": None,
                                          "pardoned_by": None}]),
        _found("reports", "reporter_id", [{"id": 7, "kind": "hacked", "status": "closed", "reporter_id": "vk:1",
                                           "created_at": "2026-11-29T09:00:00+00:00", "chat_id": None,
                                           "message_ref": None, "author_id": None, "excerpt": None,
                                           "closed_by": "vk:1001", "closed_at": "2026-11-29T10:00:00+00:00",
                                           "reason": None}]),
        Found(lookup=Lookup(table="reports", columns=("author_id",), mode=Mode.COUNT), count=2),
        Found(lookup=Lookup(table="audit_log", columns=("actor_id", "target_id"), mode=Mode.COUNT), count=3),
        _found("people", "person_id", [{"person_id": "vk:1", "display_name": "Ольга Иванова", "gender": "female"}]),
    ]
    text = mydata_text(found, MOSCOW, NOW)
    for part in ("Кто вы в школе:", "Вы — родитель в 5А с 29.11.2026; ребёнок: Иванов Петя (указан вами 29.11.2026).",
                 "Правила общения", "Действует 1 предупреждение.",
                 "Предупреждение от 29.11 (действует до 29.12): оскорбление; запись хранится до 27.06.2027.",
                 "Ваши обращения:", "№7 от 29.11 — сообщение о взломе аккаунта; рассмотрено 29.11, запись хранится до "
                 "27.02.2027.", "пожаловались: 2 раза — кто, не сообщаю", "Имя из профиля в мессенджере: Ольга Иванова; "
                 "пол: женский", "журнале решений администраторов записей с вами: 3", "Сроки хранения:", "/удалить"):
        assert part in text, part
    for dump in ("person_id", "parent_id", "vk:1", "vk:1001", "решил:", "выдал:", "system", "2026-11-29 "):
        assert dump not in text, dump


def test_mydata_text_fits_one_message_however_much_is_stored() -> None:
    rows = [{"id": n, "person_id": "vk:1", "labels": "insult", "excerpt": "x" * 80, "at": "2026-11-29T09:00:00+00:00",
             "acts": "удалено"} for n in range(200)]
    found = [Found(lookup=Lookup(table="moderation_events", columns=("author_id",), mode=Mode.ROWS), rows=tuple(rows),
                   count=200)]
    text = mydata_text(found, MOSCOW, NOW)
    assert MESSAGE_LIMIT == 4000  # the shorter of the platforms' limits: MAX 4000, VK 4096
    assert len(text) <= MESSAGE_LIMIT


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
    assert done.startswith("Готово. Я больше ничего о вас не храню, кроме:")
    assert "журнале решений администраторов: 2" in done and AUDIT_REASON in done and "90 дней" in done
    assert forget_done_text(ForgetResult(deleted={"people": 1}, audit_entries=0, complaints_kept=0),
                            own=True) == "Готово. Я больше ничего о вас не храню."
    assert "удалять нечего" in nothing_stored_text(0, own=True)
    assert "п. 3.2" in nothing_stored_text(1, own=False)


def test_a_row_without_its_own_sentence_is_shown_plainly_without_ids() -> None:
    row = {"id": 1, "person_id": "vk:5", "labels": "profanity,insult", "issued_at": "2026-11-28T14:31:00+00:00",
           "chat_id": "vk:2000000001", "decided_by": "vk:1001"}
    text = describe_row(row, "person_id", ZoneInfo("Europe/Moscow"))
    assert "нецензурная лексика, оскорбление" in text
    assert "28.11.2026, 17:31" in text and "vk:" not in text and "2000000001" not in text


def test_the_profile_row_is_shown_in_russian_whatever_gender_is_stored() -> None:
    """The people table now keeps the profile's gender ('male', 'female', 'unknown'); /моиданные
    must not show the stored English value to the person."""
    for gender in ("female", "male", "unknown"):
        row = {"person_id": "vk:1", "display_name": "Ольга Иванова", "gender": gender,
               "created_at": "2025-03-01T10:00:00+00:00", "updated_at": "2025-03-01T10:00:00+00:00"}
        text = mydata_text([_found("people", "person_id", [row])])
        assert "Имя из профиля в мессенджере: Ольга Иванова" in text
        shown = next(line for line in text.splitlines() if "Имя из профиля" in line)
        assert gender not in shown, f"/моиданные shows the stored gender {gender!r} untranslated: {shown!r}"
