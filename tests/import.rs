//! Bring spreadsheets in: `mou import partners|agreements FILE`: columns, all or nothing, files
//! cut short, people's spreadsheets. Updates: tests/import_updates.rs; round trips, crash safety
//! and streams: tests/import_streams.rs.

mod common;
use common::import::*;
use common::*;

use serde_json::Value;
use std::io::Write;

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
