-- Materials provided without an upload (a reused e-licence, a deferral, a signed
-- commitment), one per draft and material; kept with the draft, which the case
-- points to. And what each case spared the applicant (四减), for the dashboard.

CREATE TABLE material_provisions (
    draft_id       TEXT NOT NULL REFERENCES drafts(id),
    material_code  TEXT NOT NULL,
    -- 'licence', 'deferred' or 'committed'
    kind           TEXT NOT NULL,
    licence_number TEXT,
    -- JSON {"zh": …, "en": …}: the commitment as signed
    commitment     TEXT,
    -- a deferred material's due date (YYYY-MM-DD), fixed at submission
    due_on         TEXT,
    arrived_at     BIGINT,
    reminded_at    BIGINT,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (draft_id, material_code)
);

-- Deferred materials still to come, by due date: reminders and the overdue flag.
CREATE INDEX material_provisions_outstanding ON material_provisions (due_on) WHERE kind = 'deferred' AND arrived_at IS NULL;

ALTER TABLE cases ADD COLUMN materials_reused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN materials_deferred BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN materials_committed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN trips_saved BIGINT NOT NULL DEFAULT 0;
-- working days saved against the statutory limit, set at issue
ALTER TABLE cases ADD COLUMN days_saved BIGINT;
-- the earliest due date of a deferred material not yet arrived; NULL when none
ALTER TABLE cases ADD COLUMN deferred_due_on TEXT;
