-- Announcements are purged after their period by the shared retention purge, which finds every row it
-- erases through an index: this one serves its condition on when an announcement went out.
CREATE INDEX announcements_by_retention ON announcements (COALESCE(sent_at, created_at));
