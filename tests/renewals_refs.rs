//! Renewals and refs: renewal chains and the renewal rule (no loops, no second renewal), refs
//! never given out twice, refs the same once normalized, refs kept through upgrades.

mod common;
use common::*;

#[test]
fn renew_builds_a_chain_and_show_prints_it() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Danube Interfaith Council",
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
        "2014-03-10",
        "--expires",
        "2017-03-09",
        "--ref",
        "MOU-2014-001",
    ])
    .ok();
    let r = env.run(&[
        "renew",
        "MOU-2014-001",
        "--term",
        "3y",
        "--signed",
        "2017-02-01",
    ]);
    assert_eq!(r.ok().trim(), "MOU-2017-001");
    let r = env.run(&[
        "renew",
        "mou-2017-001",
        "--expires",
        "2030-03-09",
        "--signed",
        "2020-03-10",
    ]);
    assert_eq!(r.ok().trim(), "MOU-2020-001");
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-2017-001"]).ok()).unwrap();
    assert_eq!(v["renews"], "MOU-2014-001");
    assert_eq!(
        v["effective_on"], "2017-03-10",
        "a renewal continues the day after the old one ends"
    );
    assert_eq!(v["expires_on"], "2020-03-09");
    let chain: Vec<&str> = v["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ref"].as_str().unwrap())
        .collect();
    assert_eq!(chain, ["MOU-2014-001", "MOU-2017-001", "MOU-2020-001"]);
    // Renewing an agreement that was already renewed is refused.
    env.fails_unchanged(
        &["renew", "MOU-2014-001", "--term", "1y"],
        2,
        &["already renewed by MOU-2017-001"],
    );
    insta::assert_snapshot!(
        "show_agreement_chain",
        env.run(&["show", "MOU-2017-001"]).ok()
    );
}

#[test]
fn renewing_an_open_ended_agreement_ends_it_the_day_before() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Nile Basin Forum",
        "--category",
        "ngo",
        "--key",
        "nile",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "nile",
        "--signed",
        "2018-05-02",
        "--ref",
        "MOU-2018-001",
    ])
    .ok();
    // A renewal signed before the old one takes effect would leave it no time: refused.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "nile",
        "--signed",
        "2018-01-01",
        "--effective",
        "2019-01-01",
        "--ref",
        "MOU-2018-002",
    ])
    .ok();
    env.fails_unchanged(
        &[
            "renew",
            "MOU-2018-002",
            "--term",
            "2y",
            "--signed",
            "2018-06-01",
        ],
        2,
        &["MOU-2018-002 is open-ended and cannot end before 2019-01-01"],
    );
    // Backdated (in effect before it was signed): it cannot end before its signing.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "nile",
        "--signed",
        "2026-03-01",
        "--effective",
        "2026-01-01",
        "--ref",
        "MOU-2026-001",
    ])
    .ok();
    env.fails_unchanged(
        &[
            "renew",
            "MOU-2026-001",
            "--term",
            "1y",
            "--signed",
            "2026-03-01",
        ],
        2,
        &["MOU-2026-001 is open-ended and cannot end before 2026-03-01"],
    );
    let r = env.run(&[
        "renew",
        "MOU-2018-001",
        "--term",
        "3y",
        "--signed",
        "2025-06-01",
    ]);
    assert_eq!(r.ok().trim(), "MOU-2025-001");
    assert!(
        r.stderr.contains("MOU-2018-001 now expires on 2025-05-31"),
        "{}",
        r.stderr
    );
    let show = |r: &str| -> serde_json::Value {
        serde_json::from_str(
            env.run(&["--format", "json", "--as-of", "2025-07-01", "show", r])
                .ok(),
        )
        .unwrap()
    };
    let old = show("MOU-2018-001");
    assert_eq!(old["expires_on"], "2025-05-31");
    assert_eq!(
        old["status"], "expired",
        "only the renewal is active after it takes effect"
    );
    assert_eq!(show("MOU-2025-001")["status"], "active");
    // The change to the old agreement is in its history.
    let h = env.run(&["history", "--format", "csv"]).ok().to_string();
    assert!(
        h.lines()
            .any(|l| l.contains(",edit,agreement,") && l.contains("MOU-2018-001")),
        "{h}"
    );
}

/// Two partners-free helpers for the renewal, ref and mark tests: one partner, `danube`.
fn with_partner() -> Env {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Danube Council",
        "--category",
        "religious",
        "--key",
        "danube",
    ])
    .ok();
    env
}

