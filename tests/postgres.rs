//! The same commands on a file and on PostgreSQL print the same (`MOU_TEST_PG` names a server
//! whose role may create databases; without it these tests pass without running).

use assert_cmd::Command;
use std::path::Path;

/// A fresh database on the test server, dropped at the end.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn new(tag: &str) -> Option<Database> {
        let admin = std::env::var("MOU_TEST_PG")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("mou_it_{tag}_{}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let url = format!("{base}/{name}");
        Some(Database { admin, name, url })
    }

    fn sql(&self, sql: &str) {
        let mut c = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        c.batch_execute(sql).unwrap();
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

fn mou(db: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("mou")
        .unwrap()
        .env("MOU_TODAY", "2026-11-29")
        .env("MOU_NOW", "2026-11-29T10:00:00Z")
        .env("USER", "tester")
        .env_remove("COLUMNS")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn data(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(file)
        .display()
        .to_string()
}

#[test]
fn every_command_prints_on_postgres_what_it_prints_on_a_file() {
    let Some(pg) = Database::new("same") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registry.db").display().to_string();
    let export = |d: &str| {
        dir.path()
            .join(format!("export-{d}.csv"))
            .display()
            .to_string()
    };
    let (partners, agreements) = (data("partners.csv"), data("agreements.csv"));
    let steps: Vec<Vec<String>> = [
        vec!["init"],
        vec!["import", "partners", &partners],
        vec!["import", "agreements", &agreements],
        vec![
            "add",
            "partner",
            "Danube Interfaith Council",
            "--category",
            "religious",
            "--country",
            "AT",
            "--alias",
            "DIC",
        ],
        vec![
            "add",
            "mou",
            "--partner",
            "DIC",
            "--signed",
            "2021-09-14",
            "--term",
            "3y",
            "--sdg",
            "16,4",
            "--title",
            "Dialogue",
        ],
        vec!["edit", "partner", "DIC", "--add-alias", "Donau-Rat"],
        vec![
            "add",
            "engagement",
            "Youth dialogue",
            "--on",
            "2026-03-02",
            "--until",
            "2026-03-03",
            "--partner",
            "DIC",
            "--kind",
            "workshop",
            "--country",
            "AT",
            "--sdg",
            "4",
            "--participants",
            "40",
        ],
        vec![
            "add",
            "engagement",
            "Follow-up",
            "--on",
            "2027-01-10",
            "--partner",
            "DIC",
            "--place",
            "Wien",
        ],
        vec![
            "add",
            "contact",
            "Anna Berger",
            "--partner",
            "DIC",
            "--email",
            "anna@example.org",
            "--primary",
        ],
        vec!["list", "contacts"],
        vec!["list", "engagements"],
        vec!["report", "by", "kind", "--engagements"],
        vec!["report", "dormant"],
        vec!["list", "partners"],
        vec!["list", "agreements", "--format", "json"],
        vec![
            "list",
            "agreements",
            "--sort",
            "-expires_on,title",
            "--status",
            "active,expired",
        ],
        vec!["query", "category:religious,academic -country:AT"],
        vec!["show", "DIC"],
        vec!["show", "MOU-2021-001", "--format", "json"],
        vec!["report"],
        vec!["report", "quarterly", "2026Q3", "--format", "csv"],
        vec!["report", "by", "country"],
        vec!["report", "by", "quarter"],
        vec!["due", "--within", "2y"],
        vec!["export", "agreements"],
        vec!["export", "partners", "--format", "jsonl"],
        vec!["import", "agreements", &agreements],
        vec!["remove", "agreement", "MOU-2021-001"],
        vec!["history"],
        vec!["history", "--verify"],
        vec!["check"],
        vec!["list", "agreements", "--search", "zzz-nothing"],
        vec!["show", "nobody-at-all"],
    ]
    .iter()
    .map(|s| s.iter().map(|a| a.to_string()).collect())
    .collect();
    let mut printed = 0;
    for step in &steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        let on_file = mou(&file, &args);
        let on_pg = mou(&pg.url, &args);
        let shown = |s: &str, db: &str| s.replace(db, "DB");
        assert_eq!(
            on_file.0, on_pg.0,
            "{args:?}: exit codes\n{}\n{}",
            on_file.2, on_pg.2
        );
        assert_eq!(
            shown(&on_file.1, &file),
            on_pg.1,
            "{args:?} prints the same on both stores"
        );
        printed += usize::from(!on_pg.1.is_empty() && on_pg.0 == 0);
    }
    assert!(printed >= 14, "the steps print something: {printed}");
    let (rc, a, _) = mou(&file, &["export", "agreements", "-o", &export("file")]);
    let (rc2, b, _) = mou(&pg.url, &["export", "agreements", "-o", &export("pg")]);
    assert_eq!((rc, rc2, a, b), (0, 0, String::new(), String::new()));
    assert_eq!(
        std::fs::read(export("file")).unwrap(),
        std::fs::read(export("pg")).unwrap()
    );
    pg.sql("SELECT 1");
}

#[test]
fn a_reader_role_reads_and_its_writes_change_nothing() {
    let Some(pg) = Database::new("roles") else {
        return;
    };
    assert_eq!(mou(&pg.url, &["init"]).0, 0);
    assert_eq!(
        mou(
            &pg.url,
            &[
                "add",
                "partner",
                "UNICEF",
                "--category",
                "intergovernmental"
            ]
        )
        .0,
        0
    );
    pg.sql(&format!(
        "DROP ROLE IF EXISTS mou_reader_{n}; CREATE ROLE mou_reader_{n} LOGIN PASSWORD 'r';
         GRANT CONNECT ON DATABASE {n} TO mou_reader_{n};
         GRANT USAGE ON SCHEMA mou TO mou_reader_{n};
         GRANT SELECT ON ALL TABLES IN SCHEMA mou TO mou_reader_{n};",
        n = pg.name
    ));
    let base = pg
        .url
        .split_once("://")
        .unwrap()
        .1
        .split_once('@')
        .unwrap()
        .1;
    let reader = format!("postgres://mou_reader_{}:r@{base}", pg.name);
    let (rc, out, _) = mou(&reader, &["list", "partners", "--columns", "key,name"]);
    assert_eq!((rc, out.as_str()), (0, "key     name\nunicef  UNICEF\n"));
    assert_eq!(mou(&reader, &["report"]).0, 0);
    assert_eq!(mou(&reader, &["history", "--verify"]).0, 0);
    let (rc, _, err) = mou(
        &reader,
        &["add", "partner", "WHO", "--category", "intergovernmental"],
    );
    assert_eq!(rc, 3, "{err}");
    assert!(err.contains("permission denied"), "{err}");
    assert!(!err.contains(":r@"), "no password shown: {err}");
    let (rc, _, err) = mou(&pg.url, &["history", "--verify"]);
    assert_eq!(rc, 0, "{err}");
    let (_, list, _) = mou(&pg.url, &["list", "partners", "--format", "csv"]);
    assert_eq!(list.lines().count(), 2, "nothing was added: {list}");
    pg.sql(&format!(
        "DROP OWNED BY mou_reader_{n}; DROP ROLE mou_reader_{n}",
        n = pg.name
    ));
}

#[test]
fn eight_writers_keep_one_chain_and_readers_never_wait() {
    let Some(pg) = Database::new("eight") else {
        return;
    };
    assert_eq!(mou(&pg.url, &["init"]).0, 0);
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for w in 0..8 {
            let url = pg.url.clone();
            s.spawn(move || {
                for i in 0..50 {
                    let name = format!("Writer {w} partner {i}");
                    let (rc, _, err) = mou(&url, &["add", "partner", &name, "--category", "ngo"]);
                    assert_eq!(rc, 0, "{name}: {err}");
                }
            });
        }
    });
    let took = started.elapsed();
    let (_, csv, _) = mou(&pg.url, &["list", "partners", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 401, "400 partners");
    let (rc, out, err) = mou(&pg.url, &["history", "--verify"]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(
        err.contains("400 rows") || out.contains("400 rows"),
        "{out}{err}"
    );
    let mut c = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let users: Vec<String> = c
        .query("SELECT DISTINCT db_user FROM mou.history", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let me: String = c
        .query_one("SELECT current_user::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(users, [me], "each row records the role that wrote it");
    eprintln!(
        "8 writers x 50 adds: {:.1} adds/s",
        400.0 / took.as_secs_f64()
    );

    // A writer holding the lock: readers go on, another writer gives up after its timeout.
    let mut holder = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    holder
        .batch_execute("BEGIN; SELECT pg_advisory_xact_lock(1297044785)")
        .unwrap();
    let t = std::time::Instant::now();
    assert_eq!(mou(&pg.url, &["list", "partners", "--limit", "1"]).0, 0);
    assert_eq!(mou(&pg.url, &["report"]).0, 0);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(5),
        "readers did not wait"
    );
    let out = Command::cargo_bin("mou")
        .unwrap()
        .env("MOU_BUSY_TIMEOUT_MS", "300")
        .args([
            "--db",
            &pg.url,
            "add",
            "partner",
            "Late",
            "--category",
            "ngo",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("locked"), "{err}");
    holder.batch_execute("ROLLBACK").unwrap();
}

#[test]
fn a_connection_killed_mid_import_leaves_nothing_half_written() {
    let Some(pg) = Database::new("killed") else {
        return;
    };
    assert_eq!(mou(&pg.url, &["init"]).0, 0);
    assert_eq!(
        mou(&pg.url, &["import", "partners", &data("partners.csv")]).0,
        0
    );
    // A large file of agreements (the COPY path), and its session killed while it runs.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.csv");
    let mut text = String::from("ref,kind,title,parties,signed_on\n");
    let (_, keys, _) = mou(
        &pg.url,
        &["list", "partners", "--columns", "key", "--format", "csv"],
    );
    let key = keys.lines().nth(1).unwrap().to_string();
    for i in 0..60_000 {
        text.push_str(&format!(
            "BIG-{i:06},mou,Title {i} with some words,{key},2026-01-01\n"
        ));
    }
    std::fs::write(&file, text).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mou"))
        .args(["--db", &pg.url, "import", "agreements"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut admin = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let mut killed = false;
    for _ in 0..600 {
        std::thread::sleep(std::time::Duration::from_millis(25));
        let n = admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = current_database() AND application_name = 'mou'
                    AND pid <> pg_backend_pid()
                    AND now() - xact_start > interval '300 milliseconds'",
                &[],
            )
            .unwrap();
        if n > 0 {
            killed = true;
            break;
        }
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(killed, "the import's session was found");
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(!err.contains("mou-test"), "no password: {err}");
    assert!(
        err.contains("connection"),
        "it says the connection was lost: {err}"
    );
    let n: i64 = admin
        .query_one("SELECT count(*) FROM mou.agreement", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "nothing half-written");
    let (rc, _, _) = mou(&pg.url, &["history", "--verify"]);
    assert_eq!(rc, 0);
}
