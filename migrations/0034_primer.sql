-- Why: the newcomer primer (the Yearbook issue). The leads choose up to five stories for the
-- guide newcomers receive (a JSON list of story ids, with the community's other settings, which
-- only leads change); a member may offer to welcome newcomers, and is then named in it (theirs
-- alone to set).
ALTER TABLE community ADD COLUMN primer_stories TEXT NOT NULL DEFAULT '[]';
ALTER TABLE members ADD COLUMN welcomes_newcomers INTEGER NOT NULL DEFAULT 0;
