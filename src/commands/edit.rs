//! `mou edit partner|agreement|contact|engagement`: change fields; one history row with
//! before and after.

use super::{after_commit, say, Ctx};
use crate::cli::{
    ContactField, EditAgreementArgs, EditCommand, EditContactArgs, EditEngagementArgs,
    EditPartnerArgs, EngagementField,
};
use crate::error::{Error, Result};
use crate::registry::{self, dedupe};
use crate::store::{Access, Action};
use crate::text::normalize;
use crate::validate;

pub fn run(ctx: &Ctx, cmd: EditCommand) -> Result<()> {
    match cmd {
        EditCommand::Partner(a) => edit_partner(ctx, &a),
        EditCommand::Agreement(a) => edit_agreement(ctx, &a),
        EditCommand::Contact(a) => edit_contact(ctx, &a),
        EditCommand::Engagement(a) => edit_engagement(ctx, &a),
    }
}

/// The column an `edit engagement --clear` value names.
fn column_of(f: EngagementField) -> &'static str {
    match f {
        EngagementField::Place => "place",
        EngagementField::Country => "country",
        EngagementField::Agreement => "agreement",
        EngagementField::PartOf => "part_of",
        EngagementField::Sdgs => "sdgs",
        EngagementField::Tags => "tags",
        EngagementField::Participants => "participants",
        EngagementField::Outcome => "outcome",
        EngagementField::Notes => "notes",
        EngagementField::Document => "document",
        EngagementField::Cancelled => "cancelled",
        EngagementField::Public => "public",
    }
}

fn edit_engagement(ctx: &Ctx, a: &EditEngagementArgs) -> Result<()> {
    let edit = registry::EngagementEdit {
        title: a.title.clone(),
        starts: a.on,
        reference: a.reference.clone(),
        kind: a.kind,
        partners: a.partners.clone(),
        add_partners: a.add_partners.clone(),
        remove_partners: a.remove_partners.clone(),
        add_sdgs: a.add_sdgs.clone(),
        remove_sdgs: a.remove_sdgs.clone(),
        add_tags: a.add_tags.clone(),
        remove_tags: a.remove_tags.clone(),
        cancel: a.cancel,
        public: a.public,
        values: super::engagement_values(&a.fields),
        clear: a.clear.iter().map(|f| column_of(*f)).collect(),
    };
    let mut store = ctx.open(Access::Write)?;
    let (e, changed) = store.write(|s| {
        ctx.registry(s)
            .edit_engagement(&a.engagement, &edit, ctx.as_of)
    })?;
    if !changed {
        return say(format_args!(
            "nothing to change in engagement {}",
            e.reference
        ));
    }
    after_commit(&format!("the edit of engagement {}", e.reference), || {
        say(format_args!("changed engagement {}", e.reference))
    })
}

fn edit_contact(ctx: &Ctx, a: &EditContactArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (id, changed, demoted) = store.write(|s| {
        let r = ctx.registry(s);
        let before = r.find_contact(&a.contact)?;
        let mut c = before.clone();
        if let Some(n) = &a.name {
            c.name = validate::name("name", n)?;
        }
        if let Some(p) = &a.partner {
            let p = s.find_partner(p)?;
            c.partner_id = p.id;
            c.partner = p.key;
        }
        super::apply_contact_fields(&a.fields, &mut c)?;
        for f in &a.clear {
            match f {
                ContactField::Role => c.role = None,
                ContactField::Email => c.email = None,
                ContactField::Phone => c.phone = None,
                ContactField::Languages => c.languages.clear(),
                ContactField::Primary => c.primary = false,
                ContactField::Since => c.since = None,
                ContactField::Until => c.until = None,
                ContactField::Notes => c.notes = None,
            }
        }
        validate::contact(&c)?;
        if c == before {
            return Ok((c.id, false, Vec::new()));
        }
        c.updated_at = ctx.now();
        let demoted = r.update_contact(&before, &c, ctx.today)?;
        Ok((c.id, true, demoted))
    })?;
    after_commit(&format!("the edit of contact {id}"), || {
        super::say_demoted(&demoted, id)?;
        if changed {
            say(format_args!("edited contact {id}"))
        } else {
            say(format_args!("contact {id} unchanged"))
        }
    })
}

