"""Every table of a migrated database that holds a person's id has an explicit entry in the privacy
map (bot/privacy.py): a purpose, a retention and, if it is shown, a title. A feature that adds such a
table without one fails here — instead of its rows being shown or erased by /моиданные and /удалить
because a column happens to end in «_id»."""

from bot.privacy import (
    DELIVERY_COLUMNS,
    TABLE_TITLES,
    has_entry,
    person_columns,
    plan_lookups,
    retention_for,
    unclassified,
)
from storage.db import Database
from storage.personal_data import PersonalDataRepo

NO_PERSON_DATA = {"schema_migrations", "sqlite_sequence", "poll_state", "chat_notices", "known_chats", "backups",
                  "destruction_log", "announcement_chats", "chat_activity", "outgoing_files", "digests"}
"""Tables known to hold nobody's id (chat ids, positions, titles)."""


async def test_every_table_with_a_persons_id_has_an_explicit_entry(db: Database) -> None:
    schema = await PersonalDataRepo(db).schema()
    assert unclassified(schema) == {}, "classify these tables in bot/privacy.py (RETENTION, _SAME_POLICY, TABLE_TITLES)"
    for table, columns in schema.items():
        if table in NO_PERSON_DATA:
            assert person_columns(columns) == [], f"{table} now holds a person's id: give it an entry"
            continue
        assert has_entry(table), table
        assert retention_for(table).period, table


async def test_what_is_shown_has_a_title_and_delivery_records_are_not_shown(db: Database) -> None:
    schema = await PersonalDataRepo(db).schema()
    lookups = plan_lookups(schema)
    for lookup in lookups:
        if lookup.mode.value == "rows":
            assert lookup.table in TABLE_TITLES, lookup.table
    shown = {lk.table for lk in lookups}
    for table, columns in schema.items():
        if set(person_columns(columns)) <= DELIVERY_COLUMNS and person_columns(columns):
            assert table not in shown, f"{table}: a delivery record, kept {retention_for(table).period}"


def test_a_new_table_with_a_persons_id_is_caught() -> None:
    """What the test above would say about a feature that forgot its entry."""
    schema = {"stats_daily": ["day", "person_id", "messages"], "newsletters": ["id", "author_id", "text"],
              "chats": ["chat_id", "bound_by", "new_owner_id"]}
    assert unclassified(schema) == {"stats_daily": ["person_id"], "newsletters": ["author_id"],
                                    "chats": ["new_owner_id"]}
