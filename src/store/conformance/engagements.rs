//! Engagements: adds, lookups and links, refs and marks, edits and removal, filters and the
//! status rule.

use super::*;
use crate::error::Kind as ErrorKind;
use crate::model::{Category, Engagement, EngagementKind, EngagementStatus, Kind, Stored};
use crate::query::{Cond, Filter};
use crate::store::{Backend, EngagementLinks};

pub(super) fn engagement_adds_and_links(store: &mut dyn Backend) {
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

pub(super) fn engagement_refs_and_marks(store: &mut dyn Backend) {
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

pub(super) fn engagement_edits(store: &mut dyn Backend) {
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

pub(super) fn engagement_filters(store: &mut dyn Backend) {
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
