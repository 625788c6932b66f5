//! Partners: add, edit, remove, and resolving the names the user gives.

use super::Registry;
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::model::Partner;
use crate::records::partner_json;
use crate::store::{Action, Entity};

impl Registry<'_> {
    /// Partners named by the user, each once, in order (an unknown name is an error with the
    /// nearest names as its hint).
    pub fn resolve_parties(&self, names: &[String]) -> Result<Vec<Partner>> {
        let mut parties: Vec<Partner> = Vec::new();
        for n in names {
            let p = self.store.find_partner(n)?;
            if !parties.iter().any(|q| q.id == p.id) {
                parties.push(p);
            }
        }
        Ok(parties)
    }

    /// Inserts a new partner with its `add` history row; returns it with its id.
    pub fn add_partner(&self, p: &Partner) -> Result<Partner> {
        let p = self.store.insert_partner(p)?;
        self.record(
            Action::Add,
            Entity::Partner,
            Some(p.id),
            &p.key,
            None,
            Some(partner_json(&p)),
        )?;
        Ok(p)
    }

    /// Rewrites partner `after` (it was `before`) with its `edit` history row.
    pub fn update_partner(&self, before: &Partner, after: &Partner) -> Result<()> {
        self.store.update_partner(after)?;
        self.record(
            Action::Edit,
            Entity::Partner,
            Some(after.id),
            &after.key,
            Some(partner_json(before)),
            Some(partner_json(after)),
        )
    }

    /// Removes partner `p`. Its agreements must be dealt with first: with `cascade`, those it
    /// alone is party to are removed and it is left out of the others; without, a partner
    /// with agreements is an error. Returns how many agreements were removed and how many it
    /// was left out of.
    pub fn remove_partner(
        &self,
        p: &Partner,
        cascade: bool,
        as_of: Date,
    ) -> Result<(usize, usize)> {
        let s = self.store;
        let ids = s.agreement_ids_of_partner(p.id)?;
        let contacts = s.contacts_of_partner(p.id)?;
        if !contacts.is_empty() && !cascade {
            return Err(Error::input(format!(
                "partner {} has {} contact(s); nothing was removed",
                p.key,
                contacts.len()
            ))
            .with_hint("add --cascade to remove its contacts (and agreements) too, or remove the contacts first"));
        }
        for c in &contacts {
            self.remove_contact(c)?;
        }
        let engagements = s.engagement_ids_of_partner(p.id)?;
        if !engagements.is_empty() && !cascade {
            return Err(Error::input(format!(
                "partner {} takes part in {} engagement(s); nothing was removed",
                p.key,
                engagements.len()
            ))
            .with_hint("add --cascade to remove the engagements it alone takes part in and leave it out of the others"));
        }
        // Engagements first: those removed may point to agreements removed below.
        for id in engagements {
            if s.engagement_links(id)?.partner_ids.len() == 1 {
                self.remove_engagement(id, as_of)?;
            } else {
                self.detach_engagement_partner(id, p.id, as_of)?;
            }
        }
        if !ids.is_empty() && !cascade {
            return Err(Error::input(format!(
                "partner {} is a party to {} agreement(s); nothing was removed",
                p.key,
                ids.len()
            ))
            .with_hint("add --cascade to remove the agreements it alone is party to and leave it out of the others"));
        }
        let (mut removed, mut detached) = (0, 0);
        for id in ids {
            if s.party_ids(id)?.len() == 1 {
                if let Some((a, _)) = s.agreement_by_id(id, as_of)? {
                    self.check_no_engagements_under(id, &a.reference)?;
                }
                self.remove_agreement(id, as_of)?;
                removed += 1;
            } else {
                self.detach_party(id, p.id, as_of)?;
                detached += 1;
            }
        }
        s.delete_partner(p.id)?;
        self.record(
            Action::Remove,
            Entity::Partner,
            Some(p.id),
            &p.key,
            Some(partner_json(p)),
            None,
        )?;
        Ok((removed, detached))
    }
}
