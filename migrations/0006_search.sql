-- Why: members find each other by what they care about (the relationships issue): search over
-- names, bios, tags and stories. The index is derived data (rebuilt from the tables, never
-- synced) and holds one row per field, so a hit on a field hidden from the reader can be
-- dropped without dropping the whole member. Care notes are never indexed.
CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref_id UNINDEXED,
    field UNINDEXED,
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);
