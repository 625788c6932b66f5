//! What a user gives to add or change an engagement, as plain values (from flags now, from a
//! form later), checked and turned into the record here, so that every caller follows the
//! same rules: dates in order, partners, the agreement and the series named by what exists,
//! no series loop, text without characters that break a terminal.

use chrono::Datelike;

use super::{check_engagement, dedupe, Registry};
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::model::{join_sdgs, Engagement, EngagementKind};
use crate::validate;

/// The optional fields that add and edit share; `None` (or empty) is not given. On edit an
/// empty text clears its field.
#[derive(Debug, Clone, Default)]
pub struct EngagementValues {
    /// The last day (add: the first day when not given).
    pub until: Option<Date>,
    pub place: Option<String>,
    /// An ISO code, checked; empty clears it.
    pub country: Option<String>,
    /// The agreement it was held under, by ref or id; empty clears it.
    pub agreement: Option<String>,
    /// The engagement (series) it is part of, by ref or id; empty clears it.
    pub part_of: Option<String>,
    /// Replaces the SDGs when not empty.
    pub sdgs: Vec<u8>,
    /// Replaces the tags when not empty.
    pub tags: Vec<String>,
    pub participants: Option<u32>,
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub document: Option<String>,
}

/// An engagement to add.
#[derive(Debug, Clone)]
pub struct NewEngagement {
    pub title: String,
    pub starts: Date,
    /// Keys, names or aliases of the partners.
    pub partners: Vec<String>,
    /// The ref; `ENG-<year of start>-<seq>` when `None`.
    pub reference: Option<String>,
    pub kind: EngagementKind,
    pub public: bool,
    pub values: EngagementValues,
}

/// A change to an engagement: what is given changes, the rest stays.
#[derive(Debug, Clone, Default)]
pub struct EngagementEdit {
    pub title: Option<String>,
    /// The new first day; a one-day engagement's last day moves with it.
    pub starts: Option<Date>,
    pub reference: Option<String>,
    pub kind: Option<EngagementKind>,
    /// Replaces the partners when not empty.
    pub partners: Vec<String>,
    pub add_partners: Vec<String>,
    pub remove_partners: Vec<String>,
    pub add_sdgs: Vec<u8>,
    pub remove_sdgs: Vec<u8>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub cancel: bool,
    pub public: bool,
    pub values: EngagementValues,
    /// Columns to empty: place, country, agreement, part_of, sdgs, tags, participants,
    /// outcome, notes, document, cancelled, public.
    pub clear: Vec<&'static str>,
}

/// The fields `--clear` may name.
pub const ENGAGEMENT_CLEARABLE: &[&str] = &[
    "place",
    "country",
    "agreement",
    "part_of",
    "sdgs",
    "tags",
    "participants",
    "outcome",
    "notes",
    "document",
    "cancelled",
    "public",
];

/// Text given for an optional field: checked; empty is none.
fn text(field: &str, v: &Option<String>, into: &mut Option<String>) -> Result<()> {
    if let Some(v) = v {
        *into = validate::free_text(field, v)?;
    }
    Ok(())
}

/// A ref given for a link: empty is none.
fn link(v: &Option<String>, into: &mut Option<String>) {
    if let Some(v) = v {
        *into = Some(v.trim().to_string()).filter(|r| !r.is_empty());
    }
}

/// Puts the given shared values into `e`.
fn apply_values(v: &EngagementValues, e: &mut Engagement) -> Result<()> {
    if let Some(d) = v.until {
        e.ends_on = d;
    }
    text("place", &v.place, &mut e.place)?;
    if let Some(c) = &v.country {
        e.country = if c.trim().is_empty() {
            None
        } else {
            Some(crate::query::parse_country(c).map_err(|m| {
                Error::field("country", c, m).with_hint("give an ISO 3166-1 alpha-2 code, e.g. AT")
            })?)
        };
    }
    link(&v.agreement, &mut e.agreement);
    link(&v.part_of, &mut e.part_of);
    if !v.sdgs.is_empty() {
        e.sdgs = v.sdgs.clone();
    }
    if !v.tags.is_empty() {
        e.tags = v.tags.clone();
    }
    if v.participants.is_some() {
        e.participants = v.participants;
    }
    text("outcome", &v.outcome, &mut e.outcome)?;
    text("note", &v.note, &mut e.notes)?;
    text("document", &v.document, &mut e.document)?;
    Ok(())
}

fn tidy(e: &mut Engagement) {
    e.sdgs.sort_unstable();
    e.sdgs.dedup();
    e.tags = dedupe(std::mem::take(&mut e.tags));
}

