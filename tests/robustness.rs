//! Nothing lost: backup, check, concurrent writers, faults, hostile input and a verifiable
//! history. Every test runs the real binary on a registry in a temporary directory.

mod common;
use common::*;

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn sqlite(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open with rusqlite")
}

/// `PRAGMA integrity_check` of a file, opened with rusqlite.
fn integrity(path: &Path) -> String {
    let c = sqlite(path);
    let mut st = c.prepare("PRAGMA integrity_check").unwrap();
    let rows: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.join("\n")
}

fn count(path: &Path, sql: &str) -> i64 {
    sqlite(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A CSV of `n` agreements with the sample's partners.
fn agreements_csv(env: &Env, name: &str, n: usize) -> PathBuf {
    let mut s = String::from("ref,kind,title,parties,signed_on,expires_on,notes\n");
    for i in 0..n {
        s.push_str(&format!(
            "BULK-{i:06},mou,Bulk agreement number {i} on dialogue,unicef,2020-01-01,2023-12-31,\
             a note long enough to take some room in the file: {i}\n"
        ));
    }
    env.write(name, &s)
}

/// Never a panic: Rust's panic exit code is 101 and the message says "panicked".
#[track_caller]
fn no_panic(r: &Run, what: &str) {
    assert_ne!(r.code, 101, "{what} panicked: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    assert!(r.code >= 0, "{what} was killed by a signal: {}", r.stderr);
}

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
// 4. Faults

/// Whether this process ignores permission bits (root).
fn permissions_are_ignored(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let ok = std::fs::write(&probe, "x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs mou as an unprivileged user when the tests run as root (root ignores permission
/// bits, so a read-only file would not be read-only to it). None when that is impossible.
fn run_unprivileged(env: &Env, args: &[&str]) -> Option<Run> {
    let probe_dir = tempfile::tempdir().unwrap();
    set_mode(probe_dir.path(), 0o555);
    let root = permissions_are_ignored(probe_dir.path());
    set_mode(probe_dir.path(), 0o755);
    let base = env.command();
    let mut cmd = if root {
        let setpriv = Path::new("/usr/bin/setpriv");
        if !setpriv.exists() {
            return None;
        }
        let mut c = Command::new(setpriv);
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            p(&bin()),
        ]);
        c
    } else {
        Command::new(bin())
    };
    cmd.env_clear()
        .envs(base.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir("/")
        .args(args);
    let out = cmd.output().unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    if root && r.stderr.contains("setpriv") {
        return None;
    }
    Some(r)
}

/// The sample registry, readable by the unprivileged user and owned by it when root.
fn shared_sample() -> Env {
    let env = Env::sample();
    set_mode(env.dir.path(), 0o755);
    let _ = std::os::unix::fs::chown(env.dir.path(), Some(65534), Some(65534));
    let _ = std::os::unix::fs::chown(&env.db, Some(65534), Some(65534));
    set_mode(&env.db, 0o644);
    env
}

#[test]
fn a_read_only_directory_gives_exit_3_and_changes_nothing() {
    let env = shared_sample();
    set_mode(env.dir.path(), 0o555);
    let before = env.snapshot_bytes();
    let Some(r) = run_unprivileged(
        &env,
        &["add", "partner", "Blocked Org", "--category", "ngo"],
    ) else {
        eprintln!("note: running as root without setpriv; read-only directory test skipped");
        set_mode(env.dir.path(), 0o755);
        return;
    };
    no_panic(&r, "add in a read-only directory");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("read-only") || r.stderr.contains("cannot be opened"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(p(&env.db)),
        "names the registry: {}",
        r.stderr
    );
    assert_eq!(env.snapshot_bytes(), before);
    // Reads still work: the registry is opened read-only.
    let r = run_unprivileged(&env, &["list", "partners", "--format", "csv"]).unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("unicef"));
    let r = run_unprivileged(&env, &["check"]).unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_unprivileged(&env, &["history", "--verify"]).unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.snapshot_bytes(), before);
    let files = std::fs::read_dir(env.dir.path()).unwrap().count();
    assert_eq!(files, 1, "only the registry file is there");
    set_mode(env.dir.path(), 0o755);
    assert_eq!(
        count(
            &env.db,
            "SELECT count(*) FROM partner WHERE name = 'Blocked Org'"
        ),
        0
    );
}

#[test]
fn a_read_only_file_gives_exit_3_and_changes_nothing() {
    let env = shared_sample();
    set_mode(&env.db, 0o444);
    let before = env.snapshot_bytes();
    let Some(r) = run_unprivileged(
        &env,
        &["add", "partner", "Blocked Org", "--category", "ngo"],
    ) else {
        eprintln!("note: running as root without setpriv; read-only file test skipped");
        return;
    };
    no_panic(&r, "add to a read-only file");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert!(r.stderr.contains("hint"), "{}", r.stderr);
    assert_eq!(env.snapshot_bytes(), before);
    // Reading a read-only registry still works.
    let r = run_unprivileged(&env, &["list", "partners", "--format", "csv"]).unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("unicef"));
    set_mode(&env.db, 0o644);
}

#[test]
fn a_full_disk_gives_exit_3_and_changes_nothing() {
    let env = Env::sample();
    let pages = count(&env.db, "PRAGMA page_count");
    let csv = agreements_csv(&env, "big.csv", 5000);
    let before = env.snapshot_bytes();
    let out = env
        .command()
        .env("MOU_MAX_PAGE_COUNT", (pages + 8).to_string())
        .args(["import", "agreements", p(&csv)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("disk is full"), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert!(
        !stderr.contains("bad row"),
        "a full disk is not bad input: {stderr}"
    );
    assert_eq!(env.snapshot_bytes(), before);
    // The same through add.
    let out = env
        .command()
        .env("MOU_MAX_PAGE_COUNT", pages.to_string())
        .args([
            "add",
            "partner",
            "Big Org",
            "--category",
            "ngo",
            "--note",
            &"x".repeat(100_000),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("disk is full"), "{stderr}");
    assert_eq!(env.snapshot_bytes(), before);
    // Without the cap the import works.
    env.run(&["import", "agreements", p(&csv)]).ok();
}

/// Commands run on a damaged registry: none may panic.
const PROBES: &[&[&str]] = &[
    &["list", "partners"],
    &["list", "agreements", "--format", "json"],
    &["export", "agreements"],
    &["report"],
    &["history", "--verify"],
    &["add", "partner", "After Damage", "--category", "ngo"],
];

/// A sample registry with its WAL checkpointed into the file, copied to `name`.
fn damaged_copy(env: &Env, name: &str) -> PathBuf {
    let copy = env.path(name);
    env.run(&["backup", p(&copy)]).ok();
    copy
}

#[test]
fn a_truncated_registry_gives_exit_3_never_a_panic() {
    let env = Env::sample();
    let csv = agreements_csv(&env, "bulk.csv", 500);
    env.run(&["import", "agreements", p(&csv)]).ok();
    let copy = damaged_copy(&env, "truncated.db");
    let len = std::fs::metadata(&copy).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&copy)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    for args in PROBES {
        let mut a = vec!["--db", p(&copy)];
        a.extend_from_slice(args);
        let r = env.run(&a);
        no_panic(&r, &format!("{args:?}"));
        assert_eq!(r.code, 3, "{args:?} on a truncated registry: {}", r.stderr);
        assert!(
            r.stderr.contains("corrupt") || r.stderr.contains("truncated"),
            "{args:?}: {}",
            r.stderr
        );
    }
    let r = env.run(&["--db", p(&copy), "check"]);
    no_panic(&r, "check");
    assert!(r.code == 1 || r.code == 3, "{}", r.stderr);
    assert_eq!(std::fs::metadata(&copy).unwrap().len(), len / 2);
}

#[test]
fn random_bytes_in_the_registry_give_exit_3_or_a_failed_check() {
    let env = Env::sample();
    let csv = agreements_csv(&env, "bulk.csv", 500);
    env.run(&["import", "agreements", p(&csv)]).ok();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    };
    // (a) The partner table's root page overwritten: every reader of partners notices.
    let copy = damaged_copy(&env, "noisy-partner.db");
    let (root, page_size): (i64, i64) = {
        let c = sqlite(&copy);
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'partner'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(&copy).unwrap();
        f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
            .unwrap();
        f.write_all(&noise(page_size as usize)).unwrap();
    }
    for args in [
        &["list", "partners"][..],
        &["show", "unicef"],
        &["add", "partner", "X Org", "--category", "ngo"],
    ] {
        let mut a = vec!["--db", p(&copy)];
        a.extend_from_slice(args);
        let r = env.run(&a);
        no_panic(&r, &format!("{args:?}"));
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("corrupt"), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("mou backup"),
            "hint to restore: {}",
            r.stderr
        );
    }
    let r = env.run(&["--db", p(&copy), "check"]);
    no_panic(&r, "check");
    assert!(r.code == 1 || r.code == 3, "{}", r.stderr);

    // (b) Random bytes in the middle of the file: whatever a command meets, no panic, and
    // check finds it.
    for (i, at) in [0.5f64, 0.3, 0.7].into_iter().enumerate() {
        let copy = damaged_copy(&env, &format!("noisy-{i}.db"));
        let len = std::fs::metadata(&copy).unwrap().len();
        {
            let mut f = std::fs::OpenOptions::new().write(true).open(&copy).unwrap();
            f.seek(SeekFrom::Start((len as f64 * at) as u64)).unwrap();
            f.write_all(&noise(page_size as usize * 2)).unwrap();
        }
        for args in PROBES {
            let mut a = vec!["--db", p(&copy)];
            a.extend_from_slice(args);
            let r = env.run(&a);
            no_panic(&r, &format!("{args:?}"));
            assert!(
                matches!(r.code, 0 | 3),
                "{args:?} gave {}: {}",
                r.code,
                r.stderr
            );
        }
        let r = env.run(&["--db", p(&copy), "check"]);
        no_panic(&r, "check");
        assert!(
            r.code == 1 || r.code == 3,
            "check missed noise at {at}: {}\n{}",
            r.stdout,
            r.stderr
        );
    }
}

#[test]
fn sigkill_during_add_leaves_a_sound_registry() {
    let env = Env::sample();
    for i in 0..20u64 {
        let mut child = env
            .command()
            .args([
                "add",
                "partner",
                &format!("Killed Org {i}"),
                "--category",
                "ngo",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(i % 7 * 3));
        let _ = child.kill();
        let _ = child.wait();
        if i % 5 == 4 {
            assert_eq!(integrity(&env.db), "ok", "after kill {i}");
        }
    }
    assert_eq!(integrity(&env.db), "ok");
    env.run(&["history", "--verify"]).ok();
    env.run(&["check"]).ok();
    // Every partner that made it in has its history row: each add was all or nothing.
    let partners = count(
        &env.db,
        "SELECT count(*) FROM partner WHERE name LIKE 'Killed Org %'",
    );
    let rows = count(
        &env.db,
        "SELECT count(*) FROM history WHERE action = 'add' AND entity = 'partner'",
    );
    assert_eq!(partners, rows);
    env.run(&["add", "partner", "Survivor Org", "--category", "ngo"])
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
// 6. Hostile input

#[test]
fn sql_and_quotes_in_names_and_notes_are_data() {
    let env = Env::sample();
    let evil = "Evil'); DROP TABLE partner; --";
    let quoted = "O'Brien \"Quoted\" Foundation";
    let r = env.run(&[
        "add",
        "partner",
        evil,
        "--category",
        "ngo",
        "--note",
        "'; DELETE FROM agreement; --",
    ]);
    r.ok();
    env.run(&[
        "add",
        "partner",
        quoted,
        "--category",
        "ngo",
        "--alias",
        "\"Q\" --",
    ])
    .ok();
    let out = env.run(&["list", "partners", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&evil) && names.contains(&quoted),
        "{names:?}"
    );
    assert!(count(&env.db, "SELECT count(*) FROM agreement") > 0);
    env.run(&["show", evil]).ok();
    env.run(&["query", "--partners", "'); DROP TABLE partner; --"]);
    assert!(count(&env.db, "SELECT count(*) FROM partner") > 2);
    env.run(&["list", "partners", "--search", "' OR 1=1 --"])
        .ok();
    env.run(&["check"]).ok();
}

#[test]
fn control_characters_are_refused_in_names_and_kept_in_notes() {
    let env = Env::sample();
    for name in [
        "Bell\u{7}Org",
        "Red \u{1b}[31mOrg",
        "Two\nLines",
        "Tab\tOrg",
    ] {
        let before = env.snapshot_bytes();
        let r = env.run(&["add", "partner", name, "--category", "ngo"]);
        no_panic(&r, name);
        assert_eq!(r.code, 2, "{name:?}: {}", r.stderr);
        assert!(
            !r.stderr.contains('\u{1b}'),
            "the escape is echoed raw: {:?}",
            r.stderr
        );
        assert_eq!(env.snapshot_bytes(), before, "{name:?}");
    }
    // NUL cannot reach argv; through a file it is refused in names and notes alike.
    let f = env.write("nul.csv", "name,category,notes\nNul\u{0}Org,ngo,\n");
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["line 2", "name"]);
    let f = env.write("nul.csv", "name,category,notes\nNul Org,ngo,a\u{0}b\n");
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &["line 2", "notes", "NUL"],
    );
    let note = "line one\n\tindented line two\r\nthree";
    env.run(&[
        "add",
        "partner",
        "Noted Org",
        "--category",
        "ngo",
        "--note",
        note,
    ])
    .ok();
    let out = env.run(&["show", "noted-org", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["notes"].as_str(), Some(note));
}

#[test]
fn notes_up_to_one_mib_are_kept_and_longer_ones_refused() {
    let env = Env::sample();
    // On the command line (an argument is at most 128 KiB on Linux).
    let long = "ملاحظة ".repeat(9_000);
    env.run(&[
        "add",
        "partner",
        "Long Notes Org",
        "--category",
        "ngo",
        "--note",
        &long,
    ])
    .ok();
    // Through a file: exactly 1 MiB is kept; one byte more is refused naming the limit.
    let mib = 1usize << 20;
    let exact = "n".repeat(mib);
    let f = env.write(
        "exact.csv",
        &format!("name,category,notes\nExact Org,ngo,{exact}\n"),
    );
    env.run(&["import", "partners", p(&f)]).ok();
    let out = env.run(&["show", "exact-org", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["notes"].as_str().map(str::len), Some(mib));

    let f = env.write(
        "over.csv",
        &format!("name,category,notes\nOver Org,ngo,{exact}x\n"),
    );
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &["line 2", "notes", "1048576 bytes"],
    );
    let f = env.write("title.csv", &format!("parties,title\nunicef,{exact}x\n"));
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &["line 2", "title", "1048576 bytes"],
    );
}

#[test]
fn csv_with_invalid_utf8_names_the_line() {
    let env = Env::sample();
    let f = env.path("latin1.csv");
    let mut bytes = b"name,category,country\nGood Org,ngo,AT\n".to_vec();
    bytes.extend_from_slice(b"Caf\xe9 Org,ngo,FR\n");
    std::fs::write(&f, &bytes).unwrap();
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["line 3", "UTF-8"]);
    // In the header as well.
    std::fs::write(&f, b"name,categ\xefry\nGood Org,ngo\n").unwrap();
    let r = env.fails_unchanged(&["import", "partners", p(&f)], 2, &["unknown column"]);
    no_panic(&r, "bad header");
}

