//! `mou add partner|agreement|mou`: prints the new key or ref on stdout.

use chrono::Datelike;
use std::io::Write;

use super::{after_commit, say, stdout, Ctx};
use crate::cli::{AddCommand, AddContactArgs, AddPartnerArgs, AgreementArgs};
use crate::error::{Error, Result};
use crate::model::{Agreement, Kind, Partner};
use crate::registry::{self, dedupe};
use crate::store::Access;
use crate::validate;

pub fn run(ctx: &Ctx, cmd: AddCommand) -> Result<()> {
    match cmd {
        AddCommand::Partner(a) => add_partner(ctx, &a),
        AddCommand::Agreement(a) => {
            add_agreement(ctx, &a.agreement, a.kind.unwrap_or(Kind::Agreement))
        }
        AddCommand::Mou(a) => add_agreement(ctx, &a, Kind::Mou),
        AddCommand::Contact(a) => add_contact(ctx, &a),
    }
}

fn add_contact(ctx: &Ctx, a: &AddContactArgs) -> Result<()> {
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
    let mut store = ctx.open(Access::Write)?;
    let (id, demoted) = store.write(|s| {
        let p = s.find_partner(&a.partner)?;
        c.partner_id = p.id;
        c.partner = p.key;
        ctx.registry(s).add_contact(&c, ctx.today)
    })?;
    after_commit(&format!("contact {id}"), || {
        super::say_demoted(&demoted, id)?;
        say(format_args!("added contact {id} at {}", c.partner))?;
        let mut out = stdout();
        writeln!(out, "{id}")?;
        out.flush()?;
        Ok(())
    })
}

fn add_partner(ctx: &Ctx, a: &AddPartnerArgs) -> Result<()> {
    let name = validate::name("name", &a.name)?;
    let aliases = a
        .aliases
        .iter()
        .map(|x| validate::name("alias", x))
        .collect::<Result<Vec<_>>>()?;
    let aliases = validate::dedupe_aliases(&name, aliases);
    let mut store = ctx.open(Access::Write)?;
    let (partner, warnings) = store.write(|s| {
        let now = ctx.now();
        let p = Partner {
            id: 0,
            key: registry::derive_key(s, a.key.as_deref(), &name, &aliases)?,
            name: name.clone(),
            aliases: aliases.clone(),
            category: a.category,
            country: a.country.clone().filter(|c| !c.is_empty()),
            website: validate::free_text("website", a.website.as_deref().unwrap_or(""))?,
            notes: validate::free_text("note", a.note.as_deref().unwrap_or(""))?,
            public: false,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut warnings = registry::check_partner(s, &p, None)?;
        warnings.extend(registry::lookalikes(s, &p)?);
        Ok((ctx.registry(s).add_partner(&p)?, warnings))
    })?;
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

fn add_agreement(ctx: &Ctx, a: &AgreementArgs, kind: Kind) -> Result<()> {
    if a.signed.is_none() && (a.effective.is_some() || a.term.is_some()) {
        return Err(Error::input(
            "an agreement without --signed is a draft: it has no effective date or term yet; give --signed, or --expires for a planned end",
        ));
    }
    let title = validate::free_text("title", a.title.as_deref().unwrap_or(""))?.unwrap_or_default();
    let notes = validate::free_text("note", a.note.as_deref().unwrap_or(""))?;
    let document = validate::free_text("document", a.document.as_deref().unwrap_or(""))?;
    let effective = a.effective.or(a.signed);
    let expires = match (a.expires, a.term, effective) {
        (Some(e), _, _) => Some(e),
        (None, Some(t), Some(from)) => Some(t.last_day_from(from).ok_or_else(|| {
            Error::input("the term runs past the calendar's end; give a shorter --term")
        })?),
        _ => None,
    };
    let mut store = ctx.open(Access::Write)?;
    let agreement = store.write(|s| {
        let r = ctx.registry(s);
        let parties = r.resolve_parties(&a.partners)?;
        let year = a.signed.unwrap_or(ctx.today).year();
        let now = ctx.now();
        let mut ag = Agreement {
            id: 0,
            reference: r.new_ref(a.reference.as_deref(), kind, year)?,
            kind,
            title: title.clone(),
            parties: parties.iter().map(|p| p.key.clone()).collect(),
            signed_on: a.signed,
            effective_on: effective,
            expires_on: expires,
            terminated_on: None,
            termination_reason: None,
            notice_days: a.notice.map(|t| t.approx_days()),
            renews: a
                .renews
                .as_deref()
                .map(|name| r.resolve_renews(name, ctx.as_of))
                .transpose()?,
            sdgs: {
                let mut v = a.sdgs.clone();
                v.sort_unstable();
                v.dedup();
                v
            },
            tags: dedupe(a.tags.clone()),
            notes: notes.clone(),
            document: document.clone(),
            created_at: now.clone(),
            updated_at: now,
        };
        validate::agreement(&ag)?;
        if let Some(renews) = &ag.renews {
            r.check_renewal(None, &ag.reference, renews)?;
        }
        let ids: Vec<i64> = parties.iter().map(|p| p.id).collect();
        ag.id = r.add_agreement(&ag, &ids, None)?;
        Ok(ag)
    })?;
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