impl Registry<'_> {
    /// Adds an engagement; returns it as recorded (partners as keys, links as refs).
    pub fn create_engagement(&self, n: &NewEngagement, as_of: Date) -> Result<Engagement> {
        let title = validate::free_text("title", &n.title)?.unwrap_or_default();
        let now = self.now();
        let mut e = Engagement {
            id: 0,
            reference: String::new(),
            kind: n.kind,
            title,
            partners: n.partners.clone(),
            starts_on: n.starts,
            ends_on: n.starts,
            place: None,
            country: None,
            agreement: None,
            part_of: None,
            sdgs: Vec::new(),
            tags: Vec::new(),
            participants: None,
            outcome: None,
            notes: None,
            document: None,
            cancelled: false,
            public: n.public,
            created_at: now.clone(),
            updated_at: now,
        };
        apply_values(&n.values, &mut e)?;
        tidy(&mut e);
        e.reference = self.new_engagement_ref(n.reference.as_deref(), n.starts.year())?;
        check_engagement(&e)?;
        let links = self.resolve_engagement(&mut e, as_of)?;
        e.id = self.add_engagement(&e, &links)?;
        Ok(e)
    }

    /// Changes engagement `name` as `ed` says; returns it and whether anything changed (an
    /// edit that changes nothing writes nothing).
    pub fn edit_engagement(
        &self,
        name: &str,
        ed: &EngagementEdit,
        as_of: Date,
    ) -> Result<(Engagement, bool)> {
        let (before, _) = self.store.find_engagement(name, as_of)?;
        let mut e = before.clone();
        if let Some(t) = &ed.title {
            e.title = validate::free_text("title", t)?.unwrap_or_default();
        }
        if let Some(r) = &ed.reference {
            e.reference = validate::reference(r)?;
        }
        if let Some(k) = ed.kind {
            e.kind = k;
        }
        if let Some(d) = ed.starts {
            if e.ends_on == e.starts_on && ed.values.until.is_none() {
                e.ends_on = d;
            }
            e.starts_on = d;
        }
        if !ed.partners.is_empty() {
            e.partners = ed.partners.clone();
        }
        e.partners.extend(ed.add_partners.iter().cloned());
        if !ed.remove_partners.is_empty() {
            let current = self.resolve_parties(&e.partners)?;
            let gone = self.resolve_parties(&ed.remove_partners)?;
            if let Some(p) = gone.iter().find(|g| !current.iter().any(|c| c.id == g.id)) {
                return Err(Error::field(
                    "remove-partner",
                    &p.key,
                    format!(
                        "it is not a partner of {}; its partners: {}",
                        e.reference,
                        before.partners.join(", ")
                    ),
                ));
            }
            e.partners = current
                .into_iter()
                .filter(|c| !gone.iter().any(|g| g.id == c.id))
                .map(|c| c.key)
                .collect();
        }
        apply_values(&ed.values, &mut e)?;
        e.sdgs.extend(&ed.add_sdgs);
        if let Some(n) = ed.remove_sdgs.iter().find(|n| !e.sdgs.contains(n)) {
            return Err(Error::field(
                "remove-sdg",
                &n.to_string(),
                format!(
                    "{} has no such SDG; its SDGs: {}",
                    e.reference,
                    join_sdgs(&e.sdgs)
                ),
            ));
        }
        e.sdgs.retain(|n| !ed.remove_sdgs.contains(n));
        e.tags.extend(ed.add_tags.iter().cloned());
        if let Some(t) = ed.remove_tags.iter().find(|t| !e.tags.contains(t)) {
            return Err(Error::field(
                "remove-tag",
                t,
                format!(
                    "{} has no such tag; its tags: {}",
                    e.reference,
                    e.tags.join(", ")
                ),
            ));
        }
        e.tags.retain(|t| !ed.remove_tags.contains(t));
        if ed.cancel {
            e.cancelled = true;
        }
        if ed.public {
            e.public = true;
        }
        for field in &ed.clear {
            clear(&mut e, field)?;
        }
        tidy(&mut e);
        if e.partners.is_empty() {
            return Err(Error::input(format!(
                "{} would have no partner left; an engagement needs at least one",
                e.reference
            ))
            .with_hint("add one with --add-partner, or remove the engagement"));
        }
        check_engagement(&e)?;
        let links = self.resolve_engagement(&mut e, as_of)?;
        if e == before {
            return Ok((e, false));
        }
        e.updated_at = self.now();
        self.update_engagement(&before, &e, &links)?;
        Ok((e, true))
    }
}

/// Empties one field of `e` named as its column.
fn clear(e: &mut Engagement, field: &str) -> Result<()> {
    match field {
        "place" => e.place = None,
        "country" => e.country = None,
        "agreement" => e.agreement = None,
        "part_of" => e.part_of = None,
        "sdgs" => e.sdgs.clear(),
        "tags" => e.tags.clear(),
        "participants" => e.participants = None,
        "outcome" => e.outcome = None,
        "notes" => e.notes = None,
        "document" => e.document = None,
        "cancelled" => e.cancelled = false,
        "public" => e.public = false,
        other => {
            return Err(Error::field(
                "clear",
                other,
                format!(
                    "fields that can be cleared: {}",
                    ENGAGEMENT_CLEARABLE.join(", ")
                ),
            ))
        }
    }
    Ok(())
}
