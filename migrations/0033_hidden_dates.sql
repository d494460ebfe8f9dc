-- Why: the yearbook (the Yearbook issue).
-- "Hide this date": days a member asked not to be shown on (a bereavement, a memorial), as a
-- JSON list of YYYY-MM-DD. Photos of such a day on which they are tagged, and moments of the
-- day they were at, are left out of On this day, the yearbook and exports on every laptop;
-- their own On this day stays quiet on its anniversaries. Only the member sets it.
ALTER TABLE members ADD COLUMN hidden_dates TEXT NOT NULL DEFAULT '[]';
