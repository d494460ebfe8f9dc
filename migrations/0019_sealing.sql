-- Why: private by possession (the sealing issue). Restricted data (care notes and their
-- messages, leads-only and only-me profile fields, stories shown to the leads or to chosen
-- members, and their responses and reactions) travels sealed to its audience's keys, so a
-- laptop outside the audience, and whoever holds the sync target, holds only ciphertext.
--
-- Each op remembers, from the moment it was written, whom it is for: '' for everyone, or the
-- audiences it is sealed to ("leads", "m-<member id>", comma-separated). Ops written before
-- this migration have none (NULL): their audience is decided when they are sent.
ALTER TABLE ops ADD COLUMN audience TEXT;

-- Audience keys this laptop knows of (announced by a laptop entitled to the audience, checked
-- when they arrived): the public half writers seal to. The secret halves live beside the
-- database in `audience.keys`, never in it.
CREATE TABLE audience_keys (
    key_id   TEXT PRIMARY KEY,
    audience TEXT NOT NULL,
    public   TEXT NOT NULL,
    made_at  INTEGER NOT NULL,
    device   TEXT NOT NULL
) STRICT;

-- Sealed writes in merged segments that this laptop could not open (sealed to audiences it is
-- not in, yet or ever), by segment and position, with the keys that would open them: opened
-- from the kept segment when one of those keys arrives (a member who becomes a lead).
CREATE TABLE locked_writes (
    device TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    block  INTEGER NOT NULL,
    keys   TEXT NOT NULL,
    PRIMARY KEY (device, seq, block)
) STRICT;

-- What this library held when sealing began (the newest clock then), if it had synced: the
-- restricted data it held up to that clock may have travelled in clear, and is listed for the
-- leads. A library that never synced sealed everything it sends (ops without an audience are
-- sealed when sent); one made after this has nothing before it.
INSERT OR IGNORE INTO local_settings (key, value)
    SELECT 'sealing_began', max(hlc) FROM column_clocks
    WHERE EXISTS (SELECT 1 FROM merged_segments)
       OR EXISTS (SELECT 1 FROM local_settings WHERE key = 'sync_sent_seq')
    HAVING max(hlc) IS NOT NULL;
