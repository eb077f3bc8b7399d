-- The back office: service sites, staff with departments, sites and several roles,
-- department reviews (parallel where the item says so), deadlines on the working-day
-- calendar, e-licences, the notification outbox, and hash-chained audit records.

CREATE TABLE sites (
    code           TEXT PRIMARY KEY,
    level          TEXT NOT NULL,
    parent         TEXT,
    -- '/district/town/village/': "this site or below" is a prefix test
    path           TEXT NOT NULL UNIQUE,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    address_zh     TEXT NOT NULL,
    address_en     TEXT NOT NULL,
    phone          TEXT NOT NULL,
    issues_results BOOLEAN NOT NULL
);

-- ',window_clerk,issuing_clerk,': one person may hold several roles
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN site TEXT;
UPDATE users SET roles = ',' || role || ',';

ALTER TABLE cases ADD COLUMN site_path TEXT NOT NULL DEFAULT '/';
-- the applicant's language, for the messages sent to them
ALTER TABLE cases ADD COLUMN locale TEXT NOT NULL DEFAULT 'zh-Hans';
-- JSON: how the result is delivered (online, post, collect at a site)
ALTER TABLE cases ADD COLUMN delivery TEXT NOT NULL DEFAULT '{"kind":"online"}';
ALTER TABLE cases ADD COLUMN phone_last4 TEXT NOT NULL DEFAULT '';
-- ',market,tax,': the departments reviewing the case, so a reviewer's lists filter
-- rows without a join
ALTER TABLE cases ADD COLUMN review_departments TEXT NOT NULL DEFAULT '';
-- The deadline: dates are YYYY-MM-DD in China.
ALTER TABLE cases ADD COLUMN accepted_on TEXT;
ALTER TABLE cases ADD COLUMN promised_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN paused_on TEXT;
ALTER TABLE cases ADD COLUMN due_on TEXT;
ALTER TABLE cases ADD COLUMN yellow_on TEXT;
ALTER TABLE cases ADD COLUMN due_provisional BOOLEAN NOT NULL DEFAULT FALSE;
-- JSON: what the applicant must correct (answers, materials, note)
ALTER TABLE cases ADD COLUMN correction TEXT;
-- The queue columns: the stage a tab lists ('intake', 'correction', 'review',
-- 'issue', 'done') and the due date while the clock runs (NULL when paused or
-- finished), so each tab is one index range in its own order at any size.
ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT 'intake';
ALTER TABLE cases ADD COLUMN open_due_on TEXT;
UPDATE cases SET stage = CASE status
    WHEN 'submitted' THEN 'intake' WHEN 'needs_correction' THEN 'correction'
    WHEN 'accepted' THEN 'review' WHEN 'under_review' THEN 'review'
    WHEN 'approved' THEN 'issue' ELSE 'done' END;
CREATE INDEX cases_stage ON cases(stage, submitted_at, id);
CREATE INDEX cases_submitted ON cases(submitted_at, id);
CREATE INDEX cases_open_due ON cases(open_due_on, id);
CREATE INDEX cases_phone_last4 ON cases(phone_last4);
CREATE INDEX cases_applicant_name ON cases(applicant_name);
CREATE INDEX cases_service ON cases(service_code, submitted_at);

-- Every event of a case is chained: hash = SHA-256(prev_hash, canonical content).
ALTER TABLE case_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'transition';
-- the department a review event is about
ALTER TABLE case_events ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE case_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE case_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- The head of each hash chain ('case:<id>', 'staff'); appending compares and sets
-- the head, so two writers can never fork a chain.
CREATE TABLE chain_heads (
    chain  TEXT PRIMARY KEY,
    head   TEXT NOT NULL,
    length INTEGER NOT NULL
);

CREATE TABLE case_reviews (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    department  TEXT NOT NULL,
    -- the order the item names its departments in
    position    INTEGER NOT NULL,
    status      TEXT NOT NULL,
    reviewer    TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, department)
);
CREATE INDEX case_reviews_department ON case_reviews(department, status, case_id);
CREATE INDEX case_reviews_reviewer ON case_reviews(reviewer, status, case_id);

CREATE TABLE licences (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    case_id           INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    service_code      TEXT NOT NULL,
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    holder            TEXT NOT NULL,
    department        TEXT NOT NULL,
    issued_on         TEXT NOT NULL,
    valid_until       TEXT,
    verification_code TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    revoked_at        INTEGER,
    revoked_reason    TEXT NOT NULL DEFAULT ''
);

-- Messages to applicants, written in the same transaction as the step they report
-- and delivered afterwards by a worker: a crash in between loses nothing.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    phone           TEXT NOT NULL,
    locale          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
CREATE INDEX outbox_case ON outbox(case_id, id);

-- Staff actions that are not about one case (calendar edits), chained as 'staff'.
CREATE TABLE staff_audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The working-day calendar, one text per year (catalog/calendar/<year>.toml seeds it;
-- administrators edit it).
CREATE TABLE calendar_years (
    year         INTEGER PRIMARY KEY,
    text         TEXT NOT NULL,
    file_hash    TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT NOT NULL
);
