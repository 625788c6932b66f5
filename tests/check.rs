//! `mou check` agrees with what add and import accept, and finds what was changed behind
//! mou's back (edits made with the sqlite3 shell).

mod common;
use common::*;

/// Runs SQL on the registry with the sqlite3 shell, as someone editing it behind mou's back.
fn sqlite(env: &Env, sql: &str) {
    let out = std::process::Command::new("sqlite3")
        .arg(&env.db)
        .arg(sql)
        .output()
        .expect("the sqlite3 shell");
    assert!(
        out.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A registry with one partner and one MoU, both added through mou.
fn small() -> Env {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Danube Council",
        "--category",
        "religious",
        "--country",
        "AT",
        "--key",
        "danube",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "danube",
        "--signed",
        "2020-01-10",
        "--expires",
        "2030-01-09",
        "--sdg",
        "16",
        "--ref",
        "MOU-2020-001",
    ])
    .ok();
    env
}

#[test]
fn check_passes_a_retroactive_agreement_that_add_accepts() {
    let env = small();
    // Effective before signing: allowed by add (and the README).
    env.run(&[
        "add",
        "mou",
        "--partner",
        "danube",
        "--signed",
        "2021-03-01",
        "--effective",
        "2021-01-01",
        "--expires",
        "2024-12-31",
    ])
    .ok();
    let r = env.run(&["check"]);
    r.ok();
    assert!(!r.stdout.contains("problem:"), "{}", r.stdout);
}

#[test]
fn check_passes_what_mou_wrote_and_the_imported_sample() {
    small().run(&["check"]).ok();
    let r = Env::sample().run(&["check"]);
    assert!(!r.stdout.contains("problem:"), "{}", r.stdout);
}

#[test]
fn check_finds_bad_sdgs_written_behind_mous_back() {
    let env = small();
    sqlite(&env, "UPDATE agreement SET sdgs = '99;abc'");
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("MOU-2020-001") && r.stdout.contains("sdgs"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("99;abc"), "{}", r.stdout);
}

#[test]
fn check_finds_a_bad_country_written_behind_mous_back() {
    let env = small();
    sqlite(&env, "UPDATE partner SET country = 'zz'");
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("danube") && r.stdout.contains("country"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("zz"), "{}", r.stdout);
}

#[test]
fn check_finds_a_blob_date_written_behind_mous_back() {
    let env = small();
    sqlite(
        &env,
        "UPDATE agreement SET expires_on = CAST('2021-01-09' AS BLOB)",
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("expires_on"), "{}", r.stdout);
    assert!(r.stdout.contains("not ISO"), "{}", r.stdout);
}

#[test]
fn check_finds_a_bad_kind_key_and_notice_written_behind_mous_back() {
    let env = small();
    // Vocabularies and key shape: CHECK constraints are bypassed with ignore_check_constraints.
    sqlite(
        &env,
        "PRAGMA ignore_check_constraints = ON; UPDATE agreement SET kind = 'treaty', notice_days = 'soon';
         UPDATE partner SET key = 'Danube Council!', category = 'church';",
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    for needle in [
        "treaty",
        "kind",
        "soon",
        "notice_days",
        "Danube Council!",
        "church",
    ] {
        assert!(r.stdout.contains(needle), "lacks {needle}: {}", r.stdout);
    }
    // The other commands still read such rows (as text), never fail on them.
    env.run(&["list", "agreements"]).ok();
    env.run(&["list", "partners"]).ok();
}

#[test]
fn check_finds_a_stale_normalized_name_and_a_record_changed_outside_mou() {
    let env = small();
    sqlite(&env, "UPDATE partner SET name = 'Nile Forum'");
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("normalized"), "{}", r.stdout);
    assert!(r.stdout.contains("changed outside mou"), "{}", r.stdout);
    // The name no longer finds it, and its old name blocks a new partner...
    env.run(&["show", "Nile Forum"]).fails(2, &["Nile Forum"]);
    // ...until an edit rewrites the normalized forms (even one that changes nothing else).
    env.run(&["edit", "partner", "danube", "--name", "Nile Forum"])
        .ok();
    env.run(&["show", "Nile Forum"]).ok();
    env.run(&["add", "partner", "Danube Council", "--category", "ngo"])
        .ok();
    env.run(&["check"]).ok();
}

