//! History: the digest chain, the history of one record, erasure.

use super::*;
use crate::store::{Action, Backend, Change, Entity};

pub(super) fn history_chain(store: &mut dyn Backend) {
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

pub(super) fn history_about(store: &mut dyn Backend) {
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

pub(super) fn history_erasure(store: &mut dyn Backend) {
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
