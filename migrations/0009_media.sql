-- Why: the shared memory (the gallery issue). Moments are the community's events; media are
-- the photos and videos members bring in, content-addressed by BLAKE3 with a row id derived
-- from the hash, so the same file imported on two laptops is one row after a merge. Tags name
-- who is in a photo, with each member's consent; hide requests let a member ask for a photo
-- of them to be taken out of view. Sort keys are copied into the tag table so a member's page
-- is read from one index, never sorted after a join.

CREATE TABLE moments (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    -- 'dinner', 'outing', 'meeting', 'conference', 'celebration' or 'other'
    kind        TEXT NOT NULL DEFAULT 'other',
    -- Local date and time, 'YYYY-MM-DDTHH:MM', as people remember them.
    starts_at   TEXT NOT NULL DEFAULT '',
    ends_at     TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    -- Its story: what happened, and what we learned.
    story       TEXT NOT NULL DEFAULT '',
    learned     TEXT NOT NULL DEFAULT '',
    -- JSON array of member ids.
    attendees   TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE INDEX moments_by_start ON moments (starts_at DESC) WHERE deleted = 0;

CREATE TABLE media (
    id           TEXT PRIMARY KEY,
    author       TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    hash         TEXT NOT NULL DEFAULT '',
    -- 'photo' or 'video'
    kind         TEXT NOT NULL DEFAULT 'photo',
    -- File extension of the original in blobs/: jpg, png, webp, gif, tif, mp4, mov, m4v, webm.
    format       TEXT NOT NULL DEFAULT '',
    file_name    TEXT NOT NULL DEFAULT '',
    bytes        INTEGER NOT NULL DEFAULT 0,
    -- As displayed, orientation applied.
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    orientation  INTEGER NOT NULL DEFAULT 1,
    -- Capture time as the camera wrote it ('YYYY-MM-DDTHH:MM:SS', local) and its UTC offset
    -- ('+02:00') when the camera recorded one.
    taken_at     TEXT NOT NULL DEFAULT '',
    taken_offset TEXT NOT NULL DEFAULT '',
    -- Unix ms used for ordering: UTC when the offset is known, else the local time read as UTC.
    sort_at      INTEGER NOT NULL DEFAULT 0,
    latitude     REAL,
    longitude    REAL,
    camera       TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    caption      TEXT NOT NULL DEFAULT '',
    moment_id    TEXT NOT NULL DEFAULT '',
    highlight    INTEGER NOT NULL DEFAULT 0,
    hidden       INTEGER NOT NULL DEFAULT 0,
    -- 64-bit difference hash of the thumbnail, hex; and the earlier media it nearly matches.
    phash        TEXT NOT NULL DEFAULT '',
    similar_to   TEXT NOT NULL DEFAULT '',
    -- What the import could not do (e.g. no poster frame without ffmpeg).
    note         TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX media_by_hash ON media (hash);
CREATE INDEX media_newest ON media (sort_at DESC, id DESC) WHERE deleted = 0 AND hidden = 0;
CREATE INDEX media_by_moment ON media (moment_id, sort_at DESC, id DESC) WHERE deleted = 0 AND hidden = 0;
CREATE INDEX media_highlights ON media (sort_at DESC, id DESC) WHERE deleted = 0 AND hidden = 0 AND highlight = 1;

-- One row per (media, member): 'tagged', or 'requested' while the member is asked first.
CREATE TABLE media_tags (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    media_id    TEXT NOT NULL DEFAULT '',
    member_id   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'tagged',
    -- Copies of media.sort_at and media.moment_id, kept in step by the core.
    sort_at     INTEGER NOT NULL DEFAULT 0,
    moment_id   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX media_tags_by_member ON media_tags (member_id, sort_at DESC, media_id DESC)
    WHERE deleted = 0 AND status = 'tagged';
CREATE INDEX media_tags_by_member_moment ON media_tags (member_id, moment_id, sort_at DESC, media_id DESC)
    WHERE deleted = 0 AND status = 'tagged';
CREATE INDEX media_tags_by_media ON media_tags (media_id) WHERE deleted = 0;

-- A member asks for a photo of them to be taken out of view; a lead hides it or keeps it.
CREATE TABLE hide_requests (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    media_id    TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    -- 'open', 'hidden' or 'kept'
    status      TEXT NOT NULL DEFAULT 'open',
    resolved_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- Whether others may tag me in photos: 'allow', 'ask' (each tag waits for me) or 'never'.
ALTER TABLE members ADD COLUMN photo_consent TEXT NOT NULL DEFAULT 'ask';

-- Not synced: hashes an import has claimed and may have begun writing to blobs/. A crash
-- leaves them here; the next import removes their files unless a media row took them.
CREATE TABLE import_pending (
    hash       TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL
) STRICT;
