//! Export: output formats, CSV read back, `--excel`, a reader that goes away, any text
//! survives export, completions, man page and help. Filters and query expressions: tests/find.rs.

mod common;
use common::find::*;
use common::*;

use serde_json::Value;

/// The column names of DESIGN (and the README's `termination_reason`), in export order.
const AGREEMENT_HEADER: &str = "ref,kind,title,parties,signed_on,effective_on,expires_on,\
terminated_on,termination_reason,notice_days,renews,sdgs,tags,notes,document,status,\
created_at,updated_at";

const PARTNER_HEADER: &str =
    "key,name,aliases,category,country,website,notes,public,created_at,updated_at";

// ---------------------------------------------------------------------------------------
// 3. Formats

#[test]
fn export_csv_snapshot() {
    let env = Env::sample();
    let out = env.run(&["export", "agreements"]);
    assert!(out.stdout.starts_with(&format!("{AGREEMENT_HEADER}\n")));
    insta::assert_snapshot!("export_agreements_csv", out.ok());
    let out = env.run(&["export", "partners"]);
    assert!(out.stdout.starts_with(&format!("{PARTNER_HEADER}\n")));
    insta::assert_snapshot!("export_partners_csv", out.ok());
}

#[test]
fn list_json_and_markdown_snapshots() {
    let env = Env::sample();
    insta::assert_snapshot!(
        "list_agreements_json",
        env.run(&[
            "list",
            "agreements",
            "--partner",
            "unicef",
            "--partner",
            "plateau-peace-walkers",
            "--format",
            "json"
        ])
        .ok()
    );
    insta::assert_snapshot!(
        "list_agreements_markdown",
        env.run(&["list", "agreements", "--format", "markdown"])
            .ok()
    );
    // An empty result is an empty array, still valid JSON.
    assert_eq!(
        env.run(&["list", "agreements", "--sdg", "15", "--format", "json"])
            .ok(),
        "[]\n"
    );
}

#[test]
fn jsonl_is_one_object_a_line() {
    let env = Env::sample();
    let out = env.run(&["list", "agreements", "--format", "jsonl"]);
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(lines.len(), 30);
    let all = agreements(&env, &[]);
    let keys: Vec<&str> = AGREEMENT_HEADER.split(',').collect();
    for (line, r) in lines.iter().zip(&all) {
        let v: Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object().unwrap();
        assert_eq!(obj.keys().collect::<Vec<_>>(), keys);
        assert_eq!(&v["ref"], r.as_str());
    }
    // The multi-line note stays on its object's line.
    let v: Value = serde_json::from_str(lines[7]).unwrap();
    assert_eq!(v["ref"], "MOU-2018-002");
    assert_eq!(
        v["notes"],
        "Terminated early: activities suspended in 2020 and programme funding lapsed.\n\
         Relationship resumed with MOU-2026-002."
    );
    assert_eq!(v["sdgs"], serde_json::json!([11, 16]));
    assert_eq!(v["parties"], serde_json::json!(["plateau-peace-walkers"]));
    assert_eq!(v["terminated_on"], "2020-06-30");
    assert_eq!(v["status"], "terminated");
    assert_eq!(v["notice_days"], Value::Null);
    let out = env.run(&["list", "partners", "--format", "jsonl"]);
    assert_eq!(out.ok().lines().count(), 19);
    let keys: Vec<&str> = PARTNER_HEADER.split(',').collect();
    for line in out.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), keys);
    }
}

