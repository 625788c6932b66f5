//! Conformance checks of the reads the engagement reports make: lean rows (whole, and within a
//! stretch of time) and grouped counts.

use super::{day, engagement, links, one_partner, partner, write};
use crate::dates::Period;
use crate::model::{Category, EngagementKind};
use crate::query::{Cond, Filter};
use crate::store::{Backend, CountBy, EngagementRow};

fn rows(store: &dyn Backend, f: &Filter, starts_in: Option<Period>) -> Vec<EngagementRow> {
    let mut v = Vec::new();
    store
        .scan_engagement_rows(f, starts_in, &mut |r| {
            v.push(r.clone());
            Ok(())
        })
        .unwrap();
    v
}

pub(super) fn engagement_report_reads(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut q = partner("uni", "Oak Valley University", &[]);
    q.category = Category::Academic;
    q.country = None;
    write(store, |s| {
        q = s.insert_partner(&q)?;
        let mut a = engagement("ENG-2025-001", "2025-12-31", "2026-01-02");
        a.kind = EngagementKind::Meeting;
        a.participants = None;
        s.insert_engagement(&a, &links(&[q.id, p.id]))?;
        let mut b = engagement("ENG-2026-001", "2026-01-01", "2026-01-01");
        b.cancelled = true;
        b.country = None;
        s.insert_engagement(&b, &links(&[p.id]))?;
        let mut c = engagement("ENG-2026-002", "2026-04-01", "2026-04-01");
        c.sdgs = vec![4];
        s.insert_engagement(&c, &links(&[q.id]))?;
        Ok(())
    });
    let s = &*store;
    let all = Filter::new(day("2026-06-30"));
    let got = rows(s, &all, None);
    assert_eq!(got.len(), 3, "every engagement, cancelled too");
    assert_eq!(got[0].partners, [q.id, p.id], "partners in their order");
    assert_eq!(
        (got[0].kind, got[0].participants, got[0].sdgs),
        (EngagementKind::Meeting, None, (1 << 10) | (1 << 15))
    );
    assert!(got[1].cancelled);
    assert_eq!((got[2].participants, got[2].sdgs), (Some(40), 1 << 3));
    assert_eq!(got[2].starts_on, day("2026-04-01"));
    let q1 = Period {
        start: day("2026-01-01"),
        end: day("2026-03-31"),
    };
    let within = rows(s, &all, Some(q1));
    assert_eq!(
        within.len(),
        1,
        "starting in the period, both ends included"
    );
    assert_eq!(within[0].partners, [p.id]);
    let academic = all.clone().and(Cond::Category(vec![Category::Academic]));
    assert_eq!(rows(s, &academic, None).len(), 2);
    let count = |by| s.count_engagements_by(by, &all).unwrap();
    let kv = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    };
    assert_eq!(count(CountBy::Kind), kv(&[("meeting", 1), ("workshop", 2)]));
    assert_eq!(count(CountBy::Status), kv(&[("cancelled", 1), ("held", 2)]));
    assert_eq!(count(CountBy::Country), kv(&[("", 1), ("AT", 2)]));
    assert_eq!(count(CountBy::Year), kv(&[("2025", 1), ("2026", 2)]));
    assert_eq!(
        count(CountBy::Quarter),
        kv(&[("2025Q4", 1), ("2026Q1", 1), ("2026Q2", 1)])
    );
    assert_eq!(count(CountBy::Category), kv(&[("academic", 2), ("ngo", 2)]));
    assert_eq!(count(CountBy::Partner), kv(&[("uni", 2), ("unicef", 2)]));
    assert_eq!(count(CountBy::Sdg), kv(&[("4", 1), ("11", 2), ("16", 2)]));
    assert_eq!(
        s.count_engagements_by(CountBy::Kind, &academic).unwrap(),
        kv(&[("meeting", 1), ("workshop", 1)])
    );
    // Agreements by partner, the field `report by` gained with engagements.
    write(store, |s| {
        s.insert_agreement(
            &super::agreement("MOU-2026-001", Some("2026-01-01"), None),
            &[p.id, q.id],
        )
        .map(|_| ())
    });
    assert_eq!(
        store.count_by(CountBy::Partner, &all).unwrap(),
        kv(&[("uni", 1), ("unicef", 1)])
    );
}
