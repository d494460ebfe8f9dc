-- Why: members celebrate each other's accomplishments and birthdays (the relationships issue).
-- Birthdays and join anniversaries are computed from profiles; accomplishments are posted by
-- the member or by others. Each occasion has a board where members leave messages.

CREATE TABLE accomplishments (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    -- The member being celebrated.
    member_id   TEXT NOT NULL DEFAULT '',
    -- 'promotion', 'publication', 'certification', 'milestone' or 'thanks'
    kind        TEXT NOT NULL DEFAULT 'milestone',
    title       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD: when it happened (and is celebrated).
    happened_on TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX accomplishments_by_date ON accomplishments (happened_on) WHERE deleted = 0;

-- Messages on an occasion's board. `occasion` names it: 'birthday:<member>:<year>',
-- 'anniversary:<member>:<year>' or 'accomplishment:<id>'.
CREATE TABLE celebration_messages (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    occasion    TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX celebration_messages_by_occasion ON celebration_messages (occasion, created_at) WHERE deleted = 0;
