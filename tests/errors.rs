//! Every error class: its exit code, its message, and a registry left exactly as it was.

mod common;
use common::*;

fn registry() -> Env {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "UNICEF",
        "--category",
        "intergovernmental",
        "--alias",
        "اليونيسيف",
    ])
    .ok();
    env.run(&[
        "add",
        "partner",
        "Vienna Institute",
        "--category",
        "academic",
        "--key",
        "vids",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "unicef",
        "--signed",
        "2016-05-01",
    ])
    .ok();
    env
}

#[test]
fn bad_dates_terms_and_numbers_exit_2() {
    let env = registry();
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "unicef",
            "--signed",
            "2026-02-30",
        ],
        2,
        &["--signed", "2026-02-30", "YYYY-MM-DD"],
    );
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "unicef",
            "--signed",
            "15/03/2026",
        ],
        2,
        &["15/03/2026"],
    );
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "unicef",
            "--signed",
            "2026-01-01",
            "--term",
            "3q",
        ],
        2,
        &["3q", "90d, 2w, 18m or 3y"],
    );
    env.fails_unchanged(
        &["add", "mou", "--partner", "unicef", "--sdg", "18"],
        2,
        &["18", "1..17"],
    );
    env.fails_unchanged(
        &["add", "mou", "--partner", "unicef", "--sdg", "0"],
        2,
        &["1..17"],
    );
    env.fails_unchanged(
        &["list", "agreements", "--signed-in", "2026Q5"],
        2,
        &["2026Q5", "2026Q3"],
    );
}

#[test]
fn vocabularies_list_valid_values() {
    let env = registry();
    env.fails_unchanged(
        &["add", "partner", "X", "--category", "church"],
        2,
        &[
            "church",
            "government",
            "intergovernmental",
            "academic",
            "religious",
            "ngo",
            "grassroots",
            "other",
        ],
    );
    env.fails_unchanged(
        &["add", "agreement", "--partner", "vids", "--kind", "treaty"],
        2,
        &["treaty", "mou, agreement, loi, other"],
    );
    env.fails_unchanged(
        &["list", "agreements", "--status", "alive"],
        2,
        &["alive", "draft, pending, active, expired, terminated"],
    );
}

#[test]
fn countries_come_from_the_real_list() {
    let env = registry();
    env.fails_unchanged(
        &[
            "add",
            "partner",
            "X Org",
            "--category",
            "ngo",
            "--country",
            "XX",
        ],
        2,
        &["XX", "ISO 3166-1"],
    );
    env.fails_unchanged(
        &[
            "add",
            "partner",
            "X Org",
            "--category",
            "ngo",
            "--country",
            "UK",
        ],
        2,
        &["UK", "GB"],
    );
    env.fails_unchanged(
        &[
            "add",
            "partner",
            "X Org",
            "--category",
            "ngo",
            "--country",
            "EU",
        ],
        2,
        &["EU"],
    );
    env.run(&[
        "add",
        "partner",
        "X Org",
        "--category",
        "ngo",
        "--country",
        "gb",
    ])
    .ok();
}

#[test]
fn expiry_before_signing_is_refused() {
    let env = registry();
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "unicef",
            "--signed",
            "2026-05-01",
            "--expires",
            "2026-04-30",
        ],
        2,
        &["expires", "2026-04-30", "signing date 2026-05-01"],
    );
    env.fails_unchanged(
        &[
            "edit",
            "agreement",
            "MOU-2016-001",
            "--expires",
            "2015-01-01",
        ],
        2,
        &["2015-01-01", "before the signing date"],
    );
    env.fails_unchanged(
        &["terminate", "MOU-2016-001", "--on", "2015-01-01"],
        2,
        &["2015-01-01"],
    );
}

