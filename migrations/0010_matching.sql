-- dun ledger: matching bank lines to invoices. A payment remembers the
-- IBAN it came from, so a later transfer from the same account is known
-- to be the same customer's; a waiting bank line keeps its IBAN and
-- structured reference for `dun payment allocate`, and why it waited.
-- Open invoices of a customer and currency are found through invoice_open,
-- which holds their open amounts.

ALTER TABLE payment ADD COLUMN payer_iban TEXT;
CREATE INDEX payment_by_payer_iban ON payment (payer_iban, customer_id) WHERE payer_iban IS NOT NULL;

ALTER TABLE receipt ADD COLUMN payer_iban TEXT;
ALTER TABLE receipt ADD COLUMN structured_reference TEXT;
ALTER TABLE receipt ADD COLUMN why TEXT;
