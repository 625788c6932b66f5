//! `mou copy` between a file and PostgreSQL, either way, and `mou backup` of a PostgreSQL
//! registry: the copies export what the source exports and their history verifies; a
//! database that holds a registry is refused; a server that cannot be reached is exit 3
//! without the password. `MOU_TEST_PG` names a server whose role may create databases;
//! without it the tests that need one pass without running, and say so.

mod common;
use common::*;

/// A fresh database on the test server, dropped at the end.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn new(tag: &str) -> Option<Database> {
        let Some(admin) = std::env::var("MOU_TEST_PG").ok().filter(|u| !u.is_empty()) else {
            eprintln!("MOU_TEST_PG is not set: skipping the PostgreSQL copy test {tag}");
            return None;
        };
        let name = format!("mou_copy_{tag}_{}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let url = format!("{base}/{name}");
        Some(Database { admin, name, url })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn p(path: &std::path::Path) -> &str {
    path.to_str().unwrap()
}

/// What a registry exports: every kind of record, contacts included, and its history.
fn exports(env: &Env, db: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ["partners", "agreements", "engagements", "contacts"]
        .iter()
        .map(|what| {
            let text = env.run(&["--db", db, "export", what]).ok().to_string();
            (what.to_string(), text)
        })
        .collect();
    for what in ["contacts", "engagements"] {
        let json = env
            .run(&["--db", db, "export", what, "--format", "json"])
            .ok()
            .to_string();
        out.push((format!("{what} as json"), json));
    }
    let history = env
        .run(&["--db", db, "history", "--format", "json"])
        .ok()
        .to_string();
    out.push(("history".into(), history));
    out
}

/// The sample registry with engagements and contacts, a removed partner (a gap in the ids),
/// a removed last contact and a forgotten one (an erased, sealed history row).
fn filled() -> (Env, i64) {
    let env = Env::sample();
    for what in ["engagements", "contacts"] {
        let file = data_dir().join(format!("{what}.csv"));
        env.run(&["import", what, p(&file)]).ok();
    }
    env.run(&["add", "partner", "Short Lived Org", "--category", "ngo"])
        .ok();
    env.run(&["remove", "partner", "short-lived-org"]).ok();
    env.run(&["add", "partner", "Copy Test Org", "--category", "ngo"])
        .ok();
    let forgotten = env
        .run(&[
            "add",
            "contact",
            "--partner",
            "copy-test-org",
            "Rana Aziz",
            "--email",
            "rana@example.org",
        ])
        .ok()
        .trim()
        .to_string();
    let last = env
        .run(&["add", "contact", "--partner", "copy-test-org", "Sami Aziz"])
        .ok()
        .trim()
        .to_string();
    env.run(&["forget", "contact", &forgotten, "--reason", "asked to"])
        .ok();
    env.run(&["remove", "contact", &last]).ok();
    (env, last.parse().unwrap())
}

#[test]
fn file_to_postgres_and_back_exports_the_same_and_takes_new_rows() {
    let Some(pg) = Database::new("round") else {
        return;
    };
    let (env, removed) = filled();
    let source = p(&env.db).to_string();
    let want = exports(&env, &source);
    assert!(want[6].1.contains("forget"), "{}", want[6].1);

    let r = env.run(&["copy", &pg.url]);
    r.ok();
    assert!(r.stdout.is_empty(), "data only on stdout: {}", r.stdout);
    assert!(r.stderr.contains("chain verified"), "{}", r.stderr);
    assert!(!r.stderr.contains("mou-test"), "no password: {}", r.stderr);
    assert_eq!(
        exports(&env, &pg.url),
        want,
        "the PostgreSQL copy exports the same"
    );
    env.run(&["--db", &pg.url, "history", "--verify"]).ok();

    let back = env.path("back.db");
    env.run(&["--db", &pg.url, "copy", p(&back)]).ok();
    assert_eq!(
        exports(&env, p(&back)),
        want,
        "the copy back exports the same"
    );
    env.run(&["--db", p(&back), "history", "--verify"]).ok();

    // Later adds go after the copied ids, on PostgreSQL as on the file.
    for db in [source.as_str(), pg.url.as_str()] {
        env.run(&[
            "--db",
            db,
            "add",
            "partner",
            "After Copy Org",
            "--category",
            "ngo",
        ])
        .ok();
        let id = env
            .run(&[
                "--db",
                db,
                "add",
                "contact",
                "--partner",
                "after-copy-org",
                "Nour",
            ])
            .ok()
            .to_string();
        assert_eq!(
            id.trim().parse::<i64>().unwrap(),
            removed + 1,
            "{db}: the removed contact's id is not given again"
        );
        env.run(&["--db", db, "history", "--verify"]).ok();
    }
    assert_eq!(exports(&env, &pg.url), exports(&env, &source));
}

#[test]
fn a_database_that_holds_a_registry_is_refused() {
    let Some(pg) = Database::new("refuse") else {
        return;
    };
    let env = Env::sample();
    let r = env.run(&["--db", &pg.url, "init"]);
    r.ok();
    assert!(r.stderr.contains("created registry at"), "{}", r.stderr);
    let r = env.run(&["--db", &pg.url, "init"]);
    r.ok();
    assert!(r.stderr.contains("is ready"), "{}", r.stderr);
    // Initialised but unused: a copy may go there.
    let empty = env.path("empty.db");
    env.run(&["--db", p(&empty), "init"]).ok();

    env.run(&[
        "--db",
        &pg.url,
        "add",
        "partner",
        "Other Org",
        "--category",
        "ngo",
    ])
    .ok();
    let before = exports(&env, &pg.url);
    let r = env.run(&["copy", &pg.url]);
    r.fails(2, &["holds a registry already", "nothing was written"]);
    assert!(!r.stderr.contains("mou-test"), "no password: {}", r.stderr);
    assert_eq!(exports(&env, &pg.url), before, "the database is unchanged");
}

#[test]
fn an_initialised_empty_database_takes_a_copy() {
    let Some(pg) = Database::new("inited") else {
        return;
    };
    let env = Env::sample();
    env.run(&["--db", &pg.url, "init"]).ok();
    env.run(&["copy", &pg.url]).ok();
    let source = p(&env.db).to_string();
    assert_eq!(exports(&env, &pg.url), exports(&env, &source));
}

#[test]
fn a_backup_of_postgres_is_a_registry_file_that_verifies() {
    let Some(pg) = Database::new("backup") else {
        return;
    };
    let (env, _) = filled();
    env.run(&["copy", &pg.url]).ok();
    env.run(&[
        "--db",
        &pg.url,
        "add",
        "partner",
        "Only On Pg",
        "--category",
        "ngo",
    ])
    .ok();
    let file = env.path("pg-backup.db");
    let r = env.run(&["--db", &pg.url, "backup", p(&file)]);
    r.ok();
    assert!(r.stderr.contains("backed up"), "{}", r.stderr);
    env.run(&["--db", p(&file), "history", "--verify"]).ok();
    assert_eq!(exports(&env, p(&file)), exports(&env, &pg.url));
    // A second backup to the same file needs --force.
    env.run(&["--db", &pg.url, "backup", p(&file)])
        .fails(2, &["exists"]);
}

#[test]
fn an_unreachable_server_is_exit_3_without_the_password() {
    let env = Env::sample();
    let url = "postgres://ann:s3cret-pw@127.0.0.1:1/registry";
    let before = env.snapshot_bytes();
    let r = env.run(&["copy", url]);
    r.fails(3, &["cannot reach", "127.0.0.1", "registry"]);
    assert!(!r.stderr.contains("s3cret-pw"), "{}", r.stderr);
    assert_eq!(env.snapshot_bytes(), before);
    let file = env.path("from-pg.db");
    let r = env.run(&["--db", url, "backup", p(&file)]);
    r.fails(3, &["cannot reach"]);
    assert!(!r.stderr.contains("s3cret-pw"), "{}", r.stderr);
    assert!(!file.exists());
}
