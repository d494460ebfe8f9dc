-- Why: hosts of rituals (the Convene issue). Members say they are willing to host a ritual (one
-- row each, its id derived from ritual and member); who hosts a gathering is stored on that
-- gathering's row, so the next host can be suggested from who hosted least in the last year.
CREATE TABLE ritual_hosts (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    ritual_id   TEXT NOT NULL DEFAULT '',
    member_id   TEXT NOT NULL DEFAULT '',
    willing     INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX ritual_hosts_by_ritual ON ritual_hosts (ritual_id);

ALTER TABLE ritual_occurrences ADD COLUMN host_id TEXT NOT NULL DEFAULT '';
