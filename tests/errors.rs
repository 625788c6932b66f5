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
