-- schoolbot: rebuilds tables
-- The director's view (clause 3.2): statistics counted from what the bot sees, announcements with
-- acknowledgement, the school's channels, files the bot sends, the weekly digest.

-- 1. A chat may be bound as one of the school's channels («/привязать канал общий|сотрудники»).
--    SQLite cannot change a CHECK constraint in place, so the table is rebuilt (no foreign keys
--    point at it).
ALTER TABLE chats RENAME TO chats_old;
DROP INDEX chats_one_per_purpose;
CREATE TABLE chats (
    chat_id     TEXT PRIMARY KEY,
    platform    TEXT NOT NULL CHECK (chat_id GLOB platform || ':*'),
    purpose     TEXT NOT NULL CHECK (purpose IN ('staff', 'administration', 'class_students',
                                                 'class_parents', 'subject', 'channel_general', 'channel_staff')),
    class_label TEXT,
    subject     TEXT,
    bound_by    TEXT NOT NULL,
    bound_at    TEXT NOT NULL,
    CHECK ((purpose IN ('staff', 'administration', 'channel_general', 'channel_staff')) = (class_label IS NULL)),
    CHECK ((purpose = 'subject') = (subject IS NOT NULL))
);
INSERT INTO chats (chat_id, platform, purpose, class_label, subject, bound_by, bound_at)
    SELECT chat_id, platform, purpose, class_label, subject, bound_by, bound_at FROM chats_old;
DROP TABLE chats_old;
CREATE UNIQUE INDEX chats_one_per_purpose
    ON chats (platform, purpose, COALESCE(class_label, ''), COALESCE(subject, ''));

-- 2. Activity: how many messages a person wrote in a bound chat on a day (the school's local date),
--    never what. Personal data (a person's id per day): kept 35 days (bot/privacy.py), then rolled
--    into per-chat daily totals that name nobody.
CREATE TABLE activity (
    person_id TEXT    NOT NULL,
    chat_id   TEXT    NOT NULL,
    day       TEXT    NOT NULL,
    count     INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
    PRIMARY KEY (person_id, chat_id, day)
);
CREATE INDEX activity_by_day ON activity (day, chat_id, person_id, count);

CREATE TABLE chat_activity (
    chat_id  TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    messages INTEGER NOT NULL CHECK (messages >= 0),
    people   INTEGER NOT NULL CHECK (people >= 0),   -- how many wrote that day (a number, no ids)
    PRIMARY KEY (day, chat_id)
) WITHOUT ROWID;

-- 3. Bytes the bot is about to send (a chart, a CSV, an announcement's photo or document).
--    A row goes once no pending effect and no draft or scheduled announcement needs it.
CREATE TABLE outgoing_files (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    data       BLOB    NOT NULL,
    held       INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
    created_at TEXT    NOT NULL
);
ALTER TABLE outbox ADD COLUMN file_id INTEGER;  -- a file effect's bytes (outgoing_files.id)
ALTER TABLE outbox ADD COLUMN tried_at TEXT;    -- a bulk effect's first attempt began: after a crash, look before resending
CREATE INDEX outbox_file ON outbox (file_id) WHERE file_id IS NOT NULL;

-- 4. Announcements (3.2: the school's system channels and broadcasts). The text is the school's own
--    message; author_id is kept with it as the school's record (counted, not erased, by /удалить).
CREATE TABLE announcements (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id   TEXT    NOT NULL,
    audience    TEXT    NOT NULL,          -- bot.director.announce.Audience, as stored
    text        TEXT    NOT NULL CHECK (length(text) <= 4000),
    file_id     INTEGER,                   -- outgoing_files.id while it is needed
    file_kind   TEXT    CHECK (file_kind IN ('photo', 'document')),
    file_name   TEXT,
    ack         INTEGER NOT NULL DEFAULT 0 CHECK (ack IN (0, 1)),
    state       TEXT    NOT NULL CHECK (state IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled', 'missed')),
    reply_to    TEXT    NOT NULL,          -- where the author wrote the command: preview and report go there
    created_at  TEXT    NOT NULL,
    send_at     TEXT,                      -- a scheduled moment (UTC)
    sent_at     TEXT,                      -- when it was handed to the outbox
    late        INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    finished_at TEXT                       -- every chat served and the author told
);
CREATE INDEX announcements_by_state ON announcements (state, send_at);
CREATE INDEX announcements_by_time ON announcements (created_at);

CREATE TABLE announcement_chats (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    chat_id         TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    problem         TEXT,                  -- bot.port.gateway.Problem, never content
    PRIMARY KEY (announcement_id, chat_id)
);

CREATE TABLE announcement_reads (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    person_id       TEXT    NOT NULL,
    at              TEXT    NOT NULL,
    PRIMARY KEY (announcement_id, person_id)
);
CREATE INDEX announcement_reads_by_person ON announcement_reads (person_id);

-- 5. The weekly digest: the periods already sent, so it fires once across restarts.
CREATE TABLE digests (
    period  TEXT PRIMARY KEY,   -- the local date the digest was due, YYYY-MM-DD
    sent_at TEXT NOT NULL
);

-- Statistics read these by time.
CREATE INDEX invites_by_created ON invites (created_at);
CREATE INDEX join_requests_by_created ON join_requests (created_at);
CREATE INDEX reports_by_created ON reports (created_at);
CREATE INDEX audit_log_at ON audit_log (at);
