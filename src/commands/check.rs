//! `mou check`: integrity and data checks; exit 1 when there are problems.
//!
//! Every stored value is checked against the rules that add, edit and import apply before they
//! write (src/validate.rs and the vocabularies), so that `check` accepts exactly what mou
//! accepts, and finds what was written behind mou's back: values mou would refuse, normalized
//! forms that no longer match, and records that differ from their last history row.

use std::collections::HashMap;
use std::io::Write;

use super::{stdout, Ctx};
use crate::dates::{iso, parse_stored};
use crate::error::{Error, Result};
use crate::model::{
    join_sdgs, parse_sdgs, parse_tag, ref_key, ref_norm, Category, EngagementKind, Kind, Stored,
    StoredRow,
};
use crate::output::{Cell, Format, RowWriter};
use crate::records::{agreement_json, partner_json};
use crate::registry;
use crate::store::{Access, Backend, Entity};
use crate::text::{is_valid_key, loose, normalize};
use crate::validate;

pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let mut problems: Vec<String> = store.integrity_problems()?;
    for (a, b) in store.near_duplicate_pairs()? {
        problems.push(format!(
            "near-duplicate names: {} ('{}') and {} ('{}')",
            a.key, a.matched, b.key, b.matched
        ));
    }
    problems.extend(registry::lookalike_problems(&*store)?);
    problems.extend(partner_problems(&*store)?);
    problems.extend(agreement_problems(&*store)?);
    problems.extend(engagement_problems(&*store)?);
    for (r, renews) in store.dangling_renewals()? {
        problems.push(format!(
            "agreement {r}: renews {renews}, which does not exist"
        ));
    }
    for p in store.renewal_problems(0, true)? {
        problems.push(p.to_string());
    }
    let info: Vec<String> = store
        .partners_without_agreements()?
        .into_iter()
        .map(|(key, name)| format!("partner {key} ({name}) has no agreements"))
        .collect();
    let findings = problems
        .iter()
        .map(|p| ("problem", p))
        .chain(info.iter().map(|i| ("info", i)));
    let mut out = stdout();
    match ctx.format() {
        // The default: one `level: message` line each, for people and grep.
        Format::Table => {
            for (level, message) in findings {
                writeln!(out, "{level}: {}", crate::text::visible(message))?;
            }
            out.flush()?;
        }
        format => {
            let mut w = RowWriter::new(&mut out, format, false, &["level", "message"], None)?;
            for (level, message) in findings {
                w.row(vec![Cell::text(level), Cell::text(message.as_str())])?;
            }
            w.finish()?;
        }
    }
    if problems.is_empty() {
        crate::note!("check passed: no problems");
        Ok(())
    } else {
        Err(Error::no(format!(
            "check found {} problem(s)",
            problems.len()
        )))
    }
}

/// Why a stored value is not one mou writes; None when it is.
type Rule = fn(&Stored) -> Option<String>;

fn text(v: &Stored) -> std::result::Result<&str, String> {
    v.text().ok_or_else(|| "it is not text".to_string())
}

/// Runs `f` on the text of a value that may be NULL.
fn opt(v: &Stored, f: impl Fn(&str) -> Option<String>) -> Option<String> {
    match v {
        Stored::Null => None,
        v => text(v).map_or_else(Some, f),
    }
}

/// Runs `f` on the text of a value that must be text.
fn req(v: &Stored, f: impl Fn(&str) -> Option<String>) -> Option<String> {
    text(v).map_or_else(Some, f)
}

/// What `check` for a value written by mou reports: an error of the same rule add applies,
/// or the value mou would have stored instead.
fn same(t: &str, checked: Result<Option<String>>) -> Option<String> {
    match checked {
        Err(e) => Some(e.message),
        Ok(Some(v)) if v == t => None,
        Ok(None) if t.is_empty() => None,
        Ok(_) => Some("mou never stores it so (it is not trimmed or not NFC)".into()),
    }
}

fn key_rule(v: &Stored) -> Option<String> {
    req(v, |t| {
        (!is_valid_key(t)).then(|| "a key is [a-z0-9][a-z0-9-]*, at most 64 characters".to_string())
    })
}

fn name_rule(v: &Stored) -> Option<String> {
    req(v, |t| same(t, validate::name("name", t).map(Some)))
}

fn alias_rule(v: &Stored) -> Option<String> {
    req(v, |t| same(t, validate::name("alias", t).map(Some)))
}

fn category_rule(v: &Stored) -> Option<String> {
    req(v, vocabulary::<Category>)
}

fn kind_rule(v: &Stored) -> Option<String> {
    req(v, vocabulary::<Kind>)
}

