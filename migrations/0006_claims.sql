-- dun ledger: claims on outgoing messages. A run of `dun send` (or the
-- dashboard) claims a message here, in a transaction, before it sends it,
-- so two runs at the same moment never both send the same message. The
-- claim records how the send ended; a failed one may be claimed again.

CREATE TABLE message_claim (
    id           INTEGER PRIMARY KEY,
    -- The message: as-of date, customer, action, currency, stage, invoices.
    message_key  TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customer(id),
    as_of        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'failed')),
    claimed_at   TEXT NOT NULL,
    finished_at  TEXT,
    -- To whom and with which subject, or why the send failed.
    outcome      TEXT
);
CREATE INDEX message_claim_by_customer ON message_claim (customer_id, as_of);
