//! `mou edit partner|agreement|contact|engagement`: change fields; one history row with
//! before and after.

use super::{after_commit, say, Ctx};
use crate::cli::{
    ContactField, EditAgreementArgs, EditCommand, EditContactArgs, EditEngagementArgs,
    EditPartnerArgs, EngagementField,
};
use crate::error::Result;
use crate::model::{Agreement, Contact, Engagement, Partner};
use crate::registry;
use crate::store::{Access, Backend};
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

/// Makes the change `a` gives to an engagement, in one transaction; returns the engagement
/// and whether it changed.
pub fn engagement_edit_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &EditEngagementArgs,
) -> Result<(Engagement, bool)> {
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
    store.write(|s| {
        ctx.registry(s)
            .edit_engagement(&a.engagement, &edit, ctx.as_of)
    })
}

fn edit_engagement(ctx: &Ctx, a: &EditEngagementArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (e, changed) = engagement_edit_record(ctx, &mut *store, a)?;
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

/// Makes the change `a` gives to a contact, in one transaction; returns the contact, whether
/// it changed, and the contacts no longer primary because it now is.
pub fn contact_edit_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &EditContactArgs,
) -> Result<(Contact, bool, Vec<Contact>)> {
    store.write(|s| {
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
            return Ok((c, false, Vec::new()));
        }
        c.updated_at = ctx.now();
        let demoted = r.update_contact(&before, &c, ctx.today)?;
        Ok((c, true, demoted))
    })
}

fn edit_contact(ctx: &Ctx, a: &EditContactArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (c, changed, demoted) = contact_edit_record(ctx, &mut *store, a)?;
    let id = c.id;
    after_commit(&format!("the edit of contact {id}"), || {
        super::say_demoted(&demoted, id)?;
        if changed {
            say(format_args!("edited contact {id}"))
        } else {
            say(format_args!("contact {id} unchanged"))
        }
    })
}

/// Makes the change `a` gives to a partner, in one transaction; returns the partner,
/// whether it changed and the warnings about names like others'.
pub fn partner_edit_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &EditPartnerArgs,
) -> Result<(Partner, bool, Vec<String>)> {
    let edit = registry::PartnerEdit {
        name: a.name.clone(),
        key: a.key.clone(),
        category: a.category,
        country: a.country.clone(),
        aliases: a.aliases.clone(),
        add_aliases: a.add_aliases.clone(),
        remove_aliases: a.remove_aliases.clone(),
        website: a.website.clone(),
        note: a.note.clone(),
        public: a.public,
        clear: a.clear.clone(),
    };
    store.write(|s| ctx.registry(s).edit_partner(&a.partner, &edit))
}

fn edit_partner(ctx: &Ctx, a: &EditPartnerArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (p, changed, warnings) = partner_edit_record(ctx, &mut *store, a)?;
    let key = p.key;
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

/// Makes the change `a` gives to an agreement, in one transaction; returns the agreement
/// and whether it changed.
pub fn agreement_edit_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &EditAgreementArgs,
) -> Result<(Agreement, bool)> {
    let edit = registry::AgreementEdit {
        reference: a.reference.clone(),
        kind: a.kind,
        title: a.title.clone(),
        partners: a.partners.clone(),
        add_partners: a.add_partners.clone(),
        remove_partners: a.remove_partners.clone(),
        signed: a.signed,
        effective: a.effective,
        expires: a.expires,
        term: a.term,
        notice: a.notice,
        sdgs: a.sdgs.clone(),
        add_sdgs: a.add_sdgs.clone(),
        remove_sdgs: a.remove_sdgs.clone(),
        tags: a.tags.clone(),
        add_tags: a.add_tags.clone(),
        remove_tags: a.remove_tags.clone(),
        note: a.note.clone(),
        document: a.document.clone(),
        renews: a.renews.clone(),
        clear: a.clear.clone(),
    };
    store.write(|s| {
        ctx.registry(s)
            .edit_agreement(&a.agreement, &edit, ctx.as_of)
    })
}

fn edit_agreement(ctx: &Ctx, a: &EditAgreementArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (g, changed) = agreement_edit_record(ctx, &mut *store, a)?;
    let reference = g.reference;
    if !changed {
        return say(format_args!("nothing to change in agreement {reference}"));
    }
    after_commit(&format!("the edit of agreement {reference}"), || {
        say(format_args!("changed agreement {reference}"))
    })
}
