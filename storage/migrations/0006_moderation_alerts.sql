-- The staff and a pupil's class teacher are alerted about a person reaching the warning threshold
-- once a day, not on every later violation (a flood of messages must not become a flood of alerts).
CREATE TABLE moderation_alerts (
    person_id TEXT NOT NULL,
    day       TEXT NOT NULL,   -- the school's local date, YYYY-MM-DD
    at        TEXT NOT NULL,
    PRIMARY KEY (person_id, day)
);
CREATE INDEX moderation_events_author_chat ON moderation_events (author_id, chat_id, at);