fn add_mou(env: &Env, signed: &str, extra: &[&str]) -> String {
    let mut args = vec!["add", "mou", "--partner", "danube", "--signed", signed];
    args.extend_from_slice(extra);
    env.run(&args).ok().trim().to_string()
}

#[test]
fn renewal_loops_and_second_renewals_are_refused_by_edit_renew_and_add() {
    let env = with_partner();
    let a = add_mou(&env, "2016-01-10", &["--expires", "2019-01-09"]);
    let b = env
        .run(&["renew", &a, "--term", "3y", "--signed", "2018-12-01"])
        .ok()
        .trim()
        .to_string();
    assert_eq!((a.as_str(), b.as_str()), ("MOU-2016-001", "MOU-2018-001"));
    // A loop: A renews B, which renews A.
    env.fails_unchanged(
        &["edit", "agreement", &a, "--renews", &b],
        2,
        &["loop", "MOU-2016-001 -> MOU-2018-001 -> MOU-2016-001"],
    );
    // A second renewal of A, by edit and by add.
    let c = add_mou(&env, "2019-02-01", &[]);
    env.fails_unchanged(
        &["edit", "agreement", &c, "--renews", &a],
        2,
        &["MOU-2016-001", "already renewed by MOU-2018-001"],
    );
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2019-03-01",
            "--renews",
            &a,
        ],
        2,
        &["already renewed by MOU-2018-001"],
    );
    // Editing the renewal itself (its renews unchanged) is fine.
    env.run(&["edit", "agreement", &b, "--title", "Second term"])
        .ok();
    env.run(&["edit", "agreement", &b, "--renews", &a]).ok();
    env.run(&["check"]).ok();
}

#[test]
fn import_refuses_rows_that_renew_each_other_or_the_same_agreement() {
    let env = with_partner();
    add_mou(&env, "2016-01-10", &["--expires", "2019-01-09"]);
    let head = "ref,kind,parties,signed_on,renews\n";
    let loop_file = env.write(
        "loop.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,MOU-2020-002\nMOU-2020-002,mou,danube,2020-02-01,MOU-2020-001\n"),
    );
    env.fails_unchanged(
        &["import", "agreements", loop_file.to_str().unwrap()],
        2,
        &["MOU-2020-001 -> MOU-2020-002 -> MOU-2020-001"],
    );
    let twice = env.write(
        "twice.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,MOU-2016-001\nMOU-2020-002,mou,danube,2020-02-01,MOU-2016-001\n"),
    );
    env.fails_unchanged(
        &["import", "agreements", twice.to_str().unwrap()],
        2,
        &["MOU-2016-001", "MOU-2020-001", "MOU-2020-002"],
    );
    // A row renewing an agreement that the registry already has renewed.
    env.run(&[
        "renew",
        "MOU-2016-001",
        "--term",
        "1y",
        "--signed",
        "2019-01-01",
    ])
    .ok();
    let again = env.write(
        "again.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,mou-2016-001\n"),
    );
    env.fails_unchanged(
        &["import", "agreements", again.to_str().unwrap()],
        2,
        &["MOU-2016-001", "already renewed by MOU-2019-001"],
    );
    // A chain within one file is fine.
    let chain = env.write(
        "chain.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,MOU-2019-001\nMOU-2021-001,mou,danube,2021-01-01,MOU-2020-001\n"),
    );
    env.run(&["import", "agreements", chain.to_str().unwrap()])
        .ok();
}

