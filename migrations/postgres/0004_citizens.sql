-- Citizen accounts (mobile number verified by a one-time code), the codes
-- themselves (only a keyed hash is kept), and which account a case or a draft
-- belongs to. Proxy filing (代办): who filed a case for a resident, and how the
-- resident consented.

CREATE TABLE citizens (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone             TEXT NOT NULL UNIQUE,
    created_at        BIGINT NOT NULL,
    last_signed_in_at BIGINT NOT NULL
);

CREATE TABLE one_time_codes (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone         TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    -- the address that asked, for the per-client limit
    client        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT,
    wrong_entries BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX one_time_codes_phone ON one_time_codes(phone, purpose, created_at);
CREATE INDEX one_time_codes_client ON one_time_codes(client, created_at);

ALTER TABLE cases ADD COLUMN citizen_id BIGINT REFERENCES citizens(id);
-- the staff account of the proxy agent who filed the case, and the consent as JSON
ALTER TABLE cases ADD COLUMN proxy_agent TEXT;
ALTER TABLE cases ADD COLUMN proxy_consent TEXT;
CREATE INDEX cases_citizen ON cases(citizen_id, submitted_at);
CREATE INDEX cases_applicant_phone ON cases(applicant_phone, submitted_at);
CREATE INDEX cases_proxy_agent ON cases(proxy_agent, submitted_at);

ALTER TABLE drafts ADD COLUMN citizen_id BIGINT REFERENCES citizens(id);
CREATE INDEX drafts_citizen ON drafts(citizen_id, updated_at);

-- A draft a proxy agent started for a resident: who, for which number, and the
-- resident's consent (JSON), carried into the case when it is submitted.
CREATE TABLE draft_proxies (
    draft_id  TEXT PRIMARY KEY REFERENCES drafts(id),
    agent     TEXT NOT NULL,
    phone     TEXT NOT NULL,
    consent   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Sign-in codes are messages too, about no case.
ALTER TABLE outbox ALTER COLUMN case_id DROP NOT NULL;
CREATE INDEX outbox_phone ON outbox(phone, id);
