-- Proactive service (主动办): the offers made to signed-in citizens, once per rule
-- (catalog/proactive.toml) and the issued case that set it off.

CREATE TABLE proactive_offers (
    rule_code       TEXT NOT NULL,
    trigger_case_id INTEGER NOT NULL REFERENCES cases(id),
    citizen_id      INTEGER NOT NULL REFERENCES citizens(id),
    -- JSON array of the item codes offered; empty when the citizen had applied
    -- for every one already (kept so the case is not looked at again)
    items           TEXT NOT NULL,
    offered_at      INTEGER NOT NULL,
    PRIMARY KEY (rule_code, trigger_case_id)
);

CREATE INDEX proactive_offers_citizen ON proactive_offers (citizen_id, offered_at);

-- The sweep looks only at issued cases in someone's account.
CREATE INDEX cases_issued_to_citizen ON cases (service_code, id) WHERE status = 'issued' AND citizen_id IS NOT NULL;
