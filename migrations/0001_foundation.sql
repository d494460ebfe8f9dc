-- Why: the foundation every later capability builds on. A library must know itself (its
-- community and the dimensions members rate), know who is who (members), know which device
-- it runs on and who sits at it (local settings), and record every change of a synced table
-- so the sync issue can ship and merge them without revisiting each domain.
--
-- Synced tables share five columns: id (UUIDv7 text), author (member id, '' for rows written
-- before anyone chose an identity), created_at and updated_at (Unix milliseconds), deleted
-- (0/1; synced rows are never removed). They carry no foreign keys or UNIQUE constraints
-- between rows because ops may arrive in any order.

-- Device-local facts that never sync: this device's id, the member who uses it, the last
-- hybrid-logical-clock reading.
CREATE TABLE local_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE community (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
) STRICT;

-- The dimensions along which the community matures; data, not code, so leads can rename them.
CREATE TABLE dimensions (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    number      INTEGER NOT NULL DEFAULT 0,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    author       TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    display_name TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT 'member',
    joined_on    TEXT NOT NULL DEFAULT '',
    profession   TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    -- JSON array of strings.
    interests    TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE INDEX members_by_name ON members (display_name COLLATE NOCASE) WHERE deleted = 0;

-- The clock of every synced column: merge writes a column only when the incoming clock is newer.
CREATE TABLE column_clocks (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, col)
) STRICT, WITHOUT ROWID;

-- Every local change, in order, for the sync transport to ship.
CREATE TABLE ops (
    seq    INTEGER PRIMARY KEY,
    hlc    TEXT NOT NULL,
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    value  ANY,
    author TEXT NOT NULL
) STRICT;
