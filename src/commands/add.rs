//! `mou add partner|agreement|mou`: prints the new key or ref on stdout.

use chrono::Datelike;
use std::io::Write;

use super::{after_commit, say, stdout, Ctx};
use crate::cli::{AddCommand, AddPartnerArgs, AgreementArgs};
use crate::error::{Error, Result};
use crate::model::{Agreement, Kind, Partner};
use crate::records::{agreement_json, partner_json};
use crate::store::{Access, Action, Change, Entity, Store};
use crate::validate;

pub fn run(ctx: &Ctx, cmd: AddCommand) -> Result<()> {
    match cmd {
        AddCommand::Partner(a) => add_partner(ctx, &a),
        AddCommand::Agreement(a) => {
            add_agreement(ctx, &a.agreement, a.kind.unwrap_or(Kind::Agreement))
        }
        AddCommand::Mou(a) => add_agreement(ctx, &a, Kind::Mou),
    }
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
        let now = s.now();
        let p = Partner {
            id: 0,
            key: validate::derive_key(s, a.key.as_deref(), &name, &aliases)?,
            name: name.clone(),
            aliases: aliases.clone(),
            category: a.category,
            country: a.country.clone().filter(|c| !c.is_empty()),
            website: validate::free_text("website", a.website.as_deref().unwrap_or(""))?,
            notes: validate::free_text("note", a.note.as_deref().unwrap_or(""))?,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut warnings = validate::partner(s, &p, None)?;
        warnings.extend(validate::lookalikes(s, &p)?);
        Ok((insert_partner(s, &ctx.actor, &p)?, warnings))
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

/// Partners named on the command line, each once, in order.
pub fn resolve_parties(store: &Store, names: &[String]) -> Result<Vec<Partner>> {
    let mut parties: Vec<Partner> = Vec::new();
    for n in names {
        let p = store.find_partner(n)?;
        if !parties.iter().any(|q| q.id == p.id) {
            parties.push(p);
        }
    }
    Ok(parties)
}

/// The canonical ref of an agreement named as renewed.
pub fn resolve_renews(store: &Store, name: &str, ctx: &Ctx) -> Result<String> {
    store
        .try_find_agreement(name, ctx.as_of)?
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
pub fn new_ref(store: &Store, given: Option<&str>, kind: Kind, year: i32) -> Result<String> {
    match given {
        Some(r) => {
            let r = validate::reference(r)?;
            if store.ref_taken(&r, None)? {
                return Err(Error::field(
                    "ref",
                    &r,
                    "another agreement has this ref; choose another or leave --ref out",
                ));
            }
            Ok(r)
        }
        None => store.next_ref(kind, year),
    }
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
        let parties = resolve_parties(s, &a.partners)?;
        let year = a.signed.unwrap_or(ctx.today).year();
        let now = s.now();
        let mut ag = Agreement {
            id: 0,
            reference: new_ref(s, a.reference.as_deref(), kind, year)?,
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
                .map(|r| resolve_renews(s, r, ctx))
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
        if let Some(r) = &ag.renews {
            super::edit::check_renewal(s, None, &ag.reference, r)?;
        }
        let ids: Vec<i64> = parties.iter().map(|p| p.id).collect();
        ag.id = s.insert_agreement(&ag, &ids)?;
        s.record(Change {
            actor: &ctx.actor,
            action: Action::Add,
            entity: Entity::Agreement,
            entity_id: Some(ag.id),
            entity_key: &ag.reference,
            before: None,
            after: Some(agreement_json(&ag)),
        })?;
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

/// Inserts a new partner with its `add` history row; returns it with its id.
pub fn insert_partner(s: &Store, actor: &str, p: &Partner) -> Result<Partner> {
    let p = s.insert_partner(p)?;
    s.record(Change {
        actor,
        action: Action::Add,
        entity: Entity::Partner,
        entity_id: Some(p.id),
        entity_key: &p.key,
        before: None,
        after: Some(partner_json(&p)),
    })?;
    Ok(p)
}

pub fn dedupe(v: Vec<String>) -> Vec<String> {
    // Lists are short (tags, parties): a scan beats hashing every item.
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}
