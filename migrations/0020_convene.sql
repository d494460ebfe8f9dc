-- Why: rituals and their gatherings (the Convene issue). A ritual says why and how the community
-- meets and when (a cadence in its own time zone); its occurrences are projected, and only what
-- was decided for one of them (moved, cancelled, its host) is stored, under a key: the local date
-- the cadence gives it. RSVPs are one per member and occurrence, or "this and all following"
-- from an occurrence on; their ids are derived from those parts, so two laptops answering
-- offline write the same row and last-writer-wins settles it.
CREATE TABLE rituals (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    name        TEXT NOT NULL DEFAULT '',
    why         TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT '',
    customs     TEXT NOT NULL DEFAULT '[]',
    place       TEXT NOT NULL DEFAULT '',
    zone        TEXT NOT NULL DEFAULT 'UTC',
    cadence     TEXT NOT NULL DEFAULT '{}',
    starts      TEXT NOT NULL DEFAULT '',
    at_time     TEXT NOT NULL DEFAULT '19:00',
    minutes     INTEGER NOT NULL DEFAULT 120
) STRICT;

CREATE TABLE ritual_occurrences (
    id             TEXT PRIMARY KEY,
    author         TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    ritual_id      TEXT NOT NULL DEFAULT '',
    occurrence_key TEXT NOT NULL DEFAULT '',
    moved_to       TEXT NOT NULL DEFAULT '',
    cancelled      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX ritual_occurrences_by_ritual ON ritual_occurrences (ritual_id);

CREATE TABLE rsvps (
    id             TEXT PRIMARY KEY,
    author         TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    ritual_id      TEXT NOT NULL DEFAULT '',
    member_id      TEXT NOT NULL DEFAULT '',
    occurrence_key TEXT NOT NULL DEFAULT '',
    scope          TEXT NOT NULL DEFAULT 'one',
    answer         TEXT NOT NULL DEFAULT 'going',
    guests         INTEGER NOT NULL DEFAULT 0,
    note           TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX rsvps_by_ritual ON rsvps (ritual_id, member_id);
