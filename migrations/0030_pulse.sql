-- Why: the community pulse (the Pulse issue): rounds a lead opens, each member's answer (now
-- and wished-for per dimension; a confidential round's answers sealed to a key only the
-- opening lead's laptop holds), the results published at the close, and the community's
-- threshold below which no aggregate is shown.
ALTER TABLE community ADD COLUMN pulse_threshold INTEGER NOT NULL DEFAULT 5;

CREATE TABLE pulse_rounds (
    id         TEXT PRIMARY KEY,
    author     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    kind       TEXT NOT NULL DEFAULT 'open',
    title      TEXT NOT NULL DEFAULT '',
    opens_at   INTEGER NOT NULL DEFAULT 0,
    closes_at  INTEGER NOT NULL DEFAULT 0,
    closed_at  INTEGER NOT NULL DEFAULT 0,
    dimensions TEXT NOT NULL DEFAULT '[]',
    public_key TEXT NOT NULL DEFAULT '',
    tallier    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE pulse_answers (
    id         TEXT PRIMARY KEY,
    author     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    round_id   TEXT NOT NULL DEFAULT '',
    member_id  TEXT NOT NULL DEFAULT '',
    answer     TEXT NOT NULL DEFAULT '',
    sealed     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX pulse_answers_by_round ON pulse_answers (round_id);

CREATE TABLE pulse_results (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    round_id    TEXT NOT NULL DEFAULT '',
    respondents INTEGER NOT NULL DEFAULT 0,
    aggregates  TEXT NOT NULL DEFAULT ''
) STRICT;
