-- dun ledger: invoices with several due dates. Each instalment of a
-- document is its own open item (its own invoice row, numbered
-- 'N (i/n)'), aged and chased on its own due date; `document` is the
-- number the instalments share and `instalment` which one it is (1-based).
-- Both are NULL for a document with one due date.

ALTER TABLE invoice ADD COLUMN document TEXT;
ALTER TABLE invoice ADD COLUMN instalment INTEGER CHECK (instalment >= 1);
CREATE INDEX invoice_document ON invoice (document) WHERE document IS NOT NULL;
