-- mou schema, version 4: each history row carries a digest of its content, and the hash chain
-- covers the digests rather than the content, so that personal data can be erased from a row
-- (`mou forget contact`) while the chain still verifies. See src/store/sqlite/history.rs.
--
-- digest: hex SHA-256 of the row's content: its fields, and the SHA-256 of `before` and of
--         `after` (the "parts").
-- sealed: NULL; for a row whose before/after were erased, the two parts of its content as it
--         was ("<before part> <after part>"), so that the rest of the row is still checked.
-- The hashes of the rows already there are recomputed once by mou after this script (the old
-- chain is verified first; a break found then is kept in meta as 'history_broken').
ALTER TABLE history ADD COLUMN digest TEXT;
ALTER TABLE history ADD COLUMN sealed TEXT;
