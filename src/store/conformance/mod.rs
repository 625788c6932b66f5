//! One suite every store passes, written against [`Backend`] only: the SQLite store runs it
//! now (`store::sqlite::conformance`), and a PostgreSQL store runs the same [`run_all`] with
//! its own factory. Each check takes a fresh, empty, migrated store. The checks live in one file
//! a subject; this file holds the list and the builders they share.

use super::{Action, Backend, Change, EngagementLinks, Entity};
use crate::dates::{parse_stored, Date};
use crate::error::Result;
use crate::model::{Agreement, Category, Contact, Engagement, EngagementKind, Kind, Partner};

mod contacts;
mod engagement_reports;
mod engagements;
mod history;
mod import;
mod keyset;
mod reads;
mod records;

/// Makes a fresh, empty store.
pub type Factory<'a> = &'a dyn Fn() -> Box<dyn Backend>;

/// One check, on a fresh store.
type Check = fn(&mut dyn Backend);

/// Every check of the suite, in turn; panics naming the first that fails.
pub fn run_all(factory: Factory) {
    let checks: &[(&str, Check)] = &[
        ("adds and lookups", records::adds_and_lookups),
        ("edits", records::edits),
        ("refs and marks", records::refs_and_marks),
        ("history chain", history::history_chain),
        ("filters", reads::filters),
        ("bulk import", import::bulk_import),
        (
            "import, plain and bulk, gives one result",
            import::import_either_way,
        ),
        ("partner names", records::partner_names),
        ("agreement reads", records::agreement_reads),
        ("renewal checks", records::renewal_checks),
        ("report reads", reads::report_reads),
        ("stored rows for check", reads::stored_rows),
        ("history of one record", history::history_about),
        ("transactions roll back", records::transactions_roll_back),
        ("contacts", contacts::contacts),
        ("contact filters", contacts::contact_filters),
        ("history erasure", history::history_erasure),
        (
            "engagements: adds, lookups and links",
            engagements::engagement_adds_and_links,
        ),
        (
            "engagements: refs and marks",
            engagements::engagement_refs_and_marks,
        ),
        (
            "engagements: edits and removal",
            engagements::engagement_edits,
        ),
        (
            "engagements: filters and the status rule",
            engagements::engagement_filters,
        ),
        (
            "engagements: report rows and counts",
            engagement_reports::engagement_report_reads,
        ),
        ("keyset pages", keyset::keyset_pages),
    ];
    for (name, check) in checks {
        let mut store = factory();
        eprintln!("conformance: {name}");
        check(store.as_mut());
    }
}

fn day(s: &str) -> Date {
    parse_stored(s).unwrap()
}

pub(crate) fn partner(key: &str, name: &str, aliases: &[&str]) -> Partner {
    Partner {
        id: 0,
        key: key.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        category: Category::Ngo,
        country: Some("AT".into()),
        website: None,
        notes: None,
        public: false,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn agreement(reference: &str, signed: Option<&str>, expires: Option<&str>) -> Agreement {
    Agreement {
        id: 0,
        reference: reference.into(),
        kind: Kind::Mou,
        title: format!("title of {reference}"),
        parties: vec![],
        signed_on: signed.map(day),
        effective_on: signed.map(day),
        expires_on: expires.map(day),
        terminated_on: None,
        termination_reason: None,
        notice_days: None,
        renews: None,
        sdgs: vec![4, 16],
        tags: vec!["water".into()],
        notes: None,
        document: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

/// Runs `f` in one committed transaction of `store`.
fn write(store: &mut dyn Backend, mut f: impl FnMut(&dyn Backend) -> Result<()>) {
    store.transact(&mut |s| f(s).map(|()| true)).unwrap();
}

fn one_partner(store: &mut dyn Backend) -> Partner {
    let mut p = None;
    write(store, |s| {
        p = Some(s.insert_partner(&partner(
            "unicef",
            "UNICEF",
            &["United Nations Children's Fund"],
        ))?);
        Ok(())
    });
    p.unwrap()
}

fn change(key: &str, action: Action) -> Change<'_> {
    Change {
        at: "2026-11-29T10:00:00Z",
        actor: "tester",
        action,
        entity: Entity::Partner,
        entity_id: Some(1),
        entity_key: key,
        before: None,
        after: Some(serde_json::json!({ "key": key })),
    }
}

pub(crate) fn contact(partner: &Partner, name: &str, email: Option<&str>) -> Contact {
    Contact {
        id: 0,
        partner_id: partner.id,
        partner: partner.key.clone(),
        name: name.into(),
        role: Some("focal point".into()),
        email: email.map(str::to_string),
        phone: Some("+43 1 260 60".into()),
        languages: vec!["ar".into(), "en".into()],
        primary: false,
        since: Some(day("2024-01-01")),
        until: None,
        notes: Some("met in Vienna".into()),
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn engagement(reference: &str, starts: &str, ends: &str) -> Engagement {
    Engagement {
        id: 0,
        reference: reference.into(),
        kind: EngagementKind::Workshop,
        title: format!("title of {reference}"),
        partners: vec![],
        starts_on: day(starts),
        ends_on: day(ends),
        place: Some("Vienna".into()),
        country: Some("AT".into()),
        agreement: None,
        part_of: None,
        sdgs: vec![11, 16],
        tags: vec!["youth".into()],
        participants: Some(40),
        outcome: None,
        notes: None,
        document: None,
        cancelled: false,
        public: false,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn links(partner_ids: &[i64]) -> EngagementLinks {
    EngagementLinks {
        partner_ids: partner_ids.to_vec(),
        ..EngagementLinks::default()
    }
}
