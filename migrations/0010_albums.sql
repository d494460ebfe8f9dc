-- Why: albums gather media across moments ("the best of 2025", "our t-shirts over the years"),
-- in the order they were added. Membership rows have ids derived from (album, media), so the
-- same photo added on two laptops is one row after a merge.

CREATE TABLE albums (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE album_media (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    album_id    TEXT NOT NULL DEFAULT '',
    media_id    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX album_media_by_album ON album_media (album_id, media_id) WHERE deleted = 0;
