-- Catalog, drafts, materials, cases and their events, staff accounts.
-- Times are Unix milliseconds; JSON documents are TEXT.

CREATE TABLE departments (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    phone       TEXT NOT NULL
);

CREATE TABLE service_items (
    code           TEXT PRIMARY KEY,
    department     TEXT NOT NULL REFERENCES departments(code),
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    summary_zh     TEXT NOT NULL,
    summary_en     TEXT NOT NULL,
    -- ",individual,enterprise," so one LIKE finds an audience
    audiences      TEXT NOT NULL,
    handling_depth TEXT NOT NULL,
    popular        BOOLEAN NOT NULL,
    promised_days  BIGINT NOT NULL,
    definition     TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX service_items_department ON service_items(department);

CREATE TABLE drafts (
    id           TEXT PRIMARY KEY,
    owner_hash   TEXT NOT NULL,
    service_code TEXT NOT NULL REFERENCES service_items(code),
    answers      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE materials (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id      TEXT NOT NULL REFERENCES drafts(id),
    material_code TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    file_name     TEXT NOT NULL,
    uploaded_at   BIGINT NOT NULL,
    CONSTRAINT materials_one_per_code UNIQUE (draft_id, material_code)
);

CREATE TABLE tracking_sequences (
    region TEXT NOT NULL,
    day    TEXT NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (region, day)
);

CREATE TABLE cases (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    -- the idempotency key: one draft becomes at most one case
    draft_id        TEXT NOT NULL UNIQUE REFERENCES drafts(id),
    owner_hash      TEXT NOT NULL,
    service_code    TEXT NOT NULL REFERENCES service_items(code),
    department      TEXT NOT NULL,
    applicant_name  TEXT NOT NULL,
    applicant_phone TEXT NOT NULL,
    answers         TEXT NOT NULL,
    status          TEXT NOT NULL,
    submitted_at    BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX cases_status_submitted ON cases(status, submitted_at);

CREATE TABLE case_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    department    TEXT,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