#[test]
fn output_file_extension_picks_the_format() {
    let env = Env::sample();
    let read = |name: &str| std::fs::read_to_string(env.path(name)).unwrap();
    let path = |name: &str| env.path(name).to_str().unwrap().to_string();

    let r = env.run(&["export", "agreements", "-o", &path("out.csv")]);
    assert!(r.ok().is_empty(), "data goes to the file only");
    let csv = read("out.csv");
    assert!(csv.starts_with(&format!("{AGREEMENT_HEADER}\n")));
    assert_eq!(csv, env.run(&["export", "agreements"]).stdout);

    env.run(&["export", "agreements", "-o", &path("out.json")])
        .ok();
    let v: Vec<Value> = serde_json::from_str(&read("out.json")).unwrap();
    assert_eq!(v.len(), 30);
    assert_eq!(v[0]["ref"], "MOU-2013-001");

    env.run(&["export", "agreements", "--output", &path("out.jsonl")])
        .ok();
    let text = read("out.jsonl");
    assert_eq!(text.lines().count(), 30);
    for line in text.lines() {
        serde_json::from_str::<Value>(line).unwrap();
    }

    env.run(&["export", "partners", "-o", &path("out.md")]).ok();
    let md = read("out.md");
    assert!(md.starts_with("| key | name |"), "{md}");
    assert_eq!(md.lines().count(), 2 + 19);

    // --format overrides the extension.
    env.run(&[
        "export",
        "agreements",
        "--format",
        "json",
        "-o",
        &path("x.csv"),
    ])
    .ok();
    let v: Vec<Value> = serde_json::from_str(&read("x.csv")).unwrap();
    assert_eq!(v.len(), 30);
    env.run(&[
        "export",
        "agreements",
        "-o",
        &path("y.json"),
        "--format",
        "csv",
    ])
    .ok();
    assert!(read("y.json").starts_with("ref,kind,"));
    // An extension it does not know is refused (mou does not write .xls), unless --format.
    env.run(&["export", "agreements", "-o", &path("z.xls")])
        .fails(2, &["z.xls", "does not write .xls files", ".xlsx"]);
    assert!(!env.path("z.xls").exists());
    env.run(&[
        "export",
        "agreements",
        "-o",
        &path("z.data"),
        "--format",
        "csv",
    ])
    .ok();
    assert!(read("z.data").starts_with("ref,kind,"));
    // No extension at all: CSV.
    env.run(&["export", "agreements", "-o", &path("plain")])
        .ok();
    assert!(read("plain").starts_with("ref,kind,"));
}

// ---------------------------------------------------------------------------------------
// 4. CSV read back

