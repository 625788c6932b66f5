//! Contacts and their filters.

use super::*;
use crate::query::ContactFilter;
use crate::store::Backend;

pub(super) fn contacts(store: &mut dyn Backend) {
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

pub(super) fn contact_filters(store: &mut dyn Backend) {
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
