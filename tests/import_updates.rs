//! `mou import` over records that exist: idempotence, `--update`, `--dry-run`,
//! `--create-partners`, conflicts with changes made after the export.

mod common;
use common::import::*;
use common::*;

use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// 3. Idempotence, --update, --dry-run

#[test]
fn reimporting_changes_nothing() {
    let env = Env::sample();
    let agreements = export(&env, "agreements");
    let partners = export(&env, "partners");
    let history = env.run(&["history", "--format", "csv"]).ok().to_string();
    for (what, file, n) in [
        ("partners", "partners.csv", 19),
        ("agreements", "agreements.csv", 30),
    ] {
        let r = env.run(&["import", what, p(&data_dir().join(file))]);
        r.ok();
        assert!(
            r.stderr
                .contains(&format!("0 added, 0 updated, {n} unchanged")),
            "{}",
            r.stderr
        );
    }
    assert_eq!(export(&env, "agreements"), agreements);
    assert_eq!(export(&env, "partners"), partners);
    assert_eq!(
        env.run(&["history", "--format", "csv"]).ok(),
        history,
        "nothing added, nothing recorded"
    );
    // Its own export is also unchanged on import.
    let f = env.write("export.csv", &agreements);
    let r = env.run(&["import", "agreements", p(&f)]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 0 updated, 30 unchanged"),
        "{}",
        r.stderr
    );
    assert_eq!(export(&env, "agreements"), agreements);
}

#[test]
fn a_changed_row_needs_update_and_is_recorded() {
    let env = Env::sample();
    let header = "ref,kind,title,parties,signed_on,effective_on,expires_on,terminated_on,notice_days,renews,sdgs,tags,notes,document";
    let row = "MOU-2024-001,mou,Student exchange on religious literacy (extended),sindiyan-univ,2024-02-01,2024-02-01,2028-01-31,,,,4,education;youth,,docs/mou-2024-001.pdf";
    let f = env.write("change.csv", &format!("{header}\n{row}\n"));
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &["line 2", "MOU-2024-001", "--update"],
    );
    let before = agreement(&env, "MOU-2024-001");
    assert_eq!(before["expires_on"], "2027-01-31");

    // --dry-run --update says what would happen and writes nothing.
    let bytes = env.snapshot_bytes();
    let r = env.run(&["import", "agreements", p(&f), "--update", "--dry-run"]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 1 updated, 0 unchanged"),
        "{}",
        r.stderr
    );
    assert!(env.snapshot_bytes() == bytes, "--dry-run wrote");

    let r = env.run(&["import", "agreements", p(&f), "--update"]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 1 updated, 0 unchanged"),
        "{}",
        r.stderr
    );
    let after = agreement(&env, "MOU-2024-001");
    assert_eq!(after["expires_on"], "2028-01-31");
    assert_eq!(
        after["title"],
        "Student exchange on religious literacy (extended)"
    );
    assert_eq!(after["created_at"], before["created_at"]);
    assert_eq!(after["updated_at"], NOW);
    let h = json(
        env.run(&["--format", "json", "history", "MOU-2024-001"])
            .ok(),
    );
    let last = h.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "edit");
    assert_eq!(last["actor"], "tester");
    let b = last["before"].clone();
    let a = last["after"].clone();
    assert_eq!(b["expires_on"], "2027-01-31");
    assert_eq!(a["expires_on"], "2028-01-31");
    assert_eq!(b["title"], "Student exchange on religious literacy");
    // Importing it again changes nothing.
    let r = env.run(&["import", "agreements", p(&f), "--update"]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{}",
        r.stderr
    );
    env.run(&["history", "--verify"]).ok();

    // A partner, likewise.
    let f = env.write(
        "p.csv",
        "key,name,category,country\nvids,Vienna Institute for Dialogue Studies,academic,DE\n",
    );
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["vids", "--update"]);
    let r = env.run(&["import", "partners", p(&f), "--update"]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 1 updated, 0 unchanged"),
        "{}",
        r.stderr
    );
    let v = json(env.run(&["--format", "json", "show", "vids"]).ok());
    assert_eq!(v["country"], "DE");
}

