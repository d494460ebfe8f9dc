-- Why: membership and trust (the sync issue). A lead invites someone by writing an
-- invitation: a fresh ed25519 key pair whose public half is published here and whose secret
-- half travels in the invitation file. The joining device signs its own key with that secret
-- (`endorsement`), naming the member it speaks for, so every replica can check that a lead
-- let this device in and whom it writes as. The founding device is each replica's trust root.
ALTER TABLE devices ADD COLUMN member_id TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN invitation_id TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN endorsement TEXT NOT NULL DEFAULT '';

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    public_key  TEXT NOT NULL DEFAULT '',
    member_id   TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT ''
) STRICT;
