//! Bring spreadsheets in: `mou import partners|agreements FILE`.

mod common;
use common::*;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn export(env: &Env, what: &str) -> String {
    env.run(&["export", what]).ok().to_string()
}

fn agreement(env: &Env, r: &str) -> Value {
    json(env.run(&["--format", "json", "show", r]).ok())
}

// ---------------------------------------------------------------------------------------------
// 1. Columns

#[test]
fn columns_by_name_in_any_order_with_a_bom() {
    let env = Env::new();
    // Partners: columns in another order, a BOM before the header, upper-case header names.
    let f = env.write(
        "p.csv",
        "\u{feff}Category,country,Name,aliases,key\n\
         intergovernmental,,UNICEF,United Nations Children's Fund;اليونيسيف,unicef\n\
         religious,AT,Danube Interfaith Council,DIC,\n\
         academic,LB,جامعة وادي السنديان,Oak Valley University;WSU,sindiyan\n",
    );
    let r = env.run(&["import", "partners", p(&f)]);
    r.ok();
    assert!(
        r.stderr.contains("3 added, 0 updated, 0 unchanged"),
        "{}",
        r.stderr
    );
    let v = json(env.run(&["--format", "json", "show", "DIC"]).ok());
    assert_eq!(v["key"], "danube-interfaith-council");
    assert_eq!(v["country"], "AT");
    assert_eq!(v["category"], "religious");

    // Agreements: parties by key, by name, by alias (Arabic, and another case).
    let f = env.write(
        "a.csv",
        "\u{feff}parties,signed_on,ref,kind,sdgs\n\
         unicef,2020-01-01,A-1,mou,16;4\n\
         Danube Interfaith Council,2020-02-01,A-2,,\n\
         اليونيسيف;wsu;dic,2020-03-01,A-3,loi,17\n\
         oak valley university,,A-4,mou,\n",
    );
    let r = env.run(&["import", "agreements", p(&f)]);
    r.ok();
    assert!(r.stderr.contains("4 added"), "{}", r.stderr);
    let a1 = agreement(&env, "A-1");
    assert_eq!(a1["parties"], serde_json::json!(["unicef"]));
    assert_eq!(a1["sdgs"], serde_json::json!([4, 16]));
    assert_eq!(a1["effective_on"], "2020-01-01");
    let a2 = agreement(&env, "A-2");
    assert_eq!(
        a2["parties"],
        serde_json::json!(["danube-interfaith-council"])
    );
    assert_eq!(a2["kind"], "agreement", "no kind: an agreement");
    assert_eq!(
        agreement(&env, "A-3")["parties"],
        serde_json::json!(["unicef", "sindiyan", "danube-interfaith-council"])
    );
    let a4 = agreement(&env, "A-4");
    assert_eq!(a4["status"], "draft");
    assert_eq!(a4["parties"], serde_json::json!(["sindiyan"]));
}

#[test]
fn unknown_and_missing_columns_are_errors() {
    let env = Env::sample();
    let f = env.write("a.csv", "ref,parties,colour\nX-1,unicef,blue\n");
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &["colour", "unknown column"],
    );
    let f = env.write("a.csv", "ref,kind,signed_on\nX-1,mou,2020-01-01\n");
    env.fails_unchanged(&["import", "agreements", p(&f)], 2, &["parties"]);
    let f = env.write("p.csv", "key,category\nx,ngo\n");
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["name"]);
    let f = env.write("p.csv", "key,name\nx,X Org\n");
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["category"]);
    // A partners file is not an agreements file.
    let f = env.write("p.csv", "key,name,category\nx,X Org,ngo\n");
    env.fails_unchanged(&["import", "agreements", p(&f)], 2, &["name"]);
    let missing = env.path("nope.csv");
    env.fails_unchanged(&["import", "agreements", p(&missing)], 2, &["nope.csv"]);
}

// ---------------------------------------------------------------------------------------------
// 2. All or nothing

#[test]
fn every_bad_row_is_reported_and_nothing_is_written() {
    let env = Env::sample();
    let mut bytes = b"ref,kind,title,parties,signed_on,sdgs\n".to_vec();
    bytes.extend(b"NEW-1,mou,Good row,unicef,2026-01-01,16\n"); // line 2
    bytes.extend(b"NEW-2,mou,Bad date,unicef,2026-02-30,\n"); // line 3
    bytes.extend(b"NEW-3,mou,Unknown partner,nobody-at-all,2026-01-01,\n"); // line 4
    bytes.extend(b"NEW-4,mou,SDG 18,unicef,2026-01-01,16;18\n"); // line 5
    bytes.extend(b"NEW-5,treaty,Bad kind,unicef,2026-01-01,\n"); // line 6
    bytes.extend(b"NEW-1,mou,Repeated ref,dic,2026-01-01,\n"); // line 7
    bytes.extend(b"NEW-6,mou,Too many,unicef,2026-01-01,16,extra\n"); // line 8
    bytes.extend(b"NEW-7,mou,Bad \xff\xfe bytes,unicef,2026-01-01,\n"); // line 9
    bytes.extend(b"NEW-8,mou,\"A title\nover two lines\",unicef,2026-01-01,\n"); // lines 10-11
    bytes.extend(b"NEW-9,mou,After a multi-line row,unicef,2026-13-01,\n"); // line 12
    let f = env.path("bad.csv");
    std::fs::write(&f, &bytes).unwrap();
    let r = env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &[
            "8 bad row(s)",
            "nothing was imported",
            "line 3, column signed_on",
            "2026-02-30",
            "line 4, column parties",
            "nobody-at-all",
            "line 5, column sdgs",
            "18",
            "line 6, column kind",
            "treaty",
            "line 7, column ref",
            "NEW-1 appears more than once",
            "line 8",
            "fields",
            "line 9, column title",
            "UTF-8",
            "line 12, column signed_on",
        ],
    );
    for good in ["line 2", "line 10", "line 11"] {
        assert!(!r.stderr.contains(good), "{good} is good:\n{}", r.stderr);
    }
    assert!(env
        .run(&["show", "NEW-1"])
        .fails(2, &["NEW-1"])
        .stdout
        .is_empty());
}

