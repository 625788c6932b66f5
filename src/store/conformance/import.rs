//! `Backend::import`: the bulk path into an empty registry, and one result whichever path the
//! store takes.

use super::*;
use crate::model::{Agreement, Partner};
use crate::query::Filter;
use crate::store::{Backend, ImportPlan};

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

pub(super) fn bulk_import(store: &mut dyn Backend) {
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
pub(super) fn import_either_way(store: &mut dyn Backend) {
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
