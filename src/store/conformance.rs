//! One suite every store passes, written against [`Backend`] only: the SQLite store runs it
//! now (`store::sqlite::conformance`), and a PostgreSQL store runs the same [`run_all`] with
//! its own factory. Each check takes a fresh, empty, migrated store.

use super::{Action, Backend, Change, CountBy, EngagementLinks, Entity, ImportPlan};
use crate::dates::{parse_stored, Date};
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::model::{
    Agreement, Category, Contact, Engagement, EngagementKind, EngagementStatus, Kind, Partner,
    Status, Stored,
};
use crate::query::{Cond, ContactFilter, Filter};

mod dump;
mod engagement_reports;
mod keyset;

/// Makes a fresh, empty store.
pub type Factory<'a> = &'a dyn Fn() -> Box<dyn Backend>;

/// One check, on a fresh store.
type Check = fn(&mut dyn Backend);

/// Every check of the suite, in turn; panics naming the first that fails.
pub fn run_all(factory: Factory) {
    let checks: &[(&str, Check)] = &[
        ("adds and lookups", adds_and_lookups),
        ("edits", edits),
        ("refs and marks", refs_and_marks),
        ("history chain", history_chain),
        ("filters", filters),
        ("bulk import", bulk_import),
        (
            "import, plain and bulk, gives one result",
            import_either_way,
        ),
        ("partner names", partner_names),
        ("agreement reads", agreement_reads),
        ("renewal checks", renewal_checks),
        ("report reads", report_reads),
        ("stored rows for check", stored_rows),
        ("history of one record", history_about),
        ("transactions roll back", transactions_roll_back),
        ("contacts", contacts),
        ("contact filters", contact_filters),
        ("history erasure", history_erasure),
        (
            "engagements: adds, lookups and links",
            engagement_adds_and_links,
        ),
        ("engagements: refs and marks", engagement_refs_and_marks),
        ("engagements: edits and removal", engagement_edits),
        (
            "engagements: filters and the status rule",
            engagement_filters,
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
    dump::dump_and_load(factory);
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

fn adds_and_lookups(store: &mut dyn Backend) {
    let p = one_partner(store);
    assert!(p.id > 0);
    let s = &*store;
    assert_eq!(s.partner_count().unwrap(), 1);
    for name in ["unicef", "UNICEF", "united nations children's fund"] {
        assert_eq!(s.find_partner(name).unwrap().id, p.id, "{name}");
    }
    assert_eq!(s.partner_by_id(p.id).unwrap().unwrap().aliases, p.aliases);
    let e = s.find_partner("unicfe").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(
        e.to_string().contains("unicef"),
        "a hint names the nearest: {e}"
    );
    assert!(s.key_taken("unicef", None).unwrap());
    assert!(!s.key_taken("unicef", Some(p.id)).unwrap());
}

fn edits(store: &mut dyn Backend) {
    let p = one_partner(store);
    let as_of = day("2026-06-30");
    let mut id = 0;
    write(store, |s| {
        id = s.insert_agreement(
            &agreement("MOU-2026-001", Some("2026-01-01"), None),
            &[p.id],
        )?;
        let renamed = Partner {
            name: "UNICEF Austria".into(),
            ..s.partner_by_id(p.id)?.unwrap()
        };
        s.update_partner(&renamed)?;
        let (mut g, _) = s.agreement_by_id(id, as_of)?.unwrap();
        g.reference = "MOU-2026-009".into();
        g.title = "changed".into();
        s.update_agreement(&g, "MOU-2026-001", &[p.id])
    });
    let s = &*store;
    assert_eq!(s.find_partner("unicef austria").unwrap().id, p.id);
    let (g, status) = s.find_agreement("mou-2026-009", as_of).unwrap();
    assert_eq!(
        (g.id, g.title.as_str(), status),
        (id, "changed", Status::Active)
    );
    assert_eq!(g.parties, vec!["unicef"]);
    assert!(s
        .try_find_agreement("MOU-2026-001", as_of)
        .unwrap()
        .is_none());
    write(store, |s| s.delete_agreement(id));
    assert_eq!(store.agreement_count().unwrap(), 0);
}

fn refs_and_marks(store: &mut dyn Backend) {
    let p = one_partner(store);
    assert_eq!(store.next_ref(Kind::Mou, 2026).unwrap(), "MOU-2026-001");
    write(store, |s| {
        s.insert_agreement(
            &agreement("MOU-2026-001", Some("2026-01-01"), None),
            &[p.id],
        )?;
        s.insert_agreement(
            &agreement("MOU-2026-007", Some("2026-01-01"), None),
            &[p.id],
        )?;
        Ok(())
    });
    let s = &*store;
    assert_eq!(s.next_ref(Kind::Mou, 2026).unwrap(), "MOU-2026-008");
    assert_eq!(s.next_ref(Kind::Mou, 2025).unwrap(), "MOU-2025-001");
    assert!(
        s.ref_taken("mou-2026-007", None).unwrap(),
        "refs compare in any case"
    );
    let dup = store.transact(&mut |s| {
        s.insert_agreement(&agreement("mou-2026-001", None, None), &[p.id])?;
        Ok(true)
    });
    assert!(dup.is_err(), "a ref is unique in any case");
    assert_eq!(store.agreement_count().unwrap(), 2);
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

fn history_chain(store: &mut dyn Backend) {
    write(store, |s| {
        s.record(change("a", Action::Add))?;
        s.record(change("a", Action::Edit))?;
        s.record(change("a", Action::Remove))
    });
    let v = store.verify_history().unwrap();
    assert_eq!((v.rows, v.first_broken), (3, None));
    let mut rows = Vec::new();
    store
        .scan_history(&mut |e| {
            rows.push((e.action, e.entity, e.hash));
            Ok(())
        })
        .unwrap();
    let words: Vec<(&str, &str)> = rows
        .iter()
        .map(|(a, e, _)| (a.as_str(), e.as_str()))
        .collect();
    assert_eq!(
        words,
        [
            ("add", "partner"),
            ("edit", "partner"),
            ("remove", "partner")
        ]
    );
    assert!(rows.iter().all(|(_, _, h)| h.len() == 64), "sha-256 hashes");
}

fn filters(store: &mut dyn Backend) {
    let p = one_partner(store);
    write(store, |s| {
        s.insert_agreement(
            &agreement("MOU-2020-001", Some("2020-01-01"), Some("2021-01-01")),
            &[p.id],
        )?;
        s.insert_agreement(
            &agreement("MOU-2026-001", Some("2026-01-01"), None),
            &[p.id],
        )?;
        s.insert_agreement(&agreement("MOU-2026-002", None, None), &[p.id])?;
        Ok(())
    });
    let as_of = day("2026-06-30");
    let status = |st: Status| {
        let filter = Filter::new(as_of).and(Cond::Status(vec![st]));
        let mut refs = Vec::new();
        store
            .scan_agreements(&filter, &mut |a, s| {
                assert_eq!(s, st);
                refs.push(a.reference);
                Ok(())
            })
            .unwrap();
        assert_eq!(store.count_agreements(&filter).unwrap(), refs.len() as i64);
        refs
    };
    assert_eq!(status(Status::Expired), ["MOU-2020-001"]);
    assert_eq!(status(Status::Active), ["MOU-2026-001"]);
    assert_eq!(status(Status::Draft), ["MOU-2026-002"]);
    let mut all = 0;
    store
        .scan_agreements(
            &Filter::new(as_of).and(Cond::Partner(vec![p.id])),
            &mut |_, _| {
                all += 1;
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(all, 3);
    let mut partners = 0;
    store
        .scan_partners(
            &Filter::new(as_of).and(Cond::Category(vec![Category::Ngo])),
            &mut |_| {
                partners += 1;
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(partners, 1);
}

/// Imports `rows` through [`Backend::import`] as a file of `bytes` bytes would be; returns
/// the refs the writer found repeated (then nothing is committed).
fn import_rows(
    store: &mut dyn Backend,
    bytes: Option<u64>,
    dry_run: bool,
    rows: &[(Agreement, Vec<i64>)],
) -> Vec<String> {
    let mut repeated = Vec::new();
    store
        .import(
            &ImportPlan {
                agreements_file_bytes: bytes,
                dry_run,
            },
            &mut |_, w| {
                for (a, parties) in rows {
                    w.insert_new(a, parties)?;
                }
                repeated = w.finish()?;
                Ok(repeated.is_empty() && !dry_run)
            },
        )
        .unwrap();
    repeated
}

fn bulk_rows(p: &Partner, n: usize, repeat: Option<usize>) -> Vec<(Agreement, Vec<i64>)> {
    (0..n)
        .map(|i| {
            let i = repeat.filter(|r| i == *r).map_or(i, |_| 0);
            (
                agreement(&format!("BULK-{i:04}"), Some("2026-01-01"), None),
                vec![p.id],
            )
        })
        .collect()
}

/// A large file into an empty registry: the store's bulk path, where it takes one.
const LARGE: Option<u64> = Some(1 << 30);

fn bulk_import(store: &mut dyn Backend) {
    let p = one_partner(store);
    let repeated = import_rows(store, LARGE, false, &bulk_rows(&p, 50, Some(49)));
    assert_eq!(repeated, ["BULK-0000"], "a repeated ref is found");
    assert_eq!(
        store.agreement_count().unwrap(),
        0,
        "and nothing is written"
    );
    assert!(import_rows(store, LARGE, true, &bulk_rows(&p, 20, None)).is_empty());
    assert_eq!(
        store.agreement_count().unwrap(),
        0,
        "a dry run writes nothing"
    );
    assert!(import_rows(store, LARGE, false, &bulk_rows(&p, 200, None)).is_empty());
    assert_eq!(store.agreement_count().unwrap(), 200);
    assert_eq!(
        store
            .party_ids(
                store
                    .find_agreement("bulk-0199", day("2026-06-30"))
                    .unwrap()
                    .0
                    .id
            )
            .unwrap(),
        [p.id]
    );
    assert_eq!(store.agreement_ids_of_partner(p.id).unwrap().len(), 200);
    assert!(store.integrity_problems().unwrap().is_empty());
    let dup = store.transact(&mut |s| {
        s.insert_agreement(&agreement("bulk-0007", None, None), &[p.id])?;
        Ok(true)
    });
    assert!(dup.is_err(), "the ref index is back after a bulk import");
}

/// Whatever path the store takes, an import's writer finds refs and refuses repeated ones;
/// the rows read back the same.
fn import_either_way(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut texts = Vec::new();
    for (n, bytes) in [(0, None), (1, LARGE)] {
        let mut seen = (None, None, None);
        store
            .import(
                &ImportPlan {
                    agreements_file_bytes: bytes,
                    dry_run: false,
                },
                &mut |s, w| {
                    let a = agreement(&format!("IMP-{n}-001"), Some("2026-01-01"), None);
                    let id = w.insert_new(&a, &[p.id])?;
                    w.insert_new(&agreement(&format!("IMP-{n}-002"), None, None), &[p.id])?;
                    seen.0 = id;
                    seen.1 = w.find(&format!("imp-{n}-001"))?;
                    assert!(w.finish()?.is_empty());
                    seen.2 = s.max_ids().ok().map(|m| m.1);
                    Ok(true)
                },
            )
            .unwrap();
        assert!(seen.0.is_some(), "a new ref is written");
        assert_eq!(seen.0, seen.1, "and found, in any case");
        assert_eq!(seen.2, seen.0.map(|id| id + 1), "ids are the store's");
        let mut text = Vec::new();
        store
            .scan_agreement_text(&Filter::new(day("2026-06-30")), 10, &mut |b| {
                for r in 0..b.rows() {
                    let row: Vec<String> = b.row(r).map(str::to_owned).collect();
                    if row[0].starts_with(&format!("IMP-{n}-")) {
                        text.push(row);
                    }
                }
                Ok(())
            })
            .unwrap();
        for row in &mut text {
            row[0] = row[0].replace(&format!("IMP-{n}"), "IMP");
            row[2] = row[2].replace(&format!("IMP-{n}"), "IMP");
        }
        texts.push(text);
    }
    assert_eq!(texts[0].len(), 2, "{:?}", texts[0]);
    assert_eq!(
        texts[0], texts[1],
        "the bulk path writes what the plain one does"
    );
    // An existing ref is not written again by the plain path's writer.
    let mut again = Some(0);
    store
        .import(&ImportPlan::default(), &mut |_, w| {
            again = w.insert_new(&agreement("IMP-0-001", None, None), &[p.id])?;
            Ok(false)
        })
        .unwrap();
    assert_eq!(again, None);
}

fn partner_names(store: &mut dyn Backend) {
    assert!(store.is_unused().unwrap());
    assert_eq!(store.max_ids().unwrap(), (0, 0));
    let p = one_partner(store);
    write(store, |s| {
        s.insert_partner(&partner("unhcr", "U.N.H.C.R.", &["Refugee Agency"]))
            .map(|_| ())
    });
    let s = &*store;
    assert!(!s.is_unused().unwrap());
    assert_eq!(s.max_ids().unwrap().0, p.id + 1);
    assert_eq!(s.try_find_partner("Unicef").unwrap().unwrap().id, p.id);
    assert_eq!(
        s.try_find_partner("nobody at all").unwrap().unwrap_err(),
        Vec::<String>::new(),
        "nobody"
    );
    assert_eq!(
        s.nearest_partners("unicfe", 3)
            .unwrap()
            .first()
            .map(String::as_str),
        Some("unicef")
    );
    let taken = s
        .name_taken("united nations CHILDREN'S fund", None)
        .unwrap()
        .unwrap();
    assert_eq!(
        (taken.key.as_str(), taken.matched.as_str()),
        ("unicef", "United Nations Children's Fund")
    );
    assert!(
        s.name_taken("unicef", Some(p.id)).unwrap().is_none(),
        "except the partner itself"
    );
    let near = s.near_names("UNHCR", None).unwrap();
    assert_eq!(
        near.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
        ["unhcr"]
    );
    let mut keys = s.partner_keys().unwrap();
    keys.sort();
    assert_eq!(
        keys,
        [
            (p.id, "unicef".to_string()),
            (p.id + 1, "unhcr".to_string())
        ]
    );
}

fn agreement_reads(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut g = agreement("MOU-2026-001", Some("2026-01-01"), Some("2027-12-31"));
    g.notice_days = Some(30);
    g.title = "Water, sanitation".into();
    write(store, |s| {
        s.insert_agreement(&g, &[p.id])?;
        s.insert_agreement(&agreement("MOU-2026-002", None, None), &[p.id])
            .map(|_| ())
    });
    let s = &*store;
    assert_eq!(s.nearest_refs("MOU-2026-01", 3).unwrap().len(), 2);
    let mut rows = Vec::new();
    s.scan_agreement_text(&Filter::new(day("2026-06-30")), 1, &mut |b| {
        assert_eq!(b.rows(), 1, "batches of the size asked");
        rows.push(b.row(0).map(str::to_owned).collect::<Vec<_>>());
        Ok(())
    })
    .unwrap();
    let first: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    assert_eq!(
        first,
        [
            "MOU-2026-001",
            "mou",
            "Water, sanitation",
            "unicef",
            "2026-01-01",
            "2026-01-01",
            "2027-12-31",
            "",
            "",
            "30",
            "",
            "4;16",
            "water",
            "",
            "",
            "active",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z"
        ]
    );
    assert_eq!(rows[1][15], "draft");
    let same = |up_to| {
        s.same_agreement(
            Kind::Mou,
            Some(day("2026-01-01")),
            "Water, sanitation",
            &[p.id],
            up_to,
        )
        .unwrap()
    };
    assert_eq!(same(10).as_deref(), Some("MOU-2026-001"));
    assert_eq!(same(0), None, "only up to the id given");
    assert_eq!(
        s.same_agreement(
            Kind::Loi,
            Some(day("2026-01-01")),
            "Water, sanitation",
            &[p.id],
            10
        )
        .unwrap(),
        None
    );
}

fn renewal_checks(store: &mut dyn Backend) {
    let p = one_partner(store);
    let renewing = |r: &str, renews: &str| Agreement {
        renews: Some(renews.into()),
        ..agreement(r, Some("2026-01-01"), None)
    };
    write(store, |s| {
        s.insert_agreement(
            &agreement("MOU-2020-001", Some("2020-01-01"), None),
            &[p.id],
        )?;
        s.insert_agreement(&renewing("MOU-2026-001", "mou-2020-001"), &[p.id])?;
        s.insert_agreement(&renewing("MOU-2026-002", "MOU-2020-001"), &[p.id])?;
        s.insert_agreement(&renewing("MOU-2026-003", "MOU-1999-001"), &[p.id])
            .map(|_| ())
    });
    let s = &*store;
    let dangling = [("MOU-2026-003".to_string(), "MOU-1999-001".to_string())];
    assert_eq!(s.dangling_renewals().unwrap(), dangling);
    for most_are_new in [false, true] {
        assert_eq!(s.new_dangling_renewals(1, most_are_new).unwrap(), dangling);
        assert!(s.new_dangling_renewals(4, most_are_new).unwrap().is_empty());
        let problems = s.renewal_problems(0, most_are_new).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].to_string().contains("MOU-2026-002"),
            "{}",
            problems[0]
        );
    }
    assert_eq!(s.renewal_links().unwrap().len(), 3);
}

fn report_reads(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut other = partner("dic", "Danube Interfaith Council", &[]);
    other.category = Category::Religious;
    other.country = None;
    let mut q = None;
    let mut soon = agreement("MOU-2026-001", Some("2026-01-01"), Some("2026-08-31"));
    soon.sdgs = vec![16];
    let mut later = agreement("MOU-2026-002", Some("2026-04-01"), Some("2026-07-31"));
    later.notice_days = Some(90);
    write(store, |s| {
        q = Some(s.insert_partner(&other)?);
        s.insert_agreement(&soon, &[p.id])?;
        s.insert_agreement(&later, &[p.id])?;
        s.insert_agreement(
            &agreement("MOU-2026-003", Some("2026-05-01"), None),
            &[p.id],
        )?;
        s.insert_agreement(&agreement("MOU-2026-004", None, None), &[p.id])
            .map(|_| ())
    });
    let q = q.unwrap();
    let s = &*store;
    let as_of = day("2026-06-30");
    let all = Filter::new(as_of);
    let by_cat = s.partners_by_category(&all).unwrap();
    assert_eq!(
        by_cat.len(),
        Category::ALL.len(),
        "every category, in order"
    );
    assert!(by_cat.contains(&(Category::Ngo, 1)) && by_cat.contains(&(Category::Religious, 1)));
    let cats = s.partner_categories().unwrap();
    assert_eq!(
        (cats[&p.id], cats[&q.id]),
        (Category::Ngo, Category::Religious)
    );
    let mut rows = Vec::new();
    s.scan_report_rows(&all, &mut |r| {
        rows.push((r.kind, r.signed_on, r.expires_on, r.sdgs, r.parties.clone()));
        Ok(())
    })
    .unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0],
        (
            Kind::Mou,
            Some(day("2026-01-01")),
            Some(day("2026-08-31")),
            1 << 15,
            vec![p.id]
        )
    );
    let count = |by| s.count_by(by, &all).unwrap();
    assert_eq!(count(CountBy::Kind), [("mou".to_string(), 4)]);
    assert_eq!(
        count(CountBy::Quarter),
        [("2026Q1".to_string(), 1), ("2026Q2".to_string(), 2)]
    );
    assert_eq!(
        count(CountBy::Sdg),
        [("4".to_string(), 3), ("16".to_string(), 4)]
    );
    assert_eq!(count(CountBy::Category), [("ngo".to_string(), 4)]);
    assert_eq!(
        count(CountBy::Status).iter().map(|(_, n)| n).sum::<i64>(),
        4
    );
    let mut due = Vec::new();
    s.scan_due(&all, day("2026-09-30"), &mut |a, st| {
        due.push((a.reference, st));
        Ok(())
    })
    .unwrap();
    assert_eq!(
        due,
        [
            ("MOU-2026-002".to_string(), Status::Active),
            ("MOU-2026-001".to_string(), Status::Active)
        ],
        "by the earlier of notice and expiry"
    );
}

fn stored_rows(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut twin = partner("unicef-2", "U N I C E F", &[]);
    twin.country = None;
    let mut id = 0;
    write(store, |s| {
        s.insert_partner(&twin)?;
        s.insert_partner(&partner("idle", "Idle Partner", &[]))?;
        id = s.insert_agreement(
            &agreement("MOU-2026-001", Some("2026-01-01"), None),
            &[p.id],
        )?;
        s.record(Change {
            entity_id: Some(p.id),
            ..change("unicef", Action::Add)
        })?;
        s.record(Change {
            entity_id: Some(p.id),
            after: Some(serde_json::json!({"key": "unicef", "n": 2})),
            ..change("unicef", Action::Edit)
        })
    });
    let s = &*store;
    let mut partners = Vec::new();
    s.scan_stored_partners(&mut |row, q| {
        partners.push((row.id, q.key.clone(), row.aliases.len()));
        assert_eq!(row.get("key"), &crate::model::Stored::Text(q.key));
        Ok(())
    })
    .unwrap();
    assert_eq!(partners[0], (p.id, "unicef".to_string(), 1));
    assert_eq!(partners.len(), 3);
    let mut agreements = Vec::new();
    s.scan_stored_agreements(&mut |row, a| {
        agreements.push((row.id, a.reference));
        Ok(())
    })
    .unwrap();
    assert_eq!(agreements, [(id, "MOU-2026-001".to_string())]);
    assert!(!s.partner_norms_stale(p.id).unwrap());
    let pairs = s.near_duplicate_pairs().unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(
        (pairs[0].0.key.as_str(), pairs[0].1.key.as_str()),
        ("unicef", "unicef-2")
    );
    let idle: Vec<String> = s
        .partners_without_agreements()
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(idle, ["idle", "unicef-2"]);
    let last = s.last_recorded(Entity::Partner).unwrap();
    let after: serde_json::Value = serde_json::from_str(last[&p.id].as_deref().unwrap()).unwrap();
    assert_eq!(after["n"], 2, "the last row of each record");
    assert!(s.last_recorded(Entity::Agreement).unwrap().is_empty());
}

fn history_about(store: &mut dyn Backend) {
    write(store, |s| {
        s.record(Change {
            entity_id: Some(1),
            ..change("a", Action::Add)
        })?;
        s.record(Change {
            entity_id: Some(2),
            ..change("b", Action::Add)
        })?;
        s.record(Change {
            entity_id: None,
            ..change("a", Action::Remove)
        })
    });
    let about = |entity: &str, id, key: &str| {
        let mut rows = Vec::new();
        store
            .scan_history_about(entity, id, key, &mut |e| {
                rows.push((e.action, e.entity_key));
                Ok(())
            })
            .unwrap();
        rows
    };
    let a = |action: &str| (action.to_string(), "a".to_string());
    assert_eq!(about("partner", Some(1), "a"), [a("add"), a("remove")]);
    assert_eq!(
        about("partner", None, "a"),
        [a("add"), a("remove")],
        "by key when removed"
    );
    assert!(about("agreement", Some(1), "a").is_empty());
}

fn transactions_roll_back(store: &mut dyn Backend) {
    let failed = store.transact(&mut |s| {
        s.insert_partner(&partner("a", "A", &[]))?;
        s.record(change("a", Action::Add))?;
        Err(Error::input("stop"))
    });
    assert!(failed.is_err());
    store
        .transact(&mut |s| {
            s.insert_partner(&partner("b", "B", &[]))?;
            Ok(false)
        })
        .unwrap();
    assert_eq!(
        store.partner_count().unwrap(),
        0,
        "neither an error nor a dry run writes"
    );
    assert_eq!(store.verify_history().unwrap().rows, 0);
    write(store, |s| {
        s.insert_partner(&partner("c", "C", &[])).map(|_| ())
    });
    assert_eq!(store.partner_count().unwrap(), 1);
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

fn contacts(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut ids = (0, 0);
    write(store, |s| {
        ids.0 = s.insert_contact(&contact(&p, "Layla Haddad", Some("Layla@Example.org")))?;
        let mut c = contact(&p, "Jonas Berger", None);
        c.id = 40;
        ids.1 = s.insert_contact(&c)?;
        Ok(())
    });
    assert_eq!(ids.1, 40, "an explicit id is kept");
    let got = store.contact_by_id(ids.0).unwrap().unwrap();
    let mut want = contact(&p, "Layla Haddad", Some("Layla@Example.org"));
    want.id = ids.0;
    assert_eq!(got, want, "a contact reads back as written");
    let by_email = store.contacts_by_email("layla@example.ORG").unwrap();
    assert_eq!(by_email.len(), 1);
    let named = store
        .contacts_named(p.id, &crate::text::normalize("LAYLA haddad"))
        .unwrap();
    assert_eq!(named.iter().map(|c| c.id).collect::<Vec<_>>(), [ids.0]);
    assert_eq!(store.contacts_of_partner(p.id).unwrap().len(), 2);
    assert!(store
        .nearest_contacts("layla hadad", 3)
        .unwrap()
        .iter()
        .any(|h| h.starts_with(&format!("{} ", ids.0))));
    let mut edited = got.clone();
    edited.primary = true;
    edited.languages = vec!["fr".into()];
    edited.until = Some(day("2026-12-31"));
    write(store, |s| s.update_contact(&edited));
    assert_eq!(store.contact_by_id(ids.0).unwrap().unwrap(), edited);
    // Ids are never reused: after the highest is removed, the next is higher still.
    write(store, |s| s.delete_contact(40));
    assert!(store.contact_by_id(40).unwrap().is_none());
    let mut next = 0;
    write(store, |s| {
        next = s.insert_contact(&contact(&p, "Sara Novak", None))?;
        Ok(())
    });
    assert!(next > 40, "id {next} reused");
    write(store, |s| {
        s.forget_contact_row(ids.0, "2026-02-01T00:00:00Z")
    });
    let f = store.contact_by_id(ids.0).unwrap().unwrap();
    assert_eq!(
        (f.name.as_str(), f.email, f.phone, f.notes),
        (crate::store::FORGOTTEN_NAME, None, None, None)
    );
    assert_eq!((f.role, f.primary), (edited.role, true), "the rest stays");
    assert!(store.contact_forgotten(ids.0).unwrap().is_some());
    assert!(store.contact_forgotten(next).unwrap().is_none());
}

fn contact_filters(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut q = None;
    write(store, |s| {
        q = Some(s.insert_partner(&partner("kaiciid", "KAICIID", &[]))?);
        Ok(())
    });
    let q = q.unwrap();
    write(store, |s| {
        let mut former = contact(&p, "Old Friend", Some("old@example.org"));
        former.until = Some(day("2025-12-31"));
        s.insert_contact(&former)?;
        let mut today = contact(&p, "Last Day", None);
        today.until = Some(day("2026-03-01"));
        today.role = Some("Programme Officer".into());
        s.insert_contact(&today)?;
        s.insert_contact(&contact(&q, "Ahmad Saleh", Some("ahmad@example.org")))?;
        Ok(())
    });
    let names = |f: &ContactFilter| {
        let mut v = Vec::new();
        store
            .scan_contacts(f, &mut |c| {
                v.push(c.name);
                Ok(())
            })
            .unwrap();
        v
    };
    let mut f = ContactFilter::all(day("2026-03-01"));
    assert_eq!(names(&f), ["Old Friend", "Last Day", "Ahmad Saleh"]);
    f.former = false;
    assert_eq!(
        names(&f),
        ["Last Day", "Ahmad Saleh"],
        "until today is current"
    );
    f.partners = vec![q.id];
    assert_eq!(names(&f), ["Ahmad Saleh"]);
    let mut f = ContactFilter::all(day("2026-03-01"));
    f.text = Some(crate::text::normalize("programme"));
    assert_eq!(names(&f), ["Last Day"], "text in the role");
    f.text = Some("ahmad@".into());
    assert_eq!(names(&f), ["Ahmad Saleh"], "text in the email");
    let mut f = ContactFilter::all(day("2026-03-01"));
    f.sort = vec![crate::query::SortKey {
        column: "name",
        descending: true,
    }];
    f.limit = Some(2);
    assert_eq!(names(&f), ["Old Friend", "Last Day"]);
}

fn history_erasure(store: &mut dyn Backend) {
    let p = one_partner(store);
    let c = contact(&p, "Layla Haddad", Some("layla@example.org"));
    let json = crate::records::contact_json(&c);
    let change = |action, before, after| Change {
        at: "2026-11-29T10:00:00Z",
        actor: "tester",
        action,
        entity: Entity::Contact,
        entity_id: Some(7),
        entity_key: "7",
        before,
        after,
    };
    write(store, |s| {
        s.record(change(Action::Add, None, Some(json.clone())))?;
        s.record(Change {
            entity: Entity::Partner,
            entity_id: Some(p.id),
            entity_key: "unicef",
            ..change(
                Action::Edit,
                None,
                Some(serde_json::json!({"name": "UNICEF"})),
            )
        })?;
        s.record(change(Action::Edit, Some(json.clone()), Some(json.clone())))
    });
    let mut erased = Vec::new();
    write(store, |s| {
        erased = s.erase_history(Entity::Contact, 7, crate::records::CONTACT_PERSONAL)?;
        // Until the forget row names the rows, they do not verify.
        let v = s.verify_history()?;
        assert_eq!(v.first_broken.map(|b| b.0), Some(1));
        s.record(change(
            Action::Forget,
            None,
            Some(serde_json::json!({ crate::store::ERASED_ROWS: erased.clone() })),
        ))
    });
    assert_eq!(erased, [1, 3], "the contact's rows, not the partner's");
    let v = store.verify_history().unwrap();
    assert_eq!((v.rows, v.first_broken), (4, None));
    let mut text = String::new();
    store
        .scan_history(&mut |e| {
            text.push_str(&format!("{:?} {:?}\n", e.before, e.after));
            Ok(())
        })
        .unwrap();
    assert!(!text.contains("Layla") && !text.contains("layla@") && !text.contains("Vienna"));
    assert!(
        text.contains("focal point") && text.contains("UNICEF"),
        "{text}"
    );
    assert_eq!(store.purge_erased().unwrap(), None);
}

fn links(partner_ids: &[i64]) -> EngagementLinks {
    EngagementLinks {
        partner_ids: partner_ids.to_vec(),
        ..EngagementLinks::default()
    }
}

fn engagement_adds_and_links(store: &mut dyn Backend) {
    let p = one_partner(store);
    let as_of = day("2026-06-30");
    let (mut agreement_id, mut series, mut part) = (0, 0, 0);
    write(store, |s| {
        agreement_id = s.insert_agreement(
            &agreement("MOU-2016-001", Some("2016-01-01"), None),
            &[p.id],
        )?;
        series = s.insert_engagement(
            &engagement("ENG-2016-001", "2016-03-01", "2016-06-30"),
            &links(&[p.id]),
        )?;
        part = s.insert_engagement(
            &engagement("ENG-2016-002", "2016-03-01", "2016-03-02"),
            &EngagementLinks {
                partner_ids: vec![p.id],
                agreement_id: Some(agreement_id),
                part_of_id: Some(series),
            },
        )?;
        Ok(())
    });
    let s = &*store;
    let (e, status) = s.find_engagement("eng-2016-002", as_of).unwrap();
    assert_eq!(status, EngagementStatus::Held);
    assert_eq!(e.partners, ["unicef"]);
    assert_eq!(e.agreement.as_deref(), Some("MOU-2016-001"));
    assert_eq!(e.part_of.as_deref(), Some("ENG-2016-001"));
    assert_eq!((e.sdgs.clone(), e.participants), (vec![11, 16], Some(40)));
    assert_eq!(s.find_engagement(&part.to_string(), as_of).unwrap().0, e);
    let unknown = s.find_engagement("ENG-2016-009", as_of).unwrap_err();
    assert_eq!(unknown.kind, ErrorKind::Input);
    assert!(unknown.to_string().contains("ENG-2016-00"), "{unknown}");
    assert_eq!(s.engagement_parts(series).unwrap(), ["ENG-2016-002"]);
    assert_eq!(s.engagements_under(agreement_id).unwrap(), ["ENG-2016-002"]);
    assert_eq!(s.engagement_ids_of_partner(p.id).unwrap(), [series, part]);
    assert_eq!(
        s.engagement_series(part).unwrap(),
        [
            (part, "ENG-2016-002".to_string()),
            (series, "ENG-2016-001".to_string())
        ]
    );
    assert_eq!(
        s.engagement_links(part).unwrap(),
        EngagementLinks {
            partner_ids: vec![p.id],
            agreement_id: Some(agreement_id),
            part_of_id: Some(series)
        }
    );
    assert_eq!(s.engagement_count().unwrap(), 2);
    let mut stored = Vec::new();
    s.scan_stored_engagements(&mut |row, e| {
        let id = |c: &str| row.get(c).clone();
        stored.push((row.id, e, id("agreement_id"), id("part_of_id"), id("kind")));
        Ok(())
    })
    .unwrap();
    let (series_row, part_row) = (&stored[0], &stored[1]);
    assert_eq!(stored.len(), 2);
    assert_eq!((series_row.0, part_row.0), (series, part), "in id order");
    assert_eq!(part_row.1, e, "as mou reads it");
    assert_eq!(
        (&part_row.2, &part_row.3, &series_row.3),
        (
            &Stored::Integer(agreement_id),
            &Stored::Integer(series),
            &Stored::Null
        )
    );
    assert_eq!(part_row.4, Stored::Text(e.kind.as_str().to_string()));
}

fn engagement_refs_and_marks(store: &mut dyn Backend) {
    let p = one_partner(store);
    let as_of = day("2026-06-30");
    let mut id = 0;
    write(store, |s| {
        assert_eq!(s.next_engagement_ref(2016)?, "ENG-2016-001");
        id = s.insert_engagement(
            &engagement("ENG-2016-007", "2016-03-01", "2016-03-01"),
            &links(&[p.id]),
        )?;
        Ok(())
    });
    assert!(store.engagement_ref_taken("eng-2016-007", None).unwrap());
    assert!(!store
        .engagement_ref_taken("ENG-2016-007", Some(id))
        .unwrap());
    let again = store.transact(&mut |s| {
        s.insert_engagement(
            &engagement("eng-2016-007", "2016-03-01", "2016-03-01"),
            &links(&[p.id]),
        )?;
        Ok(true)
    });
    assert_eq!(again.unwrap_err().kind, ErrorKind::Input);
    write(store, |s| {
        assert_eq!(s.next_engagement_ref(2016)?, "ENG-2016-008");
        // An agreement's marks are their own: MOU-2016 does not move ENG-2016.
        assert_eq!(s.next_ref(Kind::Mou, 2016)?, "MOU-2016-001");
        s.delete_engagement(id)
    });
    // Removed, its ref is never given again.
    assert_eq!(store.next_engagement_ref(2016).unwrap(), "ENG-2016-008");
    assert!(store
        .try_find_engagement("ENG-2016-007", as_of)
        .unwrap()
        .is_none());
}

fn engagement_edits(store: &mut dyn Backend) {
    let p = one_partner(store);
    let as_of = day("2026-06-30");
    let mut q = partner("dic", "Danube Interfaith Council", &[]);
    let mut id = 0;
    write(store, |s| {
        q = s.insert_partner(&q)?;
        id = s.insert_engagement(
            &engagement("ENG-2026-001", "2026-03-01", "2026-03-01"),
            &links(&[p.id]),
        )?;
        Ok(())
    });
    let (before, _) = store.engagement_by_id(id, as_of).unwrap().unwrap();
    let after = Engagement {
        reference: "ENG-2026-010".into(),
        title: "renamed".into(),
        cancelled: true,
        public: true,
        participants: None,
        tags: vec![],
        updated_at: "2026-02-02T00:00:00Z".into(),
        ..before.clone()
    };
    write(store, |s| {
        s.update_engagement(&after, &links(&[q.id, p.id]))
    });
    let (got, status) = store.engagement_by_id(id, as_of).unwrap().unwrap();
    assert_eq!(status, EngagementStatus::Cancelled);
    assert_eq!(got.partners, ["dic", "unicef"]);
    assert_eq!(got.created_at, before.created_at);
    assert_eq!(
        got,
        Engagement {
            partners: vec!["dic".into(), "unicef".into()],
            ..after.clone()
        }
    );
    assert_eq!(store.next_engagement_ref(2026).unwrap(), "ENG-2026-011");
    write(store, |s| s.delete_engagement(id));
    assert_eq!(store.engagement_count().unwrap(), 0);
    assert!(store.engagement_ids_of_partner(p.id).unwrap().is_empty());
}

fn engagement_filters(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut q = partner("uni", "Oak Valley University", &[]);
    q.category = Category::Academic;
    write(store, |s| {
        q = s.insert_partner(&q)?;
        let mut held = engagement("ENG-2026-001", "2026-03-01", "2026-03-03");
        held.kind = EngagementKind::Meeting;
        s.insert_engagement(&held, &links(&[p.id]))?;
        let mut planned = engagement("ENG-2026-002", "2026-09-01", "2026-09-01");
        planned.country = Some("JO".into());
        planned.public = true;
        s.insert_engagement(&planned, &links(&[q.id]))?;
        let mut cancelled = engagement("ENG-2026-003", "2026-06-01", "2026-06-01");
        cancelled.cancelled = true;
        cancelled.sdgs = vec![4];
        s.insert_engagement(&cancelled, &links(&[p.id, q.id]))?;
        Ok(())
    });
    let refs = |store: &dyn Backend, f: Filter| {
        let mut v = Vec::new();
        store
            .scan_engagements(&f, &mut |e, st| {
                // The status the store derived in SQL is the Rust rule's.
                assert_eq!(st, e.status_at(f.as_of), "{}", e.reference);
                v.push(e.reference);
                Ok(())
            })
            .unwrap();
        if f.limit.is_none() {
            assert_eq!(store.count_engagements(&f).unwrap(), v.len() as i64);
        }
        v
    };
    let at = |d: &str| Filter::new(day(d));
    let s = &*store;
    assert_eq!(
        refs(
            s,
            at("2026-03-02").and(Cond::EngagementStatus(vec![EngagementStatus::Ongoing]))
        ),
        ["ENG-2026-001"]
    );
    assert_eq!(
        refs(
            s,
            at("2026-03-04").and(Cond::EngagementStatus(vec![EngagementStatus::Held]))
        ),
        ["ENG-2026-001"]
    );
    assert_eq!(
        refs(
            s,
            at("2026-03-04").and(Cond::EngagementStatus(vec![EngagementStatus::Planned]))
        ),
        ["ENG-2026-002"]
    );
    assert_eq!(
        refs(
            s,
            at("2026-03-04").and(Cond::EngagementStatus(vec![EngagementStatus::Cancelled]))
        ),
        ["ENG-2026-003"]
    );
    assert_eq!(
        refs(
            s,
            at("2026-06-30").and(Cond::EngagementKind(vec![EngagementKind::Meeting]))
        ),
        ["ENG-2026-001"]
    );
    assert_eq!(
        refs(
            s,
            at("2026-06-30").and(Cond::Category(vec![Category::Academic]))
        ),
        ["ENG-2026-002", "ENG-2026-003"]
    );
    assert_eq!(
        refs(s, at("2026-06-30").and(Cond::Country(vec!["JO".into()]))),
        ["ENG-2026-002"]
    );
    assert_eq!(
        refs(s, at("2026-06-30").and(Cond::Partner(vec![p.id]))),
        ["ENG-2026-001", "ENG-2026-003"]
    );
    assert_eq!(
        refs(s, at("2026-06-30").and(Cond::Sdg(vec![4]))),
        ["ENG-2026-003"]
    );
    assert_eq!(
        refs(s, at("2026-06-30").and(Cond::Public(true))),
        ["ENG-2026-002"]
    );
    let period = crate::dates::parse_period("2026-03-03..2026-06-01").unwrap();
    assert_eq!(
        refs(s, at("2026-06-30").and(Cond::HeldIn(period))),
        ["ENG-2026-001", "ENG-2026-003"]
    );
    assert_eq!(
        refs(s, at("2026-06-30").and(Cond::Text("oak valley".into()))),
        ["ENG-2026-002", "ENG-2026-003"]
    );
    let mut sorted = at("2026-06-30");
    sorted.sort.push(crate::query::SortKey {
        column: "starts_on",
        descending: true,
    });
    sorted.limit = Some(2);
    assert_eq!(refs(s, sorted), ["ENG-2026-002", "ENG-2026-003"]);
}
