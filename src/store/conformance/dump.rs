//! Dump and load (src/store/dump.rs): a registry dumped, loaded into a fresh store and dumped
//! again gives the same rows, ids, gaps, marks and history (hashes and sealed parts) kept;
//! the copy takes new rows after the copied ids; a load into a registry that holds anything
//! is refused, and a failed check writes nothing.

use super::{agreement, contact, engagement, links, partner, write, Factory};
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::query::ContactFilter;
use crate::store::{dump, Action, Backend, Change, DumpRow, Entity, ERASED_ROWS};

fn rows_of(store: &dyn Backend) -> Vec<DumpRow> {
    let mut rows = Vec::new();
    store
        .dump(&mut |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
    rows
}

fn record(s: &dyn Backend, entity: Entity, id: i64, after: serde_json::Value) -> Result<()> {
    record_as(s, Action::Add, entity, id, after)
}

fn record_as(
    s: &dyn Backend,
    action: Action,
    entity: Entity,
    id: i64,
    after: serde_json::Value,
) -> Result<()> {
    s.record(Change {
        at: "2026-11-29T10:00:00Z",
        actor: "tester",
        action,
        entity,
        entity_id: Some(id),
        entity_key: &id.to_string(),
        before: None,
        after: Some(after),
    })
}

/// A registry with gaps in its ids, a series made after its part, a forgotten contact, a
/// removed last contact, marks above the refs left, and an erased (sealed) history row.
fn fill(store: &mut dyn Backend) {
    write(store, |s| {
        let a = s.insert_partner(&partner("alpha", "Alpha", &["Alpha Org", "ألفا"]))?;
        let gone = s.insert_partner(&partner("gone", "Gone", &[]))?;
        let b = s.insert_partner(&partner("beta", "Beta", &[]))?;
        s.delete_partner(gone.id)?;
        let mut m1 = agreement("MOU-2026-001", Some("2026-01-01"), Some("2027-01-01"));
        m1.notes = Some("first".into());
        let first = s.insert_agreement(&m1, &[b.id, a.id])?;
        let removed = s.insert_agreement(&agreement("MOU-2026-007", None, None), &[a.id])?;
        let mut m2 = agreement("MOU-2027-002", Some("2027-01-02"), None);
        m2.renews = Some("MOU-2026-001".into());
        s.insert_agreement(&m2, &[a.id])?;
        s.delete_agreement(removed)?;
        let part = s.insert_engagement(
            &engagement("ENG-2026-001", "2026-03-01", "2026-03-02"),
            &links(&[a.id, b.id]),
        )?;
        let mut series = engagement("ENG-2026-005", "2026-01-01", "2026-12-31");
        series.cancelled = true;
        let series = s.insert_engagement(
            &series,
            &crate::store::EngagementLinks {
                agreement_id: Some(first),
                ..links(&[b.id])
            },
        )?;
        let mut e = s
            .engagement_by_id(part, crate::dates::Date::default())?
            .ok_or_else(|| Error::input("no engagement"))?
            .0;
        e.part_of = Some("ENG-2026-005".into());
        s.update_engagement(
            &e,
            &crate::store::EngagementLinks {
                part_of_id: Some(series),
                ..links(&[a.id, b.id])
            },
        )?;
        let kept = s.insert_contact(&contact(&a, "Layla Haddad", Some("layla@example.org")))?;
        let forgotten = s.insert_contact(&contact(&b, "Omar", None))?;
        let last = s.insert_contact(&contact(&b, "Last", None))?;
        s.delete_contact(last)?;
        record(
            s,
            Entity::Partner,
            a.id,
            serde_json::json!({"key": "alpha"}),
        )?;
        record(
            s,
            Entity::Contact,
            forgotten,
            serde_json::json!({"name": "Omar"}),
        )?;
        record(
            s,
            Entity::Contact,
            kept,
            serde_json::json!({"name": "Layla"}),
        )?;
        s.forget_contact_row(forgotten, "2026-11-30T00:00:00Z")
    });
    write(store, |s| {
        let erased = s.erase_history(Entity::Contact, 2, &["name"])?;
        record_as(
            s,
            Action::Forget,
            Entity::Contact,
            2,
            serde_json::json!({ ERASED_ROWS: erased }),
        )
    });
}

pub(super) fn dump_and_load(factory: Factory) {
    let mut a = factory();
    fill(a.as_mut());
    assert_eq!(a.verify_history().unwrap().first_broken, None);
    let rows = rows_of(&*a);
    let sealed = rows
        .iter()
        .filter(|r| matches!(r, DumpRow::History(h) if h.sealed.is_some()))
        .count();
    assert_eq!(sealed, 1, "the filled registry has one erased history row");
    assert!(rows.contains(&DumpRow::ContactIdMark(3)), "{rows:?}");

    let mut b = factory();
    let copied = dump::copy(&*a, b.as_mut()).unwrap();
    assert_eq!(
        (
            copied.partners,
            copied.agreements,
            copied.engagements,
            copied.history
        ),
        (2, 2, 2, 4)
    );
    assert_eq!(
        rows_of(&*b),
        rows,
        "dump A, load into B, dump B gives dump A"
    );
    assert_eq!(b.verify_history().unwrap().first_broken, None);

    // New rows go after the copied ids, and a removed contact's id is not given again.
    write(b.as_mut(), |s| {
        assert_eq!(s.insert_partner(&partner("gamma", "Gamma", &[]))?.id, 4);
        let p = s
            .partner_by_id(1)?
            .ok_or_else(|| Error::input("no partner 1"))?;
        assert_eq!(s.insert_contact(&contact(&p, "New", None))?, 4);
        record(s, Entity::Partner, 4, serde_json::json!({"key": "gamma"}))
    });
    assert_eq!(b.verify_history().unwrap().first_broken, None);
    let contacts = {
        let mut n = 0;
        b.scan_contacts(
            &ContactFilter::all(crate::dates::Date::default()),
            &mut |_| {
                n += 1;
                Ok(())
            },
        )
        .unwrap();
        n
    };
    assert_eq!(contacts, 3);

    // A registry that holds anything is refused, and nothing is written to it.
    let before = rows_of(&*b);
    let e = dump::copy(&*a, b.as_mut()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{}", e.message);
    assert_eq!(rows_of(&*b), before);

    // A check that fails writes nothing.
    let mut c = factory();
    let e = c
        .load(&mut |sink| a.dump(sink), &mut |_| Err(Error::no("refused")))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No);
    assert!(c.is_unused().unwrap());
    assert_eq!(
        rows_of(&*c).len(),
        1,
        "only the contact mark: {:?}",
        rows_of(&*c)
    );
}
