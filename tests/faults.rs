//! Nothing lost when the machine fails: a read-only directory or file, a full disk, a truncated
//! or damaged registry, a killed writer. Every test runs the real binary on a registry in a
//! temporary directory.

mod common;
use common::robustness::*;
use common::*;

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

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
