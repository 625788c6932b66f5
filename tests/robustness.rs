//! Nothing lost: backup, check, concurrent writers, a verifiable history, output files that
//! never land on the registry. Faults: tests/faults.rs; hostile input and fuzzing:
//! tests/hostile_input.rs. Every test runs the real binary on a registry in a temporary
//! directory.

mod common;
use common::robustness::*;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// 1. Backup

#[test]
fn backup_while_another_process_writes_is_consistent() {
    let env = Env::sample();
    let csv = agreements_csv(&env, "bulk.csv", 3000);
    env.run(&["import", "agreements", p(&csv)]).ok();

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let mut cmd = env.command();
        cmd.env("MOU_BUSY_TIMEOUT_MS", "10000");
        let db = env.db.clone();
        std::thread::spawn(move || {
            let mut codes = Vec::new();
            let mut i = 0;
            // At least a few writes, and on until the backup has finished.
            while i < 5 || !stop.load(Ordering::SeqCst) {
                let out = Command::new(bin())
                    .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
                    .env("MOU_DB", &db)
                    .args([
                        "add",
                        "partner",
                        &format!("Writer {i}"),
                        "--category",
                        "ngo",
                    ])
                    .output()
                    .unwrap();
                codes.push((
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                ));
                i += 1;
                if i > 400 {
                    break;
                }
            }
            codes
        })
    };
    // Let the writer get going, then back up several times while it writes.
    std::thread::sleep(Duration::from_millis(50));
    let mut copies = Vec::new();
    for n in 0..3 {
        let copy = env.path(&format!("copy-{n}.db"));
        let r = env.run(&["backup", p(&copy)]);
        r.ok();
        assert!(r.stderr.contains("backed up"), "{}", r.stderr);
        copies.push(copy);
    }
    stop.store(true, Ordering::SeqCst);
    let codes = writer.join().unwrap();
    for (code, err) in &codes {
        assert_eq!(*code, Some(0), "a writer failed during the backup: {err}");
    }
    for copy in &copies {
        assert_eq!(integrity(copy), "ok", "{}", copy.display());
        // The copy is a registry of its own: no WAL needed, mou opens it.
        assert_eq!(
            count(
                copy,
                "SELECT count(*) FROM agreement WHERE ref LIKE 'BULK-%'"
            ),
            3000
        );
        let out = env.run(&["--db", p(copy), "list", "partners", "--format", "csv"]);
        assert!(out.ok().contains("unicef"));
        env.run(&["--db", p(copy), "history", "--verify"]).ok();
        env.run(&["--db", p(copy), "check"]);
    }
    // No partial files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn backup_refuses_to_overwrite_without_force() {
    let env = Env::sample();
    let dest = env.write("existing.db", "precious contents\n");
    let r = env.fails_unchanged(&["backup", p(&dest)], 2, &["exists", "--force"]);
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read(&dest).unwrap(), b"precious contents\n");

    env.run(&["backup", p(&dest), "--force"]).ok();
    assert_eq!(integrity(&dest), "ok");
    let out = env.run(&["--db", p(&dest), "list", "partners", "--format", "csv"]);
    assert!(out.ok().contains("unicef"));
}

