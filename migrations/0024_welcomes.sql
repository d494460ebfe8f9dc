-- Why: a newcomer's first gathering (the Convene issue). When a newcomer says they are going for
-- the first time, a lead asks a regular they have not met to welcome them; both are told. One
-- row per newcomer and gathering, its id derived from them.
CREATE TABLE welcomes (
    id             TEXT PRIMARY KEY,
    author         TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    ritual_id      TEXT NOT NULL DEFAULT '',
    occurrence_key TEXT NOT NULL DEFAULT '',
    newcomer_id    TEXT NOT NULL DEFAULT '',
    welcomer_id    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX welcomes_by_ritual ON welcomes (ritual_id);
