//! `mou show REF|PARTNER`: one record in full.

use serde_json::{json, Value as Json};
use std::io::Write;

use super::{Ctx, Sink};
use crate::error::{Error, Result};
use crate::model::{Agreement, Partner, Status};
use crate::output::{json_object, write_markdown, write_table, Cell, Format, RowWriter};
use crate::query::{Cond, Filter};
use crate::records::{
    agreement_cells, contact_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE,
    CONTACT_COLUMNS, CONTACT_TABLE, PARTNER_COLUMNS,
};
use crate::store::{Access, Backend};

pub fn run(ctx: &Ctx, a: &crate::cli::ShowArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let mut out = Sink::open(None)?;
    if let Some((ag, status)) = store.try_find_agreement(&a.name, ctx.as_of)? {
        show_agreement(ctx, &*store, &ag, status, &mut out)?;
    } else {
        match store.try_find_partner(&a.name)? {
            Ok(p) => show_partner(ctx, &*store, &p, &mut out)?,
            Err(many) if many.len() > 1 => {
                return Err(Error::input(format!(
                    "'{}' is ambiguous: it names {}",
                    a.name,
                    many.join(", ")
                ))
                .with_hint("name the partner by its key"));
            }
            Err(_) => {
                let mut near = store.nearest_refs(&a.name, 3)?;
                near.extend(store.nearest_partners(&a.name, 3)?);
                let e = Error::input(format!("no agreement or partner is named '{}'", a.name));
                return Err(if near.is_empty() {
                    e.with_hint("list them with `mou list agreements` or `mou list partners`")
                } else {
                    e.with_hint(format!("did you mean {}?", near.join(", ")))
                });
            }
        }
    }
    out.commit()
}

/// Field/value pairs for a vertical table, skipping empty values: text as stored, list
/// items joined with `; ` (no item holds a `;`).
fn pairs(columns: &[&str], cells: &[Cell]) -> Vec<Vec<String>> {
    columns
        .iter()
        .zip(cells)
        .map(|(k, v)| (k, v.display_joined("; ")))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| vec![k.to_string(), v])
        .collect()
}

fn heading(out: &mut impl Write, format: Format, title: &str) -> Result<()> {
    if format == Format::Markdown {
        writeln!(out, "\n### {title}\n")?;
    } else {
        writeln!(out, "\n{title}")?;
    }
    Ok(())
}

fn vertical(out: &mut impl Write, format: Format, rows: &[Vec<String>]) -> Result<()> {
    if format == Format::Markdown {
        write_markdown(out, &["field", "value"], rows)
    } else {
        write_table(out, &["field", "value"], rows)
    }
}

/// The renewal chain through `a`, oldest first, each once.
pub fn chain(store: &dyn Backend, a: &Agreement, ctx: &Ctx) -> Result<Vec<(Agreement, Status)>> {
    let mut seen = vec![a.reference.clone()];
    let mut back = Vec::new();
    let mut cur = a.renews.clone();
    while let Some(r) = cur {
        match store.agreement_by_ref(&r, ctx.as_of)? {
            Some((prev, s)) if !seen.contains(&prev.reference) => {
                seen.push(prev.reference.clone());
                cur = prev.renews.clone();
                back.push((prev, s));
            }
            _ => break,
        }
    }
    back.reverse();
    back.push((a.clone(), a.status_at(ctx.as_of)));
    let mut cur = a.reference.clone();
    while let Some(next) = store
        .renewed_by(&cur)?
        .into_iter()
        .find(|r| !seen.contains(r))
    {
        let Some((n, s)) = store.agreement_by_ref(&next, ctx.as_of)? else {
            break;
        };
        seen.push(n.reference.clone());
        cur = n.reference.clone();
        back.push((n, s));
    }
    Ok(back)
}

