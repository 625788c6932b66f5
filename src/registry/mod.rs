//! The registry layer: every operation a user can make on partners and agreements, whoever
//! asks (a command, the importer, later the web view). Each write goes through a
//! [`Registry`] inside one store transaction, and writes its history row in that same
//! transaction; names resolve here with their nearest-match hints; keys and refs are derived
//! here. Commands turn arguments into these calls and print what comes back.

mod agreements;
mod partners;

use crate::error::Result;
use crate::store::{Action, Change, Entity, Store};

/// A change being made: the store inside its transaction and who is making it.
#[derive(Clone, Copy)]
pub struct Registry<'a> {
    store: &'a Store,
    actor: &'a str,
}

impl<'a> Registry<'a> {
    /// The registry over `store`, inside one of its transactions, changed by `actor`.
    pub fn new(store: &'a Store, actor: &'a str) -> Registry<'a> {
        Registry { store, actor }
    }

    /// The store, for reads.
    pub fn store(&self) -> &'a Store {
        self.store
    }

    /// The time of a change.
    pub fn now(&self) -> String {
        self.store.now()
    }

    /// The history row of one change.
    fn record(
        &self,
        action: Action,
        entity: Entity,
        id: Option<i64>,
        key: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<()> {
        self.store.record(Change {
            actor: self.actor,
            action,
            entity,
            entity_id: id,
            entity_key: key,
            before,
            after,
        })
    }

    /// The history row of a whole import: what the file `file` added and changed.
    pub fn record_import(
        &self,
        entity: Entity,
        file: &str,
        summary: serde_json::Value,
    ) -> Result<()> {
        self.record(Action::Import, entity, None, file, None, Some(summary))
    }
}

/// Each item once, in the order first given.
pub fn dedupe(v: Vec<String>) -> Vec<String> {
    // Lists are short (tags, parties): a scan beats hashing every item.
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}
