-- Why: the yearbook's personal copy (the Yearbook issue). A member writes up to four pages of
-- their own for a year's book (one row per page, its id derived from author, year and place),
-- sealed to their own laptops; others sign a member's book (one signature per signer, member and
-- year), sealed to the two of them, and it shows in the member's copy only once they approve it.
CREATE TABLE yearbook_pages (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    year        INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 1,
    title       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    -- JSON list of media ids (photos from the gallery), at most six
    photos      TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX yearbook_pages_by_author ON yearbook_pages (author, year);

CREATE TABLE yearbook_signatures (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    year        INTEGER NOT NULL DEFAULT 0,
    member_id   TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL DEFAULT '',
    approved    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX yearbook_signatures_by_member ON yearbook_signatures (member_id, year);