fn show_agreement(
    ctx: &Ctx,
    store: &dyn Backend,
    a: &Agreement,
    status: Status,
    out: &mut impl Write,
) -> Result<()> {
    let parties: Vec<Partner> = store
        .party_ids(a.id)?
        .into_iter()
        .filter_map(|id| store.partner_by_id(id).transpose())
        .collect::<Result<_>>()?;
    let chain = chain(store, a, ctx)?;
    let format = ctx.format();
    match format {
        Format::Json | Format::Jsonl => {
            let mut obj = json_object(AGREEMENT_COLUMNS, &agreement_cells(a.clone(), status));
            obj.insert(
                "party_details".into(),
                Json::Array(
                    parties
                        .iter()
                        .map(|p| json!({"key": p.key, "name": p.name, "category": p.category.as_str(), "country": p.country}))
                        .collect(),
                ),
            );
            obj.insert(
                "chain".into(),
                Json::Array(
                    chain
                        .iter()
                        .map(|(c, s)| json!({"ref": c.reference, "signed_on": c.signed_on.map(crate::dates::iso), "expires_on": c.expires_on.map(crate::dates::iso), "status": s.as_str()}))
                        .collect(),
                ),
            );
            let v = Json::Object(obj);
            if format == Format::Json {
                serde_json::to_writer_pretty(&mut *out, &v)?;
            } else {
                serde_json::to_writer(&mut *out, &v)?;
            }
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = RowWriter::new(out, Format::Csv, false, AGREEMENT_COLUMNS, None)?;
            w.row(agreement_cells(a.clone(), status))?;
            w.finish()?;
        }
        // Table and markdown; `show` writes no other format (refused when parsed).
        _ => {
            vertical(
                out,
                format,
                &pairs(AGREEMENT_COLUMNS, &agreement_cells(a.clone(), status)),
            )?;
            heading(out, format, "Parties")?;
            let rows: Vec<Vec<String>> = parties
                .iter()
                .map(|p| {
                    vec![
                        p.key.clone(),
                        p.name.clone(),
                        p.category.to_string(),
                        p.country.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let header = ["key", "name", "category", "country"];
            if format == Format::Markdown {
                write_markdown(out, &header, &rows)?;
            } else {
                write_table(out, &header, &rows)?;
            }
            if chain.len() > 1 {
                heading(out, format, "Renewal chain")?;
                let rows: Vec<Vec<String>> = chain
                    .iter()
                    .map(|(c, s)| {
                        let mark = if c.id == a.id { "→ " } else { "" };
                        vec![
                            format!("{mark}{}", c.reference),
                            c.signed_on.map(crate::dates::iso).unwrap_or_default(),
                            c.expires_on.map(crate::dates::iso).unwrap_or_default(),
                            s.to_string(),
                        ]
                    })
                    .collect();
                let header = ["ref", "signed_on", "expires_on", "status"];
                if format == Format::Markdown {
                    write_markdown(out, &header, &rows)?;
                } else {
                    write_table(out, &header, &rows)?;
                }
            }
        }
    }
    Ok(())
}

fn show_partner(ctx: &Ctx, store: &dyn Backend, p: &Partner, out: &mut impl Write) -> Result<()> {
    let filter = Filter::new(ctx.as_of).and(Cond::Partner(vec![p.id]));
    let mut agreements = Vec::new();
    store.scan_agreements(&filter, &mut |a, s| {
        agreements.push(agreement_cells(a, s));
        Ok(())
    })?;
    let mut contacts = Vec::new();
    let current = crate::query::ContactFilter {
        partners: vec![p.id],
        former: false,
        ..crate::query::ContactFilter::all(ctx.as_of)
    };
    store.scan_contacts(&current, &mut |c| {
        contacts.push(contact_cells(c));
        Ok(())
    })?;
    let format = ctx.format();
    match format {
        Format::Json | Format::Jsonl => {
            let mut obj = json_object(PARTNER_COLUMNS, &partner_cells(p.clone()));
            obj.insert(
                "agreements".into(),
                Json::Array(
                    agreements
                        .iter()
                        .map(|c| Json::Object(json_object(AGREEMENT_COLUMNS, c)))
                        .collect(),
                ),
            );
            obj.insert(
                "contacts".into(),
                Json::Array(
                    contacts
                        .iter()
                        .map(|c| Json::Object(json_object(CONTACT_COLUMNS, c)))
                        .collect(),
                ),
            );
            let v = Json::Object(obj);
            if format == Format::Json {
                serde_json::to_writer_pretty(&mut *out, &v)?;
            } else {
                serde_json::to_writer(&mut *out, &v)?;
            }
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = RowWriter::new(out, Format::Csv, false, PARTNER_COLUMNS, None)?;
            w.row(partner_cells(p.clone()))?;
            w.finish()?;
        }
        // Table and markdown; `show` writes no other format (refused when parsed).
        _ => {
            vertical(
                out,
                format,
                &pairs(PARTNER_COLUMNS, &partner_cells(p.clone())),
            )?;
            heading(out, format, &format!("Agreements ({})", agreements.len()))?;
            let mut w = RowWriter::new(
                &mut *out,
                format,
                false,
                AGREEMENT_COLUMNS,
                Some(AGREEMENT_TABLE),
            )?;
            for c in agreements {
                w.row(c)?;
            }
            w.finish()?;
            if !contacts.is_empty() {
                heading(
                    out,
                    format,
                    &format!("Current contacts ({})", contacts.len()),
                )?;
                let mut w = RowWriter::new(
                    &mut *out,
                    format,
                    false,
                    CONTACT_COLUMNS,
                    Some(CONTACT_TABLE),
                )?;
                for c in contacts {
                    w.row(c)?;
                }
                w.finish()?;
            }
        }
    }
    Ok(())
}
