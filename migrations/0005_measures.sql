-- The ledger date each start or lift was recorded as of (the date of the
-- write that recorded it): a report as of an earlier date does not see it,
-- so a later write never changes what an earlier date shows. Rows recorded
-- before this column count as recorded on the day they took effect.
ALTER TABLE measure_event ADD COLUMN recorded_on TEXT;

-- A lift made by hand, with a reason (a release of cash only): what the
-- ledger reached before it does not start the measure again.
ALTER TABLE measure_event ADD COLUMN by_hand INTEGER NOT NULL DEFAULT 0 CHECK (by_hand IN (0, 1));
