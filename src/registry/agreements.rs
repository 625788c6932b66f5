//! Agreements: add, edit, renew, terminate, remove; refs and the renewal rule.

use super::Registry;
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::model::{ref_key, Agreement, Kind, RenewalProblem};
use crate::records::agreement_json;
use crate::store::{Action, Entity};
use crate::validate;

/// "agreement vanished": a row read a moment ago in the same transaction is gone.
fn vanished() -> Error {
    Error::registry("agreement vanished")
}

impl Registry<'_> {
    /// The canonical ref of an agreement named as renewed.
    pub fn resolve_renews(&self, name: &str, as_of: Date) -> Result<String> {
        self.store
            .try_find_agreement(name, as_of)?
            .map(|(a, _)| a.reference)
            .ok_or_else(|| {
                Error::field(
                    "renews",
                    name,
                    "no agreement has this ref; give the ref of the agreement it renews",
                )
            })
    }

    /// A ref for a new agreement: the given one if free, else generated from kind and year.
    pub fn new_ref(&self, given: Option<&str>, kind: Kind, year: i32) -> Result<String> {
        match given {
            Some(r) => {
                let r = validate::reference(r)?;
                if self.store.ref_taken(&r, None)? {
                    return Err(Error::field(
                        "ref",
                        &r,
                        "another agreement has this ref; choose another or leave --ref out",
                    ));
                }
                Ok(r)
            }
            None => self.store.next_ref(kind, year),
        }
    }

    /// The renewal rule, for every operation that links an agreement to the one it renews
    /// (add, edit, renew, import): an agreement is renewed at most once, and a chain never
    /// loops back. `id` is None for an agreement not written yet.
    pub fn check_renewal(&self, id: Option<i64>, reference: &str, renews: &str) -> Result<()> {
        match self.store.renewal_problem(id, reference, renews)? {
            None => Ok(()),
            Some(p) => {
                let hint = match &p {
                    RenewalProblem::Twice { by, .. } => format!("renew {} instead", by[0]),
                    RenewalProblem::Loop(_) => {
                        "give --renews the agreement that came before".into()
                    }
                };
                Err(Error::field("renews", renews, p).with_hint(hint))
            }
        }
    }

    /// Inserts a new agreement between `party_ids` with its history row: `add`, or `renew`
    /// with the agreement it renews as the row's `before`. Returns its id. The caller has
    /// checked it ([`validate::agreement`], [`Registry::check_renewal`]).
    pub fn add_agreement(
        &self,
        ag: &Agreement,
        party_ids: &[i64],
        renewed: Option<&Agreement>,
    ) -> Result<i64> {
        let id = self.store.insert_agreement(ag, party_ids)?;
        let action = if renewed.is_some() {
            Action::Renew
        } else {
            Action::Add
        };
        let after = Agreement { id, ..ag.clone() };
        self.record(
            action,
            Entity::Agreement,
            Some(id),
            &ag.reference,
            renewed.map(agreement_json),
            Some(agreement_json(&after)),
        )?;
        Ok(id)
    }

    /// Rewrites agreement `after` (it was `before`) with its history row, `action` naming the
    /// change (`edit`, `terminate`).
    pub fn update_agreement(
        &self,
        action: Action,
        before: &Agreement,
        after: &Agreement,
        party_ids: &[i64],
    ) -> Result<()> {
        let s = self.store;
        if let Some(r) = after.renews.as_deref() {
            let same = before.renews.as_deref().map(ref_key) == Some(ref_key(r));
            if !same || before.reference != after.reference {
                self.check_renewal(Some(after.id), &after.reference, r)?;
            }
        }
        // A new ref is followed by the agreements that renew this one: each such change is a
        // history row of its own.
        let renewals = if before.reference != after.reference {
            self.agreements_by_ref(&s.renewed_by(&before.reference)?)?
        } else {
            Vec::new()
        };
        s.update_agreement(after, &before.reference, party_ids)?;
        self.record_edit(action, before, after)?;
        for old in renewals {
            let new = self.agreements_by_ref(std::slice::from_ref(&old.reference))?;
            for new in new {
                self.record_edit(Action::Edit, &old, &new)?;
            }
        }
        Ok(())
    }

    /// Removes agreement `id` with its `remove` history row (its last state).
    pub fn remove_agreement(&self, id: i64, as_of: Date) -> Result<()> {
        let (g, _) = self
            .store
            .agreement_by_id(id, as_of)?
            .ok_or_else(vanished)?;
        self.store.delete_agreement(id)?;
        self.record(
            Action::Remove,
            Entity::Agreement,
            Some(id),
            &g.reference,
            Some(agreement_json(&g)),
            None,
        )
    }

    /// Leaves partner `partner_id` out of agreement `id`, with the agreement's `edit` row.
    pub fn detach_party(&self, id: i64, partner_id: i64, as_of: Date) -> Result<()> {
        let s = self.store;
        let (before, _) = s.agreement_by_id(id, as_of)?.ok_or_else(vanished)?;
        s.detach_party(id, partner_id)?;
        let (after, _) = s.agreement_by_id(id, as_of)?.ok_or_else(vanished)?;
        self.record_edit(Action::Edit, &before, &after)
    }

    /// The agreements these refs name (their status is not needed: any as-of date will do).
    fn agreements_by_ref(&self, refs: &[String]) -> Result<Vec<Agreement>> {
        let mut out = Vec::new();
        for r in refs {
            if let Some((a, _)) = self.store.agreement_by_ref(r, chrono::NaiveDate::MIN)? {
                out.push(a);
            }
        }
        Ok(out)
    }

    fn record_edit(&self, action: Action, before: &Agreement, after: &Agreement) -> Result<()> {
        self.record(
            action,
            Entity::Agreement,
            Some(after.id),
            &after.reference,
            Some(agreement_json(before)),
            Some(agreement_json(after)),
        )
    }
}
