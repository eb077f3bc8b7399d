-- Fees: what a case charges (in fen) and where its payment stands, and each
-- attempt to pay through the payment gateway.

ALTER TABLE cases ADD COLUMN fee_fen INTEGER NOT NULL DEFAULT 0;
-- 'not_required', 'unpaid', 'paid', 'refunded', 'waived' (domain::fee::PaymentStatus)
ALTER TABLE cases ADD COLUMN payment_status TEXT NOT NULL DEFAULT 'not_required';

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    -- the gateway's reference, random: the sandbox checkout page is found by it
    reference   TEXT NOT NULL UNIQUE,
    amount_fen  INTEGER NOT NULL,
    -- 'pending', 'paid', 'failed', 'refunded'
    status      TEXT NOT NULL,
    -- where the payer returns: the receipt or the lookup
    return_path TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX payments_case ON payments(case_id, id);