#[test]
fn refs_of_removed_agreements_are_never_given_out_again() {
    let env = with_partner();
    for _ in 0..6 {
        add_mou(&env, "2026-01-10", &[]);
    }
    env.run(&["remove", "agreement", "MOU-2026-006"]).ok();
    assert_eq!(add_mou(&env, "2026-02-10", &[]), "MOU-2026-007");
    // A ref given explicitly in the generated shape raises the mark too.
    add_mou(&env, "2026-03-10", &["--ref", "mou-2026-020"]);
    env.run(&["remove", "agreement", "MOU-2026-020"]).ok();
    assert_eq!(add_mou(&env, "2026-04-10", &[]), "MOU-2026-021");
    // So does an import.
    let f = env.write(
        "a.csv",
        "ref,kind,parties,signed_on\nLOI-2026-040,loi,danube,2026-01-01\n",
    );
    env.run(&["import", "agreements", f.to_str().unwrap()]).ok();
    env.run(&["remove", "agreement", "LOI-2026-040"]).ok();
    let r = env.run(&[
        "add",
        "agreement",
        "--kind",
        "loi",
        "--partner",
        "danube",
        "--signed",
        "2026-05-01",
    ]);
    assert_eq!(r.ok().trim(), "LOI-2026-041");
    // A renamed ref stays taken as well.
    env.run(&["edit", "agreement", "MOU-2026-021", "--ref", "SPECIAL-1"])
        .ok();
    assert_eq!(add_mou(&env, "2026-06-10", &[]), "MOU-2026-022");
    // A ref of that shape once normalized (full-width letters) counts as well.
    add_mou(
        &env,
        "2026-07-10",
        &["--ref", "\u{ff2d}\u{ff2f}\u{ff35}-2026-030"],
    );
    assert_eq!(add_mou(&env, "2026-08-10", &[]), "MOU-2026-031");
}

#[test]
fn an_existing_registry_upgrades_and_seeds_the_marks_from_history() {
    let env = with_partner();
    for _ in 0..3 {
        add_mou(&env, "2026-01-10", &[]);
    }
    env.run(&["remove", "agreement", "MOU-2026-003"]).ok();
    // Back to the first schema, as a registry written by the previous version would be.
    let out = std::process::Command::new("sqlite3")
        .arg(&env.db)
        .arg(
            "DROP TABLE engagement_partner; DROP TABLE engagement; DROP TABLE contact;
             ALTER TABLE partner DROP COLUMN public;
             ALTER TABLE history DROP COLUMN digest; ALTER TABLE history DROP COLUMN sealed;
             DROP TABLE IF EXISTS ref_mark; DROP INDEX IF EXISTS agreement_ref;
             ALTER TABLE agreement DROP COLUMN ref_norm;
             CREATE UNIQUE INDEX agreement_ref ON agreement (ref); PRAGMA user_version = 1;",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(add_mou(&env, "2026-02-10", &[]), "MOU-2026-004");
    env.run(&["check"]).ok();
    env.run(&["history", "--verify"]).ok();
}

#[test]
fn refs_are_unique_and_found_once_normalized() {
    let env = with_partner();
    add_mou(&env, "2026-01-10", &["--ref", "MOU-\u{c9}"]);
    // The same ref in NFD, in full-width letters, with a zero-width space, in lower case.
    for r in [
        "MOU-E\u{301}",
        "\u{ff2d}\u{ff2f}\u{ff35}-\u{c9}",
        "MOU-\u{200b}\u{c9}",
        "mou-\u{e9}",
    ] {
        env.fails_unchanged(
            &[
                "add",
                "mou",
                "--partner",
                "danube",
                "--signed",
                "2026-01-10",
                "--ref",
                r,
            ],
            2,
            &["another agreement has this ref"],
        );
        let v: serde_json::Value =
            serde_json::from_str(env.run(&["--format", "json", "show", r]).ok()).unwrap();
        assert_eq!(v["ref"], "MOU-\u{c9}");
    }
    add_mou(&env, "2026-01-10", &["--ref", "MOU-1"]);
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2026-01-10",
            "--ref",
            "\u{ff2d}\u{ff2f}\u{ff35}-1",
        ],
        2,
        &["another agreement has this ref"],
    );
    env.fails_unchanged(
        &["edit", "agreement", "MOU-1", "--ref", "MOU-E\u{301}"],
        2,
        &["another agreement has this ref"],
    );
    let f = env.write(
        "a.csv",
        "ref,kind,parties,signed_on\nmou-e\u{301},mou,danube,2026-01-01\n",
    );
    env.fails_unchanged(
        &["import", "agreements", f.to_str().unwrap()],
        2,
        &["exists with other values"],
    );
}

