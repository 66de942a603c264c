-- dun ledger: the open items, read from one index. Every report and the
-- engine read a customer's open documents; with this index holding every
-- column they read, in customer order, they never visit the table, so a
-- ledger whose invoices were written in date order (customers interleaved,
-- as an open-items export lists them) reads as fast as one written a
-- customer at a time.

DROP INDEX invoice_open;
CREATE INDEX invoice_open ON invoice (
    customer_id, currency, due_date, number, id, kind, issue_date, amount_minor, open_minor,
    written_off_on, closed_on, discount_minor
) WHERE open_minor > 0;

-- A customer's invoices by kind and issue date: the relationship's first
-- invoice (where probation is counted from) is one seek, not a visit to
-- every invoice of the customer.
DROP INDEX invoice_by_customer;
CREATE INDEX invoice_by_customer ON invoice (customer_id, kind, issue_date);
