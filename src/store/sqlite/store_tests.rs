//! Data-layer tests on in-memory SQLite: typed values in, typed values out.

use super::{Access, Options, Store};
use crate::dates::parse_stored;
use crate::model::{Agreement, Category, Kind, Partner, Status};
use crate::query::{Cond, Filter};

fn partner(key: &str, name: &str, aliases: &[&str]) -> Partner {
    Partner {
        id: 0,
        key: key.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        category: Category::Religious,
        country: Some("AT".into()),
        website: None,
        notes: None,
        public: false,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn agreement(
    r: &str,
    signed: Option<&str>,
    expires: Option<&str>,
    terminated: Option<&str>,
) -> Agreement {
    let d = |s: Option<&str>| s.map(|s| parse_stored(s).unwrap());
    Agreement {
        id: 0,
        reference: r.into(),
        kind: Kind::Mou,
        title: "t".into(),
        parties: vec![],
        signed_on: d(signed),
        effective_on: d(signed),
        expires_on: d(expires),
        terminated_on: d(terminated),
        termination_reason: None,
        notice_days: None,
        renews: None,
        sdgs: vec![4, 16],
        tags: vec!["a".into()],
        notes: None,
        document: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

#[test]
fn partners_round_trip_and_are_found_by_any_name() {
    let mut s = Store::open_in_memory().unwrap();
    let p = s
        .write(|s| {
            s.insert_partner(&partner(
                "unicef",
                "UNICEF",
                &["اليونيسيف", "United Nations Children's Fund"],
            ))
        })
        .unwrap();
    assert_eq!(s.partner_by_id(p.id).unwrap().unwrap(), p);
    for name in [
        "unicef",
        "Unicef",
        "اليونيسيف",
        "united nations children's fund",
        &p.id.to_string(),
    ] {
        assert_eq!(s.find_partner(name).unwrap().id, p.id, "{name}");
    }
    assert!(s
        .find_partner("unicf")
        .unwrap_err()
        .to_string()
        .contains("did you mean unicef"));
    assert!(s.name_taken("UNICEF", None).unwrap().is_some());
    assert!(s.name_taken("UNICEF", Some(p.id)).unwrap().is_none());
}

#[test]
fn agreements_round_trip_with_parties_and_refs() {
    let mut s = Store::open_in_memory().unwrap();
    let (a, b) = s
        .write(|s| {
            let a = s.insert_partner(&partner("a", "Alpha", &[]))?;
            let b = s.insert_partner(&partner("b", "Beta", &[]))?;
            Ok((a, b))
        })
        .unwrap();
    let mut g = agreement("MOU-2016-001", Some("2016-05-01"), Some("2019-04-30"), None);
    g.id = s.write(|s| s.insert_agreement(&g, &[b.id, a.id])).unwrap();
    let as_of = parse_stored("2019-04-30").unwrap();
    let (back, status) = s.find_agreement("mou-2016-001", as_of).unwrap();
    assert_eq!(back.parties, vec!["b", "a"], "parties keep their order");
    assert_eq!(back.sdgs, vec![4, 16]);
    assert_eq!(status, Status::Active);
    assert_eq!(s.next_ref(Kind::Mou, 2016).unwrap(), "MOU-2016-002");
    assert_eq!(s.next_ref(Kind::Loi, 2016).unwrap(), "LOI-2016-001");
    let dup = s.write(|s| s.insert_agreement(&g, &[a.id]));
    assert!(dup.unwrap_err().to_string().contains("MOU-2016-001"));
}

/// Agreements on every boundary of the status rule.
fn status_cases() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let cases = [
        ("D", None, None, None),
        ("A", Some("2026-01-01"), None, None),
        ("E1", Some("2026-01-01"), Some("2026-06-29"), None),
        ("E0", Some("2026-01-01"), Some("2026-06-30"), None),
        ("P", Some("2026-07-01"), None, None),
        (
            "T0",
            Some("2020-01-01"),
            Some("2021-01-01"),
            Some("2020-06-30"),
        ),
        ("T1", Some("2026-01-01"), None, Some("2026-06-30")),
        ("T2", Some("2026-01-01"), None, Some("2026-07-01")),
    ];
    s.write(|s| {
        let p = s.insert_partner(&partner("p", "P", &[]))?;
        for (r, signed, expires, terminated) in cases {
            s.insert_agreement(&agreement(r, signed, expires, terminated), &[p.id])?;
        }
        Ok(())
    })
    .unwrap();
    s
}

/// The as-of dates around those boundaries.
const STATUS_DATES: [&str; 3] = ["2026-06-29", "2026-06-30", "2026-07-01"];

/// The status filter in SQL and `Agreement::status_at` in Rust agree on every boundary.
#[test]
fn sql_and_rust_status_rules_agree() {
    let s = status_cases();
    for as_of in STATUS_DATES {
        let as_of = parse_stored(as_of).unwrap();
        for status in Status::ALL {
            let filter = Filter::new(as_of).and(Cond::Status(vec![*status]));
            let mut via_sql = Vec::new();
            s.for_each_agreement(&filter, |a, _| {
                via_sql.push(a.reference);
                Ok(())
            })
            .unwrap();
            let mut via_rust = Vec::new();
            s.for_each_agreement(&Filter::new(as_of), |a, st| {
                if st == *status {
                    via_rust.push(a.reference);
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(via_sql, via_rust, "{status} at {as_of}");
        }
    }
}

/// Engagement statuses: the SQL rule (the status filter, and the status column the store
/// reads) and `Engagement::status_at` agree on every boundary: the day before the start, the
/// first day, the last day, the day after; a cancelled one whatever the date.
#[test]
fn sql_and_rust_engagement_status_rules_agree() {
    use crate::model::{Engagement, EngagementKind, EngagementStatus};
    use crate::store::EngagementLinks;
    let mut s = Store::open_in_memory().unwrap();
    let d = |x: &str| parse_stored(x).unwrap();
    let cases = [
        ("ONE", "2026-06-30", "2026-06-30", false),
        ("SPAN", "2026-06-29", "2026-07-01", false),
        ("PAST", "2026-06-01", "2026-06-29", false),
        ("NEXT", "2026-07-01", "2026-07-02", false),
        ("OFF", "2026-06-30", "2026-06-30", true),
    ];
    s.write(|s| {
        let p = s.insert_partner(&partner("p", "P", &[]))?;
        for (r, start, end, cancelled) in cases {
            let e = Engagement {
                id: 0,
                reference: r.into(),
                kind: EngagementKind::Other,
                title: r.into(),
                partners: vec![],
                starts_on: d(start),
                ends_on: d(end),
                place: None,
                country: None,
                agreement: None,
                part_of: None,
                sdgs: vec![],
                tags: vec![],
                participants: None,
                outcome: None,
                notes: None,
                document: None,
                cancelled,
                public: false,
                created_at: "2026-01-01T00:00:00Z".into(),
                updated_at: "2026-01-01T00:00:00Z".into(),
            };
            let links = EngagementLinks {
                partner_ids: vec![p.id],
                ..Default::default()
            };
            s.insert_engagement(&e, &links)?;
        }
        Ok(())
    })
    .unwrap();
    let mut seen = std::collections::HashSet::new();
    for as_of in [
        "2026-06-28",
        "2026-06-29",
        "2026-06-30",
        "2026-07-01",
        "2026-07-02",
        "2026-07-03",
    ] {
        let as_of = d(as_of);
        for status in EngagementStatus::ALL {
            let filter = Filter::new(as_of).and(Cond::EngagementStatus(vec![*status]));
            let mut via_sql = Vec::new();
            s.for_each_engagement(&filter, |e, st| {
                assert_eq!(st, *status);
                via_sql.push(e.reference);
                Ok(())
            })
            .unwrap();
            let mut via_rust = Vec::new();
            s.for_each_engagement(&Filter::new(as_of), |e, st| {
                assert_eq!(st, e.status_at(as_of), "{} at {as_of}", e.reference);
                if e.status_at(as_of) == *status {
                    via_rust.push(e.reference);
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(via_sql, via_rust, "{status} at {as_of}");
            if !via_sql.is_empty() {
                seen.insert(*status);
            }
        }
    }
    // Every status occurs at some date, so no branch of either rule goes untested.
    assert_eq!(seen.len(), EngagementStatus::ALL.len());
}

/// The status column of an export's text batch (the SQL rule) and `Agreement::status_at`
/// (the Rust rule) agree on every boundary.
#[test]
fn the_text_batch_status_is_the_sql_rule_and_agrees_with_rust() {
    let s = status_cases();
    let status_column = crate::records::AGREEMENT_COLUMNS
        .iter()
        .position(|c| *c == "status")
        .unwrap();
    for as_of in STATUS_DATES {
        let as_of = parse_stored(as_of).unwrap();
        let mut via_text = Vec::new();
        s.for_each_agreement_text(&Filter::new(as_of), 2, |batch| {
            for r in 0..batch.rows() {
                via_text.push(batch.row(r).nth(status_column).unwrap().to_string());
            }
            Ok(())
        })
        .unwrap();
        let mut via_rust = Vec::new();
        s.for_each_agreement(&Filter::new(as_of), |_, st| {
            via_rust.push(st.as_str().to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(via_text, via_rust, "at {as_of}");
    }
}

#[test]
fn a_missing_registry_reads_as_empty_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.db");
    let s = Store::open(&path, Access::Read, &Options::default()).unwrap();
    assert_eq!(s.partner_count().unwrap(), 0);
    assert!(!path.exists());
}

/// The SQLite store passes the suite every store passes.
#[test]
fn conformance() {
    crate::store::conformance::run_all(&|| Box::new(Store::open_in_memory().unwrap()));
}

/// And so does a store in a file, where the bulk path changes the journal mode.
#[test]
fn conformance_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let n = std::cell::Cell::new(0);
    crate::store::conformance::run_all(&|| {
        n.set(n.get() + 1);
        let path = dir.path().join(format!("r{}.db", n.get()));
        Box::new(Store::open(&path, Access::Write, &Options::default()).unwrap())
    });
}

/// A registry from a newer mou, and a file of another application, are refused with their
/// kinds, whatever the words.
#[test]
fn refusals_carry_their_kind() {
    use crate::error::StoreKind;
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.db");
    drop(Store::open(&newer, Access::Write, &Options::default()).unwrap());
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let e = Store::open(&newer, Access::Read, &Options::default())
        .err()
        .unwrap();
    assert_eq!(e.store, Some(StoreKind::NewerSchema), "{e}");
    let foreign = dir.path().join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.pragma_update(None, "application_id", 7).unwrap();
    drop(conn);
    let e = Store::open(&foreign, Access::Read, &Options::default())
        .err()
        .unwrap();
    assert_eq!(e.store, Some(StoreKind::Foreign), "{e}");
}
