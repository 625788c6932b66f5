-- mou schema, version 3: engagements (joint events and activities with partners), contacts
-- (focal points at partners: personal data) and whether a partner may be named in public.
-- Yes/no columns are 0/1 integers; lists are ';'-joined as in agreements; dates ISO text.

ALTER TABLE partner ADD COLUMN public INTEGER NOT NULL DEFAULT 0
    CHECK (public = 0 OR public = 1);

CREATE TABLE engagement (
    id           INTEGER PRIMARY KEY,
    ref          TEXT NOT NULL,
    -- as agreement.ref_norm: NULL when the ref is ASCII (its form is then lower(ref))
    ref_norm     TEXT,
    kind         TEXT NOT NULL DEFAULT 'other' CHECK (kind = 'meeting' OR kind = 'workshop'
                   OR kind = 'training' OR kind = 'conference' OR kind = 'side-event'
                   OR kind = 'visit' OR kind = 'advisory' OR kind = 'campaign'
                   OR kind = 'publication' OR kind = 'other'),
    title        TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    place        TEXT,
    country      TEXT CHECK (country IS NULL OR length(country) = 2),
    -- the agreement it was held under, and the engagement (series) it belongs to
    agreement_id INTEGER REFERENCES agreement (id),
    part_of_id   INTEGER REFERENCES engagement (id),
    sdgs         TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '',
    participants INTEGER CHECK (participants IS NULL OR participants >= 0),
    outcome      TEXT,
    notes        TEXT,
    document     TEXT,
    cancelled    INTEGER NOT NULL DEFAULT 0 CHECK (cancelled = 0 OR cancelled = 1),
    public       INTEGER NOT NULL DEFAULT 0 CHECK (public = 0 OR public = 1),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE UNIQUE INDEX engagement_ref ON engagement (coalesce(ref_norm, lower(ref)));
CREATE INDEX engagement_starts ON engagement (starts_on);
CREATE INDEX engagement_agreement ON engagement (agreement_id) WHERE agreement_id IS NOT NULL;
CREATE INDEX engagement_part_of ON engagement (part_of_id) WHERE part_of_id IS NOT NULL;

CREATE TABLE engagement_partner (
    engagement_id INTEGER NOT NULL REFERENCES engagement (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    partner_id    INTEGER NOT NULL REFERENCES partner (id),
    PRIMARY KEY (engagement_id, position)
) WITHOUT ROWID;
CREATE INDEX engagement_partner_partner ON engagement_partner (partner_id, engagement_id);

-- AUTOINCREMENT: a contact's id is never reused once removed, so that history (which names a
-- contact by id, never by its personal data) stays about one person.
CREATE TABLE contact (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id  INTEGER NOT NULL REFERENCES partner (id),
    name        TEXT NOT NULL,
    -- normalized name, for `PARTNER:NAME` lookups
    name_norm   TEXT NOT NULL,
    role        TEXT,
    email       TEXT,
    phone       TEXT,
    -- ';'-joined ISO 639-1 codes
    languages   TEXT NOT NULL DEFAULT '',
    is_primary  INTEGER NOT NULL DEFAULT 0 CHECK (is_primary = 0 OR is_primary = 1),
    since       TEXT,
    until       TEXT,
    notes       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- when `mou forget contact` erased its personal data (name, email, phone, notes)
    forgotten   TEXT,
    CHECK (since IS NULL OR until IS NULL OR until >= since)
);
CREATE INDEX contact_partner ON contact (partner_id);
CREATE INDEX contact_email ON contact (lower(email)) WHERE email IS NOT NULL;
