//! `mou import contacts FILE`: the whole file is read and checked, then written in one
//! transaction (contacts are few: the file is held in memory). A row with an `id` that the
//! registry holds is that contact: unchanged, or changed only with `--update`; a row with an
//! id the registry never had keeps it (so export -> import -> export gives the same file); a
//! row without an id is a new contact.

use std::collections::HashMap;
use std::sync::mpsc::sync_channel;

use super::parse::{col_err, shown, slot, Bad, ParseResult, Row, Slot};
use super::read::{input_name, Item, Source};
use super::{bad_rows_error, say_done, RowError, Tally, MAX_REPORTED};
use crate::cli::ImportArgs;
use crate::commands::Ctx;
use crate::dates::parse_stored;
use crate::error::Result;
use crate::model::{split_list, Contact};
use crate::store::{Access, Backend, Entity};
use crate::validate;

struct Columns {
    id: Slot,
    partner: Slot,
    name: Slot,
    role: Slot,
    email: Slot,
    phone: Slot,
    languages: Slot,
    primary: Slot,
    since: Slot,
    until: Slot,
    notes: Slot,
    created_at: Slot,
    updated_at: Slot,
}

/// A row read: the contact (partner by the name the file gives) and that name.
struct Input {
    contact: Contact,
    partner: String,
}

fn parse(c: &Columns, row: &Row, now: &str) -> ParseResult<Input> {
    let mut bads: Vec<Bad> = Vec::new();
    let mut check = |field: &str, r: Result<Option<String>>| -> Option<String> {
        r.map_err(|e| bads.push(col_err(field, e.message)))
            .ok()
            .flatten()
    };
    let name = check("name", validate::name("name", row.get(c.name)).map(Some));
    let role = check("role", validate::free_text("role", row.get(c.role)));
    let email = check("email", validate::email(row.get(c.email)));
    let phone = check("phone", validate::phone(row.get(c.phone)));
    let notes = check("notes", validate::free_text("notes", row.get(c.notes)));
    let languages = match validate::languages(&split_list(row.get(c.languages))) {
        Ok(l) => l,
        Err(e) => {
            bads.push(col_err("languages", e.message));
            Vec::new()
        }
    };
    let id = match row.opt(c.id) {
        None => 0,
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n > 0 => n,
            _ => {
                bads.push(col_err("id", format!("'{}' is not a contact id (a whole number from 1), or leave it empty for a new contact", shown(t))));
                0
            }
        },
    };
    let primary = match row.get(c.primary).trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => false,
        "true" | "yes" | "1" => true,
        other => {
            bads.push(col_err(
                "primary",
                format!("'{}' is not true or false", shown(other)),
            ));
            false
        }
    };
    let mut date = |field: &str, s: Slot| match row.opt(s) {
        None => None,
        Some(t) => match parse_stored(t) {
            Ok(d) => Some(d),
            Err(e) => {
                bads.push(col_err(field, e));
                None
            }
        },
    };
    let since = date("since", c.since);
    let until = date("until", c.until);
    let partner = row.get(c.partner).trim().to_string();
    if partner.is_empty() {
        bads.push(col_err("partner", "empty: give the partner's key"));
    }
    let stamp = |s: Slot| row.opt(s).map_or_else(|| now.to_string(), str::to_string);
    let contact = Contact {
        id,
        partner_id: 0,
        partner: String::new(),
        name: name.unwrap_or_default(),
        role,
        email,
        phone,
        languages,
        primary,
        since,
        until,
        notes,
        created_at: stamp(c.created_at),
        updated_at: stamp(c.updated_at),
    };
    if let Err(e) = validate::contact(&contact) {
        bads.push(col_err("until", e.message));
    }
    if bads.is_empty() {
        Ok(Input { contact, partner })
    } else {
        Err(bads)
    }
}

/// The fields a user can change, for comparing a row with the registry's contact.
fn same(a: &Contact, b: &Contact) -> bool {
    let strip = |c: &Contact| Contact {
        created_at: String::new(),
        updated_at: String::new(),
        ..c.clone()
    };
    strip(a) == strip(b)
}

pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    let source = Source::open(a)?;
    let file_name = input_name(&a.file);
    let now = ctx.now();
    let cols = {
        let s = |n| slot(&source.index, n);
        Columns {
            id: s("id"),
            partner: s("partner"),
            name: s("name"),
            role: s("role"),
            email: s("email"),
            phone: s("phone"),
            languages: s("languages"),
            primary: s("primary"),
            since: s("since"),
            until: s("until"),
            notes: s("notes"),
            created_at: s("created_at"),
            updated_at: s("updated_at"),
        }
    };
    let mut items: Vec<Item<Input>> = Vec::new();
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel(4);
        let (_back, returned) = sync_channel(4);
        let now = &now;
        let cols = &cols;
        scope.spawn(move || source.parse_into(|row| parse(cols, row, now), tx, returned));
        for batch in rx {
            items.extend(batch);
        }
    });
    let mut store = ctx.open(Access::Write)?;
    let outcome = store.transaction(|s| {
        let r = ctx.registry(s);
        let mut errors: Vec<RowError> = Vec::new();
        let mut bad = 0u64;
        let fail = |errors: &mut Vec<RowError>, e: RowError| {
            if errors.len() < MAX_REPORTED {
                errors.push(e);
            }
        };
        let mut tally = Tally::default();
        let mut primaries: HashMap<i64, u64> = HashMap::new();
        let mut demoted = Vec::new();
        for item in items.drain(..) {
            let (line, mut input) = match item {
                Item::Bad(es) => {
                    bad += 1;
                    for e in es {
                        fail(&mut errors, e);
                    }
                    continue;
                }
                Item::Row(line, input) => (line, input),
            };
            let row_err = |column: &str, reason: String| RowError {
                line,
                column: Some(column.into()),
                reason,
            };
            let p = match Backend::find_partner(s, &input.partner) {
                Ok(p) => p,
                Err(e) => {
                    bad += 1;
                    let mut reason = e.message;
                    if let Some(h) = e.hint {
                        reason.push_str(&format!(" ({h})"));
                    }
                    fail(&mut errors, row_err("partner", reason));
                    continue;
                }
            };
            let c = &mut input.contact;
            c.partner_id = p.id;
            c.partner = p.key;
            if c.is_current_primary(ctx.today) {
                let n = primaries.entry(c.partner_id).or_default();
                *n += 1;
                if *n > 1 {
                    bad += 1;
                    let why = format!("a second current primary contact of {} in the file: a partner has at most one", c.partner);
                    fail(&mut errors, row_err("primary", why));
                    continue;
                }
            }
            let existing = if c.id != 0 { s.contact_by_id(c.id)? } else { None };
            match existing {
                Some(old) if same(&old, c) => tally.unchanged += 1,
                Some(old) if !a.update => {
                    bad += 1;
                    let why = format!("contact {} differs from the registry's; give --update to change it", old.id);
                    fail(&mut errors, row_err("id", why));
                }
                Some(old) => {
                    c.created_at = old.created_at.clone();
                    demoted.extend(r.update_contact(&old, c, ctx.today)?);
                    tally.updated += 1;
                }
                None => match r.add_contact(c, ctx.today) {
                    Ok((_, d)) => {
                        demoted.extend(d);
                        tally.added += 1;
                    }
                    Err(e) if e.kind == crate::error::Kind::Input => {
                        bad += 1;
                        fail(&mut errors, row_err("id", e.message));
                    }
                    Err(e) => return Err(e),
                },
            }
        }
        if bad > 0 {
            let more = (bad as usize).saturating_sub(errors.len());
            return Ok((Err(bad_rows_error(&file_name, bad, &errors, more)), false));
        }
        if !a.dry_run && tally.added + tally.updated > 0 {
            let summary = tally.summary(&file_name);
            r.record_import(Entity::Contact, &file_name, summary)?;
        }
        Ok((Ok((tally, demoted)), !a.dry_run))
    })?;
    let (t, demoted) = outcome?;
    let summary = || {
        for d in &demoted {
            crate::commands::say(format_args!(
                "contact {} is no longer the primary contact of {}",
                d.id, d.partner
            ))?;
        }
        t.say(a.dry_run)
    };
    say_done(&file_name, a.dry_run, summary)
}
