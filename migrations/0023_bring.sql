-- Why: a gathering's bring list, for potlucks (the Convene issue): items anyone going may add,
-- each claimed by one member who brings it.
CREATE TABLE bring_items (
    id             TEXT PRIMARY KEY,
    author         TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    ritual_id      TEXT NOT NULL DEFAULT '',
    occurrence_key TEXT NOT NULL DEFAULT '',
    item           TEXT NOT NULL DEFAULT '',
    claimed_by     TEXT NOT NULL DEFAULT '',
    brought        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX bring_items_by_ritual ON bring_items (ritual_id, occurrence_key);
