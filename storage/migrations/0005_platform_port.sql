-- schoolbot: rebuilds tables
-- The platform port (VK and MAX in one database):
-- 1. every person and chat id becomes platform-qualified text: «vk:123», «vk:2000000001», «max:-70123»;
--    the bot itself as an actor (0 before) becomes 'system'. Existing ids are all VK ones.
-- 2. the inbox (updates stored before the poll position moves past them), the poll positions,
--    the outbox (effects owed by committed decisions), the messages sent under a tag (request
--    cards, to edit them after a decision; request_cards moves there), and the chats the bot knows.
-- Tables are renamed to *_old, rebuilt, copied and dropped; foreign keys are checked at the end.

DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
ALTER TABLE people RENAME TO people_old;
ALTER TABLE person_roles RENAME TO person_roles_old;
ALTER TABLE chats RENAME TO chats_old;
ALTER TABLE audit_log RENAME TO audit_log_old;
ALTER TABLE invites RENAME TO invites_old;
ALTER TABLE join_requests RENAME TO join_requests_old;
ALTER TABLE request_cards RENAME TO request_cards_old;
ALTER TABLE memberships RENAME TO memberships_old;
ALTER TABLE class_teachers RENAME TO class_teachers_old;
ALTER TABLE children RENAME TO children_old;
ALTER TABLE verified_teachers RENAME TO verified_teachers_old;
ALTER TABLE moderation_events RENAME TO moderation_events_old;
ALTER TABLE warnings RENAME TO warnings_old;
ALTER TABLE filter_words RENAME TO filter_words_old;
ALTER TABLE appeals RENAME TO appeals_old;
ALTER TABLE chat_notices RENAME TO chat_notices_old;
ALTER TABLE reports RENAME TO reports_old;
DROP INDEX chats_one_per_purpose;
DROP INDEX audit_log_target;
DROP INDEX invites_live;
DROP INDEX join_requests_one_open;
DROP INDEX join_requests_by_state;
DROP INDEX memberships_live_once;
DROP INDEX memberships_by_group;
DROP INDEX children_live_once;
DROP INDEX moderation_events_author;
DROP INDEX warnings_person;
DROP INDEX reports_by_reporter;
DROP INDEX reports_by_status;
DROP INDEX reports_abuse_once;

-- People the bot knows and their roles.
CREATE TABLE people (
    person_id    TEXT PRIMARY KEY CHECK (person_id GLOB '[a-z]*:[0-9]*'),
    display_name TEXT NOT NULL DEFAULT '',   -- from the platform's profile, for cards and lists
    gender       TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'male', 'female', 'unknown')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
INSERT INTO people (person_id, display_name, created_at, updated_at)
    SELECT 'vk:' || vk_id, display_name, created_at, updated_at FROM people_old;

CREATE TABLE person_roles (
    person_id  TEXT NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'extra_admin', 'administration',
                                             'class_teacher', 'teacher', 'student', 'parent')),
    granted_by TEXT,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);
INSERT INTO person_roles (person_id, role, granted_by, granted_at)
    SELECT 'vk:' || vk_id, role,
           CASE WHEN granted_by IS NULL THEN NULL WHEN granted_by = 0 THEN 'system' ELSE 'vk:' || granted_by END,
           granted_at
    FROM person_roles_old;

-- One chat, one purpose; one chat per purpose on each platform.
CREATE TABLE chats (
    chat_id     TEXT PRIMARY KEY,
    platform    TEXT NOT NULL CHECK (chat_id GLOB platform || ':*'),
    purpose     TEXT NOT NULL CHECK (purpose IN ('staff', 'administration', 'class_students',
                                                 'class_parents', 'subject')),
    class_label TEXT,
    subject     TEXT,
    bound_by    TEXT NOT NULL,
    bound_at    TEXT NOT NULL,
    CHECK ((purpose IN ('staff', 'administration')) = (class_label IS NULL)),
    CHECK ((purpose = 'subject') = (subject IS NOT NULL))
);
INSERT INTO chats (chat_id, platform, purpose, class_label, subject, bound_by, bound_at)
    SELECT 'vk:' || peer_id, 'vk', purpose, class_label, subject,
           CASE WHEN bound_by = 0 THEN 'system' ELSE 'vk:' || bound_by END, bound_at
    FROM chats_old;