fn edit_partner(ctx: &Ctx, a: &EditPartnerArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (key, changed, warnings) = store.write(|s| {
        let before = s.find_partner(&a.partner)?;
        let mut p = before.clone();
        if let Some(n) = &a.name {
            p.name = validate::name("name", n)?;
        }
        if let Some(k) = &a.key {
            p.key = k.clone();
        }
        if let Some(c) = a.category {
            p.category = c;
        }
        if let Some(c) = &a.country {
            p.country = Some(c.clone()).filter(|c| !c.is_empty());
        }
        if !a.aliases.is_empty() {
            p.aliases = a
                .aliases
                .iter()
                .map(|x| validate::name("alias", x))
                .collect::<Result<_>>()?;
        }
        for x in &a.add_aliases {
            p.aliases.push(validate::name("alias", x)?);
        }
        for x in &a.remove_aliases {
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
        if let Some(w) = &a.website {
            p.website = validate::free_text("website", w)?;
        }
        if let Some(n) = &a.note {
            p.notes = validate::free_text("note", n)?;
        }
        if a.public {
            p.public = true;
        }
        if a.clear.iter().any(|f| f == "public") {
            p.public = false;
        }
        // Normalized names changed behind mou's back (`mou check` says so) are rewritten by
        // any edit, even one that changes nothing else.
        if p == before && !s.partner_norms_stale(p.id)? {
            return Ok((p.key, false, Vec::new()));
        }
        p.updated_at = ctx.now();
        let mut warnings = registry::check_partner(s, &p, Some(p.id))?;
        warnings.extend(registry::lookalikes(s, &p)?);
        ctx.registry(s).update_partner(&before, &p)?;
        Ok((p.key, true, warnings))
    })?;
    if !changed {
        return say(format_args!("nothing to change in partner {key}"));
    }
    after_commit(&format!("the edit of partner {key}"), || {
        for w in &warnings {
            say(format_args!("warning: {w}"))?;
        }
        say(format_args!("changed partner {key}"))
    })
}

const CLEARABLE: &str = "signed, expires, notice, terminated";

fn edit_agreement(ctx: &Ctx, a: &EditAgreementArgs) -> Result<()> {
    for f in &a.clear {
        if !CLEARABLE.split(", ").any(|c| c == f) {
            return Err(Error::field(
                "clear",
                f,
                format!("fields that can be cleared: {CLEARABLE}"),
            ));
        }
    }
    let clears = |f: &str| a.clear.iter().any(|c| c == f);
    let mut store = ctx.open(Access::Write)?;
    let (reference, changed) = store.write(|s| {
        let reg = ctx.registry(s);
        let (before, _) = s.find_agreement(&a.agreement, ctx.as_of)?;
        let mut g = before.clone();
        let mut party_ids = s.party_ids(g.id)?;
        if let Some(r) = &a.reference {
            let r = validate::reference(r)?;
            if s.ref_taken(&r, Some(g.id))? {
                return Err(Error::field("ref", &r, "another agreement has this ref; choose another"));
            }
            g.reference = r;
        }
        if let Some(k) = a.kind {
            g.kind = k;
        }
        if let Some(t) = &a.title {
            g.title = validate::free_text("title", t)?.unwrap_or_default();
        }
        if !a.partners.is_empty() {
            party_ids = reg.resolve_parties(&a.partners)?.iter().map(|p| p.id).collect();
        }
        for p in reg.resolve_parties(&a.add_partners)? {
            if !party_ids.contains(&p.id) {
                party_ids.push(p.id);
            }
        }
        for p in reg.resolve_parties(&a.remove_partners)? {
            if !party_ids.contains(&p.id) {
                return Err(Error::field("remove-partner", &p.key, format!("it is not a party to {}", g.reference)));
            }
            party_ids.retain(|x| *x != p.id);
        }
        if let Some(d) = a.signed {
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
        if let Some(d) = a.effective {
            g.effective_on = Some(d);
        }
        if g.signed_on.is_some() && g.effective_on.is_none() {
            g.effective_on = g.signed_on;
        }
        if let Some(d) = a.expires {
            g.expires_on = Some(d);
        }
        if let Some(t) = a.term {
            let from = g.effective_on.ok_or_else(|| {
                Error::input("a term counts from the effective date, and this agreement has none; give --signed or --expires")
            })?;
            g.expires_on = Some(t.last_day_from(from).ok_or_else(|| Error::input("the term is too long; give a shorter --term"))?);
        }
        if clears("expires") {
            g.expires_on = None;
        }
        if let Some(n) = a.notice {
            g.notice_days = Some(n.approx_days());
        }
        if clears("notice") {
            g.notice_days = None;
        }
        if clears("terminated") {
            g.terminated_on = None;
            g.termination_reason = None;
        }
        if !a.sdgs.is_empty() {
            g.sdgs = a.sdgs.clone();
        }
        g.sdgs.extend(&a.add_sdgs);
        if let Some(n) = a.remove_sdgs.iter().find(|n| !g.sdgs.contains(n)) {
            return Err(Error::field(
                "remove-sdg",
                &n.to_string(),
                format!("{} has no such SDG; its SDGs: {}", g.reference, crate::model::join_sdgs(&g.sdgs)),
            ));
        }
        g.sdgs.retain(|n| !a.remove_sdgs.contains(n));
        g.sdgs.sort_unstable();
        g.sdgs.dedup();
        if !a.tags.is_empty() {
            g.tags = a.tags.clone();
        }
        g.tags.extend(a.add_tags.iter().cloned());
        if let Some(t) = a.remove_tags.iter().find(|t| !g.tags.contains(t)) {
            return Err(Error::field(
                "remove-tag",
                t,
                format!("{} has no such tag; its tags: {}", g.reference, g.tags.join(", ")),
            ));
        }
        g.tags.retain(|t| !a.remove_tags.contains(t));
        g.tags = dedupe(std::mem::take(&mut g.tags));
        if let Some(n) = &a.note {
            g.notes = validate::free_text("note", n)?;
        }
        if let Some(d) = &a.document {
            g.document = validate::free_text("document", d)?;
        }
        if let Some(r) = &a.renews {
            g.renews = if r.trim().is_empty() { None } else { Some(reg.resolve_renews(r, ctx.as_of)?) };
        }
        g.parties = party_ids
            .iter()
            .map(|id| s.partner_by_id(*id).map(|p| p.map(|p| p.key).unwrap_or_default()))
            .collect::<Result<_>>()?;
        if g == before {
            return Ok((g.reference, false));
        }
        validate::agreement(&g)?;
        g.updated_at = ctx.now();
        reg.update_agreement(Action::Edit, &before, &g, &party_ids)?;
        Ok((g.reference, true))
    })?;
    if !changed {
        return say(format_args!("nothing to change in agreement {reference}"));
    }
    after_commit(&format!("the edit of agreement {reference}"), || {
        say(format_args!("changed agreement {reference}"))
    })
}
