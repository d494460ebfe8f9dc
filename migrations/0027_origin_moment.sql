-- Why: a ritual's origin story linked to the moment it began with (the Convene issue).
ALTER TABLE rituals ADD COLUMN origin_moment TEXT NOT NULL DEFAULT '';
