-- Why: members follow their interests, steer the community and act on a difference they care
-- about (the agency issue). Initiatives move through a lifecycle whose every move is recorded;
-- supports, roles and stances are rows with ids derived from (initiative or decision, member),
-- so the same member acting on two offline laptops makes one row. Counts are never stored.

CREATE TABLE initiatives (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    -- The difference it should make: why it matters to the proposer.
    difference  TEXT NOT NULL DEFAULT '',
    involves    TEXT NOT NULL DEFAULT '',
    -- JSON arrays of strings: skills wanted, linked interests, dimension ids turned up.
    help_wanted TEXT NOT NULL DEFAULT '[]',
    interests   TEXT NOT NULL DEFAULT '[]',
    dimensions  TEXT NOT NULL DEFAULT '[]',
    target_date TEXT NOT NULL DEFAULT '',
    cover       TEXT NOT NULL DEFAULT '',
    -- 'idea', 'gathering', 'active', 'done', 'paused' or 'dropped'
    status      TEXT NOT NULL DEFAULT 'idea',
    outcome     TEXT NOT NULL DEFAULT '',
    reflection  TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE initiative_moves (
    id            TEXT PRIMARY KEY,
    author        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    initiative_id TEXT NOT NULL DEFAULT '',
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX initiative_moves_by_initiative ON initiative_moves (initiative_id, created_at);

-- Supports (kind 'support', with why I care), roles ('colead', 'helper') and follows.
CREATE TABLE initiative_people (
    id            TEXT PRIMARY KEY,
    author        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    initiative_id TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX initiative_people_by_initiative ON initiative_people (initiative_id, kind) WHERE deleted = 0;

-- Comments and progress updates.
CREATE TABLE initiative_updates (
    id            TEXT PRIMARY KEY,
    author        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    initiative_id TEXT NOT NULL DEFAULT '',
    -- 'comment' or 'progress'
    kind          TEXT NOT NULL DEFAULT 'comment',
    body          TEXT NOT NULL DEFAULT '',
    photos        TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE INDEX initiative_updates_by_initiative ON initiative_updates (initiative_id, created_at) WHERE deleted = 0;

-- A decision on an initiative ('' for a question to the whole community).
CREATE TABLE decisions (
    id            TEXT PRIMARY KEY,
    author        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    initiative_id TEXT NOT NULL DEFAULT '',
    proposal      TEXT NOT NULL DEFAULT '',
    -- Unix milliseconds after which no stance is taken.
    closes_at     INTEGER NOT NULL DEFAULT 0,
    closed        INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT NOT NULL DEFAULT ''
) STRICT;

-- One stance per member per decision (id derived from both); changeable until close.
CREATE TABLE stances (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    decision_id TEXT NOT NULL DEFAULT '',
    -- 'agree', 'abstain', 'disagree' or 'block'
    stance      TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX stances_by_decision ON stances (decision_id) WHERE deleted = 0;
