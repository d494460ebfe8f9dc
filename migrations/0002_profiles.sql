-- Why: members bring in who they are beyond their job title (the relationships issue). A
-- profile gains pronouns, a portrait, background, expertise, "ask me about", a bio, where and
-- when they are, how to reach them, and an optional birthday (day and month only: the year is
-- never asked for or stored). Each of those fields has its own visibility, kept as a JSON
-- object {field: "community" | "leads" | "onlyMe"}; fields it does not name are community.
ALTER TABLE members ADD COLUMN pronouns TEXT NOT NULL DEFAULT '';
-- BLAKE3 hash of the portrait's square image in blobs/, '' for none.
ALTER TABLE members ADD COLUMN portrait TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN years_in_practice INTEGER;
-- JSON array of strings, like interests.
ALTER TABLE members ADD COLUMN expertise TEXT NOT NULL DEFAULT '[]';
ALTER TABLE members ADD COLUMN ask_me_about TEXT NOT NULL DEFAULT '';
-- Markdown, rendered and sanitised by the core before it reaches any window.
ALTER TABLE members ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN contact TEXT NOT NULL DEFAULT '';
-- 'MM-DD' or ''. Celebrated only when celebrate_birthday is 1 (opt-in).
ALTER TABLE members ADD COLUMN birthday TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN celebrate_birthday INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN visibility TEXT NOT NULL DEFAULT '{}';
