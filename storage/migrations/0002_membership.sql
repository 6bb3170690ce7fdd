-- Membership (clauses 3.2–3.6): invitation links, join requests, who belongs to which group,
-- class teachers, parents' children and verified teachers.
-- Groups are stored as (group_kind, class_label, subject), the same shape as bot.membership.groups.Group.

CREATE TABLE invites (
    code           TEXT    PRIMARY KEY CHECK (length(code) = 9 AND substr(code, 5, 1) = '-'),
    role           TEXT    NOT NULL CHECK (role IN ('administration', 'class_teacher', 'teacher', 'student', 'parent')),
    group_kind     TEXT    CHECK (group_kind IN ('staff', 'class', 'subject', 'administration')),
    class_label    TEXT,
    subject        TEXT,
    max_uses       INTEGER CHECK (max_uses IS NULL OR max_uses >= 1),
    uses           INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    created_by     INTEGER NOT NULL REFERENCES people (vk_id),
    created_at     TEXT    NOT NULL,                 -- UTC ISO, so text order is time order
    expires_at     TEXT    NOT NULL CHECK (expires_at > created_at),
    needs_approval INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
    state          TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'used_up', 'expired', 'revoked')),
    closed_by      INTEGER,                          -- who revoked it
    closed_at      TEXT,
    CHECK ((group_kind IN ('class', 'subject')) = (class_label IS NOT NULL)),
    CHECK ((group_kind = 'subject') = (subject IS NOT NULL))
);
CREATE INDEX invites_live ON invites (state, expires_at);

CREATE TABLE join_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES people (vk_id),
    invite_code TEXT    NOT NULL REFERENCES invites (code),
    role        TEXT    NOT NULL CHECK (role IN ('administration', 'class_teacher', 'teacher', 'student', 'parent')),
    group_kind  TEXT    CHECK (group_kind IN ('staff', 'class', 'subject', 'administration')),
    class_label TEXT,
    subject     TEXT,
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'awaiting_child', 'approved', 'rejected', 'cancelled')),
    child_name  TEXT    CHECK (child_name IS NULL OR length(child_name) BETWEEN 2 AND 60),
    created_at  TEXT    NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT,
    reason      TEXT    CHECK (reason IS NULL OR length(reason) <= 500),
    CHECK ((state IN ('pending', 'awaiting_child')) = (decided_at IS NULL)),
    -- a parent's request is decided on with the child named (3.6), unless it is turned down first
    CHECK (role != 'parent' OR child_name IS NOT NULL OR state IN ('awaiting_child', 'rejected', 'cancelled'))
);
-- One open request per person and link: opening the link twice must not take two uses.
CREATE UNIQUE INDEX join_requests_one_open ON join_requests (user_id, invite_code)
    WHERE state IN ('pending', 'awaiting_child');
CREATE INDEX join_requests_by_state ON join_requests (state);

-- Where the cards of a request were posted, so a decision can edit every copy (3.2: one decision).
CREATE TABLE request_cards (
    request_id INTEGER NOT NULL REFERENCES join_requests (id) ON DELETE CASCADE,
    peer_id    INTEGER NOT NULL,
    cmid       INTEGER NOT NULL CHECK (cmid > 0),
    PRIMARY KEY (request_id, peer_id)
);

-- A person in a group in a role; `ended` is set instead of deleting, so movement stays on record.
CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    vk_id       INTEGER NOT NULL REFERENCES people (vk_id),
    role        TEXT    NOT NULL CHECK (role IN ('administration', 'class_teacher', 'teacher', 'student', 'parent')),
    group_kind  TEXT    NOT NULL CHECK (group_kind IN ('staff', 'class', 'subject', 'administration')),
    class_label TEXT,
    subject     TEXT,
    since       TEXT    NOT NULL,
    ended       TEXT    CHECK (ended IS NULL OR ended >= since),
    CHECK ((group_kind IN ('class', 'subject')) = (class_label IS NOT NULL)),
    CHECK ((group_kind = 'subject') = (subject IS NOT NULL))
);
CREATE UNIQUE INDEX memberships_live_once
    ON memberships (vk_id, role, group_kind, COALESCE(class_label, ''), COALESCE(subject, ''))
    WHERE ended IS NULL;
CREATE INDEX memberships_by_group ON memberships (group_kind, class_label, subject) WHERE ended IS NULL;

-- Class leadership per the director's distribution (3.2, 3.3): one class teacher per class.
CREATE TABLE class_teachers (
    class_label TEXT    PRIMARY KEY,
    vk_id       INTEGER NOT NULL REFERENCES people (vk_id),
    assigned_by INTEGER NOT NULL,
    assigned_at TEXT    NOT NULL
);

-- A parent's children: the name exactly as the parent gave it, and the class. Nothing more.
CREATE TABLE children (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id   INTEGER NOT NULL REFERENCES people (vk_id),
    child_name  TEXT    NOT NULL CHECK (length(child_name) BETWEEN 2 AND 60),
    class_label TEXT    NOT NULL,
    since       TEXT    NOT NULL,
    ended       TEXT
);
CREATE UNIQUE INDEX children_live_once ON children (parent_id, child_name, class_label) WHERE ended IS NULL;

-- Teachers whose «учитель» status an administrator has checked (3.3, 3.4).
CREATE TABLE verified_teachers (
    vk_id       INTEGER PRIMARY KEY REFERENCES people (vk_id),
    verified_by INTEGER NOT NULL,
    verified_at TEXT    NOT NULL
);
