//! Reads over many records: filters, the reports' rows, the stored rows `check` reads.

use super::*;
use crate::model::{Category, Kind, Status};
use crate::query::{Cond, Filter};
use crate::store::{Action, Backend, Change, CountBy, Entity};

pub(super) fn filters(store: &mut dyn Backend) {
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

pub(super) fn report_reads(store: &mut dyn Backend) {
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

pub(super) fn stored_rows(store: &mut dyn Backend) {
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