fn vocabulary<T: std::str::FromStr<Err = String> + std::fmt::Display>(t: &str) -> Option<String> {
    match t.parse::<T>() {
        Err(e) => Some(e),
        Ok(v) if v.to_string() == t => None,
        Ok(v) => Some(format!("mou stores it as '{v}'")),
    }
}

fn country_rule(v: &Stored) -> Option<String> {
    opt(v, |t| {
        (crate::country::lookup(t) != Some(t))
            .then(|| "a country is an upper-case ISO 3166-1 alpha-2 code, such as AT".to_string())
    })
}

fn free_text_rule(v: &Stored) -> Option<String> {
    opt(v, |t| same(t, validate::free_text("text", t)))
}

fn title_rule(v: &Stored) -> Option<String> {
    req(v, |t| same(t, validate::free_text("title", t)))
}

fn time_rule(v: &Stored) -> Option<String> {
    req(v, |t| {
        chrono::DateTime::parse_from_rfc3339(t)
            .is_err()
            .then(|| "it is not an RFC 3339 time".to_string())
    })
}

fn date_rule(v: &Stored) -> Option<String> {
    match v {
        Stored::Null => None,
        Stored::Text(t) => match parse_stored(t) {
            Ok(d) if iso(d) == *t => None,
            _ => Some("it is not an ISO date: dates are stored as YYYY-MM-DD".into()),
        },
        _ => Some("it is not ISO YYYY-MM-DD text, as dates are stored".into()),
    }
}

fn notice_rule(v: &Stored) -> Option<String> {
    match v {
        Stored::Null => None,
        Stored::Integer(n) if u32::try_from(*n).is_ok() => None,
        _ => Some("a notice period is a whole number of days".into()),
    }
}

fn ref_rule(v: &Stored) -> Option<String> {
    req(v, |t| same(t, validate::reference(t).map(Some)))
}

fn renews_rule(v: &Stored) -> Option<String> {
    opt(v, |t| same(t, validate::reference(t).map(Some)))
}

fn sdgs_rule(v: &Stored) -> Option<String> {
    req(v, |t| match parse_sdgs(t) {
        Err(e) => Some(e),
        Ok(n) if join_sdgs(&n) == t => None,
        Ok(n) => Some(format!("mou stores it as '{}'", join_sdgs(&n))),
    })
}

fn tags_rule(v: &Stored) -> Option<String> {
    req(v, |t| {
        if t.is_empty() {
            return None;
        }
        match t
            .split(';')
            .map(parse_tag)
            .collect::<std::result::Result<Vec<_>, _>>()
        {
            Err(e) => Some(e),
            Ok(tags) if tags.join(";") == t => None,
            Ok(tags) => Some(format!("mou stores it as '{}'", tags.join(";"))),
        }
    })
}

const PARTNER_RULES: &[(&str, Rule)] = &[
    ("key", key_rule),
    ("name", name_rule),
    ("category", category_rule),
    ("country", country_rule),
    ("website", free_text_rule),
    ("notes", free_text_rule),
    ("created_at", time_rule),
    ("updated_at", time_rule),
];

const AGREEMENT_RULES: &[(&str, Rule)] = &[
    ("ref", ref_rule),
    ("kind", kind_rule),
    ("title", title_rule),
    ("signed_on", date_rule),
    ("effective_on", date_rule),
    ("expires_on", date_rule),
    ("terminated_on", date_rule),
    ("termination_reason", free_text_rule),
    ("notice_days", notice_rule),
    ("renews", renews_rule),
    ("sdgs", sdgs_rule),
    ("tags", tags_rule),
    ("notes", free_text_rule),
    ("document", free_text_rule),
    ("created_at", time_rule),
    ("updated_at", time_rule),
];

fn engagement_kind_rule(v: &Stored) -> Option<String> {
    req(v, vocabulary::<EngagementKind>)
}

fn required_date_rule(v: &Stored) -> Option<String> {
    match v {
        Stored::Null => Some("an engagement needs its first day, YYYY-MM-DD".into()),
        v => date_rule(v),
    }
}

fn flag_rule(v: &Stored) -> Option<String> {
    (!matches!(v, Stored::Integer(0 | 1))).then(|| "a flag is stored as 0 or 1".to_string())
}

const ENGAGEMENT_RULES: &[(&str, Rule)] = &[
    ("ref", ref_rule),
    ("kind", engagement_kind_rule),
    ("title", title_rule),
    ("starts_on", required_date_rule),
    ("ends_on", required_date_rule),
    ("place", free_text_rule),
    ("country", country_rule),
    ("sdgs", sdgs_rule),
    ("tags", tags_rule),
    ("participants", participants_rule),
    ("outcome", free_text_rule),
    ("notes", free_text_rule),
    ("document", free_text_rule),
    ("cancelled", flag_rule),
    ("public", flag_rule),
    ("created_at", time_rule),
    ("updated_at", time_rule),
];

