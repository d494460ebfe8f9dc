-- Why: when two laptops edit the same long text (a story, a moment's "what happened") before
-- they sync, one version wins by its clock; the other is kept here, on the laptop where it
-- lost, so its author can see it and restore it. Local bookkeeping, never synced.
CREATE TABLE revisions (
    id       INTEGER PRIMARY KEY,
    tbl      TEXT NOT NULL,
    row_id   TEXT NOT NULL,
    col      TEXT NOT NULL,
    value    TEXT NOT NULL,
    hlc      TEXT NOT NULL,
    author   TEXT NOT NULL,
    kept_at  INTEGER NOT NULL,
    restored INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tbl, row_id, col, hlc)
) STRICT;
