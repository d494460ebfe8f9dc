-- Why: members take time to hear each other's personal stories (the relationships issue).
-- A story is Markdown, written to a prompt or freely, marked personal or learning (so the
-- community can later see whether belonging crowds out learning), and seen by the whole
-- community, the leads, or members its author names. Others respond and react.

CREATE TABLE story_prompts (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    text        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE stories (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    prompt_id   TEXT NOT NULL DEFAULT '',
    -- 'personal' or 'learning'
    kind        TEXT NOT NULL DEFAULT 'personal',
    -- 'community', 'leads' or 'members' (then audience lists them, as a JSON array of ids)
    visibility  TEXT NOT NULL DEFAULT 'community',
    audience    TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE INDEX stories_by_time ON stories (created_at DESC) WHERE deleted = 0;
CREATE INDEX stories_by_author ON stories (author, created_at DESC) WHERE deleted = 0;

CREATE TABLE story_responses (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    story_id    TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX story_responses_by_story ON story_responses (story_id, created_at) WHERE deleted = 0;

-- One row per (story, member, reaction): its id is derived from those three, so two offline
-- reactions by the same member merge into one. Taking a reaction back sets deleted.
CREATE TABLE story_reactions (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    story_id    TEXT NOT NULL DEFAULT '',
    reaction    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX story_reactions_by_story ON story_reactions (story_id) WHERE deleted = 0;

-- The prompts every community starts with. Fixed ids, so every device has the same rows.
INSERT INTO story_prompts (id, text) VALUES
    ('prompt-came-to-this-work', 'How did you come to this work?'),
    ('prompt-changed-practice', 'A moment that changed how you practise'),
    ('prompt-taught-me', 'Someone who taught you something you still use'),
    ('prompt-hard-day', 'A hard day, and what got you through it'),
    ('prompt-proud', 'Something at work you are quietly proud of'),
    ('prompt-outside-work', 'What you love doing outside work'),
    ('prompt-mistake', 'A mistake you learned the most from'),
    ('prompt-wish-knew', 'What you wish you had known in your first year');
