//! What a user gives to change a partner or an agreement, as plain values (from flags now,
//! from a web form too), checked and applied here, so that every caller edits by the same
//! rules and each change writes its history row in the caller's transaction.

use super::{dedupe, names, Registry};
use crate::dates::{Date, Term};
use crate::error::{Error, Result};
use crate::model::{join_sdgs, Agreement, Category, Kind, Partner};
use crate::store::Action;
use crate::text::normalize;
use crate::validate;

/// The fields `edit partner --clear` may name.
pub const PARTNER_CLEARABLE: &[&str] = &["public"];

/// The fields `edit agreement --clear` may name.
pub const AGREEMENT_CLEARABLE: &[&str] = &["signed", "expires", "notice", "terminated"];

/// A change to a partner: what is given changes, the rest stays.
#[derive(Debug, Clone, Default)]
pub struct PartnerEdit {
    pub name: Option<String>,
    pub key: Option<String>,
    pub category: Option<Category>,
    /// An empty country clears it.
    pub country: Option<String>,
    /// Replaces the aliases when not empty.
    pub aliases: Vec<String>,
    pub add_aliases: Vec<String>,
    pub remove_aliases: Vec<String>,
    /// Empty clears it.
    pub website: Option<String>,
    /// Empty clears it.
    pub note: Option<String>,
    pub public: bool,
    /// Fields to empty: see [`PARTNER_CLEARABLE`].
    pub clear: Vec<String>,
}

/// A change to an agreement: what is given changes, the rest stays.
#[derive(Debug, Clone, Default)]
pub struct AgreementEdit {
    pub reference: Option<String>,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    /// Replaces the parties when not empty.
    pub partners: Vec<String>,
    pub add_partners: Vec<String>,
    pub remove_partners: Vec<String>,
    pub signed: Option<Date>,
    pub effective: Option<Date>,
    pub expires: Option<Date>,
    /// Counted from the effective date.
    pub term: Option<Term>,
    pub notice: Option<Term>,
    /// Replaces the SDGs when not empty.
    pub sdgs: Vec<u8>,
    pub add_sdgs: Vec<u8>,
    pub remove_sdgs: Vec<u8>,
    /// Replaces the tags when not empty.
    pub tags: Vec<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub note: Option<String>,
    pub document: Option<String>,
    /// The agreement this one renews, by ref; empty clears it.
    pub renews: Option<String>,
    /// Fields to empty: see [`AGREEMENT_CLEARABLE`].
    pub clear: Vec<String>,
}