#[test]
fn more_than_fifty_bad_rows_are_counted() {
    let env = Env::sample();
    let mut s = String::from("ref,kind,parties,signed_on\n");
    for i in 0..63 {
        s.push_str(&format!("BAD-{i},treaty,unicef,2026-01-01\n"));
    }
    let f = env.write("bad.csv", &s);
    let r = env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &[
            "63 bad row(s)",
            "line 2, column kind",
            "line 51, column kind",
            "... and 13 more",
        ],
    );
    assert_eq!(
        r.stderr.matches(", column kind").count(),
        50,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("line 52,"));
}

/// An agreements CSV of at least `min_bytes`, with the ref of data row `dup_of` repeated on
/// data row `dup_at` (0-based). Returns the file and the number of data rows.
fn big_agreements(path: &Path, min_bytes: usize, dups: &[(usize, usize)]) -> usize {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        w,
        "ref,kind,title,parties,signed_on,expires_on,sdgs,tags,notes"
    )
    .unwrap();
    let mut written = 0;
    let mut i = 0;
    while written < min_bytes {
        let r = match dups.iter().find(|(_, at)| *at == i) {
            Some((of, _)) => format!("BULK-{of:07}"),
            None => format!("BULK-{i:07}"),
        };
        let line = format!(
            "{r},mou,\"Cooperation programme number {i}, phase {}\",unicef,20{:02}-{:02}-{:02},2031-12-31,4;16;17,advocacy;youth,Row {i} of a large generated file for the import tests.\n",
            i % 7,
            10 + i % 16,
            1 + i % 12,
            1 + i % 28
        );
        written += line.len();
        w.write_all(line.as_bytes()).unwrap();
        i += 1;
    }
    w.flush().unwrap();
    i
}

fn partners_only(env: &Env) {
    let f = env.write(
        "p.csv",
        "key,name,category\nunicef,UNICEF,intergovernmental\n",
    );
    env.run(&["import", "partners", p(&f)]).ok();
}

#[test]
fn a_repeated_ref_is_reported_by_line_on_the_bulk_path_too() {
    // Small file.
    let env = Env::new();
    partners_only(&env);
    let f = env.write(
        "small.csv",
        "ref,parties,signed_on\nD-1,unicef,2020-01-01\nD-2,unicef,2020-01-01\nD-1,unicef,2021-01-01\nd-2,unicef,2020-01-01\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &["line 4, column ref", "D-1", "line 5, column ref"],
    );

    // More than 4 MiB of agreements into an empty registry: the bulk path.
    let f = env.path("big.csv");
    let rows = big_agreements(&f, (4 << 20) + 200_000, &[(5, 15_000), (7, 21_000)]);
    assert!(std::fs::metadata(&f).unwrap().len() > 4 << 20);
    assert!(rows > 21_000);
    // A refused bulk import leaves every byte of the registry as it was, but for the file
    // change counter in SQLite's header.
    let masked = |env: &Env| env.snapshot_bytes_but_counter();
    let before = masked(&env);
    let history = env.run(&["history", "--format", "csv"]).ok().to_string();
    let r = env.run(&["import", "agreements", p(&f)]);
    assert!(masked(&env) == before, "the failed bulk import wrote");
    assert_eq!(env.run(&["history", "--format", "csv"]).ok(), history);
    r.fails(
        2,
        &[
            "2 bad row(s)",
            "BULK-0000005",
            "BULK-0000007",
            // Data row i stands on line i + 2.
            "line 15002, column ref",
            "line 21002, column ref",
        ],
    );
    assert!(!r.stderr.contains("line 7,"), "{}", r.stderr);
    assert_eq!(export(&env, "agreements").lines().count(), 1);
}

#[test]
fn a_bulk_import_into_a_registry_in_use_keeps_the_wal() {
    // One agreement already: a large file still takes the bulk path, but keeps the WAL (and
    // readers), so a refused import leaves every byte, the header's change counter included.
    let env = Env::new();
    partners_only(&env);
    let one = env.write(
        "one.csv",
        "ref,parties,signed_on\nFIRST-1,unicef,2020-01-01\n",
    );
    env.run(&["import", "agreements", p(&one)]).ok();
    let big = env.path("big.csv");
    big_agreements(&big, (4 << 20) + 1000, &[(3, 9_000)]);
    env.fails_unchanged(
        &["import", "agreements", p(&big)],
        2,
        &["BULK-0000003 appears more than once in the file"],
    );
    assert_eq!(journal_mode(&env.db), "wal");
}

