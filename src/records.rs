//! The columns of partners and agreements as export writes and import reads them: the
//! field names of DESIGN, in one place.

use crate::dates::iso;
use crate::model::{join_sdgs, Agreement, Partner, Status};
use crate::output::Cell;

pub const PARTNER_COLUMNS: &[&str] = &[
    "key",
    "name",
    "aliases",
    "category",
    "country",
    "website",
    "notes",
    "created_at",
    "updated_at",
];

/// What a table shows of a partner.
pub const PARTNER_TABLE: &[&str] = &["key", "name", "category", "country", "aliases"];

pub const AGREEMENT_COLUMNS: &[&str] = &[
    "ref",
    "kind",
    "title",
    "parties",
    "signed_on",
    "effective_on",
    "expires_on",
    "terminated_on",
    "termination_reason",
    "notice_days",
    "renews",
    "sdgs",
    "tags",
    "notes",
    "document",
    "status",
    "created_at",
    "updated_at",
];

/// What a table shows of an agreement.
pub const AGREEMENT_TABLE: &[&str] = &[
    "ref",
    "kind",
    "title",
    "parties",
    "signed_on",
    "expires_on",
    "status",
];

pub fn partner_cells(p: &Partner) -> Vec<Cell> {
    vec![
        Cell::text(&p.key),
        Cell::text(&p.name),
        Cell::List(p.aliases.clone()),
        Cell::text(p.category.as_str()),
        Cell::opt(p.country.as_deref()),
        Cell::opt(p.website.as_deref()),
        Cell::opt(p.notes.as_deref()),
        Cell::text(&p.created_at),
        Cell::text(&p.updated_at),
    ]
}

pub fn agreement_cells(a: &Agreement, status: Status) -> Vec<Cell> {
    let date = |d: Option<crate::dates::Date>| Cell::opt(d.map(iso));
    vec![
        Cell::text(&a.reference),
        Cell::text(a.kind.as_str()),
        Cell::text(&a.title),
        Cell::List(a.parties.clone()),
        date(a.signed_on),
        date(a.effective_on),
        date(a.expires_on),
        date(a.terminated_on),
        Cell::opt(a.termination_reason.as_deref()),
        a.notice_days.map_or(Cell::Null, |n| Cell::Int(n.into())),
        Cell::opt(a.renews.as_deref()),
        Cell::Ints(a.sdgs.iter().map(|n| i64::from(*n)).collect()),
        Cell::List(a.tags.clone()),
        Cell::opt(a.notes.as_deref()),
        Cell::opt(a.document.as_deref()),
        Cell::text(status.as_str()),
        Cell::text(&a.created_at),
        Cell::text(&a.updated_at),
    ]
}

/// A record as one JSON object, for history's before/after.
pub fn partner_json(p: &Partner) -> serde_json::Value {
    let mut m = crate::output::json_object(PARTNER_COLUMNS, &partner_cells(p));
    m.insert("id".into(), p.id.into());
    serde_json::Value::Object(m)
}

pub fn agreement_json(a: &Agreement) -> serde_json::Value {
    let cols: Vec<&str> = AGREEMENT_COLUMNS
        .iter()
        .copied()
        .filter(|c| *c != "status")
        .collect();
    let cells: Vec<Cell> = AGREEMENT_COLUMNS
        .iter()
        .zip(agreement_cells(a, Status::Draft))
        .filter(|(c, _)| **c != "status")
        .map(|(_, v)| v)
        .collect();
    let mut m = crate::output::json_object(&cols, &cells);
    m.insert("id".into(), a.id.into());
    let _ = join_sdgs;
    serde_json::Value::Object(m)
}
