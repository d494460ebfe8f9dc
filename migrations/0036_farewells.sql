-- Why: farewells in the yearbook (the Yearbook issue). A member who leaves may write a few words
-- to the community; writing them is their consent to have them, and their name, in that year's
-- book. Only the member sets them; the day they wrote them places them in a year.
ALTER TABLE members ADD COLUMN farewell TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN farewell_on TEXT NOT NULL DEFAULT '';
