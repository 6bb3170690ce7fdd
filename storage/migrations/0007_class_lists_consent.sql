-- Membership as a school runs it: class lists from the electronic journal, decisions that wait for
-- a confirmation button, and parents' consents to the processing of their child's data (152-ФЗ).

-- The pupils of each class as the journal lists them: the least that lets a join request be checked.
-- `person_id` is the pupil's own account once a request of theirs matched this line.
CREATE TABLE class_lists (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    class_label TEXT    NOT NULL,
    surname     TEXT    NOT NULL CHECK (length(surname) BETWEEN 1 AND 60),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    patronymic  TEXT    CHECK (patronymic IS NULL OR length(patronymic) BETWEEN 1 AND 60),
    birth_date  TEXT    CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    person_id   TEXT    REFERENCES people (person_id) ON DELETE SET NULL,
    added_at    TEXT    NOT NULL
);
CREATE INDEX class_lists_by_class ON class_lists (class_label);
CREATE INDEX class_lists_by_person ON class_lists (person_id) WHERE person_id IS NOT NULL;

-- A decision shown with «Применить» / «Отмена» (a class list to load, a binding to replace, a class
-- to move…): stored, so a restart between the preview and the press loses nothing. The payload is
-- emptied once the decision is taken; housekeeping erases rows older than a week.
CREATE TABLE staged_actions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    created_by TEXT    NOT NULL,   -- who must press: the administrator who asked, or the parent asked
    chat_id    TEXT,               -- where it was asked, when in a group chat
    payload    TEXT    NOT NULL DEFAULT '{}',
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'cancelled')),
    created_at TEXT    NOT NULL,
    closed_at  TEXT,
    CHECK ((state = 'pending') = (closed_at IS NULL))
);
CREATE INDEX staged_actions_open ON staged_actions (created_by, kind) WHERE state = 'pending';
CREATE INDEX staged_actions_age ON staged_actions (created_at);

-- A parent's consent to the processing of their child's data: which text (its version) and when;
-- a withdrawal is kept on the row, so the record shows both.
CREATE TABLE consents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    TEXT NOT NULL REFERENCES people (person_id),
    version      TEXT NOT NULL,
    agreed_at    TEXT NOT NULL,
    withdrawn_at TEXT CHECK (withdrawn_at IS NULL OR withdrawn_at >= agreed_at)
);
CREATE INDEX consents_by_person ON consents (person_id);
