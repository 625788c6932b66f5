//! The registry layer: every operation a user can make on partners and agreements, whoever
//! asks (a command, the importer, later the web view). Each write goes through a
//! [`Registry`] inside one store transaction, and writes its history row in that same
//! transaction; names resolve here with their nearest-match hints; keys and refs are derived
//! here. Commands turn arguments into these calls and print what comes back.

mod agreements;
mod contacts;
mod edit_inputs;
mod engagement_inputs;
mod engagements;
mod inputs;
mod names;
mod partners;

pub use agreements::Renewal;
pub use contacts::Forgotten;
pub use edit_inputs::{AgreementEdit, PartnerEdit, AGREEMENT_CLEARABLE, PARTNER_CLEARABLE};
pub use engagement_inputs::{
    EngagementEdit, EngagementValues, NewEngagement, ENGAGEMENT_CLEARABLE,
};
pub use engagements::check_engagement;
pub use inputs::{NewAgreement, NewPartner};
pub use names::{check_partner, derive_key, lookalike_problems, lookalikes, Lookalikes};

use crate::error::Result;
use crate::store::{Action, Backend, Change, Entity};

/// A change being made: the store (any [`Backend`]) inside its transaction and who is
/// making it. Each operation is a few calls on the store, never one per row of a scan.
#[derive(Clone, Copy)]
pub struct Registry<'a> {
    store: &'a dyn Backend,
    actor: &'a str,
    /// The clock's stand-in the context read at start (`MOU_NOW`); None reads the clock.
    clock: Option<&'a str>,
}

impl<'a> Registry<'a> {
    /// The registry over `store`, inside one of its transactions, changed by `actor` at
    /// the time `clock` gives (None: the system clock).
    pub fn new(store: &'a dyn Backend, actor: &'a str, clock: Option<&'a str>) -> Registry<'a> {
        Registry {
            store,
            actor,
            clock,
        }
    }

    /// The time of a change.
    pub fn now(&self) -> String {
        now_utc(self.clock)
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
            at: &self.now(),
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

/// The current time in UTC, RFC 3339, to the second; `clock` (the context's `MOU_NOW`,
/// already checked) stands in for it.
pub fn now_utc(clock: Option<&str>) -> String {
    match clock {
        Some(fixed) => fixed.to_string(),
        None => chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::store::conformance::partner;

    #[test]
    fn a_change_and_its_history_row_are_one_transaction() {
        let mut store: Box<dyn Backend> = crate::store::in_memory();
        let p = partner("unicef", "UNICEF", &[]);
        let failed = store.transact(&mut |s| {
            Registry::new(s, "tester", None).add_partner(&p)?;
            Err(Error::input("stop"))
        });
        assert!(failed.is_err());
        assert_eq!(store.partner_count().unwrap(), 0);
        assert_eq!(store.verify_history().unwrap().rows, 0);
        store
            .transact(&mut |s| {
                Registry::new(s, "tester", None)
                    .add_partner(&p)
                    .map(|_| true)
            })
            .unwrap();
        let mut rows = Vec::new();
        store
            .scan_history(&mut |e| {
                rows.push((e.actor, e.action, e.entity, e.entity_key));
                Ok(())
            })
            .unwrap();
        assert_eq!(rows, [want_owned(("tester", "add", "partner", "unicef"))]);
    }

    fn want_owned(t: (&str, &str, &str, &str)) -> (String, String, String, String) {
        (t.0.into(), t.1.into(), t.2.into(), t.3.into())
    }
}