-- Append-only: who did what, when, to whom (clause 3.2 decisions are accountable).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    target_id TEXT,
    chat_id   TEXT,
    details   TEXT NOT NULL DEFAULT '{}'   -- JSON, never message texts or personal data
);
INSERT INTO audit_log (id, at, actor_id, action, target_id, chat_id, details)
    SELECT id, at, CASE WHEN actor_id = 0 THEN 'system' ELSE 'vk:' || actor_id END, action,
           CASE WHEN target_id IS NULL THEN NULL ELSE 'vk:' || target_id END,
           CASE WHEN peer_id IS NULL THEN NULL ELSE 'vk:' || peer_id END, details
    FROM audit_log_old;

CREATE TABLE invites (
    code           TEXT    PRIMARY KEY CHECK (length(code) = 9 AND substr(code, 5, 1) = '-'),
    role           TEXT    NOT NULL CHECK (role IN ('administration', 'class_teacher', 'teacher', 'student', 'parent')),
    group_kind     TEXT    CHECK (group_kind IN ('staff', 'class', 'subject', 'administration')),
    class_label    TEXT,
    subject        TEXT,
    max_uses       INTEGER CHECK (max_uses IS NULL OR max_uses >= 1),
    uses           INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    created_by     TEXT    NOT NULL REFERENCES people (person_id),
    created_at     TEXT    NOT NULL,
    expires_at     TEXT    NOT NULL CHECK (expires_at > created_at),
    needs_approval INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
    state          TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'used_up', 'expired', 'revoked')),
    closed_by      TEXT,
    closed_at      TEXT,
    CHECK ((group_kind IN ('class', 'subject')) = (class_label IS NOT NULL)),
    CHECK ((group_kind = 'subject') = (subject IS NOT NULL))
);
INSERT INTO invites SELECT code, role, group_kind, class_label, subject, max_uses, uses, 'vk:' || created_by,
    created_at, expires_at, needs_approval, state,
    CASE WHEN closed_by IS NULL THEN NULL WHEN closed_by = 0 THEN 'system' ELSE 'vk:' || closed_by END, closed_at
    FROM invites_old;

CREATE TABLE join_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   TEXT    NOT NULL REFERENCES people (person_id),
    invite_code TEXT    NOT NULL REFERENCES invites (code),
    role        TEXT    NOT NULL CHECK (role IN ('administration', 'class_teacher', 'teacher', 'student', 'parent')),
    group_kind  TEXT    CHECK (group_kind IN ('staff', 'class', 'subject', 'administration')),
    class_label TEXT,
    subject     TEXT,
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'awaiting_child', 'approved', 'rejected', 'cancelled')),
    child_name  TEXT    CHECK (child_name IS NULL OR length(child_name) BETWEEN 2 AND 60),
    created_at  TEXT    NOT NULL,
    decided_by  TEXT,
    decided_at  TEXT,
    reason      TEXT    CHECK (reason IS NULL OR length(reason) <= 500),
    CHECK ((state IN ('pending', 'awaiting_child')) = (decided_at IS NULL)),
    CHECK (role != 'parent' OR child_name IS NOT NULL OR state IN ('awaiting_child', 'rejected', 'cancelled'))
);
INSERT INTO join_requests SELECT id, 'vk:' || user_id, invite_code, role, group_kind, class_label, subject, state,
    child_name, created_at,
    CASE WHEN decided_by IS NULL THEN NULL WHEN decided_by = 0 THEN 'system' ELSE 'vk:' || decided_by END,
    decided_at, reason
    FROM join_requests_old;

CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   TEXT    NOT NULL REFERENCES people (person_id),
    role        TEXT    NOT NULL CHECK (role IN ('administration', 'class_teacher', 'teacher', 'student', 'parent')),
    group_kind  TEXT    NOT NULL CHECK (group_kind IN ('staff', 'class', 'subject', 'administration')),
    class_label TEXT,
    subject     TEXT,
    since       TEXT    NOT NULL,
    ended       TEXT    CHECK (ended IS NULL OR ended >= since),
    CHECK ((group_kind IN ('class', 'subject')) = (class_label IS NOT NULL)),
    CHECK ((group_kind = 'subject') = (subject IS NOT NULL))
);
INSERT INTO memberships SELECT id, 'vk:' || vk_id, role, group_kind, class_label, subject, since, ended
    FROM memberships_old;

CREATE TABLE class_teachers (
    class_label TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (person_id),
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL
);
INSERT INTO class_teachers SELECT class_label, 'vk:' || vk_id,
    CASE WHEN assigned_by = 0 THEN 'system' ELSE 'vk:' || assigned_by END, assigned_at
    FROM class_teachers_old;

