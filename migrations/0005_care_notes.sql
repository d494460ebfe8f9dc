-- Why: members empathize with each other's struggles or loss (the relationships issue). A
-- care note shares a struggle with a chosen audience only: the leads, or named members. The
-- member it is about always sees it; a lead may write one for a member, with that member's
-- consent recorded. Care notes live apart from everything else so that no feed, search,
-- export, notification or statistic can reach them by accident.

CREATE TABLE care_notes (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    -- The member the note is about.
    member_id   TEXT NOT NULL DEFAULT '',
    -- How consent was given when someone else wrote it ('' when the member wrote it).
    consent     TEXT NOT NULL DEFAULT '',
    -- 'leads' or 'members' (then audience lists them, as a JSON array of ids)
    audience_kind TEXT NOT NULL DEFAULT 'leads',
    audience    TEXT NOT NULL DEFAULT '[]',
    title       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    closed      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE care_messages (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    note_id     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX care_messages_by_note ON care_messages (note_id, created_at) WHERE deleted = 0;
