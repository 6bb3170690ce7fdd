-- The outbox worker asks for the first few due heads of lanes, most urgent first. Walking this index in
-- that order stops after a handful of rows; grouping every pending row by lane first cost the size of
-- the queue on every call, and a burst of a thousand replies asked a thousand times.
CREATE INDEX outbox_due ON outbox (priority, id) WHERE state = 'pending';
