//! Keyset pages (`Filter::after`): the rows after the last one shown, in the default order,
//! with the filter's other terms and its limit; never counted past with an offset.

use super::{agreement, engagement, links, partner, write};
use crate::model::{Category, Kind};
use crate::query::{After, Cond, Filter};
use crate::store::Backend;

fn page_of_agreements(store: &dyn Backend, filter: &Filter) -> Vec<String> {
    let mut refs = Vec::new();
    store
        .scan_agreements(filter, &mut |a, _| {
            refs.push(a.reference);
            Ok(())
        })
        .unwrap();
    refs
}

pub(super) fn keyset_pages(store: &mut dyn Backend) {
    let mut ids = Vec::new();
    let mut pid = 0;
    write(store, |s| {
        for key in ["delta", "alpha", "charlie", "bravo"] {
            let mut p = partner(key, &format!("Partner {key}"), &[]);
            if key == "charlie" {
                p.category = Category::Academic;
            }
            pid = s.insert_partner(&p)?.id;
        }
        for n in 1..=5 {
            let mut a = agreement(&format!("MOU-2020-00{n}"), Some("2020-01-01"), None);
            if n == 4 {
                a.kind = Kind::Loi;
                a.reference = "LOI-2020-004".into();
            }
            ids.push(s.insert_agreement(&a, &[pid])?);
        }
        for n in 1..=3 {
            let e = engagement(&format!("ENG-2020-00{n}"), "2020-02-01", "2020-02-02");
            s.insert_engagement(&e, &links(&[pid]))?;
        }
        Ok(())
    });
    let as_of = super::day("2026-01-01");

    // Agreements: in the order recorded, after an id, with the limit.
    let mut f = Filter::new(as_of);
    f.limit = Some(2);
    assert_eq!(
        page_of_agreements(store, &f),
        ["MOU-2020-001", "MOU-2020-002"]
    );
    f.after = Some(After::Id(ids[1]));
    assert_eq!(
        page_of_agreements(store, &f),
        ["MOU-2020-003", "LOI-2020-004"]
    );
    f.after = Some(After::Id(ids[4]));
    assert!(page_of_agreements(store, &f).is_empty());
    // With another term: the page holds only matching rows.
    let mut f = Filter::new(as_of).and(Cond::Kind(vec![Kind::Mou]));
    f.after = Some(After::Id(ids[2]));
    assert_eq!(page_of_agreements(store, &f), ["MOU-2020-005"]);
    // A keyset page follows the default order: with a sort it is refused, not misread.
    f.sort.push(crate::query::SortKey {
        column: "ref",
        descending: true,
    });
    assert!(store.scan_agreements(&f, &mut |_, _| Ok(())).is_err());

    // Partners: by key, after a key.
    let mut keys = Vec::new();
    let mut f = Filter::new(as_of);
    f.after = Some(After::Key("bravo".into()));
    f.limit = Some(2);
    store
        .scan_partners(&f, &mut |p| {
            keys.push(p.key);
            Ok(())
        })
        .unwrap();
    assert_eq!(keys, ["charlie", "delta"]);
    let mut keys = Vec::new();
    let mut f = Filter::new(as_of).and(Cond::Category(vec![Category::Ngo]));
    f.after = Some(After::Key("alpha".into()));
    store
        .scan_partners(&f, &mut |p| {
            keys.push(p.key);
            Ok(())
        })
        .unwrap();
    assert_eq!(keys, ["bravo", "delta"]);

    // Engagements: in the order recorded, after an id.
    let mut first = Vec::new();
    store
        .scan_engagements(&Filter::new(as_of), &mut |e, _| {
            first.push((e.id, e.reference));
            Ok(())
        })
        .unwrap();
    let mut f = Filter::new(as_of);
    f.after = Some(After::Id(first[0].0));
    let mut rest = Vec::new();
    store
        .scan_engagements(&f, &mut |e, _| {
            rest.push(e.reference);
            Ok(())
        })
        .unwrap();
    assert_eq!(rest, ["ENG-2020-002", "ENG-2020-003"]);
}
