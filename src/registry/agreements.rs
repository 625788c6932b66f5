//! Agreements: add, edit, renew, terminate, remove; refs and the renewal rule.

use super::Registry;
use chrono::Datelike;

use crate::dates::{iso, Date, Term};
use crate::error::{Error, Result};
use crate::model::{ref_key, Agreement, Kind, RenewalProblem, Status};
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

    /// Removes agreement `name`, unless another renews it (removing it would break the
    /// chain); returns its ref.
    pub fn remove_agreement_named(&self, name: &str, as_of: Date) -> Result<String> {
        let (g, _) = self.store.find_agreement(name, as_of)?;
        if let Some(by) = self.store.renewed_by(&g.reference)?.first() {
            return Err(Error::input(format!(
                "{} is renewed by {by}; removing it would break the renewal chain; nothing was removed",
                g.reference
            ))
            .with_hint(format!("first `mou edit agreement {by} --renews ''`, or remove {by}")));
        }
        self.check_no_engagements_under(g.id, &g.reference)?;
        self.remove_agreement(g.id, as_of)?;
        Ok(g.reference)
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

    /// Renews agreement `name` (it must be signed) with a new one from where it ends:
    /// returns the renewal and, for an open-ended agreement, that agreement as it now ends
    /// the day before its renewal takes effect.
    pub fn renew(
        &self,
        name: &str,
        renewal: &Renewal,
        as_of: Date,
    ) -> Result<(Agreement, Option<Agreement>)> {
        let reg = self;
        let s = self.store;
        let (old, _) = s.find_agreement(name, as_of)?;
        if old.signed_on.is_none() {
            return Err(Error::input(format!(
                "{} is a draft: sign it before renewing it",
                old.reference
            ))
            .with_hint(format!(
                "mou edit agreement {} --signed DATE",
                old.reference
            )));
        }
        let signed = renewal.signed;
        // The renewal continues where the old one ends, unless it is signed later.
        let effective = match old.expires_on.and_then(|e| e.succ_opt()) {
            Some(next) if next > signed => next,
            _ => signed,
        };
        let expires = match (renewal.expires, renewal.term) {
            (Some(e), _) => e,
            (None, Some(t)) => t
                .last_day_from(effective)
                .ok_or_else(|| Error::input("the term is too long; give a shorter --term"))?,
            (None, None) => return Err(Error::input("give --expires DATE or --term 3y")),
        };
        let parties = s.party_ids(old.id)?;
        let now = self.now();
        let mut new = Agreement {
            id: 0,
            reference: reg.new_ref(renewal.reference, old.kind, signed.year())?,
            signed_on: Some(signed),
            effective_on: Some(effective),
            expires_on: Some(expires),
            terminated_on: None,
            termination_reason: None,
            renews: Some(old.reference.clone()),
            document: None,
            notes: None,
            created_at: now.clone(),
            updated_at: now.clone(),
            ..old.clone()
        };
        validate::agreement(&new)?;
        reg.check_renewal(None, &new.reference, &old.reference)?;
        // An open-ended agreement ends the day before its renewal takes effect; otherwise
        // both would be active from then on.
        let ended = match (old.expires_on, old.terminated_on) {
            (None, None) => Some(end_before_renewal(&old, effective, &now)?),
            _ => None,
        };
        new.id = reg.add_agreement(&new, &parties, Some(&old))?;
        if let Some(ended) = &ended {
            reg.update_agreement(Action::Edit, &old, ended, &parties)?;
        }
        Ok((new, ended))
    }

    /// Terminates agreement `name` on `on`, for `reason`: a signed agreement, once.
    pub fn terminate(
        &self,
        name: &str,
        on: Date,
        reason: Option<String>,
        as_of: Date,
    ) -> Result<Agreement> {
        let s = self.store;
        let (before, _) = s.find_agreement(name, as_of)?;
        if let Some(t) = before.terminated_on {
            return Err(Error::input(format!("{} was already terminated on {}", before.reference, iso(t)))
                .with_hint(format!("to change the date: mou edit agreement {} --clear terminated, then terminate again", before.reference)));
        }
        if before.status_at(on) == Status::Draft {
            return Err(Error::input(format!(
                "{} is a draft: a draft cannot be terminated",
                before.reference
            ))
            .with_hint(format!(
                "remove it with `mou remove agreement {}`",
                before.reference
            )));
        }
        let mut g = before.clone();
        g.terminated_on = Some(on);
        g.termination_reason = reason;
        g.updated_at = self.now();
        validate::agreement(&g)?;
        let parties = s.party_ids(g.id)?;
        self.update_agreement(Action::Terminate, &before, &g, &parties)?;
        Ok(g)
    }
}

/// What a renewal is given: its signing date, its end (a date or a term from its start) and
/// the ref asked for.
pub struct Renewal<'a> {
    pub signed: Date,
    pub expires: Option<Date>,
    pub term: Option<Term>,
    pub reference: Option<&'a str>,
}

/// `old`, open-ended, given an expiry the day before `effective` (its renewal's start).
fn end_before_renewal(old: &Agreement, effective: Date, now: &str) -> Result<Agreement> {
    // It can end no earlier than it was signed or took effect (a backdated agreement takes
    // effect before it is signed).
    let earliest = [old.signed_on, old.effective_on]
        .into_iter()
        .flatten()
        .max();
    let end = effective
        .pred_opt()
        .filter(|e| earliest.is_none_or(|s| *e >= s));
    let Some(end) = end else {
        return Err(Error::input(format!(
            "{} is open-ended and cannot end before {}, so a renewal taking effect on {} would leave it no time",
            old.reference,
            earliest.map(iso).unwrap_or_default(),
            iso(effective)
        ))
        .with_hint("give a later --signed"));
    };
    let ended = Agreement {
        expires_on: Some(end),
        updated_at: now.to_string(),
        ..old.clone()
    };
    validate::agreement(&ended)?;
    Ok(ended)
}
