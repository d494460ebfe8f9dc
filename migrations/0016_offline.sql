-- Why: originals on demand (the sync issue). A laptop may fetch photos' and videos' originals
-- only when they are opened (thumbnails and previews always come); moments and albums named
-- here are kept offline, their originals fetched at every sync. Local choices, never synced.
CREATE TABLE offline_keeps (
    kind    TEXT NOT NULL CHECK (kind IN ('moment', 'album')),
    item_id TEXT NOT NULL,
    PRIMARY KEY (kind, item_id)
) STRICT, WITHOUT ROWID;