#[test]
fn a_renewal_of_an_unknown_ref_is_refused_on_both_paths() {
    let env = Env::new();
    partners_only(&env);
    let small = env.write(
        "small.csv",
        "ref,parties,signed_on,renews\nR-1,unicef,2020-01-01,\nR-2,unicef,2022-01-01,R-1\nR-3,unicef,2022-01-01,GONE-1\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&small)],
        2,
        &[
            "1 bad row(s)",
            "R-3 renews 'GONE-1', which is neither in the registry nor in the file",
        ],
    );

    // The bulk path (more than 4 MiB into an empty registry) finds them through the index.
    let big = env.path("big.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    writeln!(w, "ref,title,parties,signed_on,renews").unwrap();
    let mut i = 0;
    let mut written = 0;
    while written < (4 << 20) + 100_000 {
        // Every tenth row renews the row before it; row 30001 renews a ref nobody has.
        let renews = match i {
            30_001 => "GONE-2".to_string(),
            i if i % 10 == 9 => format!("BIG-{:07}", i - 1),
            _ => String::new(),
        };
        let line =
            format!("BIG-{i:07},A generated agreement number {i},unicef,2021-03-04,{renews}\n");
        written += line.len();
        w.write_all(line.as_bytes()).unwrap();
        i += 1;
    }
    w.flush().unwrap();
    drop(w);
    let before = env.snapshot_bytes_but_counter();
    env.run(&["import", "agreements", p(&big)])
        .fails(2, &["1 bad row(s)", "BIG-0030001 renews 'GONE-2'"]);
    assert!(
        env.snapshot_bytes_but_counter() == before,
        "the refused bulk import wrote"
    );
    // Without the dangling one, every renewal stands.
    let text = std::fs::read_to_string(&big)
        .unwrap()
        .replace(",GONE-2\n", ",\n");
    std::fs::write(&big, text).unwrap();
    env.run(&["import", "agreements", p(&big)]).ok();
    assert_eq!(journal_mode(&env.db), "wal");
    let g = agreement(&env, "BIG-0000019");
    assert_eq!(g["renews"], "BIG-0000018", "{g}");
}

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

// ---------------------------------------------------------------------------------------------
// 5. Round trip

/// Exports `from`, imports the files into a new empty registry, and returns both exports.
fn round_trip(from: &Env) -> ((String, String), (String, String)) {
    let first = (export(from, "partners"), export(from, "agreements"));
    let to = Env::new();
    let pf = to.write("partners.csv", &first.0);
    let af = to.write("agreements.csv", &first.1);
    to.run(&["import", "partners", p(&pf)]).ok();
    to.run(&["import", "agreements", p(&af)]).ok();
    let second = (export(&to, "partners"), export(&to, "agreements"));
    (first, second)
}

#[test]
fn export_import_export_is_byte_identical_on_the_sample() {
    let env = Env::sample();
    let ((p1, a1), (p2, a2)) = round_trip(&env);
    assert_eq!(
        p1.lines().count(),
        20 + 2,
        "19 partners, one with a three-line note"
    );
    assert!(a1.starts_with(
        "ref,kind,title,parties,signed_on,effective_on,expires_on,terminated_on,termination_reason,notice_days,renews,sdgs,tags,notes,document,status,created_at,updated_at\n"
    ));
    assert_eq!(p1, p2);
    assert_eq!(a1, a2);
    // JSON too.
    let to = Env::new();
    to.run(&["import", "partners", p(&to.write("p.csv", &p1))])
        .ok();
    to.run(&["import", "agreements", p(&to.write("a.csv", &a1))])
        .ok();
    for what in ["partners", "agreements"] {
        assert_eq!(
            env.run(&["export", what, "--format", "json"]).ok(),
            to.run(&["export", what, "--format", "json"]).ok()
        );
    }
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    const TEXTS: &[&str] = &[
        "Plain",
        "مذكرة تفاهم بشأن الحوار",
        "Quote \"inside\" here",
        "Comma, and more",
        "=SUM(A1:A2)",
        "+1 -2 @home",
        "Two\nlines",
        "كافَّة الأطراف",
        "  spaced  ",
        "Tab\there",
        "",
    ];
    const TAGS: &[&str] = &["advocacy", "youth", "capacity-building", "حوار", "events"];
    const CATS: &[&str] = &["government", "academic", "religious", "ngo", "other"];
    const COUNTRIES: &[&str] = &["", "AT", "JO", "LB"];

    #[derive(Debug, Clone)]
    struct Gen {
        partners: Vec<(usize, usize, usize, usize, bool)>,
        agreements: Vec<GenAgreement>,
    }

    #[derive(Debug, Clone)]
    struct GenAgreement {
        title: usize,
        notes: usize,
        parties: Vec<usize>,
        signed: Option<(u32, u32)>,
        term_years: Option<u32>,
        notice: Option<u32>,
        sdgs: Vec<u32>,
        tags: Vec<usize>,
        with_ref: bool,
        kind: usize,
    }

    fn gen() -> impl Strategy<Value = Gen> {
        let partner = (
            0..TEXTS.len(),
            0..CATS.len(),
            0..COUNTRIES.len(),
            0..TEXTS.len(),
            any::<bool>(),
        );
        let ag = (
            (0..TEXTS.len(), 0..TEXTS.len()),
            proptest::collection::vec(0..4usize, 1..4),
            proptest::option::of((2010u32..2030, 1u32..13)),
            proptest::option::of(1u32..6),
            proptest::option::of(0u32..200),
            proptest::collection::vec(1u32..18, 0..4),
            proptest::collection::vec(0..TAGS.len(), 0..3),
            any::<bool>(),
            0..4usize,
        )
            .prop_map(
                |(
                    (title, notes),
                    parties,
                    signed,
                    term_years,
                    notice,
                    sdgs,
                    tags,
                    with_ref,
                    kind,
                )| {
                    GenAgreement {
                        title,
                        notes,
                        parties,
                        signed,
                        term_years,
                        notice,
                        sdgs,
                        tags,
                        with_ref,
                        kind,
                    }
                },
            );
        (
            proptest::collection::vec(partner, 1..5),
            proptest::collection::vec(ag, 0..6),
        )
            .prop_map(|(partners, agreements)| Gen {
                partners,
                agreements,
            })
    }

    fn csv_of(rows: Vec<Vec<String>>) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in rows {
            w.write_record(&r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    fn files(g: &Gen) -> (String, String) {
        let n = g.partners.len();
        let mut p = vec![vec![
            "key".into(),
            "name".into(),
            "aliases".into(),
            "category".into(),
            "country".into(),
            "website".into(),
            "notes".into(),
        ]];
        for (i, (name, cat, country, notes, alias)) in g.partners.iter().enumerate() {
            // Names are one line: the generated text, made unique.
            let text = TEXTS[*name].replace(['\n', '\t'], " ");
            p.push(vec![
                if i % 2 == 0 {
                    format!("org-{i}")
                } else {
                    String::new()
                },
                format!("Org {i} {}", text.trim()),
                if *alias {
                    format!("الشريك {i};ALIAS {i}")
                } else {
                    String::new()
                },
                CATS[*cat].into(),
                COUNTRIES[*country].into(),
                if *alias {
                    format!("https://org{i}.example.org/?a=1,b=\"2\"")
                } else {
                    String::new()
                },
                TEXTS[*notes].into(),
            ]);
        }
        let mut a = vec![vec![
            "ref".into(),
            "kind".into(),
            "title".into(),
            "parties".into(),
            "signed_on".into(),
            "expires_on".into(),
            "notice_days".into(),
            "sdgs".into(),
            "tags".into(),
            "notes".into(),
        ]];
        for (j, x) in g.agreements.iter().enumerate() {
            // Parties by name for some, by key for the others.
            let parties: Vec<String> = x
                .parties
                .iter()
                .map(|i| i % n)
                .map(|i| {
                    if i % 2 == 0 {
                        format!("org-{i}")
                    } else {
                        format!(
                            "Org {i} {}",
                            TEXTS[g.partners[i].0].replace(['\n', '\t'], " ").trim()
                        )
                    }
                })
                .collect();
            let signed = x.signed.map(|(y, m)| format!("{y}-{m:02}-15"));
            let expires = match (x.signed, x.term_years) {
                (Some((y, m)), Some(t)) => format!("{}-{m:02}-14", y + t),
                _ => String::new(),
            };
            a.push(vec![
                if x.with_ref {
                    format!("GEN-{j}")
                } else {
                    String::new()
                },
                ["mou", "agreement", "loi", "other"][x.kind].into(),
                TEXTS[x.title].into(),
                parties.join(";"),
                signed.unwrap_or_default(),
                expires.clone(),
                if expires.is_empty() {
                    String::new()
                } else {
                    x.notice.map(|d| d.to_string()).unwrap_or_default()
                },
                x.sdgs
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(";"),
                x.tags
                    .iter()
                    .map(|t| TAGS[*t])
                    .collect::<Vec<_>>()
                    .join(";"),
                TEXTS[x.notes].into(),
            ]);
        }
        (csv_of(p), csv_of(a))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn export_import_export_is_byte_identical(g in gen()) {
            let env = Env::new();
            let (pc, ac) = files(&g);
            env.run(&["import", "partners", p(&env.write("p.csv", &pc))]).ok();
            env.run(&["import", "agreements", p(&env.write("a.csv", &ac))]).ok();
            let ((p1, a1), (p2, a2)) = round_trip(&env);
            prop_assert_eq!(&p1, &p2);
            prop_assert_eq!(&a1, &a2);
            // Every generated row is there.
            let rows = |s: &str| csv::Reader::from_reader(s.as_bytes()).records().count();
            prop_assert_eq!(rows(&p1), g.partners.len());
            prop_assert_eq!(rows(&a1), g.agreements.len());
            // And the text came through as typed: a leading '=' is not neutralised.
            for t in g.agreements.iter().map(|x| TEXTS[x.title]).filter(|t| t.starts_with('=')) {
                prop_assert!(a1.contains(t));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Crash safety, 7. no progress bar when stderr is not a terminal

/// The registry's journal mode: a bulk import writes through a rollback journal and must
/// leave the registry in WAL mode again.
fn journal_mode(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

fn count_agreements(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    conn.query_row("SELECT count(*) FROM agreement", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_killed_import_leaves_a_usable_registry() {
    let env = Env::new();
    partners_only(&env);
    let big = env.path("big.csv");
    let rows = big_agreements(&big, 30 << 20, &[]);
    assert!(rows >= 180_000, "{rows} rows");
    let mut killed = 0;
    for delay in [300u64, 550, 800] {
        let db = env.path(&format!("killed-{delay}.db"));
        let run = |args: &[&str]| {
            let mut c = env.command();
            c.env("MOU_DB", &db).args(args);
            c.output().unwrap()
        };
        assert!(run(&["import", "partners", p(&env.path("p.csv"))])
            .status
            .success());
        let mut child = env
            .command()
            .env("MOU_DB", &db)
            .args(["import", "agreements", p(&big)])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let n = count_agreements(&db);
        // Killed part-way (no exit code), not after it finished.
        killed += usize::from(status.code().is_none() && n == 0);
        eprintln!("killed at {delay} ms: {status}, {n} agreements");
        assert!(
            n == 0 || n == rows as i64,
            "after SIGKILL at {delay} ms ({status}): {n} of {rows} agreements"
        );
        let check = run(&["check"]);
        assert!(
            check.status.success(),
            "check after kill at {delay} ms: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let list = run(&["list", "agreements", "--format", "csv"]);
        assert!(list.status.success());
        assert_eq!(list.stdout.split(|b| *b == b'\n').count() - 2, n as usize);
        // Still writable: a small import goes through.
        let small = env.write(
            &format!("small-{delay}.csv"),
            "ref,parties,signed_on\nAFTER-1,unicef,2026-01-01\n",
        );
        let after = run(&["import", "agreements", p(&small)]);
        assert!(
            after.status.success(),
            "{}",
            String::from_utf8_lossy(&after.stderr)
        );
        assert_eq!(count_agreements(&db), n + 1);
        assert_eq!(journal_mode(&db), "wal");
    }
    assert!(killed > 0, "every import finished before it was killed");
}

#[test]
fn a_large_import_shows_no_progress_bar_when_stderr_is_not_a_terminal() {
    let env = Env::new();
    partners_only(&env);
    let big = env.path("big.csv");
    let rows = big_agreements(&big, 9 << 20, &[]);
    assert!(std::fs::metadata(&big).unwrap().len() >= 8 << 20);
    let r = env.run(&["import", "agreements", p(&big)]);
    r.ok();
    assert_eq!(r.stderr, format!("{rows} added, 0 updated, 0 unchanged\n"));
    assert!(r.stdout.is_empty());
    assert_eq!(
        env.run(&["report", "count"]).ok(),
        format!("{rows}\n"),
        "every row was written"
    );
}

#[test]
fn an_excel_export_imports_back_unchanged() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Alpha",
        "--category",
        "ngo",
        "--key",
        "alpha",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "alpha",
        "--signed",
        "2020-01-01",
        "--title",
        "=1+1",
        "--note",
        "-x",
        "--tag",
        "@t",
        "--ref",
        "MOU-X",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "alpha",
        "--signed",
        "2020-01-02",
        "--title",
        "'=kept",
        "--ref",
        "MOU-Y",
    ])
    .ok();
    let plain = env
        .run(&["export", "agreements", "--format", "jsonl"])
        .ok()
        .to_string();
    let x = env.path("x.csv");
    env.run(&["export", "agreements", "--excel", "-o", x.to_str().unwrap()])
        .ok();
    assert!(std::fs::read_to_string(&x).unwrap().contains("'=1+1"));
    let other = Env::new();
    other
        .run(&[
            "add",
            "partner",
            "Alpha",
            "--category",
            "ngo",
            "--key",
            "alpha",
        ])
        .ok();
    other
        .run(&["import", "agreements", x.to_str().unwrap()])
        .ok();
    let back = other
        .run(&["export", "agreements", "--format", "jsonl"])
        .ok()
        .to_string();
    let strip = |s: &str| -> Vec<serde_json::Value> {
        s.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("created_at");
                v.as_object_mut().unwrap().remove("updated_at");
                v
            })
            .collect()
    };
    assert_eq!(strip(&back), strip(&plain));
}

#[test]
fn a_file_without_refs_imports_once() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Alpha Org",
        "--category",
        "ngo",
        "--key",
        "alpha-org",
    ])
    .ok();
    let f = env.write(
        "aa.csv",
        "title,parties,signed_on\nT,alpha-org,2025-01-01\nU,Alpha Org,\n",
    );
    let r = env.run(&["import", "agreements", f.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr.contains("2 added, 0 updated, 0 unchanged"),
        "{}",
        r.stderr
    );
    let r = env.run(&["import", "agreements", f.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{}",
        r.stderr
    );
    assert_eq!(env.run(&["report", "count"]).ok().trim(), "2");
}

// ---------------------------------------------------------------------------------------------
// 8. One stream: stdin, pipes and FIFOs

/// Runs mou with `stdin` as its standard input, waiting at most 60 s: a command that hangs
/// fails the test instead of blocking it. Output goes to files, so no pipe can fill.
fn run_with_stdin(env: &Env, args: &[&str], stdin: std::process::Stdio) -> (i32, String) {
    let err = env.path("stderr.txt");
    let mut child = env
        .command()
        .args(args)
        .stdin(stdin)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let code = wait_at_most(&mut child, Duration::from_secs(60), args);
    (code, std::fs::read_to_string(&err).unwrap())
}

#[track_caller]
fn wait_at_most(child: &mut std::process::Child, limit: Duration, what: &[&str]) -> i32 {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what:?} hung: killed after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Imports `bytes` through a real pipe on stdin, written by another thread.
fn import_piped(env: &Env, args: &[&str], bytes: Vec<u8>) -> (i32, String) {
    let err = env.path("stderr.txt");
    let mut child = env
        .command()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // Written in small pieces, as a slow producer would.
        for piece in bytes.chunks(1000) {
            if stdin.write_all(piece).is_err() {
                return;
            }
        }
    });
    let code = wait_at_most(&mut child, Duration::from_secs(60), args);
    writer.join().unwrap();
    (code, std::fs::read_to_string(&err).unwrap())
}

/// A registry of one partner and `n` agreements, and its export of agreements (about
/// 200 bytes a row: far more than one read of a pipe).
fn many_agreements(n: usize) -> (Env, String) {
    let env = Env::new();
    partners_only(&env);
    let mut s = String::from("ref,title,parties,signed_on,notes\n");
    for i in 0..n {
        s.push_str(&format!(
            "P-{i:05},\"Programme {i}, with a title long enough to fill the pipe\",unicef,2020-01-01,\"Row {i}, whose note runs\nover two lines.\"\n"
        ));
    }
    let f = env.write("many.csv", &s);
    env.run(&["import", "agreements", p(&f)]).ok();
    let out = export(&env, "agreements");
    (env, out)
}

#[test]
fn stdin_and_dev_stdin_are_read_whole_through_a_pipe() {
    let (_from, exported) = many_agreements(2000);
    assert!(exported.len() > 300_000);
    for file in ["-", "/dev/stdin"] {
        let to = Env::new();
        partners_only(&to);
        let (code, err) = import_piped(
            &to,
            &["import", "agreements", file],
            exported.clone().into_bytes(),
        );
        assert_eq!(code, 0, "import from {file}: {err}");
        assert!(err.contains("2000 added"), "{err}");
        assert_eq!(export(&to, "agreements"), exported, "imported from {file}");
    }
}

#[test]
fn an_excel_export_on_stdin_is_restored() {
    let env = Env::new();
    partners_only(&env);
    env.run(&[
        "add",
        "mou",
        "--partner",
        "unicef",
        "--signed",
        "2020-01-01",
        "--title",
        "=1+1",
        "--note",
        "-x",
        "--ref",
        "MOU-X",
    ])
    .ok();
    let plain = export(&env, "agreements");
    let excel = env
        .run(&["export", "agreements", "--excel"])
        .ok()
        .to_string();
    assert!(excel.starts_with('\u{feff}') && excel.contains("'=1+1"));
    for file in ["-", "/dev/stdin"] {
        let to = Env::new();
        partners_only(&to);
        let (code, err) = import_piped(
            &to,
            &["import", "agreements", file],
            excel.clone().into_bytes(),
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(export(&to, "agreements"), plain, "imported from {file}");
    }
}

#[test]
fn a_named_pipe_is_read_once_and_does_not_hang() {
    let (from, exported) = many_agreements(1500);
    let fifo = from.path("agreements.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let to = Env::new();
    partners_only(&to);
    let bytes = exported.clone().into_bytes();
    let path = fifo.clone();
    // The writer opens the FIFO (which waits for mou to open it) and writes the file; if
    // mou never reads to the end, the writer is left behind with the killed test.
    std::thread::spawn(move || {
        if let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&path) {
            let _ = w.write_all(&bytes);
        }
    });
    let (code, err) = run_with_stdin(
        &to,
        &["import", "agreements", p(&fifo)],
        std::process::Stdio::null(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(export(&to, "agreements"), exported);
}

#[test]
fn stdin_from_a_large_file_takes_a_path_that_finds_repeated_refs() {
    // More than 4 MiB on stdin: from a pipe (which cannot be read twice) and from a
    // regular file given as `-`; a repeated ref is reported on its line either way.
    let env = Env::new();
    partners_only(&env);
    let f = env.path("big.csv");
    big_agreements(&f, (4 << 20) + 100_000, &[(5, 15_000)]);
    let bytes = std::fs::read(&f).unwrap();
    let before = env.snapshot_bytes_but_counter();
    let (code, err) = import_piped(&env, &["import", "agreements", "-"], bytes);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 15002, column ref") && err.contains("BULK-0000005"),
        "{err}"
    );
    let (code, err) = run_with_stdin(
        &env,
        &["import", "agreements", "-"],
        std::fs::File::open(&f).unwrap().into(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 15002, column ref") && err.contains("BULK-0000005"),
        "{err}"
    );
    assert!(
        env.snapshot_bytes_but_counter() == before,
        "a refused import wrote"
    );
    // Without the repeated ref, `-` from a file imports every row.
    let text = std::fs::read_to_string(&f).unwrap().replacen(
        "BULK-0000005,mou,\"Cooperation programme number 15000",
        "BULK-9999999,mou,\"Cooperation programme number 15000",
        1,
    );
    std::fs::write(&f, text).unwrap();
    let (code, err) = run_with_stdin(
        &env,
        &["import", "agreements", "-"],
        std::fs::File::open(&f).unwrap().into(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(env.run(&["show", "BULK-9999999"]).code == 0);
}

// ---------------------------------------------------------------------------------------------
// 9. Files cut short, timestamps, line numbers

#[test]
fn a_file_cut_inside_a_quoted_field_is_refused() {
    let env = Env::sample();
    let header = "ref,kind,title,parties,signed_on,notes";
    for eol in ["\n", "\r\n"] {
        // The cut row starts on line 3 with a closed two-line title; its notes open on
        // line 4 and the file ends inside them.
        let cut = [
            header,
            "CUT-1,mou,Fine,unicef,2026-01-01,ok",
            "CUT-2,mou,\"A title",
            "on two lines\",unicef,2026-01-01,\"Notes that",
            "go on",
        ]
        .join(eol);
        let f = env.write("cut.csv", &cut);
        env.fails_unchanged(
            &["import", "agreements", p(&f)],
            2,
            &[
                "1 bad row(s)",
                "line 4, column notes",
                "quoted field",
                "never closed",
            ],
        );
        // Cut right after an escaped quote, with the line end kept: still open.
        let f = env.write(
            "cut2.csv",
            &format!("{header}{eol}CUT-3,mou,\"He said \"\"yes\"\"{eol}"),
        );
        env.fails_unchanged(
            &["import", "agreements", p(&f)],
            2,
            &["line 2, column title", "never closed"],
        );
    }
    // A closed quoted field at the very end, without a final line end, is fine.
    let f = env.write(
        "whole.csv",
        &format!("{header}\nCUT-4,mou,T,unicef,2026-01-01,\"end\"\"\""),
    );
    env.run(&["import", "agreements", p(&f)]).ok();
    assert_eq!(agreement(&env, "CUT-4")["notes"], "end\"");
}

#[test]
fn timestamps_must_be_rfc3339() {
    let env = Env::sample();
    let f = env.write(
        "t.csv",
        "ref,parties,signed_on,created_at,updated_at\n\
         T-1,unicef,2026-01-01,garbage,2026-01-01T00:00:00Z\n\
         T-2,unicef,2026-01-01,2026-01-01T00:00:00Z,2026-13-01T00:00:00Z\n\
         T-3,unicef,2026-01-01,2026-01-01,\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &[
            "3 bad row(s)",
            "line 2, column created_at: 'garbage'",
            "line 3, column updated_at: '2026-13-01T00:00:00Z'",
            "line 4, column created_at: '2026-01-01'",
            "RFC 3339",
            "2026-11-29T10:00:00Z",
        ],
    );
    let f = env.write(
        "p.csv",
        "key,name,category,created_at,updated_at\nnew-org,New Org,ngo,2020-01-01T00:00:00Z,yesterday\n",
    );
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &["line 2, column updated_at: 'yesterday'", "RFC 3339"],
    );
    // Offsets are RFC 3339 too, and kept as written.
    let f = env.write(
        "ok.csv",
        "ref,parties,signed_on,created_at,updated_at\nT-4,unicef,2026-01-01,2026-01-01T09:30:00+02:00,2026-01-02T00:00:00Z\n",
    );
    env.run(&["import", "agreements", p(&f)]).ok();
    assert_eq!(
        agreement(&env, "T-4")["created_at"],
        "2026-01-01T09:30:00+02:00"
    );
}

#[test]
fn errors_name_the_line_a_row_starts_on_whatever_the_line_ends() {
    let env = Env::sample();
    let lines = [
        "ref,kind,title,parties,signed_on",
        "L-1,mou,Fine,unicef,2026-01-01",
        "L-2,mou,Bad date,unicef,2026-02-30", // line 3
        "L-3,mou,\"Two",
        "lines\",unicef,2026-01-01",
        "L-4,mou,\"Three",
        "whole",
        "lines\",unicef,2026-13-01",               // starts on line 6
        "L-5,treaty,After them,unicef,2026-01-01", // line 9
    ];
    for eol in ["\n", "\r\n", "\r"] {
        let mut text = lines.join(eol);
        text.push_str(eol);
        let f = env.write("lines.csv", &text);
        let r = env.fails_unchanged(
            &["import", "agreements", p(&f)],
            2,
            &[
                "3 bad row(s)",
                "line 3, column signed_on",
                "line 6, column signed_on",
                "line 9, column kind",
            ],
        );
        assert!(!r.stderr.contains("line 2,"), "{eol:?}: {}", r.stderr);
    }
    // A file mixing line ends, with blank lines, and the bad row last without a line end.
    let f = env.write(
        "mixed.csv",
        "ref,kind,parties,signed_on\r\nM-1,mou,unicef,2026-01-01\n\r\n\nM-2,\"lo\r\ni\",unicef,2026-01-01\r\nM-3,mou,unicef,2026-00-01",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &[
            "2 bad row(s)",
            "line 5, column kind",
            "line 7, column signed_on",
        ],
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

// ---------------------------------------------------------------------------------------------
// People's spreadsheets (issue 17): separators, date formats, extra columns, every error.

#[test]
fn a_semicolon_file_from_european_excel_is_read_without_a_flag() {
    let env = Env::new();
    let f = env.write(
        "p.csv",
        "\u{feff}Name;Category;Country\r\nUniversität Wien;academic;AT\r\n\"Caritas; Wien\";ngo;AT\r\n",
    );
    env.run(&["import", "partners", p(&f)]).ok();
    let v = json(env.run(&["--format", "json", "show", "Caritas; Wien"]).ok());
    assert_eq!(v["category"], "ngo");
    // A tab-separated file is detected too.
    let f = env.write("t.tsv", "name\tcategory\nOak Valley NGO\tngo\n");
    env.run(&["import", "partners", p(&f)]).ok();
    env.run(&["show", "Oak Valley NGO"]).ok();
}

#[test]
fn an_explicit_delimiter_is_used_by_the_reader_and_the_cut_quote_scan() {
    let env = Env::new();
    // Given, --delimiter wins over the header: `,` reads this header as one unknown column.
    let f = env.write("p.csv", "name;category\nX Org;ngo\n");
    env.fails_unchanged(
        &["import", "partners", p(&f), "--delimiter", ","],
        2,
        &["unknown column 'name;category'"],
    );
    let f = env.write("t.csv", "name,category\tcountry\nA, B\tngo\n");
    env.fails_unchanged(
        &["import", "partners", p(&f), "--delimiter", "tab"],
        2,
        &["unknown column 'name,category'"],
    );
    env.fails_unchanged(
        &["import", "partners", p(&f), "--delimiter", "|"],
        2,
        &["--delimiter", "'|'", "tab"],
    );
    // A file cut inside a quoted field: the field is found counting `;`.
    env.run(&["init"]).ok();
    let f = env.write(
        "cut.csv",
        "name;category;notes\nA Org;ngo;fine\nB Org;ngo;\"cut, here\n",
    );
    env.fails_unchanged(
        &["import", "partners", p(&f), "--delimiter", ";"],
        2,
        &["line 3, column notes", "never closed"],
    );
}

#[test]
fn a_semicolon_file_on_the_bulk_path_reports_repeated_refs_by_line() {
    let env = Env::new();
    partners_only(&env);
    let f = env.path("big.csv");
    let comma = env.path("comma.csv");
    big_agreements(&comma, (4 << 20) + 100_000, &[(5, 15_000)]);
    // The same rows separated by `;`: every field quoted, so the commas and `;` in them stay.
    let text = std::fs::read_to_string(&comma).unwrap();
    let mut out = String::with_capacity(text.len() * 2);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let cells: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    c.to_string()
                } else {
                    format!("\"{c}\"")
                }
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    std::fs::write(&f, out).unwrap();
    env.run(&["import", "agreements", p(&f)]).fails(
        2,
        &["1 bad row(s)", "line 15002, column ref", "BULK-0000005"],
    );
}

#[test]
fn a_date_format_reads_the_date_columns_and_iso_stays_accepted() {
    let env = Env::new();
    partners_only(&env);
    let f = env.write(
        "a.csv",
        "ref,parties,signed_on,expires_on,terminated_on\n\
         F-1,unicef,15/03/2026,14/03/2031,\n\
         F-2,unicef,2026-04-01,,\n",
    );
    env.run(&["import", "agreements", p(&f), "--date-format", "%d/%m/%Y"])
        .ok();
    let v = agreement(&env, "F-1");
    assert_eq!(v["signed_on"], "2026-03-15");
    assert_eq!(v["effective_on"], "2026-03-15");
    assert_eq!(v["expires_on"], "2031-03-14");
    assert_eq!(agreement(&env, "F-2")["signed_on"], "2026-04-01");

    // A value in neither: the row error names line, column, value and the format.
    let f = env.write(
        "b.csv",
        "ref,parties,signed_on,effective_on\nG-1,unicef,03/15/2026,\nG-2,unicef,,2026/03/01\nG-3,unicef,15/03/26,\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f), "--date-format", "%d/%m/%Y"],
        2,
        &[
            "line 2, column signed_on: '03/15/2026'",
            "%d/%m/%Y",
            "line 3, column effective_on: '2026/03/01'",
            // %Y is four digits: a two-digit year is not the year 26.
            "line 4, column signed_on: '15/03/26'",
        ],
    );
    // A format that is not one, or reads no whole date, is refused before anything is read.
    for bad in ["%Q", "%H:%M", "%d/%m"] {
        env.fails_unchanged(
            &["import", "agreements", p(&f), "--date-format", bad],
            2,
            &["--date-format", bad],
        );
    }
    // A partners file has no date columns.
    let pf = env.write("p.csv", "name,category\nX Org,ngo\n");
    env.fails_unchanged(
        &["import", "partners", p(&pf), "--date-format", "%d/%m/%Y"],
        2,
        &["--date-format"],
    );
}

#[test]
fn an_ignored_column_is_skipped_and_an_unknown_one_says_how() {
    let env = Env::new();
    let f = env.write(
        "p.csv",
        "name,category,Comments,Owner\nX Org,ngo,call back,Sam\n",
    );
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &["unknown columns 'comments', 'owner'", "--ignore-column"],
    );
    env.fails_unchanged(
        &["import", "partners", p(&f), "--ignore-column", "comments"],
        2,
        &["unknown column 'owner'"],
    );
    env.run(&[
        "import",
        "partners",
        p(&f),
        "--ignore-column",
        "Comments",
        "--ignore-column",
        "owner",
    ])
    .ok();
    let v = json(env.run(&["--format", "json", "show", "X Org"]).ok());
    assert_eq!(v["notes"], Value::Null);
    // A column to ignore that the header does not have is a typo.
    env.fails_unchanged(
        &["import", "partners", p(&f), "--ignore-column", "comment"],
        2,
        &["--ignore-column", "'comment'"],
    );
}

#[test]
fn every_error_of_a_row_is_reported_with_its_column() {
    let env = Env::new();
    partners_only(&env);
    let f = env.write(
        "p.csv",
        "name,category,country,created_at\nX Org,charity,XX,yesterday\n",
    );
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &[
            "1 bad row(s)",
            "line 2, column category",
            "line 2, column country",
            "line 2, column created_at",
        ],
    );
    let f = env.write(
        "a.csv",
        "ref,kind,parties,signed_on,expires_on,notice_days,sdgs\n\
         H-1,treaty,unicef,2026-02-30,2031-13-01,many,18\n",
    );
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &[
            "1 bad row(s)",
            "line 2, column kind",
            "line 2, column signed_on",
            "line 2, column expires_on",
            "line 2, column notice_days",
            "line 2, column sdgs",
        ],
    );
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

#[test]
fn export_to_an_xlsx_name_writes_a_workbook_and_never_csv_into_it() {
    let env = Env::sample();
    let out = env.path("out.xlsx");
    let r = env.run(&["export", "agreements", "-o", p(&out), "--format", "csv"]);
    r.fails(
        2,
        &[
            "out.xlsx",
            "the name says xlsx but --format says csv",
            "out.csv",
        ],
    );
    assert!(!out.exists());
    env.run(&["export", "agreements", "-o", p(&out)]).ok();
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK\x03\x04"));
}
