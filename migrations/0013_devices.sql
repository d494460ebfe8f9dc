-- Why: the roster of devices (the sync issue). Each device signs its segments with its own
-- ed25519 key, kept in a file beside the database and readable only by its user; its public
-- key is published here, by the device itself, so every replica can check who wrote what.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    public_key  TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT ''
) STRICT;
