-- Why: opt-in conversation pairs between gatherings (the Convene issue). Members opt in (one
-- row each, its id derived from the member); a lead starts a round, which pairs those who
-- opted in and have not met, never the same pair as the round before.
CREATE TABLE pair_optins (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    member_id   TEXT NOT NULL DEFAULT '',
    opted_in    INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE pair_rounds (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    made_on     TEXT NOT NULL DEFAULT '',
    pairs       TEXT NOT NULL DEFAULT '[]'
) STRICT;
