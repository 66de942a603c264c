-- dun ledger, schema 1. Amounts are INTEGER minor units with the currency
-- beside them; dates are ISO YYYY-MM-DD text; timestamps RFC 3339 UTC.

CREATE TABLE customer (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    language            TEXT NOT NULL DEFAULT 'en',
    payment_terms_days  INTEGER CHECK (payment_terms_days >= 0),
    discount_percent    TEXT,
    discount_days       INTEGER CHECK (discount_days >= 0),
    credit_limit_minor  INTEGER CHECK (credit_limit_minor >= 0),
    credit_currency     TEXT,
    policy_profile      TEXT,
    notes               TEXT,
    created_on          TEXT NOT NULL
);

CREATE TABLE contact (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('billing', 'senior', 'sales_rep')),
    name         TEXT,
    email        TEXT,
    phone        TEXT,
    UNIQUE (customer_id, role)
);

-- Invoices and credit notes. open_minor is what is still owed on an
-- invoice, or the credit not yet applied from a credit note; it is kept in
-- step with the allocation table in the same transaction.
CREATE TABLE invoice (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    customer_id        INTEGER NOT NULL REFERENCES customer(id),
    kind               TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    issue_date         TEXT NOT NULL,
    due_date           TEXT NOT NULL,
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    currency           TEXT NOT NULL,
    open_minor         INTEGER NOT NULL CHECK (open_minor >= 0 AND open_minor <= amount_minor),
    written_off_on     TEXT,
    written_off_minor  INTEGER NOT NULL DEFAULT 0 CHECK (written_off_minor >= 0),
    created_at         TEXT NOT NULL
);
CREATE INDEX invoice_by_customer ON invoice (customer_id, due_date);
CREATE INDEX invoice_open ON invoice (customer_id, currency, due_date) WHERE open_minor > 0;

CREATE TABLE payment (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customer(id),
    paid_on         TEXT NOT NULL,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    currency        TEXT NOT NULL,
    method          TEXT,
    reference       TEXT,
    invoice_id      INTEGER REFERENCES invoice(id),
    unapplied_minor INTEGER NOT NULL CHECK (unapplied_minor >= 0 AND unapplied_minor <= amount_minor),
    created_at      TEXT NOT NULL
);
CREATE INDEX payment_by_customer ON payment (customer_id, paid_on);
CREATE INDEX payment_unapplied ON payment (customer_id, currency) WHERE unapplied_minor > 0;

-- Credit applied to an invoice, from a payment or a credit note.
CREATE TABLE allocation (
    id              INTEGER PRIMARY KEY,
    invoice_id      INTEGER NOT NULL REFERENCES invoice(id),
    payment_id      INTEGER REFERENCES payment(id),
    credit_note_id  INTEGER REFERENCES invoice(id),
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    allocated_on    TEXT NOT NULL,
    CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))
);
CREATE INDEX allocation_by_invoice ON allocation (invoice_id);
CREATE INDEX allocation_by_payment ON allocation (payment_id) WHERE payment_id IS NOT NULL;

-- The follow-up log: calls, emails, letters, notes. Append-only.
CREATE TABLE activity (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer(id),
    occurred_on  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    outcome      TEXT,
    note         TEXT,
    next_on      TEXT,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX activity_by_customer ON activity (customer_id, occurred_on);

CREATE TABLE activity_invoice (
    activity_id  INTEGER NOT NULL REFERENCES activity(id),
    invoice_id   INTEGER NOT NULL REFERENCES invoice(id),
    PRIMARY KEY (activity_id, invoice_id)
) WITHOUT ROWID;

CREATE TRIGGER activity_append_only_update BEFORE UPDATE ON activity
BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only'); END;
CREATE TRIGGER activity_append_only_delete BEFORE DELETE ON activity
BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only'); END;