#[test]
fn dry_run_writes_nothing() {
    let env = Env::sample();
    let f = env.write(
        "new.csv",
        "ref,kind,parties,signed_on\nNEW-1,mou,unicef,2026-11-01\nNEW-2,loi,vids,2026-11-02\n",
    );
    let bytes = env.snapshot_bytes();
    let r = env.run(&["import", "agreements", p(&f), "--dry-run"]);
    r.ok();
    assert!(r.stderr.contains("dry run"), "{}", r.stderr);
    assert!(r.stderr.contains("2 added, 0 updated"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(env.snapshot_bytes() == bytes, "--dry-run wrote");
    env.run(&["show", "NEW-1"]).fails(2, &["NEW-1"]);
    // A dry run of a bad file fails as the real run would.
    let f = env.write("bad.csv", "ref,parties\nNEW-3,nobody-here\n");
    env.fails_unchanged(
        &["import", "agreements", p(&f), "--dry-run"],
        2,
        &["line 2, column parties"],
    );

    // On the bulk path too (more than 4 MiB into a small registry), to the last byte.
    let env = Env::new();
    partners_only(&env);
    let big = env.path("big.csv");
    let rows = big_agreements(&big, (4 << 20) + 1000, &[]);
    let bytes = env.snapshot_bytes();
    let r = env.run(&["import", "agreements", p(&big), "--dry-run"]);
    r.ok();
    assert!(r.stderr.contains(&format!("{rows} added")), "{}", r.stderr);
    assert!(env.snapshot_bytes() == bytes, "a bulk --dry-run wrote");
}

// ---------------------------------------------------------------------------------------------
// 4. --create-partners

#[test]
fn create_partners_with_a_category_column() {
    let env = Env::sample();
    let csv = "ref,kind,parties,signed_on,partner_category,partner_country\n\
               NEW-1,mou,Harbour Youth Forum;unicef,2026-10-01,grassroots,KE\n\
               NEW-2,mou,مؤسسة الجسر,2026-10-02,ngo,\n\
               NEW-3,loi,harbour youth forum,2026-10-03,ngo,\n";
    let f = env.write("a.csv", csv);
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &["line 2, column parties", "Harbour Youth Forum", "line 3"],
    );
    let r = env.run(&["import", "agreements", p(&f), "--create-partners"]);
    r.ok();
    assert!(r.stderr.contains("3 added"), "{}", r.stderr);
    let v = json(
        env.run(&["--format", "json", "show", "Harbour Youth Forum"])
            .ok(),
    );
    assert_eq!(v["category"], "grassroots");
    assert_eq!(v["country"], "KE");
    let key = v["key"].as_str().unwrap().to_string();
    assert_eq!(
        agreement(&env, "NEW-1")["parties"],
        serde_json::json!([key, "unicef"])
    );
    // The second mention, in another case, names the partner the first one created.
    assert_eq!(
        agreement(&env, "NEW-3")["parties"],
        serde_json::json!([key])
    );
    let v = json(env.run(&["--format", "json", "show", "مؤسسة الجسر"]).ok());
    assert_eq!(v["category"], "ngo");
    assert_eq!(v["country"], Value::Null);
    assert_eq!(
        json(env.run(&["--format", "json", "list", "partners"]).ok())
            .as_array()
            .unwrap()
            .len(),
        21
    );

    // Without the column it is an error, even for rows whose parties all exist.
    let env = Env::sample();
    let f = env.write(
        "a.csv",
        "ref,parties,signed_on\nNEW-1,Someone New,2026-10-01\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f), "--create-partners"],
        2,
        &["partner_category"],
    );
    // A bad category for a partner to be created names the column.
    let f = env.write(
        "a.csv",
        "ref,parties,signed_on,partner_category\nNEW-1,Someone New,2026-10-01,club\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f), "--create-partners"],
        2,
        &["line 2, column partner_category", "club"],
    );
}

#[test]
fn an_update_stamps_now_and_names_the_fields_that_change() {
    let env = Env::sample();
    let exported = export(&env, "agreements");
    let row = exported
        .lines()
        .find(|l| l.starts_with("MOU-2024-001,"))
        .unwrap()
        .to_string();
    let changed = row
        .replace(
            "Student exchange on religious literacy",
            "Student exchange (extended)",
        )
        .replace("2027-01-31", "2028-01-31");
    assert_ne!(changed, row);
    let header = exported.lines().next().unwrap();
    let f = env.write("u.csv", &format!("{header}\n{changed}\n"));
    let later = "2026-12-01T08:00:00Z";
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "agreements", p(&f)];
        args.extend(extra);
        let o = env
            .command()
            .env("MOU_NOW", later)
            .args(&args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // Without --update the refusal names the fields, with both values.
    let (code, err) = run(&[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("title: 'Student exchange on religious literacy' in the registry, 'Student exchange (extended)' in the file; expires_on: '2027-01-31' in the registry, '2028-01-31' in the file"), "{err}");
    let bytes = env.snapshot_bytes();
    let (code, err) = run(&["--update", "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("would update MOU-2024-001: title, expires_on\n"),
        "{err}"
    );
    assert!(env.snapshot_bytes() == bytes, "--dry-run wrote");
    let (code, err) = run(&["--update"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("update MOU-2024-001: title, expires_on\n"),
        "{err}"
    );
    assert!(!err.contains("would"), "{err}");
    let g = agreement(&env, "MOU-2024-001");
    assert_eq!(g["expires_on"], "2028-01-31");
    assert_eq!(
        g["updated_at"], later,
        "the update's own time, not the file's"
    );
    assert_eq!(g["created_at"], NOW);

    // A partner too.
    let partners = export(&env, "partners");
    let prow = partners.lines().find(|l| l.starts_with("unicef,")).unwrap();
    let f = env.write(
        "p.csv",
        &format!(
            "{}\n{}\n",
            partners.lines().next().unwrap(),
            prow.replace(",intergovernmental,,", ",intergovernmental,CH,")
        ),
    );
    let o = env
        .command()
        .env("MOU_NOW", later)
        .args(["import", "partners", p(&f), "--update"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("update partner unicef: country\n"), "{err}");
    let v = json(env.run(&["--format", "json", "show", "unicef"]).ok());
    assert_eq!(v["updated_at"], later);
}

#[test]
fn a_record_changed_after_the_export_is_a_conflict_unless_force() {
    let env = Env::sample();
    let exported = export(&env, "agreements"); // every updated_at is NOW
    let partners = export(&env, "partners");
    // Edited in the registry after the export...
    let later = "2026-11-30T09:00:00Z";
    let edit = |args: &[&str]| {
        let o = env
            .command()
            .env("MOU_NOW", later)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    edit(&[
        "edit",
        "agreement",
        "MOU-2024-001",
        "--note",
        "changed in the registry",
    ]);
    edit(&[
        "edit",
        "partner",
        "unicef",
        "--website",
        "https://example.org",
    ]);
    // ...and in the exported file.
    let header = exported.lines().next().unwrap();
    let row = exported
        .lines()
        .find(|l| l.starts_with("MOU-2024-001,"))
        .unwrap()
        .replace("2027-01-31", "2028-01-31");
    let f = env.write("old.csv", &format!("{header}\n{row}\n"));
    let r = env.fails_unchanged(
        &["import", "agreements", p(&f), "--update"],
        2,
        &["line 2", "MOU-2024-001", later, NOW, "--force"],
    );
    assert!(r.stderr.contains("conflict"), "{}", r.stderr);
    let prow = partners
        .lines()
        .find(|l| l.starts_with("unicef,"))
        .unwrap()
        .replace(",intergovernmental,,", ",intergovernmental,CH,");
    let pf = env.write(
        "oldp.csv",
        &format!("{}\n{prow}\n", partners.lines().next().unwrap()),
    );
    env.fails_unchanged(
        &["import", "partners", p(&pf), "--update"],
        2,
        &["partner unicef", later, NOW, "--force"],
    );
    // --force overwrites the registry's change with the file's values.
    let r = env.run(&["import", "agreements", p(&f), "--update", "--force"]);
    r.ok();
    assert!(
        r.stderr.contains("update MOU-2024-001: expires_on, notes"),
        "{}",
        r.stderr
    );
    let g = agreement(&env, "MOU-2024-001");
    assert_eq!(g["expires_on"], "2028-01-31");
    assert!(g["notes"].is_null(), "{g}");
    assert_eq!(g["updated_at"], NOW);
    env.run(&["import", "partners", p(&pf), "--update", "--force"])
        .ok();
    // --force without --update is a usage error.
    env.fails_unchanged(&["import", "partners", p(&pf), "--force"], 2, &["--update"]);
}

#[test]
fn exists_with_other_values_names_each_field_and_both_values() {
    let env = Env::new();
    let long = "x".repeat(300);
    let f = env.write(
        "p.csv",
        "key,name,category,country,notes\nsindiyan,Oak Valley University,academic,LB,short\n",
    );
    env.run(&["import", "partners", p(&f)]).ok();
    let f = env.write(
        "p2.csv",
        &format!(
            "key,name,category,country,notes\nsindiyan,Oak Valley University,academic,SY,\"{long}\u{7}\"\n"
        ),
    );
    let r = env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &[
            "partner sindiyan exists with other values",
            "country: 'LB' in the registry, 'SY' in the file",
            "notes: 'short' in the registry, 'xxxx",
            "…",
            "--update",
        ],
    );
    assert!(
        !r.stderr.contains(&long),
        "a long value is cut:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\u{7}'),
        "control characters are escaped"
    );

    partners_only(&env);
    let f = env.write("a.csv", "ref,parties,title\nE-1,unicef,Old title\n");
    env.run(&["import", "agreements", p(&f)]).ok();
    let f = env.write("a2.csv", "ref,parties,title\nE-1,unicef,New title\n");
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &[
            "E-1 exists with other values",
            "title: 'Old title' in the registry, 'New title' in the file",
        ],
    );
}
