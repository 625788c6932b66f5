//! One suite every store passes, written against [`Backend`] only: the SQLite store runs it
//! now (`store::sqlite::conformance`), and a PostgreSQL store runs the same [`run_all`] with
//! its own factory. Each check takes a fresh, empty, migrated store.

use super::{Action, Backend, Change, EngagementLinks, Entity};
use crate::dates::{parse_stored, Date};
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::model::{
    Agreement, Category, Engagement, EngagementKind, EngagementStatus, Kind, Partner, Status,
};
use crate::query::{Cond, Filter};

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
        ("transactions roll back", transactions_roll_back),
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

fn bulk_import(store: &mut dyn Backend) {
    let p = one_partner(store);
    let rows = |n: usize, repeat: Option<usize>| {
        (0..n).map(move |i| {
            let i = repeat.filter(|r| i == *r).map_or(i, |_| 0);
            (
                agreement(&format!("BULK-{i:04}"), Some("2026-01-01"), None),
                vec![p.id],
            )
        })
    };
    let repeated = store
        .bulk_insert_agreements(&mut rows(50, Some(49)))
        .unwrap();
    assert_eq!(repeated, ["BULK-0000"], "a repeated ref is found");
    assert_eq!(
        store.agreement_count().unwrap(),
        0,
        "and nothing is written"
    );
    assert!(store
        .bulk_insert_agreements(&mut rows(200, None))
        .unwrap()
        .is_empty());
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