CREATE TABLE children (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id   TEXT NOT NULL REFERENCES people (person_id),
    child_name  TEXT NOT NULL CHECK (length(child_name) BETWEEN 2 AND 60),
    class_label TEXT NOT NULL,
    since       TEXT NOT NULL,
    ended       TEXT
);
INSERT INTO children SELECT id, 'vk:' || parent_id, child_name, class_label, since, ended FROM children_old;

CREATE TABLE verified_teachers (
    person_id   TEXT PRIMARY KEY REFERENCES people (person_id),
    verified_by TEXT NOT NULL,
    verified_at TEXT NOT NULL
);
INSERT INTO verified_teachers SELECT 'vk:' || vk_id,
    CASE WHEN verified_by = 0 THEN 'system' ELSE 'vk:' || verified_by END, verified_at
    FROM verified_teachers_old;

-- Moderation: no message text, only a masked excerpt.
CREATE TABLE moderation_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL,
    chat_id     TEXT    NOT NULL,
    author_id   TEXT    NOT NULL,
    message_ref TEXT,
    labels      TEXT    NOT NULL,
    excerpt     TEXT    NOT NULL,
    acts        TEXT    NOT NULL DEFAULT '',
    edited      INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1))
);
INSERT INTO moderation_events SELECT id, at, 'vk:' || peer_id, 'vk:' || author_id, CAST(cmid AS TEXT), labels,
    excerpt, acts, edited FROM moderation_events_old;

CREATE TABLE warnings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   TEXT NOT NULL,
    event_id    INTEGER REFERENCES moderation_events (id) ON DELETE SET NULL,
    labels      TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    pardoned_at TEXT,
    pardoned_by TEXT
);
INSERT INTO warnings SELECT id, 'vk:' || person_id, event_id, labels, issued_at, expires_at, pardoned_at,
    CASE WHEN pardoned_by IS NULL THEN NULL WHEN pardoned_by = 0 THEN 'system' ELSE 'vk:' || pardoned_by END
    FROM warnings_old;

CREATE TABLE filter_words (
    word     TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('block', 'allow')),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
INSERT INTO filter_words SELECT word, kind, CASE WHEN added_by = 0 THEN 'system' ELSE 'vk:' || added_by END,
    added_at FROM filter_words_old;

CREATE TABLE appeals (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    warning_id INTEGER NOT NULL REFERENCES warnings (id) ON DELETE CASCADE,
    person_id  TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'lifted', 'kept')),
    decided_by TEXT,
    decided_at TEXT
);
INSERT INTO appeals SELECT id, warning_id, 'vk:' || person_id, at, state,
    CASE WHEN decided_by IS NULL THEN NULL WHEN decided_by = 0 THEN 'system' ELSE 'vk:' || decided_by END,
    decided_at FROM appeals_old;

CREATE TABLE chat_notices (
    chat_id TEXT NOT NULL,
    notice  TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (chat_id, notice)
);
INSERT INTO chat_notices SELECT 'vk:' || peer_id, notice, at FROM chat_notices_old;

