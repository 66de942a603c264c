-- dun ledger: when a customer relationship began, when an export says so
-- (a "customer since" column). NULL when unknown: the relationship then
-- starts at the customer's earliest invoice, or the day it was added to
-- dun if that is earlier. Probation runs from that start.
ALTER TABLE customer ADD COLUMN customer_since TEXT;
