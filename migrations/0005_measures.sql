-- The ledger date each start or lift was recorded as of (the date of the
-- write that recorded it): a report as of an earlier date does not see it,
-- so a later write never changes what an earlier date shows. Rows recorded
-- before this column count as recorded on the day they took effect.
ALTER TABLE measure_event ADD COLUMN recorded_on TEXT;