#[test]
fn a_header_of_ten_thousand_columns_is_refused_clearly() {
    let env = Env::sample();
    let mut header = String::from("name,category");
    for i in 0..10_000 {
        header.push_str(&format!(",extra_{i}"));
    }
    let f = env.write("wide.csv", &format!("{header}\nWide Org,ngo\n"));
    let r = env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &[
            "unknown columns",
            "'extra_0'",
            "and 9995 more",
            "valid columns",
        ],
    );
    assert!(
        r.stderr.len() < 4000,
        "the message is bounded: {} bytes",
        r.stderr.len()
    );
}

/// Peak resident memory of a child in KiB, through /usr/bin/time.
fn peak_rss_kib(env: &Env, args: &[&str]) -> Option<(Run, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = env.path("rss.txt");
    let base = env.command();
    let out = Command::new(time)
        .env_clear()
        .envs(base.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(env.dir.path())
        .args(["-f", "%M", "-o", p(&report), "--"])
        .arg(bin())
        .args(args)
        .output()
        .unwrap();
    let kib = std::fs::read_to_string(&report)
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()?;
    Some((
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        kib,
    ))
}

fn write_huge_field(path: &Path, header: &str, prefix: &str, size: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(header.as_bytes()).unwrap();
    f.write_all(prefix.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    f.write_all(b"\"\n").unwrap();
    f.flush().unwrap();
}

#[test]
fn a_100_mb_field_is_refused_with_bounded_memory() {
    let env = Env::sample();
    // What the binary takes before it reads anything (its code and libraries: larger in a
    // debug build); the field may add only a bounded amount to it.
    let base = peak_rss_kib(&env, &["--version"]).map_or(0, |(_, kib)| kib);
    let big = env.path("huge.csv");
    write_huge_field(&big, "name,category,notes\n", "Huge Org,ngo,\"", 100 << 20);
    let before = env.snapshot_bytes();
    let (r, kib) = match peak_rss_kib(&env, &["import", "partners", p(&big)]) {
        Some(x) => x,
        None => {
            eprintln!("note: /usr/bin/time is missing; memory not measured");
            (env.run(&["import", "partners", p(&big)]), 0)
        }
    };
    no_panic(&r, "huge field");
    r.fails(2, &["line 2", "4 MiB"]);
    assert!(
        kib.saturating_sub(base) < 56 * 1024,
        "peak memory {} MiB over the {} MiB the binary starts with",
        kib.saturating_sub(base) / 1024,
        base / 1024
    );
    assert_eq!(env.snapshot_bytes(), before);

    // A huge field in the header row is stopped the same way.
    write_huge_field(&big, "", "name,category,\"", 100 << 20);
    let (r, kib) = peak_rss_kib(&env, &["import", "partners", p(&big)])
        .unwrap_or_else(|| (env.run(&["import", "partners", p(&big)]), 0));
    no_panic(&r, "huge header");
    r.fails(2, &["line 1", "4 MiB"]);
    assert!(
        kib.saturating_sub(base) < 56 * 1024,
        "peak memory {} MiB over the {} MiB the binary starts with",
        kib.saturating_sub(base) / 1024,
        base / 1024
    );
    assert_eq!(env.snapshot_bytes(), before);
    std::fs::remove_file(&big).unwrap();
}

#[test]
fn rows_after_a_long_but_legal_row_still_import() {
    // The row limit counts per row, not per file: many rows of 600 KiB each are fine.
    let env = Env::sample();
    let mut s = String::from("name,category,notes\n");
    for i in 0..40 {
        s.push_str(&format!("Row Org {i},ngo,{}\n", "w".repeat(600 << 10)));
    }
    let f = env.write("many.csv", &s);
    let r = env.run(&["import", "partners", p(&f)]);
    r.ok();
    assert!(r.stderr.contains("40 added"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// 7. Fuzzing with proptest (cargo-fuzz targets live in fuzz/)

fn query_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("category:".to_string()),
        Just("status:".to_string()),
        Just("sdg:".to_string()),
        Just("partner:".to_string()),
        Just("signed".to_string()),
        Just("expires<".to_string()),
        Just("expires>=".to_string()),
        Just("active:".to_string()),
        Just("-".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just("..".to_string()),
        Just("2026Q3".to_string()),
        Just("٢٠٢٦-٠٣-١٥".to_string()),
        "[a-zA-Z0-9:<>=,.\\-\"' ]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(word, 0..8).prop_map(|w| w.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn query_expressions_never_panic(expr in query_text(), raw in any::<String>()) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        for e in [&expr, &raw] {
            let mut resolve = |name: &str| -> mou::error::Result<i64> {
                if name.len() % 2 == 0 { Ok(1) } else { Err(mou::error::Error::input("unknown partner")) }
            };
            let _ = mou::query::parse_expression(e, as_of, &mut resolve);
        }
    }
}

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        Just(b"".to_vec()),
        Just(b"unicef".to_vec()),
        Just(b"ngo".to_vec()),
        Just(b"2026-02-30".to_vec()),
        Just(b"\"quoted, \"\"cell\"\"\"".to_vec()),
        Just(b"\"unterminated".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b",".to_vec()),
        Just("ملاحظة".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
    ];
    let header = prop_oneof![
        Just(b"name,category,notes\n".to_vec()),
        Just(b"ref,kind,parties,signed_on,expires_on,renews,sdgs\n".to_vec()),
        Just(b"\xef\xbb\xbfkey,name,category,country,aliases\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..24),
    ];
    (header, prop::collection::vec(cell, 0..40)).prop_map(|(mut h, cells)| {
        for c in cells {
            h.extend(c);
        }
        h
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn import_of_arbitrary_bytes_never_panics(
        text in csvish(),
        raw in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        thread_local! {
            static ENV: Env = {
                let env = Env::new();
                env.run(&["add", "partner", "UNICEF", "--key", "unicef", "--category", "intergovernmental"]).ok();
                env
            };
        }
        ENV.with(|env| {
            for (i, bytes) in [&text, &raw].into_iter().enumerate() {
                let f = env.path(&format!("fuzz-{i}.csv"));
                std::fs::write(&f, bytes).unwrap();
                for what in ["partners", "agreements"] {
                    let r = env.run(&["import", what, p(&f), "--update"]);
                    no_panic(&r, what);
                    prop_assert!(
                        r.code == 0 || r.code == 2,
                        "import {} of {:?} gave {}: {}",
                        what,
                        String::from_utf8_lossy(bytes),
                        r.code,
                        r.stderr
                    );
                }
            }
            Ok(())
        })?;
    }
}

#[test]
fn the_import_reader_never_reads_a_huge_file_whole() {
    // A sanity check of the memory test's premise: the file really is over the limit.
    let env = Env::new();
    let f = env.path("just-over.csv");
    write_huge_field(&f, "name,category,notes\n", "Big Org,ngo,\"", 5 << 20);
    let r = env.run(&["import", "partners", p(&f)]);
    r.fails(2, &["line 2", "a row longer than 4 MiB"]);
    let mut head = [0u8; 4];
    std::fs::File::open(&f)
        .unwrap()
        .read_exact(&mut head)
        .unwrap();
    assert_eq!(&head, b"name");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// What fuzz/fuzz_targets/import_csv.rs does, in-process: arbitrary bytes imported
    /// through the library give exit 2 at worst and leave a sound registry.
    #[test]
    fn import_in_process_of_arbitrary_bytes_is_bad_input_at_worst(data in csvish()) {
        use mou::cli::{Entity, ImportArgs};
        use mou::commands::{import, Ctx};
        use mou::store::Access;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.db");
        let file = dir.path().join("input.csv");
        std::fs::write(&file, &data).unwrap();
        let seed = dir.path().join("seed.csv");
        std::fs::write(&seed, "key,name,category\nunicef,UNICEF,intergovernmental\n").unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let ctx = Ctx {
            db: mou::store::Location::File(db.clone()),
            db_named: true,
            format: None,
            as_of: today,
            today,
            actor: "fuzz".into(),
            store: Default::default(),
            xlsx_sheet_rows: mou::output::xlsx::MAX_SHEET_ROWS,
        };
        let args = |entity, file| ImportArgs {
            entity,
            file,
            dry_run: false,
            update: true,
            force: false,
            create_partners: false,
            delimiter: None,
            date_format: None,
            ignore_columns: Vec::new(),
            sheet: None,
        };
        import::run(&ctx, &args(Entity::Partners, seed)).unwrap();
        for entity in [Entity::Partners, Entity::Agreements] {
            if let Err(e) = import::run(&ctx, &args(entity, file.clone())) {
                prop_assert_eq!(e.exit_code() as i32, 2, "{}", e);
            }
        }
        let store = mou::store::open(&mou::store::Location::File(db), Access::Read, &Default::default()).unwrap();
        prop_assert!(store.integrity_problems().unwrap().is_empty());
    }
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