#[test]
fn a_bulk_import_finds_refs_repeated_once_normalized() {
    use std::io::Write;
    let env = with_partner();
    let f = env.path("big.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
    writeln!(w, "ref,kind,title,parties,signed_on").unwrap();
    let (mut written, mut i) = (0, 0);
    while written < (4 << 20) + 10_000 {
        let r = match i {
            3 => "BULK-\u{c9}".to_string(),
            9_000 => "bulk-E\u{301}".to_string(),
            _ => format!("BULK-{i:07}"),
        };
        let line = format!(
            "{r},mou,\"Programme {i}, a long enough title for a large file\",danube,2020-01-01\n"
        );
        written += line.len();
        w.write_all(line.as_bytes()).unwrap();
        i += 1;
    }
    w.flush().unwrap();
    drop(w);
    let r = env.run(&["import", "agreements", f.to_str().unwrap()]);
    r.fails(2, &["line 9002, column ref", "appears more than once"]);
    assert_eq!(env.run(&["report", "count"]).ok().trim(), "0");
}

#[test]
fn an_upgrade_keeps_refs_that_are_the_same_once_normalized_and_check_lists_them() {
    let env = with_partner();
    add_mou(&env, "2026-01-10", &["--ref", "MOU-\u{c9}"]);
    // The first schema told MOU-É in NFC and in NFD apart; a registry may hold both.
    let out = std::process::Command::new("sqlite3")
        .arg(&env.db)
        .arg(
            "DROP TABLE engagement_partner; DROP TABLE engagement; DROP TABLE contact;
             ALTER TABLE partner DROP COLUMN public;
             ALTER TABLE history DROP COLUMN digest; ALTER TABLE history DROP COLUMN sealed;
             DROP TABLE IF EXISTS ref_mark; DROP INDEX IF EXISTS agreement_ref;
             ALTER TABLE agreement DROP COLUMN ref_norm;
             CREATE UNIQUE INDEX agreement_ref ON agreement (ref); PRAGMA user_version = 1;
             INSERT INTO agreement (ref, kind, title, signed_on, effective_on, created_at, updated_at)
               SELECT 'MOU-E' || char(769), kind, 'second', signed_on, effective_on, created_at, updated_at
               FROM agreement;
             INSERT INTO agreement_party SELECT max(id), 0, 1 FROM agreement;",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("the same as MOU-\u{c9}'s once normalized"),
        "{}",
        r.stdout
    );
    // The ref finds the first; the second is named by id and renamed.
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-E\u{301}"]).ok()).unwrap();
    assert_eq!(v["title"], "");
    env.run(&["edit", "agreement", "2", "--ref", "MOU-E-2"])
        .ok();
    env.run(&["check"]).ok();
}

/// A ref with a sequence number too large to be generated is a ref of its own: the next
/// generated ref never runs into it, and a refless import row is never matched to it.
#[test]
fn a_huge_sequence_number_never_collides_with_a_generated_ref() {
    let env = with_partner();
    add_mou(
        &env,
        "2026-03-01",
        &["--ref", "MOU-2026-4294967295", "--title", "Original"],
    );
    add_mou(&env, "2026-03-02", &["--ref", "MOU-2026-4294967296"]);
    assert_eq!(add_mou(&env, "2026-05-01", &[]), "MOU-2026-001");
    let f = env.write(
        "nr.csv",
        "parties,kind,signed_on,title\ndanube,mou,2026-02-02,New one\n",
    );
    let r = env.run(&["import", "agreements", f.to_str().unwrap(), "--update"]);
    assert!(r.stderr.contains("1 added"), "{}", r.stderr);
    let shown = env.run(&["show", "MOU-2026-4294967295", "--format", "json"]);
    assert!(shown.ok().contains("\"Original\""), "{}", shown.stdout);
    // The last generated number taken: a clear error, not a collision.
    add_mou(&env, "2027-06-01", &["--ref", "MOU-2027-999999"]);
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2027-07-01",
        ],
        2,
        &["no generated ref is left for MOU-2027-", "--ref"],
    );
}

/// Refs compare digits of any script as ASCII ones, as names do.
#[test]
fn a_ref_in_arabic_indic_digits_is_the_same_ref() {
    let env = with_partner();
    add_mou(&env, "2014-03-01", &["--ref", "MOU-2014-001"]);
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2014-04-01",
            "--ref",
            "MOU-٢٠١٤-٠٠١",
        ],
        2,
        &["MOU-٢٠١٤-٠٠١"],
    );
    let shown = env.run(&["show", "MOU-٢٠١٤-٠٠١", "--format", "json"]);
    assert!(shown.ok().contains("\"MOU-2014-001\""), "{}", shown.stdout);
    // And a ref written in them raises the mark of its shape.
    add_mou(&env, "2015-03-01", &["--ref", "MOU-٢٠١٥-٠٠٧"]);
    assert_eq!(add_mou(&env, "2015-04-01", &[]), "MOU-2015-008");
}
