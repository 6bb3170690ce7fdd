-- Moderation (clauses 4.5, 4.6). No message text is stored: only a masked excerpt.

CREATE TABLE moderation_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    peer_id    INTEGER NOT NULL,
    author_id  INTEGER NOT NULL,
    cmid       INTEGER,
    labels     TEXT    NOT NULL,             -- comma-separated labels
    excerpt    TEXT    NOT NULL,             -- masked: «п****ц», «45** ******»
    acts       TEXT    NOT NULL DEFAULT '',  -- what was done, comma-separated
    edited     INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1))
);
CREATE INDEX moderation_events_author ON moderation_events (author_id);

CREATE TABLE warnings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   INTEGER NOT NULL,
    event_id    INTEGER REFERENCES moderation_events (id) ON DELETE SET NULL,
    labels      TEXT    NOT NULL,
    issued_at   TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    pardoned_at TEXT,
    pardoned_by INTEGER
);
CREATE INDEX warnings_person ON warnings (person_id, expires_at);

-- The school's own words (/фильтр, /разрешить); config words are added on top at start.
CREATE TABLE filter_words (
    word     TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('block', 'allow')),
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE appeals (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    warning_id INTEGER NOT NULL REFERENCES warnings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL,
    at         TEXT    NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'lifted', 'kept')),
    decided_by INTEGER,
    decided_at TEXT
);

-- Things said once per chat, e.g. «the bot is not an admin here».
CREATE TABLE chat_notices (
    peer_id INTEGER NOT NULL,
    notice  TEXT    NOT NULL,
    at      TEXT    NOT NULL,
    PRIMARY KEY (peer_id, notice)
);
