-- mou on PostgreSQL, schema version 1: the tables of the SQLite store's schema 4, in the
-- schema `mou`. Dates are DATE; yes/no columns BOOLEAN; text compares and sorts bytewise
-- (COLLATE "C"), as in a registry file; lists are ';'-joined as they are exported. The
-- vocabularies and rules are CHECK constraints and foreign keys, so that the database refuses
-- a bad row whoever writes it. Ids are given by mou (the largest + 1, under the writers' lock),
-- as SQLite gives them, so that a command prints the same ids on either store.
CREATE SCHEMA IF NOT EXISTS mou;

-- ISO 3166-1 alpha-2, as src/country.rs lists them.
CREATE FUNCTION mou.iso_country(code TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE
    RETURN code IN (
        'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
        'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS',
        'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN',
        'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE',
        'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF',
        'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM',
        'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM',
        'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC',
        'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK',
        'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA',
        'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG',
        'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW',
        'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS',
        'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO',
        'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI',
        'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW');

CREATE TABLE mou.meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE mou.partner (
    id         BIGINT PRIMARY KEY,
    key        TEXT COLLATE "C" NOT NULL UNIQUE,
    name       TEXT COLLATE "C" NOT NULL,
    name_norm  TEXT COLLATE "C" NOT NULL UNIQUE,
    name_loose TEXT COLLATE "C" NOT NULL,
    category   TEXT COLLATE "C" NOT NULL CHECK (category IN ('government', 'intergovernmental',
                 'academic', 'religious', 'ngo', 'grassroots', 'other')),
    country    TEXT COLLATE "C" CHECK (mou.iso_country(country)),
    website    TEXT COLLATE "C",
    notes      TEXT COLLATE "C",
    public     BOOLEAN NOT NULL DEFAULT false,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX partner_name_loose ON mou.partner (name_loose);

CREATE TABLE mou.partner_alias (
    partner_id  BIGINT NOT NULL REFERENCES mou.partner (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    alias       TEXT COLLATE "C" NOT NULL,
    alias_norm  TEXT COLLATE "C" NOT NULL,
    alias_loose TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (partner_id, position)
);
CREATE INDEX partner_alias_norm ON mou.partner_alias (alias_norm);
CREATE INDEX partner_alias_loose ON mou.partner_alias (alias_loose);

CREATE TABLE mou.agreement (
    id                 BIGINT PRIMARY KEY,
    ref                TEXT COLLATE "C" NOT NULL,
    -- the compared form of the ref (model::ref_key), and of `renews`
    ref_key            TEXT COLLATE "C" NOT NULL UNIQUE,
    kind               TEXT COLLATE "C" NOT NULL CHECK (kind IN ('mou', 'agreement', 'loi', 'other')),
    title              TEXT COLLATE "C" NOT NULL DEFAULT '',
    -- the normalized title, for searches
    title_norm         TEXT COLLATE "C" NOT NULL DEFAULT '',
    signed_on          DATE,
    effective_on       DATE,
    expires_on         DATE,
    terminated_on      DATE,
    termination_reason TEXT COLLATE "C",
    notice_days        INTEGER CHECK (notice_days >= 0),
    renews             TEXT COLLATE "C",
    renews_key         TEXT COLLATE "C",
    sdgs               TEXT COLLATE "C" NOT NULL DEFAULT ''
                         CHECK (sdgs ~ '^(([1-9]|1[0-7])(;([1-9]|1[0-7]))*)?$'),
    tags               TEXT COLLATE "C" NOT NULL DEFAULT '',
    notes              TEXT COLLATE "C",
    document           TEXT COLLATE "C",
    created_at         TEXT COLLATE "C" NOT NULL,
    updated_at         TEXT COLLATE "C" NOT NULL,
    CHECK (signed_on IS NOT NULL OR (effective_on IS NULL AND terminated_on IS NULL)),
    CHECK (expires_on >= signed_on AND expires_on >= effective_on),
    CHECK ((renews IS NULL) = (renews_key IS NULL))
);
CREATE INDEX agreement_renews ON mou.agreement (renews_key) WHERE renews_key IS NOT NULL;

CREATE TABLE mou.agreement_party (
    agreement_id BIGINT NOT NULL REFERENCES mou.agreement (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    partner_id   BIGINT NOT NULL REFERENCES mou.partner (id),
    PRIMARY KEY (agreement_id, position)
);
CREATE INDEX agreement_party_partner ON mou.agreement_party (partner_id, agreement_id);

-- The highest sequence number given out per prefix and year ("MOU-2026" -> 6).
CREATE TABLE mou.ref_mark (
    prefix TEXT COLLATE "C" PRIMARY KEY,
    seq    BIGINT NOT NULL
);

CREATE TABLE mou.engagement (
    id           BIGINT PRIMARY KEY,
    ref          TEXT COLLATE "C" NOT NULL,
    ref_key      TEXT COLLATE "C" NOT NULL UNIQUE,
    kind         TEXT COLLATE "C" NOT NULL DEFAULT 'other' CHECK (kind IN ('meeting', 'workshop',
                   'training', 'conference', 'side-event', 'visit', 'advisory', 'campaign',
                   'publication', 'other')),
    title        TEXT COLLATE "C" NOT NULL,
    title_norm   TEXT COLLATE "C" NOT NULL DEFAULT '',
    starts_on    DATE NOT NULL,
    ends_on      DATE NOT NULL,
    place        TEXT COLLATE "C",
    place_norm   TEXT COLLATE "C" NOT NULL DEFAULT '',
    country      TEXT COLLATE "C" CHECK (mou.iso_country(country)),
    agreement_id BIGINT REFERENCES mou.agreement (id),
    part_of_id   BIGINT REFERENCES mou.engagement (id),
    sdgs         TEXT COLLATE "C" NOT NULL DEFAULT ''
                         CHECK (sdgs ~ '^(([1-9]|1[0-7])(;([1-9]|1[0-7]))*)?$'),
    tags         TEXT COLLATE "C" NOT NULL DEFAULT '',
    participants INTEGER CHECK (participants >= 0),
    outcome      TEXT COLLATE "C",
    notes        TEXT COLLATE "C",
    document     TEXT COLLATE "C",
    cancelled    BOOLEAN NOT NULL DEFAULT false,
    public       BOOLEAN NOT NULL DEFAULT false,
    created_at   TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX engagement_starts ON mou.engagement (starts_on);
CREATE INDEX engagement_agreement ON mou.engagement (agreement_id) WHERE agreement_id IS NOT NULL;
CREATE INDEX engagement_part_of ON mou.engagement (part_of_id) WHERE part_of_id IS NOT NULL;

CREATE TABLE mou.engagement_partner (
    engagement_id BIGINT NOT NULL REFERENCES mou.engagement (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    partner_id    BIGINT NOT NULL REFERENCES mou.partner (id),
    PRIMARY KEY (engagement_id, position)
);
CREATE INDEX engagement_partner_partner ON mou.engagement_partner (partner_id, engagement_id);

-- A contact's id is never reused: meta 'contact_id_mark' keeps the largest ever given.
CREATE TABLE mou.contact (
    id          BIGINT PRIMARY KEY,
    partner_id  BIGINT NOT NULL REFERENCES mou.partner (id),
    name        TEXT COLLATE "C" NOT NULL,
    name_norm   TEXT COLLATE "C" NOT NULL,
    role        TEXT COLLATE "C",
    role_norm   TEXT COLLATE "C" NOT NULL DEFAULT '',
    email       TEXT COLLATE "C",
    email_norm  TEXT COLLATE "C" NOT NULL DEFAULT '',
    phone       TEXT COLLATE "C",
    languages   TEXT COLLATE "C" NOT NULL DEFAULT '',
    is_primary  BOOLEAN NOT NULL DEFAULT false,
    since       DATE,
    until       DATE,
    notes       TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    forgotten   TEXT COLLATE "C",
    CHECK (until >= since)
);
CREATE INDEX contact_partner ON mou.contact (partner_id);
CREATE INDEX contact_email ON mou.contact (lower(email)) WHERE email IS NOT NULL;

-- The audit trail, chained by hash over content digests (src/store/chain.rs). db_user is the
-- database role that wrote the row, which no client chooses (it is outside the digest, so a
-- history copied to a file verifies there too).
CREATE TABLE mou.history (
    id         BIGINT PRIMARY KEY,
    at         TEXT COLLATE "C" NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    entity     TEXT COLLATE "C" NOT NULL,
    entity_id  BIGINT,
    entity_key TEXT COLLATE "C" NOT NULL,
    before     TEXT COLLATE "C",
    after      TEXT COLLATE "C",
    hash       TEXT COLLATE "C" NOT NULL,
    digest     TEXT COLLATE "C",
    sealed     TEXT COLLATE "C",
    db_user    TEXT COLLATE "C" NOT NULL DEFAULT current_user
);
CREATE INDEX history_entity ON mou.history (entity, entity_key);
CREATE INDEX history_entity_id ON mou.history (entity, entity_id);

-- db_user is always the role of the session writing the row, whatever an INSERT says.
CREATE FUNCTION mou.history_db_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.db_user := current_user;
    RETURN NEW;
END $$;
CREATE TRIGGER history_db_user BEFORE INSERT OR UPDATE ON mou.history
    FOR EACH ROW EXECUTE FUNCTION mou.history_db_user();
