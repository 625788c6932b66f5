//! `mou show REF|PARTNER`: one record in full (an agreement, an engagement or a partner,
//! with the records around it).

use serde_json::{json, Value as Json};
use std::io::Write;

use super::{Ctx, Sink};
use crate::error::{Error, Result};
use crate::model::{Agreement, Engagement, EngagementStatus, Partner, Status};
use crate::output::{json_object, write_markdown, write_table, Cell, Format, RowWriter};
use crate::query::{Cond, Filter, SortKey};
use crate::records::{
    agreement_cells, contact_cells, engagement_cells, partner_cells, AGREEMENT_COLUMNS,
    AGREEMENT_TABLE, CONTACT_COLUMNS, CONTACT_TABLE, ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE,
    PARTNER_COLUMNS,
};
use crate::store::{Access, Backend};

pub fn run(ctx: &Ctx, a: &crate::cli::ShowArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let mut out = Sink::open(None)?;
    if let Some((ag, status)) = store.try_find_agreement(&a.name, ctx.as_of)? {
        show_agreement(ctx, &*store, &ag, status, &mut out)?;
    } else if let Some((e, status)) = engagement_named(&*store, &a.name, ctx)? {
        show_engagement(ctx, &*store, &e, status, &mut out)?;
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
                let e = Error::input(format!(
                    "no agreement, engagement or partner is named '{}'",
                    a.name
                ));
                return Err(if near.is_empty() {
                    e.with_hint("list them with `mou list agreements`, `mou list engagements` or `mou list partners`")
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

/// A table of rows under `header`, drawn for the format (table or markdown).
fn grid(out: &mut impl Write, format: Format, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    if format == Format::Markdown {
        write_markdown(out, header, rows)
    } else {
        write_table(out, header, rows)
    }
}

fn vertical(out: &mut impl Write, format: Format, rows: &[Vec<String>]) -> Result<()> {
    grid(out, format, &["field", "value"], rows)
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
    let held = engagement_rows(
        store,
        Filter::new(ctx.as_of).and(Cond::Agreement(vec![a.id])),
    )?;
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
            obj.insert("engagements".into(), engagements_json(&held));
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
            grid(out, format, &header, &rows)?;
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
                grid(out, format, &header, &rows)?;
            }
            engagements_section(out, format, "Engagements held under it", held)?;
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
    let mut latest_first = Filter::new(ctx.as_of).and(Cond::Partner(vec![p.id]));
    latest_first.sort = vec![SortKey {
        column: "starts_on",
        descending: true,
    }];
    let engagements = engagement_rows(store, latest_first)?;
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
            obj.insert("engagements".into(), engagements_json(&engagements));
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
            engagements_section(out, format, "Engagements, latest first", engagements)?;
        }
    }
    Ok(())
}

/// The engagement a name gives as a ref or id.
fn engagement_named(
    store: &dyn Backend,
    name: &str,
    ctx: &Ctx,
) -> Result<Option<(Engagement, EngagementStatus)>> {
    store.try_find_engagement(name, ctx.as_of)
}

/// The engagements matching `filter`, as their cells.
fn engagement_rows(store: &dyn Backend, filter: Filter) -> Result<Vec<Vec<Cell>>> {
    let mut rows = Vec::new();
    store.scan_engagements(&filter, &mut |e, s| {
        rows.push(engagement_cells(e, s));
        Ok(())
    })?;
    Ok(rows)
}

fn engagements_json(rows: &[Vec<Cell>]) -> Json {
    Json::Array(
        rows.iter()
            .map(|c| Json::Object(json_object(ENGAGEMENT_COLUMNS, c)))
            .collect(),
    )
}

/// A heading and a table of engagements, when there are any.
fn engagements_section(
    out: &mut impl Write,
    format: Format,
    title: &str,
    rows: Vec<Vec<Cell>>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    heading(out, format, &format!("{title} ({})", rows.len()))?;
    let mut w = RowWriter::new(
        &mut *out,
        format,
        false,
        ENGAGEMENT_COLUMNS,
        Some(ENGAGEMENT_TABLE),
    )?;
    for r in rows {
        w.row(r)?;
    }
    w.finish()
}

/// A short line about a related engagement: ref, title, dates and status.
fn engagement_brief(e: &Engagement, s: EngagementStatus) -> Json {
    json!({
        "ref": e.reference,
        "title": e.title,
        "starts_on": crate::dates::iso(e.starts_on),
        "ends_on": crate::dates::iso(e.ends_on),
        "status": s.as_str(),
    })
}

fn brief_row(j: &Json) -> Vec<String> {
    ["ref", "title", "starts_on", "ends_on", "status"]
        .iter()
        .map(|k| j[*k].as_str().unwrap_or_default().to_string())
        .collect()
}

fn show_engagement(
    ctx: &Ctx,
    store: &dyn Backend,
    e: &Engagement,
    status: EngagementStatus,
    out: &mut impl Write,
) -> Result<()> {
    let partners: Vec<Partner> = store
        .engagement_links(e.id)?
        .partner_ids
        .into_iter()
        .filter_map(|id| store.partner_by_id(id).transpose())
        .collect::<Result<_>>()?;
    let agreement = match &e.agreement {
        Some(r) => store.agreement_by_ref(r, ctx.as_of)?,
        None => None,
    };
    let series = match &e.part_of {
        Some(r) => store
            .try_find_engagement(r, ctx.as_of)?
            .map(|(s, st)| engagement_brief(&s, st)),
        None => None,
    };
    let mut parts = Vec::new();
    for r in store.engagement_parts(e.id)? {
        if let Some((p, st)) = store.try_find_engagement(&r, ctx.as_of)? {
            parts.push(engagement_brief(&p, st));
        }
    }
    let cells = engagement_cells(e.clone(), status);
    let format = ctx.format();
    match format {
        Format::Json | Format::Jsonl => {
            let mut obj = json_object(ENGAGEMENT_COLUMNS, &cells);
            obj.insert(
                "partner_details".into(),
                Json::Array(
                    partners
                        .iter()
                        .map(|p| json!({"key": p.key, "name": p.name, "category": p.category.as_str(), "country": p.country}))
                        .collect(),
                ),
            );
            obj.insert(
                "agreement_details".into(),
                agreement.as_ref().map_or(Json::Null, |(a, s)| {
                    json!({"ref": a.reference, "kind": a.kind.as_str(), "title": a.title, "status": s.as_str()})
                }),
            );
            obj.insert("series".into(), series.clone().unwrap_or(Json::Null));
            obj.insert("parts".into(), Json::Array(parts));
            let v = Json::Object(obj);
            if format == Format::Json {
                serde_json::to_writer_pretty(&mut *out, &v)?;
            } else {
                serde_json::to_writer(&mut *out, &v)?;
            }
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = RowWriter::new(out, Format::Csv, false, ENGAGEMENT_COLUMNS, None)?;
            w.row(cells)?;
            w.finish()?;
        }
        // Table and markdown; `show` writes no other format (refused when parsed).
        _ => {
            vertical(out, format, &pairs(ENGAGEMENT_COLUMNS, &cells))?;
            heading(out, format, "Partners")?;
            let rows: Vec<Vec<String>> = partners
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
            grid(out, format, &["key", "name", "category", "country"], &rows)?;
            if let Some((a, s)) = &agreement {
                heading(out, format, "Held under")?;
                let row = vec![
                    a.reference.clone(),
                    a.kind.to_string(),
                    a.title.clone(),
                    s.to_string(),
                ];
                grid(out, format, &["ref", "kind", "title", "status"], &[row])?;
            }
            let header = ["ref", "title", "starts_on", "ends_on", "status"];
            if let Some(s) = &series {
                heading(out, format, "Part of the series")?;
                grid(out, format, &header, &[brief_row(s)])?;
            }
            if !parts.is_empty() {
                heading(
                    out,
                    format,
                    &format!("Parts of this series ({})", parts.len()),
                )?;
                let rows: Vec<Vec<String>> = parts.iter().map(brief_row).collect();
                grid(out, format, &header, &rows)?;
            }
        }
    }
    Ok(())
}
