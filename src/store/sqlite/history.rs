//! The audit trail. Each row's hash covers its content and the previous row's hash, so an
//! edited or deleted row breaks the chain from there on.

use rusqlite::types::{Type, ValueRef};
use rusqlite::{params, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use super::Store;
use crate::error::{Error, Result};
use crate::store::Change;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub entity_key: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub rows: u64,
    /// The id of the first row whose hash does not match, and why.
    pub first_broken: Option<(i64, String)>,
}

fn chain_hash(prev: &str, e: &HistoryEntry) -> String {
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

const COLUMNS: &str = "id, at, actor, action, entity, entity_id, entity_key, before, after, hash";

impl Store {
    /// Appends one history row; call inside the write's transaction.
    pub fn record(&self, c: Change) -> Result<()> {
        let prev: String = self
            .conn
            .query_row(
                "SELECT hash FROM history ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        let mut e = HistoryEntry {
            id: 0,
            at: c.at.to_string(),
            actor: c.actor.to_string(),
            action: c.action.as_str().to_string(),
            entity: c.entity.as_str().to_string(),
            entity_id: c.entity_id,
            entity_key: c.entity_key.to_string(),
            before: c.before.map(|v| v.to_string()),
            after: c.after.map(|v| v.to_string()),
            hash: String::new(),
        };
        e.hash = chain_hash(&prev, &e);
        self.conn
            .prepare_cached(
                "INSERT INTO history (at, actor, action, entity, entity_id, entity_key, before, after, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                e.hash
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
        mut f: impl FnMut(i64, Result<HistoryEntry, String>) -> Result<()>,
    ) -> Result<()> {
        let (sql, p): (String, Vec<rusqlite::types::Value>) = match about {
            None => (format!("SELECT {COLUMNS} FROM history ORDER BY id"), vec![]),
            Some((entity, id, key)) => (
                format!(
                    "SELECT {COLUMNS} FROM history WHERE entity = ?1 AND (entity_id = ?2 OR entity_key = ?3)
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

    /// Recomputes the hash chain and names the first row that does not match.
    pub fn verify_history(&self) -> Result<Verification> {
        let mut prev = String::new();
        let mut rows = 0u64;
        let mut expected_id = None::<i64>;
        let mut broken = None;
        self.for_each_history_row(None, |id, entry| {
            rows += 1;
            if broken.is_none() {
                if let Some(want) = expected_id {
                    if id != want {
                        broken = Some((id, format!("rows {want}..{} are missing", id - 1)));
                    }
                }
            }
            match entry {
                Ok(e) => {
                    if broken.is_none() && chain_hash(&prev, &e) != e.hash {
                        broken = Some((id, "its content or the row before it was changed".into()));
                    }
                    prev = e.hash;
                }
                Err(why) => {
                    if broken.is_none() {
                        broken = Some((id, why));
                    }
                    prev = String::new();
                }
            }
            expected_id = Some(id + 1);
            Ok(())
        })?;
        Ok(Verification {
            rows,
            first_broken: broken,
        })
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
