-- Why: signs of membership (the Artefacts issue): badge definitions, awards that keep a
-- snapshot of the definition and a signed Open Badges credential (sealed to the leads and the
-- member until the member shows it), what members show on their profiles (public, with the
-- credential so any laptop can check it), and the keys the community issues with.
CREATE TABLE badge_issuers (
    id         TEXT PRIMARY KEY,
    author     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    did        TEXT NOT NULL DEFAULT '',
    secret     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE badges (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    criteria    TEXT NOT NULL DEFAULT '',
    image       TEXT NOT NULL DEFAULT '',
    requestable INTEGER NOT NULL DEFAULT 0,
    rule        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE badge_awards (
    id             TEXT PRIMARY KEY,
    author         TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    badge_id       TEXT NOT NULL DEFAULT '',
    member_id      TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'offered',
    source         TEXT NOT NULL DEFAULT 'manual',
    snapshot       TEXT NOT NULL DEFAULT '',
    credential     TEXT NOT NULL DEFAULT '',
    awarded_at     INTEGER NOT NULL DEFAULT 0,
    revoked_reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX badge_awards_by_badge ON badge_awards (badge_id);
CREATE INDEX badge_awards_by_member ON badge_awards (member_id);

CREATE TABLE badge_showcase (
    id         TEXT PRIMARY KEY,
    author     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    badge_id   TEXT NOT NULL DEFAULT '',
    member_id  TEXT NOT NULL DEFAULT '',
    issuer_id  TEXT NOT NULL DEFAULT '',
    credential TEXT NOT NULL DEFAULT '',
    shown      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX badge_showcase_by_member ON badge_showcase (member_id);

-- A credential a lead revoked, by its id: public, so every laptop stops showing it whatever
-- order the revocation and a member's answer arrive in (an Open Badges status list, in a table).
CREATE TABLE badge_revocations (
    id            TEXT PRIMARY KEY,
    author        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    credential_id TEXT NOT NULL DEFAULT ''
) STRICT;