#[test]
fn unknown_partner_lists_nearest_matches() {
    let env = registry();
    env.fails_unchanged(
        &["add", "mou", "--partner", "unicf", "--signed", "2026-01-01"],
        2,
        &["unknown partner 'unicf'", "did you mean unicef"],
    );
    env.fails_unchanged(&["show", "vienna instit"], 2, &["vids"]);
    env.fails_unchanged(
        &["edit", "partner", "nobody-at-all", "--note", "x"],
        2,
        &["unknown partner"],
    );
}

#[test]
fn duplicates_and_taken_keys_are_refused() {
    let env = registry();
    env.fails_unchanged(
        &["add", "partner", "unicef", "--category", "ngo"],
        2,
        &["already taken by partner unicef"],
    );
    env.fails_unchanged(
        &["add", "partner", "اليونيسيف", "--category", "ngo"],
        2,
        &["unicef", "alias"],
    );
    env.fails_unchanged(
        &[
            "add",
            "partner",
            "Another",
            "--category",
            "ngo",
            "--key",
            "vids",
        ],
        2,
        &["vids", "another partner has this key"],
    );
    env.fails_unchanged(
        &[
            "add",
            "partner",
            "Bad Key",
            "--category",
            "ngo",
            "--key",
            "Bad_Key",
        ],
        2,
        &["Bad_Key", "lower-case"],
    );
    env.fails_unchanged(
        &["add", "mou", "--partner", "vids", "--ref", "mou-2016-001"],
        2,
        &["mou-2016-001", "another agreement has this ref"],
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = registry();
    env.fails_unchanged(&["add", "mou"], 2, &["--partner"]);
    env.fails_unchanged(&["frobnicate"], 2, &["frobnicate"]);
    env.fails_unchanged(&["renew", "MOU-2016-001"], 2, &["--expires"]);
    env.fails_unchanged(
        &["add", "mou", "--partner", "vids", "--term", "3y"],
        2,
        &["draft"],
    );
    let help = env.run(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit codes"));
}

#[test]
fn newer_schema_is_refused_and_left_unchanged() {
    let env = registry();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    env.fails_unchanged(
        &["add", "partner", "New Org", "--category", "ngo"],
        3,
        &["schema version 99", "newer", "left unchanged"],
    );
    env.fails_unchanged(&["list", "partners"], 3, &["schema version 99"]);
}

#[test]
fn another_applications_file_is_refused() {
    let env = Env::new();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    env.fails_unchanged(
        &["add", "partner", "New Org", "--category", "ngo"],
        3,
        &["not made by mou"],
    );
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.pragma_update(None, "application_id", 42).unwrap();
    drop(conn);
    env.fails_unchanged(&["init"], 3, &["another application"]);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let env = Env::new();
    std::fs::write(&env.db, "this is a text file, not a registry\n".repeat(200)).unwrap();
    env.fails_unchanged(
        &["add", "partner", "New Org", "--category", "ngo"],
        3,
        &["not a database"],
    );
    env.fails_unchanged(&["list", "partners"], 3, &["not a database"]);
}

#[test]
fn odd_input_never_panics() {
    let env = registry();
    for args in [
        vec!["add", "partner", "", "--category", "ngo"],
        vec!["add", "partner", "   ", "--category", "ngo"],
        vec!["add", "partner", "a\u{7}b", "--category", "ngo"],
        vec!["add", "partner", "x", "--category", "ngo", "--alias", "a;b"],
        vec!["show", ""],
        vec!["query", "\""],
        vec!["query", "-"],
        vec!["query", "signed<=2026-13-01"],
        vec!["list", "agreements", "--active-on", "99999-01-01"],
        vec![
            "add",
            "mou",
            "--partner",
            "vids",
            "--signed",
            "9999-12-31",
            "--term",
            "200y",
        ],
        vec!["add", "mou", "--partner", "vids", "--ref", "123"],
        vec!["due", "--within", "100000y"],
        vec!["report", "quarterly", "0000Q1"],
    ] {
        let r = env.run(&args);
        assert!(
            r.code == 2 || r.code == 0,
            "{args:?} gave {}: {}",
            r.code,
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// Output that fails after a commit: exit 4, never 2

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
}

/// Runs `args` with stdout (or, with `stderr`, stderr) going to /dev/full.
fn run_into_full(env: &Env, args: &[&str], stderr: bool) -> (i32, String) {
    let mut c = env.command();
    c.args(args);
    if stderr {
        c.stderr(dev_full()).stdout(std::process::Stdio::null());
    } else {
        c.stdout(dev_full()).stderr(std::process::Stdio::piped());
    }
    let o = c.output().expect("run mou");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_failure_to_print_after_a_commit_is_exit_4_and_says_it_was_recorded() {
    let env = registry();
    let (code, err) = run_into_full(
        &env,
        &["add", "partner", "Full Disk Org", "--category", "ngo"],
        false,
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("recorded") && err.contains("full-disk-org"),
        "{err}"
    );
    assert!(env
        .run(&["show", "full-disk-org"])
        .ok()
        .contains("Full Disk Org"));

    let (code, err) = run_into_full(
        &env,
        &["add", "mou", "--partner", "vids", "--signed", "2020-01-01"],
        false,
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("recorded") && err.contains("MOU-2020-001"),
        "{err}"
    );
    env.run(&["show", "MOU-2020-001"]).ok();

    let (code, err) = run_into_full(&env, &["renew", "MOU-2020-001", "--term", "1y"], false);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("recorded"), "{err}");

    let csv = env.write("p.csv", "name,category\nImported Org,ngo\n");
    // Commands whose only words after the commit go to stderr.
    let cases: Vec<Vec<&str>> = vec![
        vec!["edit", "partner", "vids", "--note", "changed"],
        vec!["terminate", "MOU-2016-001", "--on", "2020-01-01"],
        vec!["remove", "partner", "full-disk-org"],
        vec!["import", "partners", csv.to_str().unwrap()],
        vec!["add", "partner", "Stderr Org", "--category", "ngo"],
    ];
    for args in cases {
        let (code, _) = run_into_full(&env, &args, true);
        assert_eq!(code, 4, "{args:?}");
    }
    let partners = env.run(&["list", "partners", "--format", "csv"]);
    assert!(partners.ok().contains("imported-org"));
    assert!(partners.stdout.contains("stderr-org"));
    assert!(!partners.stdout.contains("full-disk-org"));
    assert!(partners.stdout.contains("changed"));

    let fresh = Env::new();
    let (code, _) = run_into_full(&fresh, &["init"], true);
    assert_eq!(code, 4);
    assert!(fresh.db.exists());
}

#[test]
fn a_read_into_a_full_disk_is_not_exit_4() {
    let env = registry();
    let (code, err) = run_into_full(&env, &["list", "partners"], false);
    assert_eq!(code, 2, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Oversized input is bad input, and SQL never reaches the user

#[test]
fn oversized_queries_and_flag_lists_exit_2_naming_the_limit() {
    let env = registry();
    let terms: Vec<String> = (0..1200).map(|i| format!("word{i}")).collect();
    let r = env.fails_unchanged(&["query", &terms.join(" ")], 2, &["100", "terms"]);
    assert!(!r.stderr.to_lowercase().contains("select"), "{}", r.stderr);

    let values: Vec<String> = (0..2000).map(|_| "unicef".to_string()).collect();
    let r = env.fails_unchanged(
        &["query", &format!("partner:{}", values.join(","))],
        2,
        &["250", "values"],
    );
    assert!(!r.stderr.to_lowercase().contains("select"), "{}", r.stderr);

    let mut args = vec!["list", "agreements"];
    for _ in 0..20_000 {
        args.extend(["--partner", "unicef"]);
    }
    let r = env.fails_unchanged(&args, 2, &["--partner", "250"]);
    assert!(!r.stderr.to_lowercase().contains("select"), "{}", r.stderr);

    let mut args = vec!["export", "agreements"];
    let tags: Vec<String> = (0..600).map(|i| format!("t{i}")).collect();
    for t in &tags {
        args.extend(["--tag", t]);
    }
    env.fails_unchanged(&args, 2, &["--tag", "250"]);

    // Right at the limits, the query runs.
    let terms: Vec<String> = (0..100).map(|i| format!("-word{i}")).collect();
    env.run(&["query", &terms.join(" ")]).ok();
    let values: Vec<String> = (0..250).map(|_| "unicef".to_string()).collect();
    env.run(&["query", &format!("partner:{}", values.join(","))])
        .ok();
    // The largest request within the limits still runs (no SQLite limit is reached).
    let widest = format!("-sdg:{}", vec!["1"; 250].join(","));
    let terms = vec![widest.as_str(); 100].join(" ");
    env.run(&["query", &terms]).ok();
    env.run(&["query", "--partners", &terms]).ok();
}

// ---------------------------------------------------------------------------------------------
// Environment values are checked

#[test]
fn bad_environment_values_exit_2_naming_the_variable() {
    let env = registry();
    let cases: &[(&str, &str)] = &[
        ("MOU_BUSY_TIMEOUT_MS", "2147483648"),
        ("MOU_BUSY_TIMEOUT_MS", "99999999999999999999999"),
        ("MOU_BUSY_TIMEOUT_MS", "abc"),
        ("MOU_BUSY_TIMEOUT_MS", "-5"),
        ("MOU_BUSY_TIMEOUT_MS", "1e3"),
        ("MOU_BUSY_TIMEOUT_MS", "3.5"),
        ("MOU_NOW", "garbage"),
        ("MOU_NOW", "2026-11-29"),
        ("MOU_TODAY", "garbage"),
        ("MOU_MAX_PAGE_COUNT", "abc"),
        ("MOU_MAX_PAGE_COUNT", "-1"),
        ("MOU_MAX_PAGE_COUNT", "0"),
    ];
    for (var, value) in cases {
        for args in [
            &["add", "partner", "Env Org", "--category", "ngo"][..],
            &["list", "partners"][..],
        ] {
            let before = env.snapshot_bytes();
            let r = Run::from_output(env.command().env(var, value).args(args).output().unwrap());
            r.fails(2, &[var, value]);
            assert!(
                env.snapshot_bytes() == before,
                "{var}={value} changed the registry"
            );
        }
    }
    // Good values still work.
    let r = Run::from_output(
        env.command()
            .env("MOU_BUSY_TIMEOUT_MS", "0")
            .env("MOU_NOW", "2026-11-29T12:00:00+02:00")
            .args(["add", "partner", "Env Org", "--category", "ngo"])
            .output()
            .unwrap(),
    );
    r.ok();
    let h = env.run(&["history", "env-org", "--format", "csv"]);
    assert!(h.ok().contains("2026-11-29T10:00:00Z"), "{}", h.stdout);
}

#[test]
fn a_relative_home_or_a_user_that_is_not_utf8_exit_2_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let r = Run::from_output(
        env.command()
            .env_remove("MOU_DB")
            .env("HOME", "relative/home")
            .args(["add", "partner", "Home Org", "--category", "ngo"])
            .output()
            .unwrap(),
    );
    r.fails(2, &["HOME", "relative/home", "absolute"]);
    assert!(!env.path("relative").exists());
    let r = Run::from_output(
        env.command()
            .env("USER", std::ffi::OsStr::from_bytes(b"bad\xffuser"))
            .args(["add", "partner", "User Org", "--category", "ngo"])
            .output()
            .unwrap(),
    );
    r.fails(2, &["USER", "UTF-8"]);
    assert!(!env.db.exists());
}

#[test]
fn a_relative_xdg_data_home_is_ignored() {
    let env = Env::new();
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();
    let r = Run::from_output(
        env.command()
            .env_remove("MOU_DB")
            .env("XDG_DATA_HOME", "relative/data")
            .env("HOME", &home)
            .args(["add", "partner", "Xdg Org", "--category", "ngo"])
            .output()
            .unwrap(),
    );
    r.ok();
    assert!(home.join(".local/share/mou/registry.db").exists());
    assert!(!env.path("relative").exists());
}

// ---------------------------------------------------------------------------------------------
// A registry named but missing

#[test]
fn a_named_registry_that_does_not_exist_is_exit_3_for_reads() {
    let env = Env::new();
    let missing = env.path("typo.db");
    for args in [
        &["list", "partners"][..],
        &["due", "--exit-code"][..],
        &["report"][..],
        &["history", "--verify"][..],
        &["check"][..],
        &["export", "agreements"][..],
        &["query", "status:active"][..],
    ] {
        let mut with_flag = vec!["--db", missing.to_str().unwrap()];
        with_flag.extend_from_slice(args);
        env.run(&with_flag)
            .fails(3, &["no registry at", "typo.db", "mou init"]);
        let r = Run::from_output(
            env.command()
                .env("MOU_DB", &missing)
                .args(args)
                .output()
                .unwrap(),
        );
        r.fails(3, &["no registry at", "typo.db", "mou init"]);
        assert!(!missing.exists(), "{args:?} created the registry");
    }
    // The default location reads as empty, with a note.
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();
    let r = Run::from_output(
        env.command()
            .env_remove("MOU_DB")
            .env("HOME", &home)
            .args(["list", "partners"])
            .output()
            .unwrap(),
    );
    r.ok();
    assert!(r.stderr.contains("no registry"), "{}", r.stderr);
    assert!(!home.join(".local/share/mou/registry.db").exists());
    // A write creates the named registry, as before.
    env.run(&[
        "--db",
        missing.to_str().unwrap(),
        "add",
        "partner",
        "X Org",
        "--category",
        "ngo",
    ])
    .ok();
    env.run(&["--db", missing.to_str().unwrap(), "list", "partners"])
        .ok();
}

#[test]
fn export_to_dash_writes_stdout() {
    let env = registry();
    let r = env.run(&["export", "partners", "-o", "-"]);
    assert!(r.ok().starts_with("key,name"), "{}", r.stdout);
    assert!(!env.path("-").exists());
    let r = env.run(&["export", "partners", "-o", "-", "--format", "json"]);
    assert!(r.ok().trim_start().starts_with('['), "{}", r.stdout);
}

#[test]
fn a_message_that_cannot_be_written_to_stderr_does_not_panic() {
    let env = registry();
    // An error (exit 2), a note on an empty result, and a sentence after a commit, each with
    // stderr going to a full disk: the exit code is the command's own, never a panic (101).
    for (args, want) in [
        (&["show", "no-such-partner"][..], 2),
        (
            &["list", "agreements", "--search", "nothing-matches-this"][..],
            0,
        ),
        (&["check"][..], 0),
    ] {
        let (code, _) = run_into_full(&env, args, true);
        assert_eq!(code, want, "{args:?}");
    }
}

#[test]
fn a_dry_run_or_a_refused_write_leaves_no_registry_behind() {
    let env = Env::new();
    let partners = data_dir().join("partners.csv");
    for args in [
        &[
            "import",
            "partners",
            partners.to_str().unwrap(),
            "--dry-run",
        ][..],
        &["edit", "partner", "nobody", "--note", "x"],
        &["remove", "agreement", "MOU-2026-001"],
    ] {
        env.run(args);
        assert!(!env.db.exists(), "{args:?} left a registry at {:?}", env.db);
        // So a read of the mistyped path still says there is none.
        env.fails_unchanged(&["list", "partners"], 3, &["no registry at"]);
    }
    // A write that succeeds creates it, as before.
    env.run(&["add", "partner", "Kept Org", "--category", "ngo"])
        .ok();
    assert!(env.db.exists());
}