fn participants_rule(v: &Stored) -> Option<String> {
    match v {
        Stored::Null => None,
        Stored::Integer(n) if u32::try_from(*n).is_ok() => None,
        _ => Some("participants is a whole number of 0 or more".into()),
    }
}

/// `who: column holds VALUE: why` for each value that breaks its rule.
fn value_problems(
    who: &str,
    row: &[(&'static str, Stored)],
    rules: &[(&str, Rule)],
) -> Vec<String> {
    rules
        .iter()
        .filter_map(|(column, rule)| {
            let v = row
                .iter()
                .find(|(c, _)| c == column)
                .map_or(&Stored::Null, |(_, v)| v);
            rule(v).map(|why| format!("{who}: {column} holds {v}: {why}"))
        })
        .collect()
}

/// A normalized form's column and how it is derived from the text.
type Form = (&'static str, fn(&str) -> String);

/// A stored normalized form that is not what its text normalizes to.
fn stale(row: &[(&'static str, Stored)], source: &str, derived: &[Form]) -> Vec<&'static str> {
    let get = |col: &str| row.iter().find(|(c, _)| *c == col).map(|(_, v)| v);
    let Some(Stored::Text(text)) = get(source) else {
        return Vec::new();
    };
    derived
        .iter()
        .filter(|(col, f)| get(col).and_then(Stored::text) != Some(f(text).as_str()))
        .map(|(col, _)| *col)
        .collect()
}

const NAME_FORMS: &[Form] = &[("name_norm", normalize), ("name_loose", loose)];
const ALIAS_FORMS: &[Form] = &[("alias_norm", normalize), ("alias_loose", loose)];

/// The changed fields of a record against its last history row (`recorded`, JSON), leaving
/// out `ignore`: fields that mou changes without a row of this record (an agreement's party
/// keys follow its partners' keys).
fn changed_fields(current: serde_json::Value, recorded: &str, ignore: &[&str]) -> Vec<String> {
    let Ok(serde_json::Value::Object(then)) = serde_json::from_str(recorded) else {
        return Vec::new(); // an unreadable row: `history --verify` reports it
    };
    let serde_json::Value::Object(now) = current else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = now.keys().chain(then.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !ignore.contains(&k.as_str()) && now.get(*k) != then.get(*k))
        .cloned()
        .collect()
}

fn outside_mou(who: &str, fields: Vec<String>) -> Option<String> {
    (!fields.is_empty()).then(|| {
        format!(
            "{who}: changed outside mou: {} differ from its last history row",
            fields.join(", ")
        )
    })
}

fn partner_problems(store: &dyn Backend) -> Result<Vec<String>> {
    let recorded = store.last_recorded(Entity::Partner)?;
    let mut problems = Vec::new();
    store.scan_stored_partners(&mut |row, p| {
        let who = format!("partner {}", who_key(&row, "key"));
        let mut found = value_problems(&who, &row.values, PARTNER_RULES);
        for alias in &row.aliases {
            found.extend(value_problems(&who, alias, &[("alias", alias_rule)]));
        }
        let mut forms = stale(&row.values, "name", NAME_FORMS);
        for alias in &row.aliases {
            forms.extend(stale(alias, "alias", ALIAS_FORMS));
        }
        if !forms.is_empty() {
            found.push(format!(
                "{who}: its normalized name or aliases ({}) are stale: they no longer match its name, which was changed outside mou, so lookups by name miss it; `mou edit partner {} --name NAME` rewrites them",
                forms.join(", "),
                p.id
            ));
        }
        if found.is_empty() {
            if let Err(e) = registry::check_partner(store, &p, Some(p.id)) {
                found.push(format!("{who}: {}", e.message));
            }
        }
        if let Some(Some(then)) = recorded.get(&row.id) {
            found.extend(outside_mou(&who, changed_fields(partner_json(&p), then, &[])));
        }
        problems.extend(found);
        Ok(())
    })?;
    Ok(problems)
}

/// A record's name for messages: the stored key or ref, else its id.
fn who_key(row: &StoredRow, column: &str) -> String {
    match row.get(column) {
        Stored::Text(t) if !t.is_empty() => t.clone(),
        _ => format!("#{}", row.id),
    }
}

fn agreement_problems(store: &dyn Backend) -> Result<Vec<String>> {
    let recorded = store.last_recorded(Entity::Agreement)?;
    let mut problems = Vec::new();
    let mut refs: HashMap<String, String> = HashMap::new();
    store.scan_stored_agreements(&mut |row, a| {
        let who = format!("agreement {}", who_key(&row, "ref"));
        let mut found = value_problems(&who, &row.values, AGREEMENT_RULES);
        if let Stored::Text(r) = row.get("ref") {
            if let Some(first) = refs.insert(ref_key(r), r.clone()) {
                found.push(format!(
                    "{who}: its ref is the same as {first}'s once normalized (case, NFKC, invisible characters): rename one, e.g. `mou edit agreement {} --ref NEW`",
                    row.id
                ));
            } else if row.get("ref_norm").text() != ref_norm(r).as_deref() {
                found.push(format!(
                    "{who}: its stored normalized ref (ref_norm) is stale: it was changed outside mou"
                ));
            }
        }
        if found.is_empty() {
            if let Err(e) = validate::agreement(&a) {
                found.push(format!("{who}: {}", e.message));
            }
        }
        if let Some(Some(then)) = recorded.get(&row.id) {
            found.extend(outside_mou(&who, changed_fields(agreement_json(&a), then, &["parties"])));
        }
        problems.extend(found);
        Ok(())
    })?;
    Ok(problems)
}

/// Engagements: values mou would refuse, the rules add applies, partners, agreements and
/// series that do not exist, series that loop, and changes made outside mou.
fn engagement_problems(store: &dyn Backend) -> Result<Vec<String>> {
    let recorded = store.last_recorded(Entity::Engagement)?;
    let partners: std::collections::HashSet<i64> = store
        .partner_keys()?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut agreements: HashMap<i64, bool> = HashMap::new();
    let mut problems = Vec::new();
    // Each engagement's ref and the id of its series, for the links checked at the end.
    let mut series: HashMap<i64, (String, Option<i64>)> = HashMap::new();
    store.scan_stored_engagements(&mut |row, e| {
        let who = format!("engagement {}", who_key(&row, "ref"));
        let mut found = value_problems(&who, &row.values, ENGAGEMENT_RULES);
        if found.is_empty() {
            if let Err(err) = registry::check_engagement(&e) {
                found.push(format!("{who}: {}", err.message));
            }
        }
        let links = store.engagement_links(row.id)?;
        if links.partner_ids.is_empty() {
            found.push(format!(
                "{who}: it has no partners; `mou edit engagement {} --partner KEY` gives it one",
                row.id
            ));
        }
        for id in links.partner_ids.iter().filter(|id| !partners.contains(id)) {
            found.push(format!("{who}: its partner #{id} does not exist"));
        }
        if let Some(id) = links.agreement_id {
            let exists = match agreements.get(&id) {
                Some(x) => *x,
                None => {
                    let x = store
                        .agreement_by_id(id, crate::dates::Date::default())?
                        .is_some();
                    agreements.insert(id, x);
                    x
                }
            };
            if !exists {
                found.push(format!(
                    "{who}: it is held under agreement #{id}, which does not exist"
                ));
            }
        }
        if let Some(Some(then)) = recorded.get(&row.id) {
            found.extend(outside_mou(
                &who,
                changed_fields(
                    crate::records::engagement_json(&e),
                    then,
                    &["partners", "agreement", "part_of"],
                ),
            ));
        }
        series.insert(row.id, (who_key(&row, "ref"), links.part_of_id));
        problems.extend(found);
        Ok(())
    })?;
    problems.extend(series_problems(&series));
    Ok(problems)
}

/// Series that do not exist, and series that loop (each loop once, from its smallest id).
fn series_problems(series: &HashMap<i64, (String, Option<i64>)>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids: Vec<&i64> = series.keys().collect();
    ids.sort();
    let mut reported: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for &id in ids {
        let (r, part_of) = &series[&id];
        let Some(up) = part_of else { continue };
        if !series.contains_key(up) {
            problems.push(format!(
                "engagement {r}: it is part of engagement #{up}, which does not exist"
            ));
            continue;
        }
        // Walk up from `id`; a walk that comes back to an engagement it passed loops.
        let mut seen = vec![id];
        let mut at = *up;
        while let Some((_, next)) = series.get(&at) {
            if let Some(start) = seen.iter().position(|s| *s == at) {
                let ring = &seen[start..];
                if !ring.iter().any(|s| reported.contains(s)) {
                    reported.extend(ring.iter().copied());
                    let refs: Vec<&str> = ring.iter().map(|s| series[s].0.as_str()).collect();
                    problems.push(format!(
                        "engagement {}: its series loops ({} -> {}); `mou edit engagement REF --clear part_of` breaks it",
                        refs[0],
                        refs.join(" -> "),
                        refs[0]
                    ));
                }
                break;
            }
            seen.push(at);
            match next {
                Some(n) => at = *n,
                None => break,
            }
        }
    }
    problems
}
