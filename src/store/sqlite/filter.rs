//! Compiles a [`Filter`] to a WHERE clause with bound parameters. Values are never pasted
//! into SQL; only fixed fragments and `?` placeholders are.

use rusqlite::types::Value;

use crate::dates::{iso, Date};
use crate::query::{After, Cond, Filter};

/// The derived status at `?` (bound four times, see [`status_params`]); DESIGN's rules, the
/// twin of `model::status_of`.
pub const STATUS_SQL: &str = "CASE WHEN a.signed_on IS NULL THEN 'draft' \
     WHEN a.terminated_on IS NOT NULL AND a.terminated_on <= ? THEN 'terminated' \
     WHEN coalesce(a.effective_on, a.signed_on) > ? THEN 'pending' \
     WHEN a.expires_on < ? THEN 'expired' \
     ELSE 'active' END";

pub fn status_params(as_of: Date, params: &mut Vec<Value>) {
    for _ in 0..3 {
        params.push(Value::Text(iso(as_of)));
    }
}

/// Active on a date: signed, in effect, not ended. Binds the date three times.
pub const ACTIVE_ON_SQL: &str = "(a.signed_on IS NOT NULL \
     AND (a.terminated_on IS NULL OR a.terminated_on > ?) \
     AND coalesce(a.effective_on, a.signed_on) <= ? AND (a.expires_on IS NULL OR a.expires_on >= ?))";