#[test]
fn backup_of_a_missing_registry_or_to_a_bad_place_fails_clearly() {
    let env = Env::new();
    let dest = env.path("copy.db");
    env.run(&["backup", p(&dest)])
        .fails(3, &["no registry", "back up"]);
    assert!(!dest.exists());
    assert!(!env.db.exists(), "backup must not create the registry");

    let env = Env::sample();
    let bad = env.path("no/such/dir/copy.db");
    let r = env.fails_unchanged(&["backup", p(&bad)], 2, &["no/such/dir/copy.db"]);
    assert!(!r.stderr.contains("registry cannot"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// 2. Check

#[test]
fn check_passes_the_sample_and_lists_partners_without_agreements() {
    let env = Env::sample();
    env.run(&["add", "partner", "Lonely Foundation", "--category", "ngo"])
        .ok();
    let r = env.run(&["check"]);
    let out = r.ok();
    assert!(
        out.contains("info: partner lonely-foundation (Lonely Foundation) has no agreements"),
        "{out}"
    );
    assert!(!out.contains("problem:"), "{out}");
    assert!(r.stderr.contains("check passed"), "{}", r.stderr);
}

#[test]
fn check_finds_data_broken_behind_its_back() {
    let env = Env::sample();
    // A near-duplicate pair is kept (with a warning) and listed by check.
    let r = env.run(&[
        "add",
        "partner",
        "Institut Mines-Telecom",
        "--category",
        "academic",
    ]);
    r.ok();
    let r = env.run(&[
        "add",
        "partner",
        "INSTITUT Mines -Telecom",
        "--category",
        "academic",
    ]);
    r.ok();
    assert!(r.stderr.contains("looks like"), "{}", r.stderr);
    {
        let c = sqlite(&env.db);
        c.execute_batch(
            "UPDATE agreement SET expires_on = '2000-01-01' WHERE ref = 'MOU-2014-001';
             UPDATE agreement SET renews = 'MOU-1999-404' WHERE ref = 'MOU-2015-001';
             UPDATE agreement SET renews = 'MOU-2013-001' WHERE ref = 'MOU-2016-001';
             UPDATE agreement SET renews = 'MOU-2016-001' WHERE ref = 'MOU-2013-001';",
        )
        .unwrap();
    }
    let before = env.snapshot_bytes();
    let r = env.run(&["check"]);
    r.fails(1, &["problem"]);
    let out = &r.stdout;
    for needle in [
        "agreement MOU-2014-001: invalid expires '2000-01-01': it is before the signing date 2014-03-10",
        "agreement MOU-2015-001: renews MOU-1999-404, which does not exist",
        "the renewal chain loops: MOU-2013-001 -> MOU-2016-001 -> MOU-2013-001",
        "near-duplicate names",
        "Institut Mines-Telecom",
        "INSTITUT Mines -Telecom",
    ] {
        assert!(
            out.contains(needle),
            "check output lacks {needle:?}:\n{out}"
        );
    }
    assert_eq!(env.snapshot_bytes(), before, "check must not write");

    // The same findings as JSON, for scripts: one object per finding, problems first.
    let r = env.run(&["check", "--format", "json"]);
    r.fails(1, &["problem"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("check --format json");
    let findings = v.as_array().unwrap();
    let problems: Vec<&str> = findings
        .iter()
        .filter(|f| f["level"] == "problem")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        problems.len(),
        out.lines().filter(|l| l.starts_with("problem: ")).count()
    );
    assert!(problems.contains(&"agreement MOU-2015-001: renews MOU-1999-404, which does not exist"));
    assert_eq!(findings[0]["level"], "problem");
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrent writers

#[test]
fn eight_concurrent_writers_lose_nothing() {
    let env = Env::new();
    env.run(&["init"]).ok();
    let start = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let start = start.clone();
            let mut base = env.command();
            base.env("MOU_BUSY_TIMEOUT_MS", "20000");
            let envs: Vec<(std::ffi::OsString, std::ffi::OsString)> = base
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned())))
                .collect();
            let dir = env.dir.path().to_path_buf();
            std::thread::spawn(move || {
                start.wait();
                let mut failures = Vec::new();
                for n in 0..50 {
                    let out = Command::new(bin())
                        .env_clear()
                        .envs(envs.iter().map(|(k, v)| (k, v)))
                        .current_dir(&dir)
                        .args([
                            "add",
                            "partner",
                            &format!("Org {t}-{n}"),
                            "--category",
                            "ngo",
                        ])
                        .output()
                        .unwrap();
                    if out.status.code() != Some(0) {
                        failures.push(format!(
                            "Org {t}-{n}: {:?} {}",
                            out.status.code(),
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(count(&env.db, "SELECT count(*) FROM partner"), 400);
    assert_eq!(count(&env.db, "SELECT count(*) FROM history"), 400);
    env.run(&["history", "--verify"]).ok();
    assert_eq!(integrity(&env.db), "ok");
}

#[test]
fn concurrent_first_writes_create_the_registry_once() {
    // Ten rounds: a busy answer while a new file is set up came about once in 25 processes.
    for _ in 0..10 {
        concurrent_first_writes_round();
    }
}

fn concurrent_first_writes_round() {
    let env = Env::new();
    let children: Vec<_> = (0..6)
        .map(|t| {
            env.command()
                .env("MOU_BUSY_TIMEOUT_MS", "20000")
                .args(["add", "partner", &format!("First {t}"), "--category", "ngo"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(count(&env.db, "SELECT count(*) FROM partner"), 6);
}

#[test]
fn a_writer_holding_the_registry_past_the_timeout_gives_exit_3() {
    let env = Env::sample();
    let holder = sqlite(&env.db);
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let before = env.snapshot_bytes();
    let t = Instant::now();
    let out = env
        .command()
        .env("MOU_BUSY_TIMEOUT_MS", "300")
        .args(["add", "partner", "Patient Org", "--category", "ngo"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("registry is locked"), "{stderr}");
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "did not wait for the busy timeout"
    );
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(env.snapshot_bytes(), before);
    // Readers are not blocked by the writer.
    env.run(&["list", "partners"]).ok();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    env.run(&["add", "partner", "Patient Org", "--category", "ngo"])
        .ok();
}

// ---------------------------------------------------------------------------------------------
// 5. Tamper-evident history

#[test]
fn history_verify_detects_an_edited_row() {
    let env = Env::sample();
    env.run(&["add", "partner", "Third Org", "--category", "ngo"])
        .ok();
    let r = env.run(&["history", "--verify"]);
    r.ok();
    assert!(r.stderr.contains("chain intact"), "{}", r.stderr);
    sqlite(&env.db)
        .execute("UPDATE history SET actor = 'x' WHERE id = 2", [])
        .unwrap();
    env.fails_unchanged(&["history", "--verify"], 1, &["row 2"]);
}

#[test]
fn history_verify_detects_a_deleted_row() {
    let env = Env::sample();
    for n in ["First Org", "Second Org", "Third Org"] {
        env.run(&["add", "partner", n, "--category", "ngo"]).ok();
    }
    env.run(&["history", "--verify"]).ok();
    sqlite(&env.db)
        .execute("DELETE FROM history WHERE id = 3", [])
        .unwrap();
    let r = env.fails_unchanged(&["history", "--verify"], 1, &["history is broken"]);
    assert!(
        r.stderr.contains("row 3") || r.stderr.contains("rows 3"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("missing"), "{}", r.stderr);
}

#[test]
fn history_verify_detects_a_rewritten_first_row() {
    let env = Env::sample();
    sqlite(&env.db)
        .execute("DELETE FROM history WHERE id = 1", [])
        .unwrap();
    env.fails_unchanged(&["history", "--verify"], 1, &["row 2"]);
}

// ---------------------------------------------------------------------------------------------
// 7. Output files never land on the registry; killed runs leave nothing behind

/// The registry's companion files, as SQLite names them.
const COMPANIONS: &[&str] = &["-wal", "-shm", "-journal"];

fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Names by which an output could reach the registry or a companion file: the path itself,
/// through `..`, a symlink to it, a symlink to its directory, and a hard link.
fn registry_aliases(env: &Env) -> Vec<String> {
    let dir = env.dir.path();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(&env.db, dir.join("link.db")).unwrap();
    std::os::unix::fs::symlink(dir, dir.join("dirlink")).unwrap();
    std::fs::hard_link(&env.db, dir.join("hard.db")).unwrap();
    let mut names = vec![
        p(&env.db).to_string(),
        "registry.db".into(),
        "sub/../registry.db".into(),
        "link.db".into(),
        "dirlink/registry.db".into(),
        "hard.db".into(),
    ];
    for s in COMPANIONS {
        names.push(p(&companion(&env.db, s)).to_string());
        names.push(format!("sub/../registry.db{s}"));
        names.push(format!("dirlink/registry.db{s}"));
    }
    names
}

#[test]
fn export_refuses_the_registry_and_its_companion_files() {
    let env = Env::sample();
    let before = std::fs::read(&env.db).unwrap();
    for target in registry_aliases(&env) {
        for what in ["partners", "agreements"] {
            let r = env.run(&["export", what, "-o", &target, "--format", "csv"]);
            r.fails(2, &["registry", "nothing was written"]);
            assert_eq!(std::fs::read(&env.db).unwrap(), before, "-o {target}");
        }
    }
    for s in COMPANIONS {
        assert!(
            !companion(&env.db, s).exists() || *s == "-wal" || *s == "-shm",
            "{s} created"
        );
    }
    env.run(&["check"]).ok();
}

#[test]
fn backup_refuses_the_registry_and_its_companion_files() {
    let env = Env::sample();
    let before = std::fs::read(&env.db).unwrap();
    for target in registry_aliases(&env) {
        let r = env.run(&["backup", &target, "--force"]);
        r.fails(2, &["registry", "nothing was written"]);
        assert_eq!(std::fs::read(&env.db).unwrap(), before, "backup {target}");
    }
}

#[test]
fn backup_onto_the_wal_of_a_registry_held_open_loses_nothing() {
    let env = Env::sample();
    // Another process holds the registry open, so committed pages stay in the WAL.
    let holder = sqlite(&env.db);
    let _: i64 = holder
        .query_row("SELECT count(*) FROM partner", [], |r| r.get(0))
        .unwrap();
    for n in ["Held Org One", "Held Org Two"] {
        env.run(&["add", "partner", n, "--category", "ngo"]).ok();
    }
    for s in COMPANIONS {
        let target = companion(&env.db, s);
        env.run(&["backup", p(&target), "--force"])
            .fails(2, &["registry", "nothing was written"]);
    }
    drop(holder);
    let list = env.run(&["list", "partners", "--format", "csv"]);
    assert!(list.ok().contains("held-org-one"), "{}", list.stdout);
    assert!(list.stdout.contains("held-org-two"), "{}", list.stdout);
    env.run(&["check"]).ok();
    env.run(&["history", "--verify"]).ok();
}

/// Leftovers of interrupted writes beside `dest`.
fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect()
}

/// Fills the registry with `n` agreements through the sqlite3 shell (fast), so an export or
/// a backup takes long enough to be killed in the middle.
fn big_registry(n: usize) -> Env {
    let env = Env::sample();
    let sql = format!(
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n})
         INSERT INTO agreement (ref, kind, title, signed_on, effective_on, created_at, updated_at)
         SELECT 'BIG-' || i, 'mou', 'A long title for agreement number ' || i || ' ' || hex(randomblob(60)),
                '2020-01-01', '2020-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM c;"
    );
    let out = Command::new("sqlite3")
        .arg(&env.db)
        .arg(sql)
        .output()
        .expect("sqlite3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env
}

/// Starts `args`, waits for its partial file to appear, and kills it with SIGKILL.
fn kill_when_partial_appears(env: &Env, args: &[&str]) -> bool {
    let mut child = env
        .command()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if !partials(env.dir.path()).is_empty() {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}

#[test]
fn a_killed_export_or_backup_leaves_partials_that_the_next_run_removes() {
    let env = big_registry(200_000);
    let cases: [&[&str]; 2] = [
        &["export", "agreements", "-o", "out.csv"],
        &["backup", "copy.db", "--force"],
    ];
    for args in cases {
        let mut killed = false;
        for _ in 0..5 {
            if kill_when_partial_appears(&env, args) {
                killed = true;
                break;
            }
        }
        assert!(killed, "{args:?} finished before it could be killed");
        assert!(!partials(env.dir.path()).is_empty(), "{args:?}");
        env.run(args).ok();
        assert_eq!(partials(env.dir.path()), Vec::<String>::new(), "{args:?}");
    }
}

#[test]
fn the_partial_file_of_a_running_mou_is_left_alone() {
    let env = Env::sample();
    // This test process is alive: a partial with its pid belongs to a running writer.
    let alive = env.path(&format!(".out.csv.{}.partial", std::process::id()));
    std::fs::write(&alive, "in progress").unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let dead_pid = gone.id();
    gone.wait().unwrap();
    let dead = env.path(&format!(".out.csv.{dead_pid}.partial"));
    std::fs::write(&dead, "left by a killed run").unwrap();
    let unrelated = env.path(".out.csv.notapid.partial");
    std::fs::write(&unrelated, "not ours").unwrap();
    env.run(&["export", "partners", "-o", "out.csv"]).ok();
    assert!(alive.exists());
    assert!(!dead.exists());
    assert!(unrelated.exists());
}

// ---------------------------------------------------------------------------------------------
// 8. A history column of the wrong type is tampering

#[test]
fn history_verify_names_the_row_when_a_column_holds_the_wrong_type() {
    let env = Env::sample();
    env.run(&["add", "partner", "Third Org", "--category", "ngo"])
        .ok();
    let pristine = std::fs::read(&env.db).unwrap();
    for column in [
        "at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "entity_key",
        "before",
        "after",
        "hash",
    ] {
        std::fs::write(&env.db, &pristine).unwrap();
        let out = Command::new("sqlite3")
            .arg(&env.db)
            .arg(format!(
                "UPDATE history SET {column} = x'00ff41' WHERE id = 2"
            ))
            .output()
            .expect("sqlite3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = env.fails_unchanged(&["history", "--verify"], 1, &["history is broken", "row 2"]);
        assert!(r.stderr.contains(column), "{column}: {}", r.stderr);
    }
}

/// An output that is not a regular file is written into, not replaced: a FIFO's reader gets
/// the export and the FIFO stays; a symlink keeps pointing at the file, which gets the export.
#[test]
fn export_writes_into_a_fifo_and_through_a_symlink() {
    let env = Env::sample();
    let fifo = env.path("out.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // The reader is a process with a time limit, so a FIFO replaced by a file (never opened
    // for writing) fails the test instead of hanging it.
    let reader = Command::new("timeout")
        .arg("20")
        .arg("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let fifo_arg = fifo.to_str().unwrap().to_string();
    env.run(&["export", "partners", "--format", "csv", "-o", &fifo_arg])
        .ok();
    let got = reader.wait_with_output().unwrap().stdout;
    let want = env.run(&["export", "partners"]).stdout;
    assert_eq!(String::from_utf8(got).unwrap(), want);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    let target = env.path("real.csv");
    std::fs::write(&target, "old").unwrap();
    let link = env.path("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    env.run(&["export", "partners", "-o", link.to_str().unwrap()])
        .ok();
    assert!(link.is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), want);
}
