-- Why: who came to a gathering (the Convene issue). A gathering is a moment, so its photos and
-- who was there come with it; attendance is its own record, not an RSVP: went or did not go,
-- with where it came from (the member themself, or a lead's tick, often confirming what the
-- moment's photos and who-was-there proposed). No strikes and no counts of anyone's absences.
ALTER TABLE ritual_occurrences ADD COLUMN moment_id TEXT NOT NULL DEFAULT '';

CREATE TABLE attendance (
    id             TEXT PRIMARY KEY,
    author         TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    ritual_id      TEXT NOT NULL DEFAULT '',
    occurrence_key TEXT NOT NULL DEFAULT '',
    member_id      TEXT NOT NULL DEFAULT '',
    went           INTEGER NOT NULL DEFAULT 1,
    source         TEXT NOT NULL DEFAULT 'self'
) STRICT;
CREATE INDEX attendance_by_ritual ON attendance (ritual_id, occurrence_key);
