-- Housekeeping: drafts that never became a case expire (settings: draft_days); the
-- sweep finds the oldest first.
CREATE INDEX drafts_updated ON drafts (updated_at);

-- Staff sessions are signed cookies that any portal process can check; these make
-- them revocable at once: sessions signed in before sessions_from are void ("sign
-- out everywhere"), and a disabled account has none.
ALTER TABLE users ADD COLUMN sessions_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
