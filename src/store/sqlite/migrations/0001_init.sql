-- mou schema, version 1. Dates are ISO YYYY-MM-DD text so other SQLite tools read them as they are.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE partner (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    -- normalized name (see src/text.rs); rebuilt when meta.norm_version changes
    name_norm  TEXT NOT NULL UNIQUE,
    -- letters and digits only, for near-duplicate warnings ("Mines-Telecom" ~ "Mines -Telecom")
    name_loose TEXT NOT NULL,
    -- CHECKs spell the vocabularies out with OR: `IN (...)` builds a temporary index per row.
    category   TEXT NOT NULL CHECK (category = 'government' OR category = 'intergovernmental'
                 OR category = 'academic' OR category = 'religious' OR category = 'ngo'
                 OR category = 'grassroots' OR category = 'other'),
    country    TEXT CHECK (country IS NULL OR length(country) = 2),
    website    TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE partner_alias (
    partner_id INTEGER NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    alias      TEXT NOT NULL,
    alias_norm TEXT NOT NULL,
    alias_loose TEXT NOT NULL,
    PRIMARY KEY (partner_id, position)
) WITHOUT ROWID;
CREATE INDEX partner_alias_norm ON partner_alias (alias_norm);
CREATE INDEX partner_alias_loose ON partner_alias (alias_loose);
CREATE INDEX partner_name_loose ON partner (name_loose);

CREATE TABLE agreement (
    id                 INTEGER PRIMARY KEY,
    ref                TEXT NOT NULL COLLATE NOCASE,
    kind               TEXT NOT NULL CHECK (kind = 'mou' OR kind = 'agreement' OR kind = 'loi' OR kind = 'other'),
    title              TEXT NOT NULL DEFAULT '',
    signed_on          TEXT,
    effective_on       TEXT,
    expires_on         TEXT,
    terminated_on      TEXT,
    termination_reason TEXT,
    notice_days        INTEGER CHECK (notice_days IS NULL OR notice_days >= 0),
    renews             TEXT,
    -- ';'-joined ascending SDG numbers and ';'-joined tags, exactly as exported
    sdgs               TEXT NOT NULL DEFAULT '',
    tags               TEXT NOT NULL DEFAULT '',
    notes              TEXT,
    document           TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (signed_on IS NOT NULL OR (effective_on IS NULL AND terminated_on IS NULL))
);
-- A named index rather than a column constraint, so that a bulk import can build it once at the end.
CREATE UNIQUE INDEX agreement_ref ON agreement (ref);
CREATE INDEX agreement_renews ON agreement (renews) WHERE renews IS NOT NULL;

CREATE TABLE agreement_party (
    agreement_id INTEGER NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    partner_id   INTEGER NOT NULL REFERENCES partner (id),
    PRIMARY KEY (agreement_id, position)
) WITHOUT ROWID;
CREATE INDEX agreement_party_partner ON agreement_party (partner_id, agreement_id);

-- The audit trail: one row per change, chained by hash (see src/db/history.rs).
CREATE TABLE history (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    entity_key TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    hash       TEXT NOT NULL
);
CREATE INDEX history_entity ON history (entity, entity_key);
