-- Why: trust at merge (the trust issue). An op refused because its writer was not a lead when
-- this replica checked it may become good once the promotion that made them one arrives (from
-- another laptop, later in the same sync or at a later one): such ops are tried again, the
-- rest stay refused. Objects a target serves that were refused for good (too large, signed by
-- no one the roster knows) are remembered by name and size, so a sync does not fetch them
-- again until they change.
ALTER TABLE quarantined_ops ADD COLUMN retry INTEGER NOT NULL DEFAULT 0;

CREATE TABLE refused_objects (
    name   TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    reason TEXT NOT NULL
) STRICT;