/// Refuses a `--clear` value that is not one of `allowed`.
fn check_clear(given: &[String], allowed: &[&str]) -> Result<()> {
    match given.iter().find(|f| !allowed.contains(&f.as_str())) {
        Some(f) => Err(Error::field(
            "clear",
            f,
            format!("fields that can be cleared: {}", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

impl Registry<'_> {
    /// Changes partner `name` as `ed` says; returns it, whether anything changed (an edit
    /// that changes nothing writes nothing) and the warnings about names like others'.
    pub fn edit_partner(
        &self,
        name: &str,
        ed: &PartnerEdit,
    ) -> Result<(Partner, bool, Vec<String>)> {
        check_clear(&ed.clear, PARTNER_CLEARABLE)?;
        let s = self.store;
        let before = s.find_partner(name)?;
        let mut p = before.clone();
        if let Some(n) = &ed.name {
            p.name = validate::name("name", n)?;
        }
        if let Some(k) = &ed.key {
            p.key = k.clone();
        }
        if let Some(c) = ed.category {
            p.category = c;
        }
        if let Some(c) = &ed.country {
            p.country = Some(c.clone()).filter(|c| !c.is_empty());
        }
        if !ed.aliases.is_empty() {
            p.aliases = ed
                .aliases
                .iter()
                .map(|x| validate::name("alias", x))
                .collect::<Result<_>>()?;
        }
        for x in &ed.add_aliases {
            p.aliases.push(validate::name("alias", x)?);
        }
        for x in &ed.remove_aliases {
            let n = normalize(x);
            let len = p.aliases.len();
            p.aliases.retain(|y| normalize(y) != n);
            if p.aliases.len() == len {
                return Err(Error::field(
                    "remove-alias",
                    x,
                    format!(
                        "{} has no such alias; its aliases: {}",
                        p.key,
                        before.aliases.join(", ")
                    ),
                ));
            }
        }
        p.aliases = validate::dedupe_aliases(&p.name, std::mem::take(&mut p.aliases));
        if let Some(w) = &ed.website {
            p.website = validate::free_text("website", w)?;
        }
        if let Some(n) = &ed.note {
            p.notes = validate::free_text("note", n)?;
        }
        if ed.public {
            p.public = true;
        }
        if ed.clear.iter().any(|f| f == "public") {
            p.public = false;
        }
        // Normalized names changed behind mou's back (`mou check` says so) are rewritten by
        // any edit, even one that changes nothing else.
        if p == before && !s.partner_norms_stale(p.id)? {
            return Ok((p, false, Vec::new()));
        }
        p.updated_at = self.now();
        let mut warnings = names::check_partner(s, &p, Some(p.id))?;
        warnings.extend(names::lookalikes(s, &p)?);
        self.update_partner(&before, &p)?;
        Ok((p, true, warnings))
    }

    /// Changes agreement `name` (looked up as of `as_of`) as `ed` says; returns it and
    /// whether anything changed (an edit that changes nothing writes nothing).
    pub fn edit_agreement(
        &self,
        name: &str,
        ed: &AgreementEdit,
        as_of: Date,
    ) -> Result<(Agreement, bool)> {
        check_clear(&ed.clear, AGREEMENT_CLEARABLE)?;
        let clears = |f: &str| ed.clear.iter().any(|c| c == f);
        let s = self.store;
        let (before, _) = s.find_agreement(name, as_of)?;
        let mut g = before.clone();
        let mut party_ids = s.party_ids(g.id)?;
        if let Some(r) = &ed.reference {
            let r = validate::reference(r)?;
            if s.ref_taken(&r, Some(g.id))? {
                return Err(Error::field(
                    "ref",
                    &r,
                    "another agreement has this ref; choose another",
                ));
            }
            g.reference = r;
        }
        if let Some(k) = ed.kind {
            g.kind = k;
        }
        if let Some(t) = &ed.title {
            g.title = validate::free_text("title", t)?.unwrap_or_default();
        }
        if !ed.partners.is_empty() {
            party_ids = self
                .resolve_parties(&ed.partners)?
                .iter()
                .map(|p| p.id)
                .collect();
        }
        for p in self.resolve_parties(&ed.add_partners)? {
            if !party_ids.contains(&p.id) {
                party_ids.push(p.id);
            }
        }
        for p in self.resolve_parties(&ed.remove_partners)? {
            if !party_ids.contains(&p.id) {
                return Err(Error::field(
                    "remove-partner",
                    &p.key,
                    format!("it is not a party to {}", g.reference),
                ));
            }
            party_ids.retain(|x| *x != p.id);
        }
        if let Some(d) = ed.signed {
            // An effective date that only followed the signing date keeps following it.
            if g.effective_on == g.signed_on {
                g.effective_on = Some(d);
            }
            g.signed_on = Some(d);
        }
        if clears("signed") {
            g.signed_on = None;
            g.effective_on = None;
        }
        if let Some(d) = ed.effective {
            g.effective_on = Some(d);
        }
        if g.signed_on.is_some() && g.effective_on.is_none() {
            g.effective_on = g.signed_on;
        }
        if let Some(d) = ed.expires {
            g.expires_on = Some(d);
        }
        if let Some(t) = ed.term {
            let from = g.effective_on.ok_or_else(|| {
                Error::input("a term counts from the effective date, and this agreement has none; give --signed or --expires")
            })?;
            g.expires_on = Some(
                t.last_day_from(from)
                    .ok_or_else(|| Error::input("the term is too long; give a shorter --term"))?,
            );
        }
        if clears("expires") {
            g.expires_on = None;
        }
        if let Some(n) = ed.notice {
            g.notice_days = Some(n.approx_days());
        }
        if clears("notice") {
            g.notice_days = None;
        }
        if clears("terminated") {
            g.terminated_on = None;
            g.termination_reason = None;
        }
        if !ed.sdgs.is_empty() {
            g.sdgs = ed.sdgs.clone();
        }
        g.sdgs.extend(&ed.add_sdgs);
        if let Some(n) = ed.remove_sdgs.iter().find(|n| !g.sdgs.contains(n)) {
            return Err(Error::field(
                "remove-sdg",
                &n.to_string(),
                format!(
                    "{} has no such SDG; its SDGs: {}",
                    g.reference,
                    join_sdgs(&g.sdgs)
                ),
            ));
        }
        g.sdgs.retain(|n| !ed.remove_sdgs.contains(n));
        g.sdgs.sort_unstable();
        g.sdgs.dedup();
        if !ed.tags.is_empty() {
            g.tags = ed.tags.clone();
        }
        g.tags.extend(ed.add_tags.iter().cloned());
        if let Some(t) = ed.remove_tags.iter().find(|t| !g.tags.contains(t)) {
            return Err(Error::field(
                "remove-tag",
                t,
                format!(
                    "{} has no such tag; its tags: {}",
                    g.reference,
                    g.tags.join(", ")
                ),
            ));
        }
        g.tags.retain(|t| !ed.remove_tags.contains(t));
        g.tags = dedupe(std::mem::take(&mut g.tags));
        if let Some(n) = &ed.note {
            g.notes = validate::free_text("note", n)?;
        }
        if let Some(d) = &ed.document {
            g.document = validate::free_text("document", d)?;
        }
        if let Some(r) = &ed.renews {
            g.renews = if r.trim().is_empty() {
                None
            } else {
                Some(self.resolve_renews(r, as_of)?)
            };
        }
        g.parties = party_ids
            .iter()
            .map(|id| {
                s.partner_by_id(*id)
                    .map(|p| p.map(|p| p.key).unwrap_or_default())
            })
            .collect::<Result<_>>()?;
        if g == before {
            return Ok((g, false));
        }
        validate::agreement(&g)?;
        g.updated_at = self.now();
        self.update_agreement(Action::Edit, &before, &g, &party_ids)?;
        Ok((g, true))
    }
}
