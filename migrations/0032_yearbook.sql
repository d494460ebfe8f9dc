-- Why: the yearbook (the Yearbook issue). A member may ask not to be featured in memories and
-- the yearbook: no photo they are tagged on and no mention of their name. Only they may set it.
ALTER TABLE members ADD COLUMN feature_me INTEGER NOT NULL DEFAULT 1;
