//! The history chain every store keeps (see the README, "How history still verifies"): each
//! row's content digest and the hash chain over the digests, and the check `--verify` makes.
//! Pure functions over [`HistoryEntry`]s, so that every store computes the same hashes and a
//! copied history verifies in the copy.

use sha2::{Digest, Sha256};

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
    /// The digest of the content (None only in a row that predates schema 4 and its upgrade).
    pub digest: Option<String>,
    /// The original parts of a row whose before/after were erased.
    pub sealed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub rows: u64,
    /// The id of the first row whose hash does not match, and why.
    pub first_broken: Option<(i64, String)>,
}

pub fn sha_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The digest of a before or after value: what the row's digest covers of it.
pub fn part(v: Option<&str>) -> String {
    sha_hex(&[v.unwrap_or("\u{0}")])
}

/// The two parts of a row's content as stored: `before` and `after`.
pub fn parts(e: &HistoryEntry) -> (String, String) {
    (part(e.before.as_deref()), part(e.after.as_deref()))
}

/// A row's content digest, from its fields and the parts of its before and after.
pub fn content_digest(e: &HistoryEntry, (before, after): (&str, &str)) -> String {
    sha_hex(&[
        "mou-history-2",
        &e.at,
        &e.actor,
        &e.action,
        &e.entity,
        &e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
        &e.entity_key,
        before,
        after,
    ])
}

/// The hash of a row in the chain: the previous row's hash and this row's digest.
pub fn chain_hash(prev: &str, digest: &str) -> String {
    sha_hex(&[prev, digest])
}

/// `sealed` as two parts.
pub fn unseal(sealed: &str) -> Option<(&str, &str)> {
    let (b, a) = sealed.split_once(' ')?;
    let hex = |s: &str| s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit());
    (hex(b) && hex(a)).then_some((b, a))
}

/// What is wrong with row `e` after the row whose hash is `prev`, if anything. `erased`:
/// the ids that forget rows say they erased.
pub fn row_problem(
    prev: &str,
    e: &HistoryEntry,
    erased: &std::collections::HashSet<i64>,
) -> Option<String> {
    let Some(digest) = e.digest.as_deref() else {
        return Some("it has no digest".into());
    };
    if chain_hash(prev, digest) != e.hash {
        return Some("its hash does not follow from the row before it".into());
    }
    let stored;
    let (before, after) = match e.sealed.as_deref() {
        None => {
            stored = parts(e);
            (stored.0.as_str(), stored.1.as_str())
        }
        Some(sealed) => {
            if !erased.contains(&e.id) {
                return Some("it is marked erased, but no forget row erased it".into());
            }
            match unseal(sealed) {
                Some(p) => p,
                None => return Some("its sealed parts are not two digests".into()),
            }
        }
    };
    (content_digest(e, (before, after)) != digest)
        .then(|| "its content was changed (it does not match its digest)".into())
}

/// A JSON object with the values of `fields` set to null (other JSON is left as it is).
pub fn scrub(json: &str, fields: &[&str]) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(mut m)) => {
            let mut changed = false;
            for f in fields {
                if let Some(v) = m.get_mut(*f) {
                    if !v.is_null() {
                        *v = serde_json::Value::Null;
                        changed = true;
                    }
                }
            }
            if changed {
                serde_json::Value::Object(m).to_string()
            } else {
                json.to_string()
            }
        }
        _ => json.to_string(),
    }
}

/// The meta key that keeps a break found in the old chain when it was upgraded.
pub const BROKEN_KEY: &str = "history_broken";

/// The key of a forget row's after that lists the ids of the rows it erased.
pub const ERASED_ROWS: &str = "erased_rows";

/// Walks a history in id order and finds the first row that breaks the chain: a missing row,
/// a row whose hash does not follow, content that does not match its digest, or a row that
/// cannot be read (`Err` with why).
pub struct Verifier {
    erased: std::collections::HashSet<i64>,
    prev: String,
    expected_id: Option<i64>,
    rows: u64,
    broken: Option<(i64, String)>,
}

impl Verifier {
    /// `erased`: the ids that forget rows say they erased.
    pub fn new(erased: std::collections::HashSet<i64>) -> Verifier {
        Verifier {
            erased,
            prev: String::new(),
            expected_id: None,
            rows: 0,
            broken: None,
        }
    }

    pub fn row(&mut self, id: i64, entry: Result<&HistoryEntry, String>) {
        self.rows += 1;
        if self.broken.is_none() {
            if let Some(want) = self.expected_id {
                if id != want {
                    self.broken = Some((id, format!("rows {want}..{} are missing", id - 1)));
                }
            }
        }
        match entry {
            Ok(e) => {
                if self.broken.is_none() {
                    self.broken = row_problem(&self.prev, e, &self.erased).map(|why| (id, why));
                }
                self.prev = e.hash.clone();
            }
            Err(why) => {
                if self.broken.is_none() {
                    self.broken = Some((id, why));
                }
                self.prev = String::new();
            }
        }
        self.expected_id = Some(id + 1);
    }

    /// The result; `kept` is a break kept in meta when an old chain was upgraded.
    pub fn finish(self, kept: Option<String>) -> Verification {
        let mut broken = self.broken;
        if let Some(kept) = kept {
            let (id, why) = kept.split_once(' ').unwrap_or(("0", kept.as_str()));
            broken = Some((
                id.parse().unwrap_or(0),
                format!("{why} (found when the history was upgraded to schema 4, and kept)"),
            ));
        }
        Verification {
            rows: self.rows,
            first_broken: broken,
        }
    }
}

/// The ids listed under [`ERASED_ROWS`] in a forget row's `after`.
pub fn erased_ids(after: &str, into: &mut std::collections::HashSet<i64>) {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(after) {
        if let Some(list) = v.get(ERASED_ROWS).and_then(|l| l.as_array()) {
            into.extend(list.iter().filter_map(|i| i.as_i64()));
        }
    }
}

/// A new row for `c` after the row whose hash is `prev`, with its digest and hash.
pub fn new_entry(c: crate::store::Change, prev: &str) -> HistoryEntry {
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
        digest: None,
        sealed: None,
    };
    let (b, a) = parts(&e);
    let digest = content_digest(&e, (&b, &a));
    e.hash = chain_hash(prev, &digest);
    e.digest = Some(digest);
    e
}

/// The erased before/after of row `e` and its `sealed`, or None when erasing `fields`
/// changes nothing in it.
pub fn erased(
    e: &HistoryEntry,
    fields: &[&str],
) -> Option<(Option<String>, Option<String>, String)> {
    let before = e.before.as_deref().map(|j| scrub(j, fields));
    let after = e.after.as_deref().map(|j| scrub(j, fields));
    if before == e.before && after == e.after {
        return None;
    }
    let sealed = match &e.sealed {
        Some(s) => s.clone(),
        None => {
            let (b, a) = parts(e);
            format!("{b} {a}")
        }
    };
    Some((before, after, sealed))
}
