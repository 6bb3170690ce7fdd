-- Confidential complaints and appeals with the person's own words (clause 4.5).
-- reports.reason: what the complainant wrote after /жалоба (or the description of a complaint
--   made in a DM), masked like every excerpt (phones, e-mails, obscenities hidden); never the
--   reported message itself beyond the 100-character excerpt.
-- appeals.explanation: what the person wrote after /обжаловать, masked the same way; shown on the
--   appeal's card and in /моиданные, erased with the appeal.
ALTER TABLE reports ADD COLUMN reason TEXT CHECK (reason IS NULL OR length(reason) <= 300);
ALTER TABLE appeals ADD COLUMN explanation TEXT CHECK (explanation IS NULL OR length(explanation) <= 300);
-- A person who cannot be reached in the chat (the accused) and the complainant's class are not
-- stored: recipients are decided when the complaint comes in.
