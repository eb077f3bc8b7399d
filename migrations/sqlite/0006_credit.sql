-- Credit lists (信用红黑名单): one row per person or enterprise on a list, seeded from
-- catalog/credit.toml and changed by administrators (audited in the staff chain);
-- and the standing a case was found in at submission.

CREATE TABLE credit_entries (
    -- the resident ID number or unified social credit code, as parsed
    subject    TEXT PRIMARY KEY,
    -- 'red' or 'black'
    list       TEXT NOT NULL,
    reason_zh  TEXT NOT NULL,
    reason_en  TEXT NOT NULL,
    since      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

ALTER TABLE cases ADD COLUMN credit_list TEXT;
-- JSON {"zh": …, "en": …}: why the applicant is on the list
ALTER TABLE cases ADD COLUMN credit_reason TEXT;
