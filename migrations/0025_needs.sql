-- Why: dietary and access needs on a member's profile (the Convene issue), each with its own
-- visibility (leads only unless the member chooses), sealed to its audience like every
-- restricted field; a gathering's hosts see totals of those going, never who.
ALTER TABLE members ADD COLUMN dietary TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN access_needs TEXT NOT NULL DEFAULT '';
