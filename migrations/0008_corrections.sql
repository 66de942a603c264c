-- dun ledger: corrections. The follow-up log stays append-only: removing
-- an entry is a new entry (a note) that voids it. A payment or a promise
-- removed is deleted, and a note in the log says what it was and why.
-- Such notes say what they correct; the engine reads neither them nor a
-- voided entry.

ALTER TABLE activity ADD COLUMN corrects TEXT CHECK (corrects IN ('follow_up', 'payment', 'promise'));
ALTER TABLE activity ADD COLUMN voids INTEGER REFERENCES activity(id);
CREATE UNIQUE INDEX activity_voided_once ON activity (voids) WHERE voids IS NOT NULL;