pub fn active_params(d: Date, params: &mut Vec<Value>) {
    for _ in 0..3 {
        params.push(Value::Text(iso(d)));
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn texts<T: ToString>(values: &[T], params: &mut Vec<Value>) -> String {
    for v in values {
        params.push(Value::Text(v.to_string()));
    }
    placeholders(values.len())
}

/// Membership in a `;`-joined list column.
fn in_list(column: &str, values: &[String], params: &mut Vec<Value>) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|v| {
            params.push(Value::Text(format!(";{v};")));
            format!("instr(';' || {column} || ';', ?) > 0")
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

fn partner_text(params: &mut Vec<Value>, text: &str) -> String {
    params.push(Value::Text(text.to_string()));
    params.push(Value::Text(text.to_string()));
    params.push(Value::Text(text.to_string()));
    "(instr(p.name_norm, ?) > 0 OR instr(p.key, ?) > 0 OR EXISTS (SELECT 1 FROM partner_alias pa \
      WHERE pa.partner_id = p.id AND instr(pa.alias_norm, ?) > 0))"
        .to_string()
}

/// A condition on partner `p`; None for agreement-level conditions.
fn partner_cond(cond: &Cond, params: &mut Vec<Value>) -> Option<String> {
    Some(match cond {
        Cond::Category(cs) => {
            let names: Vec<&str> = cs.iter().map(|c| c.as_str()).collect();
            format!("p.category IN ({})", texts(&names, params))
        }
        Cond::Country(cs) => format!("p.country IN ({})", texts(cs, params)),
        Cond::Partner(ids) => {
            for id in ids {
                params.push(Value::Integer(*id));
            }
            format!("p.id IN ({})", placeholders(ids.len()))
        }
        Cond::Text(t) => partner_text(params, t),
        _ => return None,
    })
}

/// A condition on agreement `a`.
fn agreement_cond(cond: &Cond, as_of: Date, params: &mut Vec<Value>) -> String {
    match cond {
        Cond::Category(_) | Cond::Country(_) => {
            let inner = partner_cond(cond, params).unwrap_or_else(|| "1".into());
            format!(
                "EXISTS (SELECT 1 FROM agreement_party ap JOIN partner p ON p.id = ap.partner_id \
                 WHERE ap.agreement_id = a.id AND {inner})"
            )
        }
        Cond::Partner(ids) => {
            for id in ids {
                params.push(Value::Integer(*id));
            }
            format!(
                "EXISTS (SELECT 1 FROM agreement_party ap WHERE ap.agreement_id = a.id \
                 AND ap.partner_id IN ({}))",
                placeholders(ids.len())
            )
        }
        Cond::Text(t) => {
            params.push(Value::Text(t.clone()));
            params.push(Value::Text(t.clone()));
            let inner = partner_text(params, t);
            format!(
                "(instr(mou_norm(a.title), ?) > 0 OR instr(lower(a.ref), ?) > 0 OR EXISTS (SELECT 1 \
                 FROM agreement_party ap JOIN partner p ON p.id = ap.partner_id \
                 WHERE ap.agreement_id = a.id AND {inner}))"
            )
        }
        Cond::Kind(ks) => {
            let names: Vec<&str> = ks.iter().map(|k| k.as_str()).collect();
            format!("a.kind IN ({})", texts(&names, params))
        }
        Cond::Status(ss) => {
            status_params(as_of, params);
            let names: Vec<&str> = ss.iter().map(|s| s.as_str()).collect();
            format!("({STATUS_SQL}) IN ({})", texts(&names, params))
        }
        Cond::Sdg(ns) => {
            let v: Vec<String> = ns.iter().map(|n| n.to_string()).collect();
            in_list("a.sdgs", &v, params)
        }
        // Tags match in any (ASCII) case, as every other name does.
        Cond::Tag(ts) => in_list(
            "lower(a.tags)",
            &ts.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>(),
            params,
        ),
        Cond::In(field, period) => {
            params.push(Value::Text(iso(period.start)));
            params.push(Value::Text(iso(period.end)));
            format!("a.{} BETWEEN ? AND ?", field.column())
        }
        Cond::Compare(field, cmp, d) => {
            params.push(Value::Text(iso(*d)));
            format!("a.{} {} ?", field.column(), cmp.sql())
        }
        Cond::ActiveOn(d) => {
            active_params(*d, params);
            ACTIVE_ON_SQL.to_string()
        }
        // Engagement conditions: an agreement filter is never built with them.
        Cond::EngagementKind(_)
        | Cond::EngagementStatus(_)
        | Cond::HeldIn(_)
        | Cond::Agreement(_)
        | Cond::Public(_) => "0".to_string(),
    }
}

/// An engagement's derived status at `?` (bound twice, see [`engagement_status_params`]):
/// DESIGN's rule, the twin of `model::engagement_status_of`.
pub const ENGAGEMENT_STATUS_SQL: &str = "CASE WHEN e.cancelled <> 0 THEN 'cancelled' \
     WHEN e.starts_on > ? THEN 'planned' \
     WHEN e.ends_on >= ? THEN 'ongoing' \
     ELSE 'held' END";

pub fn engagement_status_params(as_of: Date, params: &mut Vec<Value>) {
    for _ in 0..2 {
        params.push(Value::Text(iso(as_of)));
    }
}

/// A condition on engagement `e`.
fn engagement_cond(cond: &Cond, as_of: Date, params: &mut Vec<Value>) -> String {
    match cond {
        Cond::Category(_) => {
            let inner = partner_cond(cond, params).unwrap_or_else(|| "1".into());
            format!(
                "EXISTS (SELECT 1 FROM engagement_partner ep JOIN partner p ON p.id = ep.partner_id \
                 WHERE ep.engagement_id = e.id AND {inner})"
            )
        }
        // Where it was held.
        Cond::Country(cs) => format!("e.country IN ({})", texts(cs, params)),
        Cond::Partner(ids) => {
            for id in ids {
                params.push(Value::Integer(*id));
            }
            format!(
                "EXISTS (SELECT 1 FROM engagement_partner ep WHERE ep.engagement_id = e.id \
                 AND ep.partner_id IN ({}))",
                placeholders(ids.len())
            )
        }
        Cond::Text(t) => {
            for _ in 0..3 {
                params.push(Value::Text(t.clone()));
            }
            let inner = partner_text(params, t);
            format!(
                "(instr(mou_norm(e.title), ?) > 0 OR instr(lower(e.ref), ?) > 0 \
                 OR instr(mou_norm(coalesce(e.place, '')), ?) > 0 OR EXISTS (SELECT 1 \
                 FROM engagement_partner ep JOIN partner p ON p.id = ep.partner_id \
                 WHERE ep.engagement_id = e.id AND {inner}))"
            )
        }
        Cond::EngagementKind(ks) => {
            let names: Vec<&str> = ks.iter().map(|k| k.as_str()).collect();
            format!("e.kind IN ({})", texts(&names, params))
        }
        Cond::EngagementStatus(ss) => {
            engagement_status_params(as_of, params);
            let names: Vec<&str> = ss.iter().map(|s| s.as_str()).collect();
            format!("({ENGAGEMENT_STATUS_SQL}) IN ({})", texts(&names, params))
        }
        Cond::Sdg(ns) => {
            let v: Vec<String> = ns.iter().map(|n| n.to_string()).collect();
            in_list("e.sdgs", &v, params)
        }
        Cond::Tag(ts) => in_list(
            "lower(e.tags)",
            &ts.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>(),
            params,
        ),
        Cond::HeldIn(period) => {
            params.push(Value::Text(iso(period.end)));
            params.push(Value::Text(iso(period.start)));
            "(e.starts_on <= ? AND e.ends_on >= ?)".to_string()
        }
        Cond::Agreement(ids) => {
            for id in ids {
                params.push(Value::Integer(*id));
            }
            format!("e.agreement_id IN ({})", placeholders(ids.len()))
        }
        Cond::Public(b) => {
            params.push(Value::Integer(i64::from(*b)));
            "e.public = ?".to_string()
        }
        // Agreement conditions: an engagement filter is never built with them.
        Cond::Kind(_) | Cond::Status(_) | Cond::In(..) | Cond::Compare(..) | Cond::ActiveOn(_) => {
            "0".to_string()
        }
    }
}

/// WHERE clause over `engagement e`.
pub fn engagement_where(filter: &Filter) -> (String, Vec<Value>) {
    let mut params = Vec::new();
    let mut parts = vec!["1".to_string()];
    for t in &filter.terms {
        let sql = engagement_cond(&t.cond, filter.as_of, &mut params);
        parts.push(wrap(sql, t.negated));
    }
    parts.extend(keyset(filter, "e.id", &mut params));
    (parts.join(" AND "), params)
}

/// The SQL a sort column of an engagement `e` orders by; None for a name that is not one.
fn engagement_sort_sql(column: &str, as_of: Date, params: &mut Vec<Value>) -> Option<String> {
    Some(match column {
        "status" => {
            engagement_status_params(as_of, params);
            format!("({ENGAGEMENT_STATUS_SQL})")
        }
        "partners" => "(SELECT group_concat(p.key, ';' ORDER BY ep.position) FROM \
             engagement_partner ep JOIN partner p ON p.id = ep.partner_id \
             WHERE ep.engagement_id = e.id)"
            .to_string(),
        "agreement" => "(SELECT g.ref FROM agreement g WHERE g.id = e.agreement_id)".to_string(),
        "part_of" => "(SELECT s.ref FROM engagement s WHERE s.id = e.part_of_id)".to_string(),
        c if crate::records::ENGAGEMENT_COLUMNS.contains(&c) => format!("e.{c}"),
        _ => return None,
    })
}

/// ORDER BY and LIMIT of an engagement listing (ties in the order recorded).
pub fn engagement_order(filter: &Filter, params: &mut Vec<Value>) -> crate::error::Result<String> {
    order_and_limit(filter, "e.id", params, |c, p| {
        engagement_sort_sql(c, filter.as_of, p)
    })
}

fn wrap(sql: String, negated: bool) -> String {
    if negated {
        // A NULL comparison is "unknown": `-expires<2027-01-01` keeps open-ended agreements.
        format!("NOT coalesce(({sql}), 0)")
    } else {
        sql
    }
}

/// WHERE clause over `agreement a`.
pub fn agreement_where(filter: &Filter) -> (String, Vec<Value>) {
    let mut params = Vec::new();
    let mut parts = vec!["1".to_string()];
    for t in &filter.terms {
        let sql = agreement_cond(&t.cond, filter.as_of, &mut params);
        parts.push(wrap(sql, t.negated));
    }
    parts.extend(keyset(filter, "a.id", &mut params));
    (parts.join(" AND "), params)
}

/// The condition of a keyset page (`filter.after`) over `column`, the default order's: the
/// rows after the last one shown, found through the index rather than counted past.
fn keyset(filter: &Filter, column: &str, params: &mut Vec<Value>) -> Option<String> {
    match filter.after.as_ref()? {
        After::Id(id) if column.ends_with(".id") => {
            params.push(Value::Integer(*id));
            Some(format!("{column} > ?"))
        }
        After::Key(key) if column.ends_with(".key") => {
            params.push(Value::Text(key.clone()));
            Some(format!("{column} > ?"))
        }
        // A cursor of the other kind matches nothing rather than everything.
        _ => Some("0".to_string()),
    }
}

/// WHERE clause over `partner p`. Agreement-level terms select partners that are party to
/// at least one agreement matching all of them.
/// Partners party to at least one agreement that matches `filter`'s agreement terms (all
/// agreements when it has none), and that meet its partner terms: `report count --partners`.
pub fn partner_with_agreement_where(filter: &Filter) -> (String, Vec<Value>) {
    let (clause, params) = partner_where(filter);
    if filter.terms.iter().any(|t| !t.cond.is_partner_level()) {
        return (clause, params);
    }
    (
        format!(
            "{clause} AND EXISTS (SELECT 1 FROM agreement_party ap WHERE ap.partner_id = p.id)"
        ),
        params,
    )
}

pub fn partner_where(filter: &Filter) -> (String, Vec<Value>) {
    let mut params = Vec::new();
    let mut parts = vec!["1".to_string()];
    for t in filter.terms.iter().filter(|t| t.cond.is_partner_level()) {
        if let Some(sql) = partner_cond(&t.cond, &mut params) {
            parts.push(wrap(sql, t.negated));
        }
    }
    let agreement_terms: Vec<_> = filter
        .terms
        .iter()
        .filter(|t| !t.cond.is_partner_level())
        .collect();
    if !agreement_terms.is_empty() {
        let mut inner = Vec::new();
        for t in agreement_terms {
            let sql = agreement_cond(&t.cond, filter.as_of, &mut params);
            inner.push(wrap(sql, t.negated));
        }
        parts.push(format!(
            "EXISTS (SELECT 1 FROM agreement_party ap JOIN agreement a ON a.id = ap.agreement_id \
             WHERE ap.partner_id = p.id AND {})",
            inner.join(" AND ")
        ));
    }
    parts.extend(keyset(filter, "p.key", &mut params));
    (parts.join(" AND "), params)
}

/// The SQL a sort column of an agreement `a` orders by; None for a name that is not a column.
fn agreement_sort_sql(column: &str, as_of: Date, params: &mut Vec<Value>) -> Option<String> {
    let parties = |field: &str| {
        format!(
            "(SELECT group_concat(p.{field}, ';' ORDER BY ap.position) FROM agreement_party ap \
             JOIN partner p ON p.id = ap.partner_id WHERE ap.agreement_id = a.id)"
        )
    };
    Some(match column {
        "status" => {
            status_params(as_of, params);
            format!("({STATUS_SQL})")
        }
        "parties" => parties("key"),
        "party_names" => parties("name"),
        c if crate::records::AGREEMENT_COLUMNS.contains(&c) => format!("a.{c}"),
        _ => return None,
    })
}

/// The SQL a sort column of a partner `p` orders by; None for a name that is not a column.
fn partner_sort_sql(column: &str) -> Option<String> {
    Some(match column {
        "aliases" => "(SELECT group_concat(alias, ';' ORDER BY position) FROM partner_alias \
                      WHERE partner_id = p.id)"
            .to_string(),
        c if crate::records::PARTNER_COLUMNS.contains(&c) => format!("p.{c}"),
        _ => return None,
    })
}

/// `ORDER BY … LIMIT ?` for a listing: the filter's sort columns (text in any case, empty
/// values last either way), then `tie` (the default order), then its limit.
fn order_and_limit(
    filter: &Filter,
    tie: &str,
    params: &mut Vec<Value>,
    mut sql_of: impl FnMut(&str, &mut Vec<Value>) -> Option<String>,
) -> crate::error::Result<String> {
    if filter.after.is_some() && !filter.sort.is_empty() {
        return Err(crate::error::Error::input(
            "a page of rows after another follows the default order; leave out the sort",
        ));
    }
    let mut parts = Vec::new();
    for key in &filter.sort {
        let sql = sql_of(key.column, params)
            .ok_or_else(|| crate::error::Error::input(format!("cannot sort by {}", key.column)))?;
        let dir = if key.descending { "DESC" } else { "ASC" };
        parts.push(format!("{sql} COLLATE NOCASE {dir} NULLS LAST"));
    }
    parts.push(tie.to_string());
    let mut sql = format!(" ORDER BY {}", parts.join(", "));
    if let Some(n) = filter.limit {
        params.push(Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)));
        sql.push_str(" LIMIT ?");
    }
    Ok(sql)
}

/// ORDER BY and LIMIT of an agreement listing (ties in the order recorded).
pub fn agreement_order(filter: &Filter, params: &mut Vec<Value>) -> crate::error::Result<String> {
    order_and_limit(filter, "a.id", params, |c, p| {
        agreement_sort_sql(c, filter.as_of, p)
    })
}

/// ORDER BY and LIMIT of a partner listing (ties by key).
pub fn partner_order(filter: &Filter, params: &mut Vec<Value>) -> crate::error::Result<String> {
    order_and_limit(filter, "p.key", params, |c, _| partner_sort_sql(c))
}
