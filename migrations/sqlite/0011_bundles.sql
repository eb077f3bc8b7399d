-- 一件事一次办: bundles (catalog/bundles/) filed with one combined form. A bundle
-- draft holds the combined answers and one draft per part (its item), so each part
-- becomes an ordinary case in its own department through the ordinary submission.

-- The registration that assigns a business its unified social credit code puts it
-- on the licence; later filings of the same bundle take it from there.
ALTER TABLE licences ADD COLUMN credit_code TEXT;

CREATE TABLE bundle_drafts (
    id          TEXT PRIMARY KEY,
    bundle_code TEXT NOT NULL,
    owner_hash  TEXT NOT NULL,
    citizen_id  INTEGER REFERENCES citizens(id),
    answers     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE bundle_draft_parts (
    bundle_draft_id TEXT NOT NULL REFERENCES bundle_drafts(id),
    service_code    TEXT NOT NULL,
    draft_id        TEXT NOT NULL UNIQUE REFERENCES drafts(id),
    PRIMARY KEY (bundle_draft_id, service_code)
);

-- A submitted bundle: its own tracking number (from the same daily sequence as
-- cases, so a number names one thing), one per bundle draft.
CREATE TABLE bundles (
    id              INTEGER PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    bundle_draft_id TEXT NOT NULL UNIQUE REFERENCES bundle_drafts(id),
    bundle_code     TEXT NOT NULL,
    owner_hash      TEXT NOT NULL,
    citizen_id      INTEGER REFERENCES citizens(id),
    applicant_name  TEXT NOT NULL,
    applicant_phone TEXT NOT NULL,
    locale          TEXT NOT NULL,
    submitted_at    INTEGER NOT NULL,
    -- set once every part is filed: the filing sweep looks only at open bundles
    all_filed       INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX bundles_to_file ON bundles (id) WHERE all_filed = 0;
