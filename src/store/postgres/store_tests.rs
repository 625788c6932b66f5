//! The conformance suite on PostgreSQL, when `MOU_TEST_PG` names a server (a URL whose role
//! may create databases): each check runs in a database of its own, dropped afterwards.

use super::{PgLocation, Store};
use crate::store::{Access, Backend, Options};

/// Databases made for tests, dropped when this goes (also when a check panics).
pub(crate) struct Scratch {
    admin: PgLocation,
    made: std::cell::RefCell<Vec<String>>,
}

impl Scratch {
    /// None when `MOU_TEST_PG` is not set: the PostgreSQL tests are then skipped.
    pub(crate) fn new() -> Option<Scratch> {
        let url = crate::environment::test_pg_url()?;
        let admin = PgLocation::parse(&url, None, None, None).expect("MOU_TEST_PG is a URL");
        Some(Scratch {
            admin,
            made: Default::default(),
        })
    }

    /// A fresh database's URL, and its location.
    pub(crate) fn database(&self) -> (String, PgLocation) {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("mou_test_{}_{n}", std::process::id());
        let mut c = self
            .admin
            .connect(&Options::default())
            .expect("MOU_TEST_PG connects");
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .and_then(|()| c.batch_execute(&format!("CREATE DATABASE {name}")))
            .expect("a test database is created");
        self.made.borrow_mut().push(name.clone());
        let url = crate::environment::test_pg_url().unwrap_or_default();
        let base = url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&url)
            .to_string();
        let url = format!("{base}/{name}");
        let loc = PgLocation::parse(&url, None, None, None).unwrap();
        (url, loc)
    }

    /// A fresh, migrated store.
    pub(crate) fn store(&self) -> Store {
        let (_, loc) = self.database();
        Store::open(&loc, Access::Init, &Options::default()).expect("a test registry opens")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut c) = self.admin.connect(&Options::default()) {
            for name in self.made.borrow().iter() {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

#[test]
fn conformance_on_postgres() {
    let Some(scratch) = Scratch::new() else {
        eprintln!("MOU_TEST_PG is not set: the PostgreSQL store is not tested");
        return;
    };
    crate::store::conformance::run_all(&|| Box::new(scratch.store()) as Box<dyn Backend>);
}

#[test]
fn init_is_idempotent_and_a_missing_registry_is_named() {
    let Some(scratch) = Scratch::new() else {
        return;
    };
    let (_, loc) = scratch.database();
    let e = Store::open(&loc, Access::Read, &Options::default())
        .err()
        .unwrap();
    assert!(e.message.contains("mou init"), "{e}");
    assert_eq!(e.exit_code(), crate::error::ExitCode::Registry);
    for _ in 0..2 {
        Store::open(&loc, Access::Init, &Options::default()).unwrap();
    }
    let s = Store::open(&loc, Access::Write, &Options::default()).unwrap();
    s.batch("UPDATE mou.meta SET value = '99' WHERE key = 'schema_version'")
        .unwrap();
    let e = Store::open(&loc, Access::Read, &Options::default())
        .err()
        .unwrap();
    assert!(e.message.contains("newer"), "{e}");
    assert_eq!(e.exit_code(), crate::error::ExitCode::Registry);
}

#[test]
fn the_database_refuses_bad_rows_whoever_writes_them() {
    let Some(scratch) = Scratch::new() else {
        return;
    };
    let s = scratch.store();
    for bad in [
        "INSERT INTO partner (id, key, name, name_norm, name_loose, category, created_at, updated_at)
         VALUES (1, 'x', 'X', 'x', 'x', 'church', '', '')",
        "INSERT INTO partner (id, key, name, name_norm, name_loose, category, country, created_at, updated_at)
         VALUES (1, 'x', 'X', 'x', 'x', 'ngo', 'XX', '', '')",
        "INSERT INTO agreement (id, ref, ref_key, kind, sdgs, created_at, updated_at)
         VALUES (1, 'A', 'a', 'mou', '18', '', '')",
        "INSERT INTO agreement (id, ref, ref_key, kind, signed_on, expires_on, created_at, updated_at)
         VALUES (1, 'A', 'a', 'mou', '2026-01-02', '2026-01-01', '', '')",
        "INSERT INTO agreement_party (agreement_id, position, partner_id) VALUES (7, 0, 7)",
    ] {
        assert!(s.batch(bad).is_err(), "{bad}");
    }
}

#[test]
fn stale_normalized_columns_are_rebuilt_on_open() {
    let Some(scratch) = Scratch::new() else {
        return;
    };
    let (_, loc) = scratch.database();
    let s = Store::open(&loc, Access::Init, &Options::default()).unwrap();
    s.batch(
        "INSERT INTO partner (id, key, name, name_norm, name_loose, category, created_at, updated_at)
         VALUES (1, 'a', 'Ali', 'stale-1', 'x', 'ngo', '', ''),
                (2, 'b', 'ALI', 'stale-2', 'x', 'ngo', '', '');
         INSERT INTO partner_alias (partner_id, position, alias, alias_norm, alias_loose)
         VALUES (1, 0, 'Ali Org', 'stale', 'stale');
         INSERT INTO agreement (id, ref, ref_key, kind, title, title_norm, created_at, updated_at)
         VALUES (1, 'A', 'a', 'mou', 'Water', 'stale', '', '');
         UPDATE meta SET value = '0' WHERE key = 'norm_version';",
    )
    .unwrap();
    drop(s);
    // Current rules: nothing is rebuilt.
    let fresh = Store::open(&loc, Access::Read, &Options::default()).unwrap();
    let version: String = fresh
        .one("SELECT value FROM meta WHERE key = 'norm_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, crate::store::norms::version());
    let norm = |sql: &str| -> String { fresh.one(sql, &[]).unwrap().get(0) };
    let ali = crate::text::normalize("Ali");
    assert_eq!(norm("SELECT name_norm FROM partner WHERE id = 1"), ali);
    assert_eq!(
        norm("SELECT name_norm FROM partner WHERE id = 2"),
        format!("{ali}\u{1}2"),
        "names that became one: the later keeps a form of its own"
    );
    assert_eq!(
        norm("SELECT alias_norm FROM partner_alias"),
        crate::text::normalize("Ali Org")
    );
    assert_eq!(
        norm("SELECT title_norm FROM agreement"),
        crate::text::normalize("Water")
    );
}
