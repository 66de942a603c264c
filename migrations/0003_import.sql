-- dun ledger, schema 3: imports from accounting and bank exports.

-- One row per import that changed the ledger: what file, which profile,
-- what it did. A file whose checksum is already here was seen before.
CREATE TABLE import_batch (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('invoices', 'payments')),
    profile        TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    rows_read      INTEGER NOT NULL,
    created        INTEGER NOT NULL,
    updated        INTEGER NOT NULL,
    unchanged      INTEGER NOT NULL,
    skipped        INTEGER NOT NULL,
    imported_on    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX import_batch_by_sha ON import_batch (sha256);

-- The import that last carried each invoice, so a newer export of the
-- same profile can tell which invoices vanished from it.
ALTER TABLE invoice ADD COLUMN import_id INTEGER REFERENCES import_batch(id);

-- What an export said was already paid on an invoice (or already used of a
-- credit note) without saying when or by what: taken off the open balance
-- on the day of the import. Balances as of an earlier date add it back, and
-- it says nothing about how late a customer pays. The columns hold what
-- the import that created the invoice found; `settlement` holds what later
-- exports changed (negative when an export shows more open again).
ALTER TABLE invoice ADD COLUMN settled_minor INTEGER NOT NULL DEFAULT 0 CHECK (settled_minor >= 0);
ALTER TABLE invoice ADD COLUMN settled_on TEXT;

CREATE TABLE settlement (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER NOT NULL REFERENCES invoice(id),
    import_id     INTEGER NOT NULL REFERENCES import_batch(id),
    settled_on    TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor <> 0)
);
CREATE INDEX settlement_by_invoice ON settlement (invoice_id, settled_on);

-- A payment made by an import; `import_key` identifies its bank line (or
-- export row) so the same file imported twice adds nothing.
ALTER TABLE payment ADD COLUMN import_id INTEGER REFERENCES import_batch(id);
ALTER TABLE payment ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX payment_by_import_key ON payment (import_key) WHERE import_key IS NOT NULL;

-- Bank lines that could not be matched to a customer and invoice with
-- certainty, waiting for `dun payment allocate`.
CREATE TABLE receipt (
    id            INTEGER PRIMARY KEY,
    import_id     INTEGER NOT NULL REFERENCES import_batch(id),
    line          INTEGER NOT NULL,
    paid_on       TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    counterparty  TEXT,
    reference     TEXT,
    import_key    TEXT NOT NULL UNIQUE,
    allocated_to  INTEGER REFERENCES payment(id)
);
CREATE INDEX receipt_waiting ON receipt (paid_on) WHERE allocated_to IS NULL;
