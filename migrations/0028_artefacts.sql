-- Why: the community's artefacts and their stories (the Artefacts issue): songs, mascots,
-- logos, garments, signs, objects and documents, with several members' accounts side by side,
-- versions (the 2019 and the 2023 t-shirt), their files, and the sizes members want of a
-- garment (sealed to the leads and that member).
CREATE TABLE artefacts (
    id               TEXT PRIMARY KEY,
    author           TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL DEFAULT 0,
    updated_at       INTEGER NOT NULL DEFAULT 0,
    deleted          INTEGER NOT NULL DEFAULT 0,
    kind             TEXT NOT NULL DEFAULT 'other',
    name             TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL DEFAULT '',
    creators         TEXT NOT NULL DEFAULT '[]',
    contributors     TEXT NOT NULL DEFAULT '[]',
    original_date    TEXT NOT NULL DEFAULT '',
    date_description TEXT NOT NULL DEFAULT '',
    origin           TEXT NOT NULL DEFAULT '',
    keywords         TEXT NOT NULL DEFAULT '[]',
    moments          TEXT NOT NULL DEFAULT '[]',
    rituals          TEXT NOT NULL DEFAULT '[]',
    lyrics           TEXT NOT NULL DEFAULT '',
    credits          TEXT NOT NULL DEFAULT '[]',
    visibility       TEXT NOT NULL DEFAULT 'community'
) STRICT;

CREATE TABLE artefact_files (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    artefact_id TEXT NOT NULL DEFAULT '',
    version_id  TEXT NOT NULL DEFAULT '',
    hash        TEXT NOT NULL DEFAULT '',
    format      TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT 'document',
    name        TEXT NOT NULL DEFAULT '',
    bytes       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX artefact_files_by_artefact ON artefact_files (artefact_id);
CREATE INDEX artefact_files_by_hash ON artefact_files (hash);

CREATE TABLE artefact_accounts (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    artefact_id TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    hidden      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX artefact_accounts_by_artefact ON artefact_accounts (artefact_id);

CREATE TABLE artefact_versions (
    id          TEXT PRIMARY KEY,
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    artefact_id TEXT NOT NULL DEFAULT '',
    label       TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'idea',
    sizes       TEXT NOT NULL DEFAULT '[]',
    decision_id TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX artefact_versions_by_artefact ON artefact_versions (artefact_id);

CREATE TABLE merch_orders (
    id         TEXT PRIMARY KEY,
    author     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    version_id TEXT NOT NULL DEFAULT '',
    member_id  TEXT NOT NULL DEFAULT '',
    size       TEXT NOT NULL DEFAULT '',
    count      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX merch_orders_by_version ON merch_orders (version_id);
