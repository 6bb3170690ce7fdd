-- Which message the bot sent where (no text) is kept for edits; for a DM it names the person, so it
-- is purged after its period like the other delivery records, through this index.
CREATE INDEX sent_messages_by_time ON sent_messages (sent_at);
