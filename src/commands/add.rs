//! `mou add partner|agreement|mou|contact|engagement`: prints the new key, ref or id on stdout.

use std::io::Write;

use super::{after_commit, say, stdout, Ctx};
use crate::cli::{AddCommand, AddContactArgs, AddEngagementArgs, AddPartnerArgs, AgreementArgs};
use crate::error::Result;
use crate::model::{Agreement, Contact, Engagement, EngagementKind, Kind, Partner};
use crate::registry::{NewAgreement, NewEngagement, NewPartner};
use crate::store::{Access, Backend};
use crate::validate;

pub fn run(ctx: &Ctx, cmd: AddCommand) -> Result<()> {
    match cmd {
        AddCommand::Partner(a) => add_partner(ctx, &a),
        AddCommand::Agreement(a) => {
            add_agreement(ctx, &a.agreement, a.kind.unwrap_or(Kind::Agreement))
        }
        AddCommand::Mou(a) => add_agreement(ctx, &a, Kind::Mou),
        AddCommand::Contact(a) => add_contact(ctx, &a),
        AddCommand::Engagement(a) => add_engagement(ctx, &a),
    }
}

/// Records the engagement `a` gives, in one transaction; returns it as recorded.
pub fn engagement_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &AddEngagementArgs,
) -> Result<Engagement> {
    let new = NewEngagement {
        title: a.title.clone(),
        starts: a.on,
        partners: a.partners.clone(),
        reference: a.reference.clone(),
        kind: a.kind.unwrap_or(EngagementKind::Other),
        public: a.public,
        values: super::engagement_values(&a.fields),
    };
    store.write(|s| ctx.registry(s).create_engagement(&new, ctx.as_of))
}

fn add_engagement(ctx: &Ctx, a: &AddEngagementArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let e = engagement_record(ctx, &mut *store, a)?;
    after_commit(&format!("engagement {}", e.reference), || {
        say(format_args!(
            "added {} {} ({}) with {}",
            e.kind,
            e.reference,
            e.status_at(ctx.as_of),
            e.partners.join(", ")
        ))?;
        let mut out = stdout();
        writeln!(out, "{}", e.reference)?;
        out.flush()?;
        Ok(())
    })
}

fn add_contact(ctx: &Ctx, a: &AddContactArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (c, id, demoted) = contact_record(ctx, &mut *store, a)?;
    after_commit(&format!("contact {id}"), || {
        super::say_demoted(&demoted, id)?;
        say(format_args!("added contact {id} at {}", c.partner))?;
        let mut out = stdout();
        writeln!(out, "{id}")?;
        out.flush()?;
        Ok(())
    })
}

/// Records the contact `a` gives, in one transaction: the contact, its id and the contacts
/// it demoted from primary.
pub fn contact_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &AddContactArgs,
) -> Result<(Contact, i64, Vec<Contact>)> {
    let now = ctx.now();
    let mut c = crate::model::Contact {
        id: 0,
        partner_id: 0,
        partner: String::new(),
        name: validate::name("name", &a.name)?,
        role: None,
        email: None,
        phone: None,
        languages: Vec::new(),
        primary: false,
        since: None,
        until: None,
        notes: None,
        created_at: now.clone(),
        updated_at: now,
    };
    super::apply_contact_fields(&a.fields, &mut c)?;
    validate::contact(&c)?;
    let (id, demoted) = store.write(|s| {
        let p = s.find_partner(&a.partner)?;
        c.partner_id = p.id;
        c.partner = p.key;
        ctx.registry(s).add_contact(&c, ctx.today)
    })?;
    Ok((c, id, demoted))
}

fn add_partner(ctx: &Ctx, a: &AddPartnerArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (partner, warnings) = partner_record(ctx, &mut *store, a)?;
    after_commit(&format!("partner {}", partner.key), || {
        for w in &warnings {
            say(format_args!("warning: {w}"))?;
        }
        say(format_args!(
            "added partner {} ({})",
            partner.key, partner.name
        ))?;
        let mut out = stdout();
        writeln!(out, "{}", partner.key)?;
        out.flush()?;
        Ok(())
    })
}

/// Records the partner `a` gives, in one transaction; returns it and the warnings about
/// names like others'.
pub fn partner_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &AddPartnerArgs,
) -> Result<(Partner, Vec<String>)> {
    let new = NewPartner {
        name: a.name.clone(),
        category: a.category,
        key: a.key.clone(),
        country: a.country.clone(),
        aliases: a.aliases.clone(),
        website: a.website.clone(),
        note: a.note.clone(),
    };
    store.write(|s| ctx.registry(s).create_partner(&new))
}

fn add_agreement(ctx: &Ctx, a: &AgreementArgs, kind: Kind) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let agreement = agreement_record(ctx, &mut *store, a, kind)?;
    after_commit(&format!("agreement {}", agreement.reference), || {
        say(format_args!(
            "added {} {} ({}) with {}",
            agreement.kind,
            agreement.reference,
            agreement.status_at(ctx.as_of),
            agreement.parties.join(", ")
        ))?;
        let mut out = stdout();
        writeln!(out, "{}", agreement.reference)?;
        out.flush()?;
        Ok(())
    })
}

/// Records the agreement `a` gives, of `kind`, in one transaction.
pub fn agreement_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &AgreementArgs,
    kind: Kind,
) -> Result<Agreement> {
    let new = NewAgreement {
        kind,
        partners: a.partners.clone(),
        signed: a.signed,
        title: a.title.clone(),
        reference: a.reference.clone(),
        effective: a.effective,
        expires: a.expires,
        term: a.term,
        notice: a.notice,
        sdgs: a.sdgs.clone(),
        tags: a.tags.clone(),
        note: a.note.clone(),
        document: a.document.clone(),
        renews: a.renews.clone(),
    };
    store.write(|s| ctx.registry(s).create_agreement(&new, ctx.today, ctx.as_of))
}
