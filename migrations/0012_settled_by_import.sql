-- dun ledger: the invoices an import found partly paid, by that import's
-- date. What changed after a date reads them through this index (with
-- invoice_written_off beside it) instead of visiting every invoice; an
-- import adds its rows in date order, so the index is kept while it runs.

CREATE INDEX invoice_settled ON invoice (settled_on) WHERE settled_on IS NOT NULL;
