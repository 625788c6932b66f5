//! Partners and agreements: adds and lookups, edits, refs and marks, names, reads, the renewal
//! checks, transactions that roll back.

use super::*;
use crate::error::{Error, Kind as ErrorKind};
use crate::model::{Agreement, Kind, Partner, Status};
use crate::query::Filter;
use crate::store::{Action, Backend};

pub(super) fn adds_and_lookups(store: &mut dyn Backend) {
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

pub(super) fn edits(store: &mut dyn Backend) {
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

pub(super) fn refs_and_marks(store: &mut dyn Backend) {
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

pub(super) fn partner_names(store: &mut dyn Backend) {
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

pub(super) fn agreement_reads(store: &mut dyn Backend) {
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

pub(super) fn renewal_checks(store: &mut dyn Backend) {
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

pub(super) fn transactions_roll_back(store: &mut dyn Backend) {
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
