//! `mou history [REF|PARTNER] [--verify]`: the audit trail.

use std::io::Write;

use super::{Ctx, Sink};
use crate::error::{Error, Result};
use crate::output::{Cell, RowWriter};
use crate::store::{Access, Backend};

const COLUMNS: &[&str] = &[
    "id", "at", "actor", "action", "entity", "key", "before", "after", "hash",
];
const TABLE: &[&str] = &["id", "at", "actor", "action", "entity", "key"];

/// Which entity a name refers to: an agreement (also one removed), else a partner.
fn about(
    store: &dyn Backend,
    name: &str,
    ctx: &Ctx,
) -> Result<(&'static str, Option<i64>, String)> {
    if let Some((a, _)) = store.try_find_agreement(name, ctx.as_of)? {
        return Ok(("agreement", Some(a.id), a.reference));
    }
    if let Some((e, _)) = store.try_find_engagement(name, ctx.as_of)? {
        return Ok(("engagement", Some(e.id), e.reference));
    }
    if let Ok(p) = store.try_find_partner(name)? {
        return Ok(("partner", Some(p.id), p.key));
    }
    if name.contains('@') || name.contains(':') {
        if let Ok(c) = ctx.registry(store).find_contact(name) {
            return Ok(("contact", Some(c.id), c.id.to_string()));
        }
    }
    // A removed record is known by the key or ref it had.
    let mut found = None;
    store.scan_history(&mut |e| {
        if e.entity_key.eq_ignore_ascii_case(name.trim()) {
            found = Some(match e.entity.as_str() {
                "agreement" => "agreement",
                "engagement" => "engagement",
                _ => "partner",
            });
        }
        Ok(())
    })?;
    match found {
        Some(entity) => Ok((entity, None, name.trim().to_string())),
        None => Err(Error::input(format!(
            "no agreement, engagement or partner is named '{name}', now or in history"
        ))),
    }
}

/// A contact by id (also a removed one), email or `PARTNER:NAME`.
fn contact(
    store: &dyn Backend,
    name: &str,
    ctx: &Ctx,
) -> Result<(&'static str, Option<i64>, String)> {
    match ctx.registry(store).find_contact(name) {
        Ok(c) => Ok(("contact", Some(c.id), c.id.to_string())),
        Err(e) => match crate::text::ascii_digits(name.trim()).parse::<i64>() {
            Ok(id) if store.contact_in_history(id)? => Ok(("contact", Some(id), id.to_string())),
            _ => Err(e),
        },
    }
}

/// An engagement by ref or id, or one removed, by the ref it had.
fn engagement(
    store: &dyn Backend,
    name: &str,
    ctx: &Ctx,
) -> Result<(&'static str, Option<i64>, String)> {
    if let Some((e, _)) = store.try_find_engagement(name, ctx.as_of)? {
        return Ok(("engagement", Some(e.id), e.reference));
    }
    let mut found = false;
    store.scan_history(&mut |e| {
        found |= e.entity == "engagement" && e.entity_key.eq_ignore_ascii_case(name.trim());
        Ok(())
    })?;
    if found {
        return Ok(("engagement", None, name.trim().to_string()));
    }
    store.find_engagement(name, ctx.as_of)?;
    Err(Error::input(format!("unknown engagement '{name}'")))
}

pub fn run(ctx: &Ctx, a: &crate::cli::HistoryArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    if a.verify {
        let v = store.verify_history()?;
        return match v.first_broken {
            None => {
                crate::note!("history verified: {} rows, chain intact", v.rows);
                Ok(())
            }
            Some((id, why)) => Err(Error::no(format!("history is broken at row {id}: {why}"))),
        };
    }
    let target = match (&a.contact, &a.name) {
        (Some(c), _) => Some(contact(&*store, c, ctx)?),
        (None, _) if a.engagement.is_some() => Some(engagement(
            &*store,
            a.engagement.as_deref().unwrap_or_default(),
            ctx,
        )?),
        (None, Some(n)) => Some(about(&*store, n, ctx)?),
        (None, None) => None,
    };
    let mut out = Sink::open(None)?;
    let mut w = RowWriter::new(&mut out, ctx.format(), false, COLUMNS, Some(TABLE))?;
    let mut row = |e: crate::store::HistoryEntry| {
        let json = |s: Option<String>| match s {
            Some(s) => Cell::Json(s),
            None => Cell::Null,
        };
        w.row(vec![
            Cell::Int(e.id),
            Cell::Text(e.at),
            Cell::Text(e.actor),
            Cell::Text(e.action),
            Cell::Text(e.entity),
            Cell::Text(e.entity_key),
            json(e.before),
            json(e.after),
            Cell::Text(e.hash),
        ])
    };
    match &target {
        Some((entity, id, key)) => store.scan_history_about(entity, *id, key, &mut row)?,
        None => store.scan_history(&mut row)?,
    }
    w.finish()?;
    out.flush()?;
    out.commit()
}