-- Reports of stolen accounts and of abuse (clause 4.5).
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('hacked', 'abuse')),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    reporter_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    chat_id     TEXT,                -- abuse: the chat of the reported message
    message_ref TEXT,                -- abuse: the message
    author_id   TEXT,                -- abuse: who wrote it
    excerpt     TEXT CHECK (excerpt IS NULL OR length(excerpt) <= 100),  -- never the full text
    closed_by   TEXT,
    closed_at   TEXT,
    CHECK (kind = 'abuse' OR (chat_id IS NULL AND message_ref IS NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
INSERT INTO reports SELECT id, kind, status, 'vk:' || reporter_id, created_at,
    CASE WHEN peer_id IS NULL THEN NULL ELSE 'vk:' || peer_id END, CAST(cmid AS TEXT),
    CASE WHEN author_id IS NULL THEN NULL ELSE 'vk:' || author_id END, excerpt,
    CASE WHEN closed_by IS NULL THEN NULL WHEN closed_by = 0 THEN 'system' ELSE 'vk:' || closed_by END, closed_at
    FROM reports_old;

-- The inbox: every update is stored (with the poll position, in one transaction) before it is
-- handled; handling marks it done in the transaction of its decision. The event's JSON may quote
-- what people wrote, so it is erased once handled; the key stays a while to drop redeliveries.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    platform    TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    lane        TEXT    NOT NULL,   -- the conversation: its updates are handled in order
    event       TEXT,               -- JSON of the neutral event; NULL once handled
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    received_at TEXT    NOT NULL,
    handled_at  TEXT,
    UNIQUE (platform, key)
);
CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_handled ON inbox (handled_at) WHERE state != 'pending';

CREATE TABLE poll_state (
    platform   TEXT PRIMARY KEY,
    position   TEXT NOT NULL,       -- VK long poll ts, MAX updates marker
    updated_at TEXT NOT NULL
);

-- The outbox: effects owed by committed decisions, carried out by a worker until done.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    lane       TEXT    NOT NULL,    -- the conversation: its effects run in order, one at a time
    priority   INTEGER NOT NULL,    -- 0 deletes and button answers, 1 messages, 2 broadcasts
    effect     TEXT    NOT NULL,    -- JSON (bot.port.effects)
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before TEXT,                -- the next retry, after a transient failure
    problem    TEXT,                -- why it failed (bot.port.gateway.Problem), never content
    dedup      INTEGER NOT NULL,    -- makes a resend harmless where the platform can (VK random_id)
    tag        TEXT,
    created_at TEXT    NOT NULL,
    done_at    TEXT
);
CREATE INDEX outbox_pending ON outbox (lane, id) WHERE state = 'pending';
CREATE INDEX outbox_tag ON outbox (tag) WHERE tag IS NOT NULL;
CREATE INDEX outbox_done ON outbox (done_at) WHERE state != 'pending';

-- Messages sent under a tag, e.g. the cards of a join request («card:12») in every place they went.
CREATE TABLE sent_messages (
    tag          TEXT NOT NULL,
    conversation TEXT NOT NULL,
    message_ref  TEXT,              -- NULL until the outbox has sent it
    sent_at      TEXT,
    PRIMARY KEY (tag, conversation)
);
INSERT INTO sent_messages (tag, conversation, message_ref)
    SELECT 'card:' || request_id, 'vk:' || peer_id, CAST(cmid AS TEXT) FROM request_cards_old;

-- Chats the bot has been added to (MAX gives no list of a bot's chats).
CREATE TABLE known_chats (
    chat_id    TEXT PRIMARY KEY,
    title      TEXT NOT NULL DEFAULT '',
    added_at   TEXT NOT NULL,
    removed_at TEXT
);

DROP TABLE reports_old;
DROP TABLE chat_notices_old;
DROP TABLE appeals_old;
DROP TABLE filter_words_old;
DROP TABLE warnings_old;
DROP TABLE moderation_events_old;
DROP TABLE verified_teachers_old;
DROP TABLE children_old;
DROP TABLE class_teachers_old;
DROP TABLE memberships_old;
DROP TABLE request_cards_old;
DROP TABLE join_requests_old;
DROP TABLE invites_old;
DROP TABLE audit_log_old;
DROP TABLE chats_old;
DROP TABLE person_roles_old;
DROP TABLE people_old;

CREATE UNIQUE INDEX chats_one_per_purpose
    ON chats (platform, purpose, COALESCE(class_label, ''), COALESCE(subject, ''));
CREATE INDEX audit_log_target ON audit_log (target_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX invites_live ON invites (state, expires_at);
CREATE UNIQUE INDEX join_requests_one_open ON join_requests (person_id, invite_code)
    WHERE state IN ('pending', 'awaiting_child');
CREATE INDEX join_requests_by_state ON join_requests (state);
CREATE INDEX join_requests_by_person ON join_requests (person_id);
CREATE UNIQUE INDEX memberships_live_once
    ON memberships (person_id, role, group_kind, COALESCE(class_label, ''), COALESCE(subject, ''))
    WHERE ended IS NULL;
CREATE INDEX memberships_by_group ON memberships (group_kind, class_label, subject) WHERE ended IS NULL;
CREATE INDEX memberships_by_person ON memberships (person_id);
CREATE UNIQUE INDEX children_live_once ON children (parent_id, child_name, class_label) WHERE ended IS NULL;
CREATE INDEX moderation_events_author ON moderation_events (author_id);
CREATE INDEX moderation_events_at ON moderation_events (at);
CREATE INDEX warnings_person ON warnings (person_id, expires_at);
CREATE INDEX warnings_expiry ON warnings (expires_at);
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_by_status ON reports (status, id);
CREATE UNIQUE INDEX reports_abuse_once ON reports (reporter_id, chat_id, message_ref)
    WHERE kind = 'abuse' AND message_ref IS NOT NULL;
