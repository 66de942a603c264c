-- dun ledger, schema 4: every promise and plan lists the invoices it covers.
-- One that named none covered the customer's invoices open in its currency
-- on the day it was made; that set is recorded here for the promises and
-- plans made before dun recorded it itself, so an invoice entered later
-- (even with an earlier issue date) is never taken for covered.

INSERT INTO promise_invoice (promise_id, invoice_id)
SELECT p.id, i.id FROM promise p
JOIN invoice i ON i.customer_id = p.customer_id AND i.currency = p.currency
 AND i.kind = 'invoice' AND i.issue_date <= p.made_on
 AND (i.closed_on IS NULL OR i.closed_on > p.made_on)
 AND i.created_at <= p.recorded_at
WHERE NOT EXISTS (SELECT 1 FROM promise_invoice l WHERE l.promise_id = p.id);

INSERT INTO plan_invoice (plan_id, invoice_id)
SELECT p.id, i.id FROM plan p
JOIN invoice i ON i.customer_id = p.customer_id AND i.currency = p.currency
 AND i.kind = 'invoice' AND i.issue_date <= p.created_on
 AND (i.closed_on IS NULL OR i.closed_on > p.created_on)
 AND i.created_at <= p.recorded_at
WHERE NOT EXISTS (SELECT 1 FROM plan_invoice l WHERE l.plan_id = p.id);
