//! Workbooks read back as a spreadsheet program would: calamine for cells and tables, the
//! sheet XML for what calamine does not say (frozen pane, direction, formulas).

mod common;

use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::Env;

fn book(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).expect("an xlsx file calamine opens")
}

/// The XML of the `n`th sheet (from 1).
fn sheet_xml(path: &Path, n: usize) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn column(range: &calamine::Range<Data>, name: &str) -> usize {
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn agreements_workbook_has_typed_cells_a_table_and_a_frozen_header() {
    let env = Env::sample();
    let file = env.path("a.xlsx");
    env.run(&["export", "agreements", "-o", file.to_str().unwrap()])
        .ok();
    let mut wb = book(&file);
    assert_eq!(wb.sheet_names(), vec!["Agreements".to_string()]);
    let range = wb.worksheet_range("Agreements").unwrap();
    // Header plus the sample's 30 agreements.
    assert_eq!(range.get_size(), (31, 18));
    let signed = column(&range, "signed_on");
    let notice = column(&range, "notice_days");
    let title = column(&range, "title");
    let rows: Vec<&[Data]> = range.rows().skip(1).collect();
    let dates: Vec<&Data> = rows.iter().map(|r| &r[signed]).collect();
    assert!(dates.iter().any(|d| matches!(d, Data::DateTime(_))));
    for d in &dates {
        assert!(matches!(d, Data::DateTime(_) | Data::Empty), "{d:?}");
    }
    // The date cell is the date of the CSV export.
    let csv = env
        .run(&["export", "agreements", "--columns", "signed_on"])
        .ok()
        .to_string();
    let first = csv.lines().nth(1).unwrap();
    if let Data::DateTime(dt) = dates[0] {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        assert_eq!(format!("{y:04}-{m:02}-{d:02}"), first);
    } else {
        assert_eq!(first, "");
    }
    assert!(rows.iter().any(|r| matches!(r[notice], Data::Float(_))));
    assert!(rows
        .iter()
        .all(|r| matches!(r[title], Data::String(_) | Data::Empty)));
    // One Excel table over the header and every row.
    wb.load_tables().unwrap();
    let table = wb.table_by_name("Agreements").unwrap();
    assert_eq!(table.sheet_name(), "Agreements");
    assert_eq!(table.columns().len(), 18);
    assert_eq!(table.data().get_size().0, 30);
    let xml = sheet_xml(&file, 1);
    assert!(xml
        .contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
    assert!(!xml.contains("rightToLeft"));
    assert!(!xml.contains("<f>"), "a formula");
    // The date cells are shown yyyy-mm-dd.
    let mut styles = String::new();
    zip::ZipArchive::new(std::fs::File::open(&file).unwrap())
        .unwrap()
        .by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#));
}

#[test]
fn a_formula_like_value_is_a_string_cell() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Formula Org",
        "--category",
        "ngo",
        "--note",
        "=1+1",
    ])
    .ok();
    let file = env.path("p.xlsx");
    env.run(&["export", "partners", "-o", file.to_str().unwrap(), "--rtl"])
        .ok();
    let mut wb = book(&file);
    let range = wb.worksheet_range("Partners").unwrap();
    let notes = column(&range, "notes");
    assert_eq!(
        range.rows().nth(1).unwrap()[notes],
        Data::String("=1+1".into())
    );
    let formulas = wb.worksheet_formula("Partners").unwrap();
    assert!(
        formulas.used_cells().next().is_none(),
        "no formula anywhere"
    );
    let xml = sheet_xml(&file, 1);
    assert!(xml.contains(r#"rightToLeft="1""#));
    assert!(!xml.contains("<f>"));
}

#[test]
fn rows_go_on_in_further_sheets() {
    let env = Env::sample();
    let file = env.path("a.xlsx");
    let out = env
        .command()
        .env("MOU_XLSX_SHEET_ROWS", "12")
        .args(["export", "agreements", "-o", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wb = book(&file);
    assert_eq!(
        wb.sheet_names(),
        vec!["Agreements", "Agreements 2", "Agreements 3"]
    );
    let sizes: Vec<usize> = ["Agreements", "Agreements 2", "Agreements 3"]
        .iter()
        .map(|s| wb.worksheet_range(s).unwrap().get_size().0)
        .collect();
    assert_eq!(sizes, vec![13, 13, 7], "each sheet has its header");
    wb.load_tables().unwrap();
    for (name, rows) in [
        ("Agreements", 12),
        ("Agreements_2", 12),
        ("Agreements_3", 6),
    ] {
        assert_eq!(
            wb.table_by_name(name).unwrap().data().get_size().0,
            rows,
            "{name}"
        );
    }
    for n in 1..=3 {
        assert!(sheet_xml(&file, n).contains(r#"state="frozen""#));
    }
    // The refs run on from sheet to sheet, in the export's order.
    let csv = env
        .run(&["export", "agreements", "--columns", "ref"])
        .ok()
        .to_string();
    let mut refs = Vec::new();
    for s in ["Agreements", "Agreements 2", "Agreements 3"] {
        let r = wb.worksheet_range(s).unwrap();
        refs.extend(r.rows().skip(1).map(|row| row[0].to_string()));
    }
    assert_eq!(refs, csv.lines().skip(1).collect::<Vec<_>>());
}

#[test]
fn export_all_writes_summary_partners_and_agreements() {
    let env = Env::sample();
    let file = env.path("all.xlsx");
    env.run(&["export", "all", "-o", file.to_str().unwrap()])
        .ok();
    let mut wb = book(&file);
    assert_eq!(
        wb.sheet_names(),
        vec!["Summary", "Partners", "Agreements", "Engagements"]
    );
    let summary = wb.worksheet_range("Summary").unwrap();
    let partners = summary
        .rows()
        .find(|r| r[0] == "totals" && r[1] == "partners")
        .unwrap();
    assert_eq!(partners[2], Data::Float(19.0));
    assert_eq!(wb.worksheet_range("Partners").unwrap().get_size().0, 20);
    wb.load_tables().unwrap();
    assert_eq!(wb.table_names().len(), 4);
    // Contacts are personal data: a sheet of their own only when asked for.
    env.run(&[
        "import",
        "contacts",
        common::data_dir().join("contacts.csv").to_str().unwrap(),
    ])
    .ok();
    let with = env.path("with.xlsx");
    env.run(&[
        "export",
        "all",
        "--with-contacts",
        "-o",
        with.to_str().unwrap(),
    ])
    .ok();
    let mut wb = book(&with);
    assert_eq!(
        wb.sheet_names().last().map(String::as_str),
        Some("Contacts")
    );
    assert_eq!(wb.worksheet_range("Contacts").unwrap().get_size().0, 6);
    // Filters belong to the export of one kind; other formats are not one workbook.
    env.run(&[
        "export",
        "all",
        "-o",
        env.path("x.xlsx").to_str().unwrap(),
        "--kind",
        "mou",
    ])
    .fails(2, &["whole registry"]);
    env.run(&["export", "all", "-o", env.path("x.csv").to_str().unwrap()])
        .fails(2, &["`mou export all` cannot write csv; it writes xlsx"]);
}

#[test]
fn format_rules() {
    let env = Env::sample();
    env.run(&["list", "agreements", "--format", "xlsx"]).fails(
        2,
        &[
            "`mou list` cannot write xlsx",
            "table, csv, json, jsonl or markdown",
        ],
    );
    // Agreements also write a calendar (tests/calendar.rs); partners do not.
    env.run(&[
        "export",
        "partners",
        "-o",
        env.path("a.ics").to_str().unwrap(),
    ])
    .fails(2, &["cannot write ics", "xlsx"]);
    env.run(&[
        "export",
        "agreements",
        "--format",
        "csv",
        "-o",
        env.path("a.xlsx").to_str().unwrap(),
    ])
    .fails(2, &["the name says xlsx but --format says csv"]);
    env.run(&["export", "agreements", "--rtl"])
        .fails(2, &["--rtl"]);
    // To a pipe, xlsx goes through: the bytes are a zip archive.
    let out = env
        .command()
        .args(["export", "agreements", "--format", "xlsx", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"PK\x03\x04"));
}

// ---------------------------------------------------------------------------------------
// Import of workbooks and JSON

/// Exports partners and agreements of the sample in `ext`, imports them into an empty
/// registry, and checks that it exports the same: as CSV, and in `ext` itself.
fn round_trip(ext: &str) {
    let env = Env::sample();
    let copy = Env::new();
    for what in ["partners", "agreements"] {
        let file = env.path(&format!("{what}.{ext}"));
        env.run(&["export", what, "-o", file.to_str().unwrap()])
            .ok();
        copy.run(&["import", what, file.to_str().unwrap()]).ok();
    }
    for what in ["partners", "agreements"] {
        assert_eq!(
            env.run(&["export", what]).ok(),
            copy.run(&["export", what]).ok(),
            "{ext} {what}"
        );
        let again = copy.path(&format!("again.{what}.{ext}"));
        copy.run(&["export", what, "-o", again.to_str().unwrap()])
            .ok();
        let first = env.path(&format!("{what}.{ext}"));
        if ext == "xlsx" {
            let sheet = if what == "partners" {
                "Partners"
            } else {
                "Agreements"
            };
            let a = book(&first).worksheet_range(sheet).unwrap();
            let b = book(&again).worksheet_range(sheet).unwrap();
            assert_eq!(a, b, "{what}: the same cells");
        } else {
            assert_eq!(
                std::fs::read(&first).unwrap(),
                std::fs::read(&again).unwrap()
            );
        }
    }
}

#[test]
fn xlsx_round_trip() {
    round_trip("xlsx");
}

#[test]
fn json_round_trip() {
    round_trip("json");
}

#[test]
fn jsonl_round_trip() {
    round_trip("jsonl");
}

/// A workbook as a person makes one: a sheet named as they like, a date typed as a date.
fn people_workbook(path: &Path, rows: &[(&str, &str, Option<&str>)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "not the data").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Partners 2026").unwrap();
    for (c, h) in ["name", "category", "country", "updated_at"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (name, category, country)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *name).unwrap();
        ws.write_string(r, 1, *category).unwrap();
        if let Some(c) = country {
            ws.write_string(r, 2, *c).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn xlsx_import_reads_the_sheet_named_and_reports_sheet_row_and_column() {
    let env = Env::new();
    let file = env.path("people.xlsx");
    people_workbook(
        &file,
        &[
            ("Good Org", "ngo", Some("AT")),
            ("Bad Org", "church", None),
            ("Also Bad", "ngo", Some("ZZ")),
        ],
    );
    let f = file.to_str().unwrap();
    // The first sheet is not the data: its header has no name column.
    env.run(&["import", "partners", f])
        .fails(2, &["unknown column 'not the data'"]);
    env.fails_unchanged(
        &["import", "partners", f, "--sheet", "Partners 2026"],
        2,
        &[
            "2 bad row(s); nothing was imported",
            "sheet Partners 2026, row 3, column B (category)",
            "sheet Partners 2026, row 4, column C (country)",
        ],
    );
    // All or nothing: the good row was not written either (no registry was even made).
    assert!(!env.path("registry.db").exists());
    env.run(&["import", "partners", f, "--sheet", "Nope"])
        .fails(2, &["no such sheet", "Partners 2026"]);
    people_workbook(&file, &[("Good Org", "ngo", Some("AT"))]);
    env.run(&["import", "partners", f, "--sheet", "Partners 2026"])
        .ok();
    assert!(env
        .run(&["list", "partners", "--format", "csv"])
        .ok()
        .contains("Good Org,"));
}

#[test]
fn xlsx_date_cells_become_dates() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Dated",
        "--category",
        "ngo",
        "--key",
        "dated",
    ])
    .ok();
    let file = env.path("a.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in ["ref", "parties", "signed_on", "notice_days"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "MOU-2020-007").unwrap();
    ws.write_string(1, 1, "dated").unwrap();
    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 3, 15).unwrap();
    ws.write_datetime_with_format(1, 2, &d, &date).unwrap();
    ws.write_number(1, 3, 90.0).unwrap();
    wb.save(&file).unwrap();
    env.run(&["import", "agreements", file.to_str().unwrap()])
        .ok();
    let csv = env
        .run(&[
            "export",
            "agreements",
            "--columns",
            "ref,signed_on,notice_days",
        ])
        .ok()
        .to_string();
    assert_eq!(
        csv,
        "ref,signed_on,notice_days\nMOU-2020-007,2020-03-15,90\n"
    );
}

#[test]
fn json_import_errors_name_the_record_and_nothing_is_written() {
    let env = Env::new();
    let file = env.write(
        "p.json",
        r#"[{"name": "Fine", "category": "ngo"}, {"name": "Odd", "category": "ngo", "colour": "red"}, {"name": "Bad", "category": "nope"}]"#,
    );
    env.fails_unchanged(
        &["import", "partners", file.to_str().unwrap()],
        2,
        &[
            "2 bad row(s)",
            "record 2: unknown key 'colour'",
            "record 3, column category",
        ],
    );
    let file = env.write("p.jsonl", "{\"name\": \"Fine\", \"category\": \"ngo\"}\n\n{\"name\": \"Bad\", \"category\": \"nope\"}\nnot json\n");
    env.fails_unchanged(
        &["import", "partners", file.to_str().unwrap()],
        2,
        &["line 3, column category", "line 4: not JSON"],
    );
}

#[test]
fn a_value_longer_than_a_cell_holds_is_refused_and_nothing_is_written() {
    let env = Env::new();
    let long = "x".repeat(32_768);
    env.run(&[
        "add",
        "partner",
        "Long Notes",
        "--category",
        "ngo",
        "--note",
        &long,
    ])
    .ok();
    let file = env.path("p.xlsx");
    env.run(&["export", "partners", "-o", file.to_str().unwrap()])
        .fails(
            2,
            &[
                "sheet Partners, row 2, column G (notes)",
                "32767",
                "CSV or JSON",
            ],
        );
    assert!(!file.exists());
}
