-- Reports of stolen accounts and of abuse in chats (clause 4.5). Depends only on 0001.
-- No foreign keys to people: a report outlives nothing but itself, and /удалить removes
-- the reporter's rows explicitly (see storage/personal_data.py).

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL CHECK (kind IN ('hacked', 'abuse')),
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    reporter_id INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,               -- ISO, UTC
    peer_id     INTEGER,                        -- abuse: the chat of the reported message
    cmid        INTEGER,                        -- abuse: its conversation_message_id
    author_id   INTEGER,                        -- abuse: who wrote it
    excerpt     TEXT    CHECK (excerpt IS NULL OR length(excerpt) <= 100),  -- never the full text
    closed_by   INTEGER,
    closed_at   TEXT,
    CHECK ((kind = 'abuse') = (peer_id IS NOT NULL AND cmid IS NOT NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_by_status ON reports (status, id);
-- One person reports one message once.
CREATE UNIQUE INDEX reports_abuse_once ON reports (reporter_id, peer_id, cmid) WHERE kind = 'abuse';
