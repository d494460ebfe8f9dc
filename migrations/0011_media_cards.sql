-- Why: a member's page of photos joins each tag to its media row. This covering index, keyed
-- by id, holds every column a grid cell needs, so the join reads one index entry instead of
-- a primary-key lookup followed by a table lookup (the gallery issue's 100 µs page target).
CREATE INDEX media_cards ON media (
    id, deleted, hidden, hash, kind, format, width, height, taken_at, sort_at, caption, moment_id, highlight,
    duration_ms, phash
);
