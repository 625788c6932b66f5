//! What a user gives to add a record, as plain values (from command-line flags now, from a
//! web form later), checked and turned into a record here, so that every caller adds records
//! by the same rules.

use chrono::Datelike;

use super::{dedupe, names, Registry};
use crate::dates::{Date, Term};
use crate::error::{Error, Result};
use crate::model::{Agreement, Category, Kind, Partner};
use crate::validate;

/// A partner to add.
#[derive(Debug, Clone)]
pub struct NewPartner {
    pub name: String,
    pub category: Category,
    /// The key; derived from the name (or an alias) when `None`.
    pub key: Option<String>,
    /// An empty country is none.
    pub country: Option<String>,
    pub aliases: Vec<String>,
    pub website: Option<String>,
    pub note: Option<String>,
}

/// An agreement to add.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub kind: Kind,
    /// Keys, names or aliases of the parties.
    pub partners: Vec<String>,
    /// None: a draft.
    pub signed: Option<Date>,
    pub title: Option<String>,
    /// The ref; generated from the kind and the year of signing (or of today) when `None`.
    pub reference: Option<String>,
    pub effective: Option<Date>,
    pub expires: Option<Date>,
    /// Counted from the effective date, when `expires` is not given.
    pub term: Option<Term>,
    pub notice: Option<Term>,
    pub sdgs: Vec<u8>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub document: Option<String>,
    /// The agreement this one renews, by ref.
    pub renews: Option<String>,
}

impl Registry<'_> {
    /// Adds a partner; returns it and the warnings about names like others'.
    pub fn create_partner(&self, n: &NewPartner) -> Result<(Partner, Vec<String>)> {
        let name = validate::name("name", &n.name)?;
        let aliases = n
            .aliases
            .iter()
            .map(|x| validate::name("alias", x))
            .collect::<Result<Vec<_>>>()?;
        let aliases = validate::dedupe_aliases(&name, aliases);
        let now = self.now();
        let p = Partner {
            id: 0,
            key: names::derive_key(self.store, n.key.as_deref(), &name, &aliases)?,
            name,
            aliases,
            category: n.category,
            country: n.country.clone().filter(|c| !c.is_empty()),
            website: validate::free_text("website", n.website.as_deref().unwrap_or(""))?,
            notes: validate::free_text("note", n.note.as_deref().unwrap_or(""))?,
            public: false,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut warnings = names::check_partner(self.store, &p, None)?;
        warnings.extend(names::lookalikes(self.store, &p)?);
        Ok((self.add_partner(&p)?, warnings))
    }

    /// Adds an agreement. `today` gives a draft's ref its year; `as_of` is the date at which
    /// the renewed agreement is looked up.
    pub fn create_agreement(
        &self,
        n: &NewAgreement,
        today: Date,
        as_of: Date,
    ) -> Result<Agreement> {
        if n.signed.is_none() && (n.effective.is_some() || n.term.is_some()) {
            return Err(Error::input(
                "an agreement without --signed is a draft: it has no effective date or term yet; give --signed, or --expires for a planned end",
            ));
        }
        let title =
            validate::free_text("title", n.title.as_deref().unwrap_or(""))?.unwrap_or_default();
        let notes = validate::free_text("note", n.note.as_deref().unwrap_or(""))?;
        let document = validate::free_text("document", n.document.as_deref().unwrap_or(""))?;
        let effective = n.effective.or(n.signed);
        let expires = match (n.expires, n.term, effective) {
            (Some(e), _, _) => Some(e),
            (None, Some(t), Some(from)) => Some(t.last_day_from(from).ok_or_else(|| {
                Error::input("the term runs past the calendar's end; give a shorter --term")
            })?),
            _ => None,
        };
        let parties = self.resolve_parties(&n.partners)?;
        let year = n.signed.unwrap_or(today).year();
        let now = self.now();
        let mut sdgs = n.sdgs.clone();
        sdgs.sort_unstable();
        sdgs.dedup();
        let mut ag = Agreement {
            id: 0,
            reference: self.new_ref(n.reference.as_deref(), n.kind, year)?,
            kind: n.kind,
            title,
            parties: parties.iter().map(|p| p.key.clone()).collect(),
            signed_on: n.signed,
            effective_on: effective,
            expires_on: expires,
            terminated_on: None,
            termination_reason: None,
            notice_days: n.notice.map(|t| t.approx_days()),
            renews: n
                .renews
                .as_deref()
                .map(|name| self.resolve_renews(name, as_of))
                .transpose()?,
            sdgs,
            tags: dedupe(n.tags.clone()),
            notes,
            document,
            created_at: now.clone(),
            updated_at: now,
        };
        validate::agreement(&ag)?;
        if let Some(renews) = &ag.renews {
            self.check_renewal(None, &ag.reference, renews)?;
        }
        let ids: Vec<i64> = parties.iter().map(|p| p.id).collect();
        ag.id = self.add_agreement(&ag, &ids, None)?;
        Ok(ag)
    }
}
