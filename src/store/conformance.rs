//! One suite every store passes, written against [`Backend`] only: the SQLite store runs it
//! now (`store::sqlite::conformance`), and a PostgreSQL store runs the same [`run_all`] with
//! its own factory. Each check takes a fresh, empty, migrated store.

use super::{Action, Backend, Change, Entity};
use crate::dates::{parse_stored, Date};
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::model::{Agreement, Category, Contact, Kind, Partner, Status};
use crate::query::{Cond, ContactFilter, Filter};

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
        ("contacts", contacts),
        ("contact filters", contact_filters),
        ("history erasure", history_erasure),
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

pub(crate) fn contact(partner: &Partner, name: &str, email: Option<&str>) -> Contact {
    Contact {
        id: 0,
        partner_id: partner.id,
        partner: partner.key.clone(),
        name: name.into(),
        role: Some("focal point".into()),
        email: email.map(str::to_string),
        phone: Some("+43 1 260 60".into()),
        languages: vec!["ar".into(), "en".into()],
        primary: false,
        since: Some(day("2024-01-01")),
        until: None,
        notes: Some("met in Vienna".into()),
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn contacts(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut ids = (0, 0);
    write(store, |s| {
        ids.0 = s.insert_contact(&contact(&p, "Layla Haddad", Some("Layla@Example.org")))?;
        let mut c = contact(&p, "Jonas Berger", None);
        c.id = 40;
        ids.1 = s.insert_contact(&c)?;
        Ok(())
    });
    assert_eq!(ids.1, 40, "an explicit id is kept");
    let got = store.contact_by_id(ids.0).unwrap().unwrap();
    let mut want = contact(&p, "Layla Haddad", Some("Layla@Example.org"));
    want.id = ids.0;
    assert_eq!(got, want, "a contact reads back as written");
    let by_email = store.contacts_by_email("layla@example.ORG").unwrap();
    assert_eq!(by_email.len(), 1);
    let named = store
        .contacts_named(p.id, &crate::text::normalize("LAYLA haddad"))
        .unwrap();
    assert_eq!(named.iter().map(|c| c.id).collect::<Vec<_>>(), [ids.0]);
    assert_eq!(store.contacts_of_partner(p.id).unwrap().len(), 2);
    assert!(store
        .nearest_contacts("layla hadad", 3)
        .unwrap()
        .iter()
        .any(|h| h.starts_with(&format!("{} ", ids.0))));
    let mut edited = got.clone();
    edited.primary = true;
    edited.languages = vec!["fr".into()];
    edited.until = Some(day("2026-12-31"));
    write(store, |s| s.update_contact(&edited));
    assert_eq!(store.contact_by_id(ids.0).unwrap().unwrap(), edited);
    // Ids are never reused: after the highest is removed, the next is higher still.
    write(store, |s| s.delete_contact(40));
    assert!(store.contact_by_id(40).unwrap().is_none());
    let mut next = 0;
    write(store, |s| {
        next = s.insert_contact(&contact(&p, "Sara Novak", None))?;
        Ok(())
    });
    assert!(next > 40, "id {next} reused");
    write(store, |s| {
        s.forget_contact_row(ids.0, "2026-02-01T00:00:00Z")
    });
    let f = store.contact_by_id(ids.0).unwrap().unwrap();
    assert_eq!(
        (f.name.as_str(), f.email, f.phone, f.notes),
        (crate::store::FORGOTTEN_NAME, None, None, None)
    );
    assert_eq!((f.role, f.primary), (edited.role, true), "the rest stays");
    assert!(store.contact_forgotten(ids.0).unwrap().is_some());
    assert!(store.contact_forgotten(next).unwrap().is_none());
}

fn contact_filters(store: &mut dyn Backend) {
    let p = one_partner(store);
    let mut q = None;
    write(store, |s| {
        q = Some(s.insert_partner(&partner("kaiciid", "KAICIID", &[]))?);
        Ok(())
    });
    let q = q.unwrap();
    write(store, |s| {
        let mut former = contact(&p, "Old Friend", Some("old@example.org"));
        former.until = Some(day("2025-12-31"));
        s.insert_contact(&former)?;
        let mut today = contact(&p, "Last Day", None);
        today.until = Some(day("2026-03-01"));
        today.role = Some("Programme Officer".into());
        s.insert_contact(&today)?;
        s.insert_contact(&contact(&q, "Ahmad Saleh", Some("ahmad@example.org")))?;
        Ok(())
    });
    let names = |f: &ContactFilter| {
        let mut v = Vec::new();
        store
            .scan_contacts(f, &mut |c| {
                v.push(c.name);
                Ok(())
            })
            .unwrap();
        v
    };
    let mut f = ContactFilter::all(day("2026-03-01"));
    assert_eq!(names(&f), ["Old Friend", "Last Day", "Ahmad Saleh"]);
    f.former = false;
    assert_eq!(
        names(&f),
        ["Last Day", "Ahmad Saleh"],
        "until today is current"
    );
    f.partners = vec![q.id];
    assert_eq!(names(&f), ["Ahmad Saleh"]);
    let mut f = ContactFilter::all(day("2026-03-01"));
    f.text = Some(crate::text::normalize("programme"));
    assert_eq!(names(&f), ["Last Day"], "text in the role");
    f.text = Some("ahmad@".into());
    assert_eq!(names(&f), ["Ahmad Saleh"], "text in the email");
    let mut f = ContactFilter::all(day("2026-03-01"));
    f.sort = vec![crate::query::SortKey {
        column: "name",
        descending: true,
    }];
    f.limit = Some(2);
    assert_eq!(names(&f), ["Old Friend", "Last Day"]);
}

fn history_erasure(store: &mut dyn Backend) {
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