#[test]
fn csv_cells_survive_a_round_trip() {
    let env = Env::sample();
    let title = "Title, with \"quotes\",\nand a second line — عنوان، «مقتبس»";
    let note = "Line one, \"quoted\"\r\nline two\nسطر ثالث، مع فاصلة";
    env.run(&[
        "edit",
        "agreement",
        "MOU-2013-001",
        "--title",
        title,
        "--note",
        note,
    ])
    .ok();
    let pname = "Foundation \"Salam\", Amman";
    let pnote = "Notes, with \"quotes\"\nand: مؤسسة \"سلام\"، عمّان";
    let key = env.run(&[
        "add",
        "partner",
        pname,
        "--category",
        "ngo",
        "--country",
        "JO",
        "--alias",
        "مؤسسة \"سلام\"، عمّان",
        "--alias",
        "Salam, Foundation",
        "--note",
        pnote,
    ]);
    assert_eq!(key.ok().trim(), "foundation-salam-amman");
    let r = env
        .run(&[
            "add",
            "mou",
            "--partner",
            "Salam\\, Foundation",
            "--partner",
            "unicef",
            "--signed",
            "2026-01-05",
            "--title",
            "اتفاق \"شراكة\", 2026",
            "--note",
            "a,b\n\"c\"",
            "--tag",
            "advocacy",
            "--sdg",
            "16,4",
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(r, "MOU-2026-006");

    let out = env.run(&["export", "agreements"]);
    assert_eq!(out.ok().lines().next().unwrap(), AGREEMENT_HEADER);
    let mut reader = csv::ReaderBuilder::new().from_reader(out.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.join(","), AGREEMENT_HEADER);
    let rows = csv_maps(&out.stdout);
    assert_eq!(rows.len(), 31);
    let by_ref = |r: &str| rows.iter().find(|m| m["ref"] == r).unwrap().clone();
    let a = by_ref("MOU-2013-001");
    assert_eq!(a["title"], title);
    assert_eq!(a["notes"], note);
    let a = by_ref("MOU-2026-006");
    assert_eq!(a["title"], "اتفاق \"شراكة\", 2026");
    assert_eq!(a["notes"], "a,b\n\"c\"");
    assert_eq!(a["parties"], "foundation-salam-amman;unicef");
    assert_eq!(a["sdgs"], "4;16");
    assert_eq!(a["tags"], "advocacy");
    assert_eq!(a["status"], "active");
    assert_eq!(a["expires_on"], "");
    // The fixture's own commas, quotes, newlines and Arabic.
    assert_eq!(
        by_ref("MOU-2016-002")["notes"],
        "Co-organised a side event at the 2016 UN General Assembly, \"Faith Communities and Refugees\"."
    );
    assert_eq!(
        by_ref("MOU-2018-002")["notes"],
        "Terminated early: activities suspended in 2020 and programme funding lapsed.\n\
         Relationship resumed with MOU-2026-002."
    );
    assert_eq!(
        by_ref("MOU-2018-001")["title"],
        "مذكرة تفاهم للتعاون في مجال الحوار بين أتباع الأديان"
    );
    assert_eq!(
        by_ref("MOU-2021-001")["parties"],
        "vids;sindiyan-univ;atlas-centre"
    );

    let out = env.run(&["export", "partners"]);
    assert_eq!(out.ok().lines().next().unwrap(), PARTNER_HEADER);
    let rows = csv_maps(&out.stdout);
    assert_eq!(rows.len(), 20);
    let p = rows
        .iter()
        .find(|m| m["key"] == "foundation-salam-amman")
        .unwrap();
    assert_eq!(p["name"], pname);
    assert_eq!(p["aliases"], "مؤسسة \"سلام\"، عمّان;Salam, Foundation");
    assert_eq!(p["notes"], pnote);
    assert_eq!(p["country"], "JO");
    let vids = rows.iter().find(|m| m["key"] == "vids").unwrap();
    assert_eq!(
        vids["notes"],
        "Research partner.\nContact the institute's secretariat for the joint programme;\n\
         the annual report lists all co-authored papers."
    );
    assert_eq!(vids["aliases"], "VIDS;معهد فيينا لدراسات الحوار");
    let hukama = rows.iter().find(|m| m["key"] == "hukama-salam").unwrap();
    assert_eq!(hukama["name"], "مجلس حكماء السلام");
    assert_eq!(
        hukama["notes"],
        "Co-hosted the \"Faith and Peace\" expert meeting series."
    );

    // JSON keys are the same names; lists are arrays.
    let v = json_rows(&env, &["list", "partners", "--search", "salam, foundation"]);
    assert_eq!(v.len(), 1);
    assert_eq!(
        v[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        PARTNER_HEADER.split(',').collect::<Vec<_>>()
    );
    assert_eq!(
        v[0]["aliases"],
        serde_json::json!(["مؤسسة \"سلام\"، عمّان", "Salam, Foundation"])
    );
    let v = json_rows(&env, &["list", "agreements", "--signed-in", "2026-01-05"]);
    assert_eq!(
        v[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        AGREEMENT_HEADER.split(',').collect::<Vec<_>>()
    );
    assert_eq!(v[0]["sdgs"], serde_json::json!([4, 16]));
    assert_eq!(
        v[0]["parties"],
        serde_json::json!(["foundation-salam-amman", "unicef"])
    );
}

// ---------------------------------------------------------------------------------------
// 5. --excel

#[test]
fn excel_neutralises_formulas_and_plain_csv_does_not() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Acme Org",
        "--category",
        "ngo",
        "--key",
        "acme",
    ])
    .ok();
    // (title, note) pairs whose cells begin with each trigger.
    let cases = [
        ("=1+1", "plain note"),
        ("+44 20 7946 0000", "@SUM(A1:A2)"),
        ("-2+3", "\tindented"),
        ("@cmd", "\rcarriage"),
        ("\tTabbed title", "=HYPERLINK(\"http://x\")"),
        ("\rCR title", "-minus"),
        ("Plain title", "+plus"),
    ];
    for (i, (t, n)) in cases.iter().enumerate() {
        let reference = format!("X-{}", i + 1);
        env.run(&[
            "add",
            "mou",
            "--partner",
            "acme",
            "--ref",
            &reference,
            &format!("--title={t}"),
            &format!("--note={n}"),
        ])
        .ok();
    }
    let plain = env.run(&["export", "agreements"]);
    let plain = plain.ok();
    assert!(plain.starts_with("ref,kind,"), "no BOM in plain CSV");
    let (_, rows) = parse_csv(plain);
    assert_eq!(rows.len(), cases.len());
    for (row, (t, n)) in rows.iter().zip(&cases) {
        assert_eq!(&row[2], t, "plain CSV is never altered");
        assert_eq!(&row[13], n);
    }
    // Plain CSV ends records with LF only.
    assert!(!plain.contains(",\r\n") && !plain.contains("updated_at\r\n"));

    let out = env
        .command()
        .args(["export", "agreements", "--excel"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let bytes = out.stdout;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    // Every line ends CRLF (no cell here holds a line feed).
    assert!(text.ends_with("\r\n"));
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            assert_eq!(text.as_bytes()[i - 1], b'\r', "bare LF at byte {i}");
        }
    }
    assert_eq!(text.matches("\r\n").count(), 1 + cases.len());
    let (header, rows) = parse_csv(&text);
    assert_eq!(header.join(","), AGREEMENT_HEADER);
    for (row, (t, n)) in rows.iter().zip(&cases) {
        for (cell, typed) in [(&row[2], t), (&row[13], n)] {
            let risky = typed.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if risky {
                assert_eq!(cell, &format!("'{typed}"));
            } else {
                assert_eq!(cell, typed);
            }
        }
        // Other cells are left alone.
        assert_eq!(row[1], "mou");
        assert_eq!(row[3], "acme");
    }
    // --excel with -o writes the same bytes.
    let path = env.path("sheet.csv");
    env.run(&[
        "export",
        "agreements",
        "--excel",
        "-o",
        path.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // --excel is for CSV only.
    env.fails_unchanged(
        &["export", "agreements", "--excel", "--format", "json"],
        2,
        &["--excel"],
    );
}

// ---------------------------------------------------------------------------------------
// 6. A reader that goes away

#[test]
fn closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;

    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "UNICEF",
        "--category",
        "intergovernmental",
    ])
    .ok();
    let mut csv = String::from("parties,title,signed_on,notes\n");
    for i in 1..=3000 {
        csv.push_str(&format!(
            "unicef,Agreement number {i},2020-01-01,\"A note long enough to fill the pipe quickly, row {i}\"\n"
        ));
    }
    let file = env.write("many.csv", &csv);
    env.run(&["import", "agreements", file.to_str().unwrap()])
        .ok();
    assert_eq!(env.run(&["report", "count"]).ok(), "3000\n");

    for args in [
        &["export", "agreements"][..],
        &["export", "agreements", "--format", "jsonl"][..],
        &["list", "agreements", "--format", "json"][..],
        &["list", "agreements"][..],
    ] {
        let mut child = env
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?}");
        drop(stdout);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 7. Any text survives export

mod roundtrip {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>()
                .prop_filter("no NUL", |c| *c != '\0')
                .prop_map(String::from),
            Just("\"".to_string()),
            Just(",".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just(";".to_string()),
            "[\u{0621}-\u{0652}\u{0660}-\u{0669} ]{1,6}",
            "[a-zA-Z ,\"']{1,6}",
        ];
        (
            prop_oneof![Just(""), Just("="), Just("-"), Just("@"), Just("\"")],
            proptest::collection::vec(piece, 1..10),
        )
            .prop_map(|(lead, v)| format!("{lead}{}", v.concat()))
    }

    fn stored(t: &str) -> Option<String> {
        let n: String = t.nfc().collect();
        if n.trim().is_empty() {
            None
        } else {
            Some(n)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        #[test]
        fn title_and_notes_survive_csv_and_json(title in text(), note in text()) {
            let env = Env::new();
            env.run(&["add", "partner", "Acme Org", "--category", "ngo", "--key", "acme"]).ok();
            let r = env.run(&[
                "add", "mou", "--partner", "acme", "--signed", "2026-01-01",
                &format!("--title={title}"), &format!("--note={note}"),
            ]);
            prop_assert_eq!(r.code, 0, "{}", r.stderr);
            let want_title = stored(&title).unwrap_or_default();
            let want_note = stored(&note);

            let csv = env.run(&["export", "agreements"]);
            let rows = csv_maps(csv.ok());
            prop_assert_eq!(rows.len(), 1);
            prop_assert_eq!(&rows[0]["title"], &want_title);
            prop_assert_eq!(&rows[0]["notes"], &want_note.clone().unwrap_or_default());

            let json = env.run(&["export", "agreements", "--format", "json"]);
            let v: Vec<Value> = serde_json::from_str(json.ok()).unwrap();
            prop_assert_eq!(v.len(), 1);
            prop_assert_eq!(&v[0]["title"], &Value::from(want_title));
            prop_assert_eq!(&v[0]["notes"], &want_note.map_or(Value::Null, Value::from));
        }
    }
}

// ---------------------------------------------------------------------------------------
// 8. Completions, man page, help

#[test]
fn completions_and_man_page() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish"] {
        let r = env.run(&["completions", shell]);
        let out = r.ok();
        assert!(!out.trim().is_empty(), "{shell}");
        // The script asks mou itself for candidates (see tests/help.rs).
        assert!(out.contains("mou"), "{shell}");
        assert!(out.contains("COMPLETE"), "{shell}");
    }
    env.fails_unchanged(&["completions", "cmd"], 2, &["cmd"]);
    let man = env.run(&["man"]);
    let man = man.ok();
    // clap_mangen opens with two `.ie/.el` string definitions, then the title header.
    let first_macro = man
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap();
    assert!(first_macro.starts_with(".TH mou 1"), "{first_macro}");
    assert!(man.contains(".SH NAME"));
    assert!(man.contains("query"));
    assert!(!env.db.exists(), "help-like commands create no registry");
}

