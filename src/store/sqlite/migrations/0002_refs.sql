-- mou schema, version 2: refs compared normalized, and refs never given out twice.

-- The normalized ref (NFKC, full case folding, invisible characters removed), NULL when the
-- ref is ASCII: its form is then lower(ref). Uniqueness and lookups go through the index on
-- coalesce(ref_norm, lower(ref)), so ASCII refs (every generated one) cost no extra column.
ALTER TABLE agreement ADD COLUMN ref_norm TEXT;
UPDATE agreement SET ref_norm = mou_ref_norm(ref) WHERE mou_ref_norm(ref) IS NOT NULL;
-- Refs that the old rules told apart but the new ones do not (MOU-É in NFC and in NFD) keep
-- their rows: all but the first get a form no lookup produces, and `mou check` lists them.
-- (Only a registry with a ref beyond ASCII can hold such a pair: ASCII refs were compared
-- without case before as well.)
UPDATE agreement SET ref_norm = coalesce(ref_norm, lower(ref)) || char(0) || id
 WHERE EXISTS (SELECT 1 FROM agreement WHERE ref_norm IS NOT NULL)
   AND id NOT IN (SELECT min(id) FROM agreement GROUP BY coalesce(ref_norm, lower(ref)));
DROP INDEX agreement_ref;
-- Same name as before, so that a bulk import drops and rebuilds it as it did.
CREATE UNIQUE INDEX agreement_ref ON agreement (coalesce(ref_norm, lower(ref)));

-- The highest sequence number given out per prefix and year ("MOU-2026" -> 6), so that the
-- ref of a removed agreement is never generated again. Seeded from the refs in the registry
-- and in history when this migration runs.
CREATE TABLE ref_mark (
    prefix TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL
) WITHOUT ROWID;
