-- People the bot knows, their roles, the chats it serves, and the audit log.

CREATE TABLE people (
    vk_id        INTEGER PRIMARY KEY,
    display_name TEXT    NOT NULL DEFAULT '',   -- from users.get, for cards and lists
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);

CREATE TABLE person_roles (
    vk_id      INTEGER NOT NULL REFERENCES people (vk_id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'extra_admin', 'administration',
                                                 'class_teacher', 'teacher', 'student', 'parent')),
    granted_by INTEGER,
    granted_at TEXT    NOT NULL,
    PRIMARY KEY (vk_id, role)
);

-- One chat, one purpose. class_label like '5А', subject like 'физика'.
CREATE TABLE chats (
    peer_id     INTEGER PRIMARY KEY CHECK (peer_id > 2000000000),
    purpose     TEXT    NOT NULL CHECK (purpose IN ('staff', 'administration', 'class_students',
                                                    'class_parents', 'subject')),
    class_label TEXT,
    subject     TEXT,
    bound_by    INTEGER NOT NULL,
    bound_at    TEXT    NOT NULL,
    CHECK ((purpose IN ('staff', 'administration')) = (class_label IS NULL)),
    CHECK ((purpose = 'subject') = (subject IS NOT NULL))
);
CREATE UNIQUE INDEX chats_one_per_purpose
    ON chats (purpose, COALESCE(class_label, ''), COALESCE(subject, ''));

-- Append-only: who did what, when, to whom (clause 3.2 decisions are accountable).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    actor_id  INTEGER NOT NULL,
    action    TEXT    NOT NULL,
    target_id INTEGER,
    peer_id   INTEGER,
    details   TEXT    NOT NULL DEFAULT '{}'   -- JSON, validated by a pydantic model on write
);
CREATE INDEX audit_log_target ON audit_log (target_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
