-- dun ledger, schema 2: the follow-up log in full (promises, payment plans,
-- disputes, holds, measure history) and two invoice facts the engine uses.

-- The date an invoice's open balance reached zero (paid, credited or
-- written off); NULL while open.
ALTER TABLE invoice ADD COLUMN closed_on TEXT;
-- Early-payment discount granted on the invoice.
ALTER TABLE invoice ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0);
-- The discount offered when the invoice was issued, fixed by the terms in
-- force then: the amount off, and the last day a payment earns it.
ALTER TABLE invoice ADD COLUMN discount_offer_minor INTEGER NOT NULL DEFAULT 0 CHECK (discount_offer_minor >= 0);
ALTER TABLE invoice ADD COLUMN discount_until TEXT;
-- The discount granted along with an allocation.
ALTER TABLE allocation ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0);

UPDATE invoice SET closed_on = written_off_on WHERE written_off_on IS NOT NULL;
UPDATE invoice SET closed_on = (
    SELECT MAX(allocated_on) FROM allocation a WHERE a.invoice_id = invoice.id
) WHERE kind = 'invoice' AND open_minor = 0 AND closed_on IS NULL;

-- The ladder stage a logged action performed, when it was logged for one.
ALTER TABLE activity ADD COLUMN stage TEXT;

CREATE TABLE promise (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customer(id),
    made_on       TEXT NOT NULL,
    promised_on   TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    note          TEXT,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX promise_by_customer ON promise (customer_id, promised_on);

CREATE TABLE promise_invoice (
    promise_id  INTEGER NOT NULL REFERENCES promise(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoice(id),
    PRIMARY KEY (promise_id, invoice_id)
) WITHOUT ROWID;

CREATE TABLE plan (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customer(id),
    created_on    TEXT NOT NULL,
    currency      TEXT NOT NULL,
    note          TEXT,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX plan_by_customer ON plan (customer_id);

CREATE TABLE instalment (
    plan_id       INTEGER NOT NULL REFERENCES plan(id),
    due_on        TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (plan_id, due_on)
) WITHOUT ROWID;

CREATE TABLE plan_invoice (
    plan_id     INTEGER NOT NULL REFERENCES plan(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoice(id),
    PRIMARY KEY (plan_id, invoice_id)
) WITHOUT ROWID;

CREATE TABLE dispute (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoice(id),
    opened_on    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    resolved_on  TEXT,
    resolution   TEXT,
    recorded_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX dispute_one_open ON dispute (invoice_id) WHERE resolved_on IS NULL;

CREATE TABLE hold (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customer(id),
    started_on      TEXT NOT NULL,
    reason          TEXT NOT NULL,
    released_on     TEXT,
    release_reason  TEXT,
    recorded_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX hold_one_active ON hold (customer_id) WHERE released_on IS NULL;

-- Every start and lift of a customer measure, with the date it took effect.
CREATE TABLE measure_event (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer(id),
    measure      TEXT NOT NULL CHECK (measure IN ('stop_supply', 'cash_only', 'hold')),
    event        TEXT NOT NULL CHECK (event IN ('start', 'lift')),
    effective_on TEXT NOT NULL,
    reason       TEXT NOT NULL,
    -- The invoice whose stage started the measure, if one did.
    invoice_id   INTEGER REFERENCES invoice(id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX measure_event_by_customer ON measure_event (customer_id, measure, id);

CREATE TRIGGER measure_event_append_only_update BEFORE UPDATE ON measure_event
BEGIN SELECT RAISE(ABORT, 'the measure history is append-only'); END;
CREATE TRIGGER measure_event_append_only_delete BEFORE DELETE ON measure_event
BEGIN SELECT RAISE(ABORT, 'the measure history is append-only'); END;

-- Dates that decide whether the ledger holds facts after an as-of date.
CREATE INDEX invoice_by_issue_date ON invoice (issue_date);
CREATE INDEX payment_by_date ON payment (paid_on);
CREATE INDEX allocation_by_date ON allocation (allocated_on);
CREATE INDEX allocation_by_credit_note ON allocation (credit_note_id) WHERE credit_note_id IS NOT NULL;
CREATE INDEX invoice_written_off ON invoice (written_off_on) WHERE written_off_on IS NOT NULL;
