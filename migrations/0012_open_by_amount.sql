-- dun ledger: open invoices by currency and open balance. A bank line
-- waiting for the bookkeeper is offered the invoices of any customer open
-- for exactly its amount; without this index each line read every open
-- invoice of the ledger, so listing thousands of waiting lines took
-- minutes.

CREATE INDEX invoice_open_amount ON invoice (open_minor, currency) WHERE open_minor > 0;