#[test]
fn help_snapshots() {
    let env = Env::new();
    insta::assert_snapshot!("help", env.run(&["--help"]).ok());
    insta::assert_snapshot!("list_help", env.run(&["list", "--help"]).ok());
}

/// CSV is written from stored text and JSON from typed records: both must say the same.
#[test]
fn csv_and_json_exports_agree_row_for_row() {
    let env = Env::sample();
    for as_of in [
        "2013-01-01",
        "2020-06-30",
        "2021-07-01",
        "2026-06-30",
        "2026-11-29",
        "2031-01-01",
    ] {
        for filter in [&[][..], &["--kind", "mou"][..]] {
            let mut csv_args = vec!["export", "agreements", "--as-of", as_of];
            csv_args.extend(filter);
            let csv_out = env.run(&csv_args).ok().to_string();
            let mut json_args = csv_args.clone();
            json_args.extend(["--format", "json"]);
            let json: Vec<Value> = serde_json::from_str(env.run(&json_args).ok()).unwrap();
            let mut reader = csv::ReaderBuilder::new().from_reader(csv_out.as_bytes());
            let header = reader.headers().unwrap().clone();
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            assert_eq!(rows.len(), json.len(), "{as_of} {filter:?}");
            for (row, obj) in rows.iter().zip(&json) {
                for (name, cell) in header.iter().zip(row.iter()) {
                    let expected = match &obj[name] {
                        Value::Null => String::new(),
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Array(v) => v
                            .iter()
                            .map(|x| {
                                x.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| x.to_string())
                            })
                            .collect::<Vec<_>>()
                            .join(";"),
                        other => other.to_string(),
                    };
                    assert_eq!(
                        cell,
                        expected,
                        "{as_of} {filter:?} {name} of {}",
                        row.get(0).unwrap()
                    );
                }
            }
        }
    }
}

#[test]
fn bare_list_names_the_entities_it_takes() {
    let env = Env::new();
    let r = env.run(&["list"]);
    r.fails(2, &["partners", "agreements", "mou list agreements"]);
    assert_eq!(r.stdout, "");
    assert!(!env.db.exists(), "a usage error creates nothing");
}
