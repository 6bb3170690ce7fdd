-- Running for a school year: records of destroyed personal data (152-ФЗ), the backup log, and the
-- indexes the retention purge needs so that it never scans a table while the database is locked.

-- What kind of personal data was destroyed, how many records, when and why. No person's id and
-- no content: the record proves the destruction without keeping what was destroyed.
-- Append-only, like audit_log.
CREATE TABLE destruction_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT    NOT NULL,                -- UTC ISO; one purge writes its batches under one time
    kind    TEXT    NOT NULL,                -- the table (bot/destruction.py names it in Russian)
    records INTEGER NOT NULL CHECK (records > 0),
    reason  TEXT    NOT NULL CHECK (reason IN ('retention', 'request')),
    basis   TEXT    NOT NULL DEFAULT ''      -- e.g. the retention period that ran out
);
CREATE INDEX destruction_log_at ON destruction_log (at);
CREATE TRIGGER destruction_log_no_update BEFORE UPDATE ON destruction_log
BEGIN SELECT RAISE(ABORT, 'destruction_log is append-only'); END;
CREATE TRIGGER destruction_log_no_delete BEFORE DELETE ON destruction_log
BEGIN SELECT RAISE(ABORT, 'destruction_log is append-only'); END;

-- Copies of the database made by `schoolbot backup` and by the daily schedule.
CREATE TABLE backups (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT    NOT NULL,
    path           TEXT    NOT NULL,
    bytes          INTEGER NOT NULL CHECK (bytes >= 0),
    kind           TEXT    NOT NULL CHECK (kind IN ('manual', 'daily')),
    schema_version INTEGER NOT NULL
);
CREATE INDEX backups_at ON backups (kind, at);

-- Deleting a moderation event sets warnings.event_id to NULL and deleting a warning cascades to its
-- appeals: without these indexes each deleted row scans the whole other table.
CREATE INDEX warnings_by_event ON warnings (event_id);
CREATE INDEX appeals_by_warning ON appeals (warning_id);
CREATE INDEX moderation_alerts_at ON moderation_alerts (at);
CREATE INDEX reports_closed ON reports (status, closed_at);