#[test]
fn check_finds_an_agreement_changed_outside_mou() {
    let env = small();
    // A valid value, but not one mou wrote.
    sqlite(&env, "UPDATE agreement SET title = 'Quietly renamed'");
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("MOU-2020-001") && r.stdout.contains("changed outside mou"),
        "{}",
        r.stdout
    );
    // What mou itself changes is not reported.
    let env = small();
    env.run(&[
        "edit",
        "agreement",
        "MOU-2020-001",
        "--title",
        "Renamed by mou",
    ])
    .ok();
    env.run(&["terminate", "MOU-2020-001", "--on", "2025-01-01"])
        .ok();
    env.run(&["edit", "partner", "danube", "--key", "dic"]).ok();
    // A new ref is followed by the agreement renewing it, with a history row of its own.
    env.run(&[
        "renew",
        "MOU-2020-001",
        "--term",
        "1y",
        "--signed",
        "2024-06-01",
    ])
    .ok();
    env.run(&["edit", "agreement", "MOU-2020-001", "--ref", "MOU-2020-100"])
        .ok();
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-2024-001"]).ok()).unwrap();
    assert_eq!(v["renews"], "MOU-2020-100");
    env.run(&["check"]).ok();
}

#[test]
fn check_reports_blobs_where_text_belongs_and_never_fails_on_them() {
    let env = small();
    sqlite(
        &env,
        "UPDATE partner SET name = CAST('Zed' AS BLOB);
         UPDATE agreement SET ref = CAST('MOU-2020-001' AS BLOB), renews = CAST('X-1' AS BLOB);",
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    for needle in [
        "partner danube: name holds a BLOB",
        "ref holds a BLOB",
        "renews holds a BLOB",
    ] {
        assert!(r.stdout.contains(needle), "lacks {needle}: {}", r.stdout);
    }
    env.run(&["list", "agreements"]).ok();
    env.run(&["show", "danube"]).ok();
}

/// `small()` with a series of two engagements, added through mou: ENG-2020-001 held under
/// MOU-2020-001, and ENG-2020-002 part of it.
fn with_engagements() -> Env {
    let env = small();
    for args in [
        &["--agreement", "MOU-2020-001"][..],
        &["--part-of", "ENG-2020-001"][..],
    ] {
        let mut a = vec![
            "add",
            "engagement",
            "Workshop",
            "--on",
            "2020-02-01",
            "--partner",
            "danube",
        ];
        a.extend_from_slice(args);
        env.run(&a).ok();
    }
    env
}

#[test]
fn check_passes_engagements_that_mou_wrote() {
    let r = with_engagements().run(&["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("problem:"), "{}", r.stdout);
}

#[test]
fn check_finds_engagement_values_mou_would_refuse() {
    let env = with_engagements();
    sqlite(
        &env,
        "PRAGMA ignore_check_constraints = ON;
         UPDATE engagement SET kind = 'party', participants = -3 WHERE ref = 'ENG-2020-001';
         UPDATE engagement SET ends_on = '2020-01-01' WHERE ref = 'ENG-2020-002';",
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines = |needle: &str| r.stdout.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(
        lines("engagement ENG-2020-001: kind holds 'party'"),
        1,
        "{}",
        r.stdout
    );
    assert_eq!(
        lines("engagement ENG-2020-001: participants holds the number -3"),
        1,
        "{}",
        r.stdout
    );
    assert_eq!(
        lines("engagement ENG-2020-002: invalid ends_on '2020-01-01'"),
        1,
        "{}",
        r.stdout
    );
}

#[test]
fn check_finds_dangling_engagement_links() {
    let env = with_engagements();
    sqlite(
        &env,
        "PRAGMA foreign_keys = OFF;
         UPDATE engagement SET agreement_id = 999 WHERE ref = 'ENG-2020-001';
         UPDATE engagement_partner SET partner_id = 777;
         UPDATE engagement SET part_of_id = 555 WHERE ref = 'ENG-2020-002';",
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    for needle in [
        "engagement ENG-2020-001: it is held under agreement #999, which does not exist",
        "engagement ENG-2020-001: its partner #777 does not exist",
        "engagement ENG-2020-002: its partner #777 does not exist",
        "engagement ENG-2020-002: it is part of engagement #555, which does not exist",
    ] {
        assert!(r.stdout.contains(needle), "{needle}\n{}", r.stdout);
    }
}

#[test]
fn check_finds_a_series_loop_once() {
    let env = with_engagements();
    sqlite(
        &env,
        "UPDATE engagement SET part_of_id = (SELECT id FROM engagement WHERE ref = 'ENG-2020-002')
           WHERE ref = 'ENG-2020-001';",
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let loops: Vec<&str> = r.stdout.lines().filter(|l| l.contains("loops")).collect();
    assert_eq!(
        loops,
        ["problem: engagement ENG-2020-001: its series loops (ENG-2020-001 -> ENG-2020-002 -> ENG-2020-001); `mou edit engagement REF --clear part_of` breaks it"],
        "{}",
        r.stdout
    );
}
