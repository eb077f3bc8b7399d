-- Citizen accounts (mobile number verified by a one-time code), the codes
-- themselves (only a keyed hash is kept), and which account a case or a draft
-- belongs to. Proxy filing (代办): who filed a case for a resident, and how the
-- resident consented.

CREATE TABLE citizens (
    id                INTEGER PRIMARY KEY,
    phone             TEXT NOT NULL UNIQUE,
    created_at        INTEGER NOT NULL,
    last_signed_in_at INTEGER NOT NULL
);

CREATE TABLE one_time_codes (
    id            INTEGER PRIMARY KEY,
    phone         TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    -- the address that asked, for the per-client limit
    client        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    wrong_entries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX one_time_codes_phone ON one_time_codes(phone, purpose, created_at);
CREATE INDEX one_time_codes_client ON one_time_codes(client, created_at);

ALTER TABLE cases ADD COLUMN citizen_id INTEGER REFERENCES citizens(id);
-- the staff account of the proxy agent who filed the case, and the consent as JSON
ALTER TABLE cases ADD COLUMN proxy_agent TEXT;
ALTER TABLE cases ADD COLUMN proxy_consent TEXT;
CREATE INDEX cases_citizen ON cases(citizen_id, submitted_at);
CREATE INDEX cases_applicant_phone ON cases(applicant_phone, submitted_at);
CREATE INDEX cases_proxy_agent ON cases(proxy_agent, submitted_at);

ALTER TABLE drafts ADD COLUMN citizen_id INTEGER REFERENCES citizens(id);
CREATE INDEX drafts_citizen ON drafts(citizen_id, updated_at);

-- A draft a proxy agent started for a resident: who, for which number, and the
-- resident's consent (JSON), carried into the case when it is submitted.
CREATE TABLE draft_proxies (
    draft_id  TEXT PRIMARY KEY REFERENCES drafts(id),
    agent     TEXT NOT NULL,
    phone     TEXT NOT NULL,
    consent   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Sign-in codes are messages too, about no case: the outbox's case becomes optional.
-- (SQLite cannot drop NOT NULL in place; nothing refers to the outbox, so it is
-- copied into a new table.)
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id),
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
INSERT INTO outbox_new SELECT id, case_id, phone, locale, kind, body, created_at, attempts, next_attempt_at, delivered_at, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
CREATE INDEX outbox_case ON outbox(case_id, id);
CREATE INDEX outbox_phone ON outbox(phone, id);
