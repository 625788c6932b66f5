//! The audit trail, chained by hash over content digests (schema 4).
//!
//! Each row stores a *digest* of its content: SHA-256 over its fields (at, actor, action,
//! entity, entity_id, entity_key) and over the SHA-256 of `before` and of `after` (its two
//! *parts*). The chain hashes the digests: `hash = SHA-256(previous hash, digest)`. So `--verify`
//! checks two things: that each row's hash follows from the row before it and its digest (the
//! chain), and that each row's content gives its digest. Personal data can then be erased from
//! a row's before/after (`mou forget contact`) without breaking the chain: the erased row keeps
//! its original parts in `sealed`, so its other fields are still checked against the digest,
//! and the forget row that erased it (itself chained and checked) lists its id. A row marked
//! sealed that no later forget row names is reported as broken.
//!
//! Schema 3 and before chained the content itself (`hash = SHA-256(previous hash, fields,
//! before, after)`); the upgrade to 4 verifies that old chain first, then computes digests and
//! the new hashes. A chain already broken then is not made whole by the upgrade: the break is
//! kept in meta (`history_broken`) and `--verify` reports it from then on.

use rusqlite::types::{Type, ValueRef};
use rusqlite::{params, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use super::Store;
use crate::error::{Error, Result};
use crate::store::chain::{
    chain_hash, content_digest, erased, erased_ids, new_entry, parts, Verifier, BROKEN_KEY,
};
pub use crate::store::chain::{HistoryEntry, Verification, ERASED_ROWS};
use crate::store::Change;

/// The chain of schema 3 and before: the hash covers the content itself. Kept to verify an
/// old chain before its upgrade.
fn chain_hash_v1(prev: &str, e: &HistoryEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &e.at,
        &e.actor,
        &e.action,
        &e.entity,
        &e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
        &e.entity_key,
        e.before.as_deref().unwrap_or("\u{0}"),
        e.after.as_deref().unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A row as stored, or why it cannot be one: a column holding the wrong type (a BLOB put there
/// with the sqlite3 shell) is named, so that `--verify` reports the row as tampered with.
fn entry_from_row(r: &Row) -> rusqlite::Result<(i64, Result<HistoryEntry, String>)> {
    let id: i64 = r.get(0)?;
    let text = |i: usize, name: &str| -> Result<String, String> {
        match r.get_ref(i) {
            Ok(ValueRef::Text(t)) => String::from_utf8(t.to_vec())
                .map_err(|_| format!("column {name} holds text that is not UTF-8")),
            Ok(v) => Err(wrong_type(name, v, "text")),
            Err(e) => Err(format!("column {name} cannot be read ({e})")),
        }
    };
    let optional = |i: usize, name: &str| -> Result<Option<String>, String> {
        match r.get_ref(i) {
            Ok(ValueRef::Null) => Ok(None),
            _ => text(i, name).map(Some),
        }
    };
    let entity_id = match r.get_ref(5)? {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(n)),
        v => Err(wrong_type("entity_id", v, "a whole number")),
    };
    let entry = (|| {
        Ok(HistoryEntry {
            id,
            at: text(1, "at")?,
            actor: text(2, "actor")?,
            action: text(3, "action")?,
            entity: text(4, "entity")?,
            entity_id: entity_id?,
            entity_key: text(6, "entity_key")?,
            before: optional(7, "before")?,
            after: optional(8, "after")?,
            hash: text(9, "hash")?,
            digest: optional(10, "digest")?,
            sealed: optional(11, "sealed")?,
        })
    })();
    Ok((id, entry))
}

fn wrong_type(column: &str, v: ValueRef, expected: &str) -> String {
    let found = match v.data_type() {
        Type::Null => "NULL",
        Type::Integer => "an integer",
        Type::Real => "a real number",
        Type::Text => "text",
        Type::Blob => "a BLOB",
    };
    format!("column {column} holds {found}, not {expected}")
}

const COLUMNS: &str =
    "id, at, actor, action, entity, entity_id, entity_key, before, after, hash, digest, sealed";

/// The columns of schema 3, for the upgrade.
const COLUMNS_V1: &str =
    "id, at, actor, action, entity, entity_id, entity_key, before, after, hash, NULL, NULL";

impl Store {
    /// Appends one history row; call inside the write's transaction.
    pub fn record(&self, c: Change) -> Result<()> {
        let prev: String = self
            .conn
            .prepare_cached("SELECT hash FROM history ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        let e = new_entry(c, &prev);
        self.conn
            .prepare_cached(
                "INSERT INTO history (at, actor, action, entity, entity_id, entity_key, before, after, hash, digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                e.at,
                e.actor,
                e.action,
                e.entity,
                e.entity_id,
                e.entity_key,
                e.before,
                e.after,
                e.hash,
                e.digest
            ])?;
        Ok(())
    }

    /// History rows, oldest first; with `about`, only those of one entity (by id while it
    /// exists, by key or ref for removed ones). A row whose columns hold the wrong types is
    /// an error naming it.
    pub fn for_each_history(
        &self,
        about: Option<(&str, Option<i64>, &str)>,
        mut f: impl FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()> {
        self.for_each_history_row(about, |id, entry| match entry {
            Ok(e) => f(e),
            Err(why) => Err(Error::registry(format!(
                "history row {id} was changed outside mou: {why}"
            ))
            .with_hint("run `mou history --verify`")),
        })
    }

    /// Like [`Store::for_each_history`], but each row as read: an entry or why it is not one.
    fn for_each_history_row(
        &self,
        about: Option<(&str, Option<i64>, &str)>,
        f: impl FnMut(i64, Result<HistoryEntry, String>) -> Result<()>,
    ) -> Result<()> {
        self.scan_history_rows(COLUMNS, about, f)
    }

    fn scan_history_rows(
        &self,
        columns: &str,
        about: Option<(&str, Option<i64>, &str)>,
        mut f: impl FnMut(i64, Result<HistoryEntry, String>) -> Result<()>,
    ) -> Result<()> {
        let (sql, p): (String, Vec<rusqlite::types::Value>) = match about {
            None => (format!("SELECT {columns} FROM history ORDER BY id"), vec![]),
            Some((entity, id, key)) => (
                format!(
                    "SELECT {columns} FROM history WHERE entity = ?1 AND (entity_id = ?2 OR entity_key = ?3)
                     ORDER BY id"
                ),
                vec![
                    entity.to_string().into(),
                    id.map(rusqlite::types::Value::Integer)
                        .unwrap_or(rusqlite::types::Value::Null),
                    key.to_string().into(),
                ],
            ),
        };
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(p.iter()))?;
        while let Some(r) = rows.next()? {
            let (id, entry) = entry_from_row(r)?;
            f(id, entry)?;
        }
        Ok(())
    }

    /// The history rows of one record, by its id (also once it is removed), oldest first.
    pub fn history_of(
        &self,
        entity: &str,
        id: i64,
        mut f: impl FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {COLUMNS} FROM history WHERE entity = ?1 AND entity_id = ?2 ORDER BY id"
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(params![entity, id])?;
        while let Some(r) = rows.next()? {
            match entry_from_row(r)? {
                (_, Ok(e)) => f(e)?,
                (id, Err(why)) => {
                    return Err(Error::registry(format!(
                        "history row {id} was changed outside mou: {why}"
                    ))
                    .with_hint("run `mou history --verify`"))
                }
            }
        }
        Ok(())
    }

    /// The ids of the rows that forget rows say they erased. A forget row is trusted for this
    /// only as far as the chain and its own digest check out, which [`Store::verify_history`]
    /// checks on the same pass.
    fn erased_by_forget_rows(&self) -> Result<std::collections::HashSet<i64>> {
        let mut ids = std::collections::HashSet::new();
        let mut st = self.conn.prepare(
            "SELECT after FROM history WHERE action = 'forget' AND typeof(after) = 'text'",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let after: String = r.get(0)?;
            erased_ids(&after, &mut ids);
        }
        Ok(ids)
    }

    /// Checks the hash chain and every row's content against its digest, and names the first
    /// row that does not match (or the break kept from before the upgrade to schema 4).
    pub fn verify_history(&self) -> Result<Verification> {
        let kept: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [BROKEN_KEY], |r| {
                r.get(0)
            })
            .optional()?;
        let mut verifier = Verifier::new(self.erased_by_forget_rows()?);
        self.for_each_history_row(None, |id, entry| {
            verifier.row(id, entry.as_ref().map_err(Clone::clone));
            Ok(())
        })?;
        Ok(verifier.finish(kept))
    }

    /// The upgrade to schema 4 (inside its migration's transaction): verifies the old chain,
    /// then gives every row its digest and its hash in the new chain. A break in the old chain
    /// is kept in meta, so that the new hashes never make a tampered history look whole.
    pub(super) fn upgrade_history_chain(&self) -> Result<()> {
        let mut prev_v1 = String::new();
        let mut expected_id = None::<i64>;
        let mut broken: Option<(i64, String)> = None;
        let mut new_rows: Vec<(i64, String, String)> = Vec::new();
        let mut prev = String::new();
        self.scan_history_rows(COLUMNS_V1, None, |id, entry| {
            if broken.is_none() {
                if let Some(want) = expected_id {
                    if id != want {
                        broken = Some((id, format!("rows {want}..{} are missing", id - 1)));
                    }
                }
            }
            expected_id = Some(id + 1);
            let digest = match entry {
                Ok(e) => {
                    let (b, a) = parts(&e);
                    let digest = content_digest(&e, (&b, &a));
                    // A row chained the new way already (written by this mou into a file
                    // whose schema version was set back) is as sound as one chained the old.
                    let sound = chain_hash_v1(&prev_v1, &e) == e.hash
                        || chain_hash(&prev, &digest) == e.hash;
                    if broken.is_none() && !sound {
                        broken = Some((id, "its content or the row before it was changed".into()));
                    }
                    prev_v1 = e.hash.clone();
                    digest
                }
                Err(why) => {
                    if broken.is_none() {
                        broken = Some((id, why));
                    }
                    prev_v1 = String::new();
                    String::new()
                }
            };
            let hash = chain_hash(&prev, &digest);
            prev = hash.clone();
            new_rows.push((id, digest, hash));
            Ok(())
        })?;
        let mut st = self
            .conn
            .prepare("UPDATE history SET digest = ?2, hash = ?3 WHERE id = ?1")?;
        for (id, digest, hash) in new_rows {
            st.execute(params![id, digest, hash])?;
        }
        if let Some((id, why)) = broken {
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![BROKEN_KEY, format!("{id} {why}")],
            )?;
        }
        Ok(())
    }

    /// Erases `fields` from the before/after JSON of every history row of one record (inside
    /// the forget's transaction): each changed row keeps its original parts in `sealed`, so
    /// that its digest and the chain still verify once the forget row names it. Freed and
    /// rewritten space is zeroed from here on (`secure_delete`). Returns the ids of the rows
    /// changed, for the forget row to list under [`ERASED_ROWS`].
    pub fn erase_history(&self, entity: &str, id: i64, fields: &[&str]) -> Result<Vec<i64>> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let mut rows = Vec::new();
        self.history_of(entity, id, |e| {
            rows.push(e);
            Ok(())
        })?;
        let mut changed = Vec::new();
        let mut st = self
            .conn
            .prepare("UPDATE history SET before = ?2, after = ?3, sealed = ?4 WHERE id = ?1")?;
        for e in rows {
            if let Some((before, after, sealed)) = erased(&e, fields) {
                st.execute(params![e.id, before, after, sealed])?;
                changed.push(e.id);
            }
        }
        Ok(changed)
    }

    /// After an erasure is committed: the WAL is copied into the file and emptied, and the
    /// file rebuilt (VACUUM), so that no earlier version of the erased rows stays in the WAL,
    /// in freed pages or in the free space of pages. Returns what could not be done (another
    /// process reading holds the WAL), for a warning.
    pub fn purge_erased(&self) -> Result<Option<String>> {
        if self.path.is_none() {
            return Ok(None);
        }
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        let checkpoint = |conn: &rusqlite::Connection| -> Result<bool> {
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            Ok(busy == 0)
        };
        let first = checkpoint(&self.conn)?;
        self.conn.execute_batch("VACUUM")?;
        let second = checkpoint(&self.conn)?;
        Ok((!(first && second)).then(|| {
            "another process has the registry open, so earlier copies of the erased data may stay in its write-ahead log until it closes; run `mou check` when it has".to_string()
        }))
    }

    #[cfg(test)]
    pub(crate) fn tamper_history(&self, id: i64, actor: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE history SET actor = ?2 WHERE id = ?1",
            params![id, actor],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Action, Entity};
    use serde_json::json;

    fn change(key: &str) -> Change<'_> {
        Change {
            at: "2026-11-29T10:00:00Z",
            actor: "tester",
            action: Action::Add,
            entity: Entity::Partner,
            entity_id: Some(1),
            entity_key: key,
            before: None,
            after: Some(json!({"key": key})),
        }
    }

    #[test]
    fn chain_verifies_and_detects_tampering() {
        let mut s = Store::open_in_memory().unwrap();
        s.write(|s| {
            s.record(change("a"))?;
            s.record(change("b"))?;
            s.record(change("c"))
        })
        .unwrap();
        let v = s.verify_history().unwrap();
        assert_eq!(
            v,
            Verification {
                rows: 3,
                first_broken: None
            }
        );
        s.tamper_history(2, "mallory").unwrap();
        let v = s.verify_history().unwrap();
        assert_eq!(v.first_broken.map(|b| b.0), Some(2));
    }
}
