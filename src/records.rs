//! The columns of partners and agreements as export writes and import reads them: the
//! field names of DESIGN, in one place.

use crate::model::{Agreement, Engagement, EngagementStatus, Partner, Status};
use crate::output::Cell;

pub const PARTNER_COLUMNS: &[&str] = &[
    "key",
    "name",
    "aliases",
    "category",
    "country",
    "website",
    "notes",
    "public",
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

pub const ENGAGEMENT_COLUMNS: &[&str] = &[
    "ref",
    "kind",
    "title",
    "partners",
    "starts_on",
    "ends_on",
    "place",
    "country",
    "agreement",
    "part_of",
    "sdgs",
    "tags",
    "participants",
    "outcome",
    "notes",
    "document",
    "cancelled",
    "public",
    "status",
    "created_at",
    "updated_at",
];

/// What a table shows of an engagement.
pub const ENGAGEMENT_TABLE: &[&str] = &[
    "ref",
    "kind",
    "title",
    "partners",
    "starts_on",
    "place",
    "status",
];

/// An engagement's cells in [`ENGAGEMENT_COLUMNS`] order; takes the record to move its text.
pub fn engagement_cells(e: Engagement, status: EngagementStatus) -> Vec<Cell> {
    vec![
        Cell::Text(e.reference),
        Cell::Word(e.kind.as_str()),
        Cell::Text(e.title),
        Cell::List(e.partners),
        Cell::Date(e.starts_on),
        Cell::Date(e.ends_on),
        Cell::opt(e.place),
        Cell::opt(e.country),
        Cell::opt(e.agreement),
        Cell::opt(e.part_of),
        Cell::Ints(e.sdgs.iter().map(|n| i64::from(*n)).collect()),
        Cell::List(e.tags),
        e.participants.map_or(Cell::Null, |n| Cell::Int(n.into())),
        Cell::opt(e.outcome),
        Cell::opt(e.notes),
        Cell::opt(e.document),
        Cell::Bool(e.cancelled),
        Cell::Bool(e.public),
        Cell::Word(status.as_str()),
        Cell::Text(e.created_at),
        Cell::Text(e.updated_at),
    ]
}

/// An engagement as one JSON object for history's before/after (no status: it is derived).
pub fn engagement_json(e: &Engagement) -> serde_json::Value {
    let cells = engagement_cells(e.clone(), EngagementStatus::Held);
    let (cols, cells): (Vec<&str>, Vec<Cell>) = ENGAGEMENT_COLUMNS
        .iter()
        .copied()
        .zip(cells)
        .filter(|(c, _)| *c != "status")
        .unzip();
    let mut m = crate::output::json_object(&cols, &cells);
    m.insert("id".into(), e.id.into());
    serde_json::Value::Object(m)
}

/// A partner's cells in [`PARTNER_COLUMNS`] order; takes the record to move its text.
pub fn partner_cells(p: Partner) -> Vec<Cell> {
    vec![
        Cell::Text(p.key),
        Cell::Text(p.name),
        Cell::List(p.aliases),
        Cell::Word(p.category.as_str()),
        Cell::opt(p.country),
        Cell::opt(p.website),
        Cell::opt(p.notes),
        Cell::Bool(p.public),
        Cell::Text(p.created_at),
        Cell::Text(p.updated_at),
    ]
}

/// An agreement's cells in [`AGREEMENT_COLUMNS`] order; takes the record to move its text
/// (an export of a million rows should not copy each string twice).
pub fn agreement_cells(a: Agreement, status: Status) -> Vec<Cell> {
    let date = |d: Option<crate::dates::Date>| d.map_or(Cell::Null, Cell::Date);
    vec![
        Cell::Text(a.reference),
        Cell::Word(a.kind.as_str()),
        Cell::Text(a.title),
        Cell::List(a.parties),
        date(a.signed_on),
        date(a.effective_on),
        date(a.expires_on),
        date(a.terminated_on),
        Cell::opt(a.termination_reason),
        a.notice_days.map_or(Cell::Null, |n| Cell::Int(n.into())),
        Cell::opt(a.renews),
        Cell::Ints(a.sdgs.iter().map(|n| i64::from(*n)).collect()),
        Cell::List(a.tags),
        Cell::opt(a.notes),
        Cell::opt(a.document),
        Cell::Word(status.as_str()),
        Cell::Text(a.created_at),
        Cell::Text(a.updated_at),
    ]
}

/// A record as one JSON object, for history's before/after.
pub fn partner_json(p: &Partner) -> serde_json::Value {
    let mut m = crate::output::json_object(PARTNER_COLUMNS, &partner_cells(p.clone()));
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
        .zip(agreement_cells(a.clone(), Status::Draft))
        .filter(|(c, _)| **c != "status")
        .map(|(_, v)| v)
        .collect();
    let mut m = crate::output::json_object(&cols, &cells);
    m.insert("id".into(), a.id.into());
    serde_json::Value::Object(m)
}

pub const CONTACT_COLUMNS: &[&str] = &[
    "id",
    "partner",
    "name",
    "role",
    "email",
    "phone",
    "languages",
    "primary",
    "since",
    "until",
    "notes",
    "created_at",
    "updated_at",
];

/// What a table shows of a contact.
pub const CONTACT_TABLE: &[&str] = &[
    "id",
    "partner",
    "name",
    "role",
    "email",
    "phone",
    "languages",
    "primary",
];

/// The fields of a contact that are personal data: what `mou forget contact` erases from
/// the record and from every history row of it.
pub const CONTACT_PERSONAL: &[&str] = &["name", "email", "phone", "notes"];

/// A contact's cells in [`CONTACT_COLUMNS`] order.
pub fn contact_cells(c: crate::model::Contact) -> Vec<Cell> {
    let date = |d: Option<crate::dates::Date>| d.map_or(Cell::Null, Cell::Date);
    vec![
        Cell::Int(c.id),
        Cell::Text(c.partner),
        Cell::Text(c.name),
        Cell::opt(c.role),
        Cell::opt(c.email),
        Cell::opt(c.phone),
        Cell::List(c.languages),
        Cell::Bool(c.primary),
        date(c.since),
        date(c.until),
        Cell::opt(c.notes),
        Cell::Text(c.created_at),
        Cell::Text(c.updated_at),
    ]
}

/// A contact as one JSON object, for history's before/after.
pub fn contact_json(c: &crate::model::Contact) -> serde_json::Value {
    serde_json::Value::Object(crate::output::json_object(
        CONTACT_COLUMNS,
        &contact_cells(c.clone()),
    ))
}
