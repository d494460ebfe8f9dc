-- Why: sync through a shared folder (the sync issue). None of these tables sync: they are
-- this device's bookkeeping. Which segments were merged (so none is applied twice); ops for
-- tables or columns this version does not know, parked until an upgrade knows them; ops
-- stamped far in the future, quarantined and reported instead of merged.
CREATE TABLE merged_segments (
    device TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (device, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE parked_ops (
    hlc    TEXT NOT NULL,
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    value  ANY,
    author TEXT NOT NULL,
    PRIMARY KEY (hlc, tbl, row_id, col)
) STRICT, WITHOUT ROWID;

CREATE TABLE quarantined_ops (
    hlc    TEXT NOT NULL,
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    value  ANY,
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (hlc, tbl, row_id, col)
) STRICT, WITHOUT ROWID;
