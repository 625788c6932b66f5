//! Engagements: add, edit, remove; refs, the links to partners, agreements and series, and
//! the rules they meet (a series never loops; a record others point to is not removed).

use super::Registry;
use crate::dates::{iso, Date};
use crate::error::{Error, Result};
use crate::model::Engagement;
use crate::records::engagement_json;
use crate::store::{Action, EngagementLinks, Entity};
use crate::validate;

fn vanished() -> Error {
    Error::registry("engagement vanished")
}

/// Refs for a message: the first few, then how many more.
fn some_refs(refs: &[String]) -> String {
    let mut s = refs.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if refs.len() > 5 {
        s.push_str(&format!(" and {} more", refs.len() - 5));
    }
    s
}

impl Registry<'_> {
    /// A ref for a new engagement: the given one if free (among engagements and agreements,
    /// so that `show REF` names one record), else `ENG-<year of start>-<seq>`.
    pub fn new_engagement_ref(&self, given: Option<&str>, year: i32) -> Result<String> {
        match given {
            Some(r) => {
                let r = validate::reference(r)?;
                self.engagement_ref_free(&r, None)?;
                Ok(r)
            }
            None => self.store.next_engagement_ref(year),
        }
    }

    /// Refuses a ref that another engagement, or an agreement, has.
    pub fn engagement_ref_free(&self, reference: &str, except: Option<i64>) -> Result<()> {
        if self.store.engagement_ref_taken(reference, except)? {
            return Err(Error::field(
                "ref",
                reference,
                "another engagement has this ref; choose another or leave --ref out",
            ));
        }
        if self.store.ref_taken(reference, None)? {
            return Err(Error::field(
                "ref",
                reference,
                "an agreement has this ref; choose another or leave --ref out",
            ));
        }
        Ok(())
    }

    /// The store's links of `e` from the names it holds: partners by key, id, name or alias
    /// (their keys are put back into `e`, each once, in order), the agreement and the
    /// series by ref or id (put back as their refs). `e.id` is 0 for a new engagement; a
    /// series that would contain the engagement itself is refused.
    pub fn resolve_engagement(&self, e: &mut Engagement, as_of: Date) -> Result<EngagementLinks> {
        if e.partners.is_empty() {
            return Err(Error::input(
                "an engagement needs at least one partner: give --partner",
            ));
        }
        let partners = self.resolve_parties(&e.partners)?;
        e.partners = partners.iter().map(|p| p.key.clone()).collect();
        let agreement_id = match e.agreement.as_deref() {
            None => None,
            Some(name) => {
                let (a, _) = self.store.try_find_agreement(name, as_of)?.ok_or_else(|| {
                    Error::field(
                        "agreement",
                        name,
                        "no agreement has this ref; give the ref of a recorded agreement (mou list agreements)",
                    )
                })?;
                e.agreement = Some(a.reference);
                Some(a.id)
            }
        };
        let part_of_id = match e.part_of.as_deref() {
            None => None,
            Some(name) => {
                let (series, _) = self.store.try_find_engagement(name, as_of)?.ok_or_else(|| {
                    Error::field(
                        "part_of",
                        name,
                        "no engagement has this ref; give the ref of the series it belongs to (mou list engagements)",
                    )
                })?;
                self.check_series(e, series.id)?;
                e.part_of = Some(series.reference);
                Some(series.id)
            }
        };
        Ok(EngagementLinks {
            partner_ids: partners.iter().map(|p| p.id).collect(),
            agreement_id,
            part_of_id,
        })
    }

    /// A series never loops: following `part_of` up from `part_of_id` never meets `e`.
    fn check_series(&self, e: &Engagement, part_of_id: i64) -> Result<()> {
        if e.id == 0 {
            return Ok(());
        }
        let chain = self.store.engagement_series(part_of_id)?;
        if let Some(at) = chain.iter().position(|(id, _)| *id == e.id) {
            let mut refs = vec![e.reference.clone()];
            refs.extend(chain[..=at].iter().map(|(_, r)| r.clone()));
            let target = chain.first().map(|(_, r)| r.clone()).unwrap_or_default();
            return Err(Error::field(
                "part_of",
                &target,
                format!(
                    "the series would loop: {} (each is part of the next)",
                    refs.join(" -> ")
                ),
            )
            .with_hint("give --part-of the engagement the series belongs to, or --clear part_of"));
        }
        Ok(())
    }

    /// Inserts a new engagement with its `add` history row; returns its id. The caller has
    /// checked it ([`validate::engagement`]) and resolved its links.
    pub fn add_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<i64> {
        let id = self.store.insert_engagement(e, links)?;
        let after = Engagement { id, ..e.clone() };
        self.record(
            Action::Add,
            Entity::Engagement,
            Some(id),
            &e.reference,
            None,
            Some(engagement_json(&after)),
        )?;
        Ok(id)
    }

    /// Rewrites engagement `after` (it was `before`) with its `edit` history row.
    pub fn update_engagement(
        &self,
        before: &Engagement,
        after: &Engagement,
        links: &EngagementLinks,
    ) -> Result<()> {
        if before.reference != after.reference {
            self.engagement_ref_free(&after.reference, Some(after.id))?;
        }
        self.store.update_engagement(after, links)?;
        self.record(
            Action::Edit,
            Entity::Engagement,
            Some(after.id),
            &after.reference,
            Some(engagement_json(before)),
            Some(engagement_json(after)),
        )
    }

    /// Removes engagement `name`, unless others are part of it (the series would dangle);
    /// returns its ref.
    pub fn remove_engagement_named(&self, name: &str, as_of: Date) -> Result<String> {
        let (e, _) = self.store.find_engagement(name, as_of)?;
        self.remove_engagement(e.id, as_of)?;
        Ok(e.reference)
    }

    /// Removes engagement `id` with its `remove` history row (its last state); refused while
    /// other engagements are part of it.
    pub fn remove_engagement(&self, id: i64, as_of: Date) -> Result<()> {
        let (e, _) = self
            .store
            .engagement_by_id(id, as_of)?
            .ok_or_else(vanished)?;
        let parts = self.store.engagement_parts(id)?;
        if !parts.is_empty() {
            return Err(Error::input(format!(
                "{} is a series that {} belong to; removing it would leave them pointing nowhere; nothing was removed",
                e.reference,
                some_refs(&parts)
            ))
            .with_hint(format!(
                "first `mou edit engagement {} --clear part_of` (or remove it)",
                parts[0]
            )));
        }
        self.store.delete_engagement(id)?;
        self.record(
            Action::Remove,
            Entity::Engagement,
            Some(id),
            &e.reference,
            Some(engagement_json(&e)),
            None,
        )
    }

    /// Refuses to remove agreement `id` (ref `reference`) while engagements were held under
    /// it: they would point nowhere.
    pub fn check_no_engagements_under(&self, id: i64, reference: &str) -> Result<()> {
        let held = self.store.engagements_under(id)?;
        if held.is_empty() {
            return Ok(());
        }
        Err(Error::input(format!(
            "engagements were held under {reference}: {}; removing it would leave them pointing nowhere; nothing was removed",
            some_refs(&held)
        ))
        .with_hint(format!(
            "first `mou edit engagement {} --clear agreement` (or remove it)",
            held[0]
        )))
    }

    /// Leaves partner `partner_id` out of engagement `id`, with the engagement's `edit` row.
    pub fn detach_engagement_partner(&self, id: i64, partner_id: i64, as_of: Date) -> Result<()> {
        let s = self.store;
        let (before, _) = s.engagement_by_id(id, as_of)?.ok_or_else(vanished)?;
        let mut links = s.engagement_links(id)?;
        links.partner_ids.retain(|p| *p != partner_id);
        s.update_engagement(&before, &links)?;
        let (after, _) = s.engagement_by_id(id, as_of)?.ok_or_else(vanished)?;
        self.record(
            Action::Edit,
            Entity::Engagement,
            Some(id),
            &after.reference,
            Some(engagement_json(&before)),
            Some(engagement_json(&after)),
        )
    }
}

/// The rules of one engagement that need no registry: a title, and dates in order.
pub fn check_engagement(e: &Engagement) -> Result<()> {
    if e.title.trim().is_empty() {
        return Err(Error::field(
            "title",
            &e.title,
            "an engagement needs a title: say what it was, e.g. \"Expert meeting on youth and social media\"",
        ));
    }
    if e.ends_on < e.starts_on {
        return Err(Error::field(
            "ends_on",
            &iso(e.ends_on),
            format!(
                "it is before the start {}; give --until on or after the start, or leave it out for a one-day engagement",
                iso(e.starts_on)
            ),
        ));
    }
    if e.part_of
        .as_deref()
        .is_some_and(|r| crate::model::ref_key(r) == crate::model::ref_key(&e.reference))
    {
        return Err(Error::field(
            "part_of",
            &e.reference,
            "an engagement cannot be part of itself; give the series it belongs to",
        ));
    }
    Ok(())
}
