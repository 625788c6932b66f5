//! Spoofing and hostile text (issue 11, items 16, 17, 19, 20, 22): invisible and
//! direction-controlled names, mixed-script lookalikes, keys of digits only, escape sequences
//! shown escaped, formulas made safe for Excel.

mod common;
use common::text::*;
use common::*;

use serde_json::Value;

// ---- Spoofing and hostile text (issue 11, items 16, 17, 19, 20, 22) ----

/// Names that are invisible or lie about themselves, with what the error must show (the
/// value escaped).
const HOSTILE_NAMES: &[(&str, &str)] = &[
    ("\u{202E}FECINU", "\\u{202e}FECINU"),
    ("UNI\u{202D}CEF", "\\u{202d}"),
    ("\u{2067}Fund\u{2069}", "\\u{2067}"),
    ("\u{200B}", "\\u{200b}"),
    ("\u{200B}\u{200C}\u{200D}", "\\u{200b}"),
    ("\u{3164}", "\\u{3164}"),
    ("\u{2800}", "\u{2800}"),
    ("\u{200F}\u{200E}", "\\u{200f}"),
    ("UNICEF\u{E0041}\u{E007F}", "\\u{e0041}"),
    ("Line\u{2028}Two", "\\u{2028}"),
    ("Para\u{2029}graph", "\\u{2029}"),
    ("- -", "- -"),
    ("ـــ", "ـــ"),
];

#[test]
fn invisible_and_direction_controlled_names_are_refused() {
    let env = Env::sample();
    for (name, shown) in HOSTILE_NAMES {
        let r = env.fails_unchanged(
            &[
                "add",
                "partner",
                name,
                "--category",
                "ngo",
                "--key",
                "spoof",
            ],
            2,
            &["name", shown],
        );
        assert!(!r.stderr.contains('\u{202E}'), "{}", r.stderr);
        env.fails_unchanged(
            &[
                "add",
                "partner",
                "Spoof Org",
                "--category",
                "ngo",
                "--alias",
                name,
            ],
            2,
            &["alias", shown],
        );
        env.fails_unchanged(
            &["edit", "partner", "unicef", "--add-alias", name],
            2,
            &["alias", shown],
        );
    }
    // The same from a file: the row is named and nothing is imported.
    let f = env.write(
        "spoof.csv",
        "name,category\nFine Org,ngo\n\u{202E}FECINU,ngo\n\u{3164},ngo\n",
    );
    let r = env.fails_unchanged(
        &["import", "partners", f.to_str().unwrap()],
        2,
        &["line 3", "line 4", "\\u{202e}FECINU", "\\u{3164}"],
    );
    assert!(!r.stderr.contains('\u{202E}'), "{}", r.stderr);
    // Refs: direction controls and marks, and no visible letter or digit.
    for reference in ["\u{202E}1-UOM", "MOU\u{200F}-7", "\u{200B}", "--"] {
        env.fails_unchanged(
            &["add", "mou", "--partner", "unicef", "--ref", reference],
            2,
            &["ref"],
        );
    }
    // Real names keep their joiners and marks: Persian with a ZWNJ, Arabic with an RLM.
    for (name, key) in [
        ("می\u{200C}خواهم", "persian-zwnj"),
        ("مركز الحوار\u{200F} (Dialogue)", "rlm-centre"),
    ] {
        add_partner(&env, name, key, &[]);
    }
}

#[test]
fn mixed_script_lookalikes_are_warned_and_checked() {
    let env = Env::sample();
    // A Cyrillic І (U+0406) among Latin letters: accepted, with a warning on both counts.
    let r = env.run(&[
        "add",
        "partner",
        "UN\u{0406}CEF",
        "--category",
        "ngo",
        "--key",
        "fake-unicef",
    ]);
    assert_eq!(r.ok().trim(), "fake-unicef");
    assert!(r.stderr.contains("mixes scripts"), "{}", r.stderr);
    assert!(r.stderr.contains("U+0406"), "{}", r.stderr);
    assert!(r.stderr.contains("Cyrillic"), "{}", r.stderr);
    assert!(
        r.stderr.contains("looks like partner unicef"),
        "{}",
        r.stderr
    );
    // A whole word in another script that reads as a Latin one: no mixing, but the
    // skeletons of two different partners meet.
    let r = env.run(&[
        "add",
        "partner",
        "Daughters Fund",
        "--category",
        "ngo",
        "--key",
        "daughters",
        "--alias",
        "\u{0412}\u{041D}\u{0410}",
    ]);
    r.ok();
    assert!(!r.stderr.contains("mixes scripts"), "{}", r.stderr);
    assert!(
        r.stderr.contains("looks like partner bridgewell"),
        "{}",
        r.stderr
    );
    // Arabic names with Latin aliases are normal: no warning.
    let r = env.run(&[
        "add",
        "partner",
        "مركز الحوار",
        "--category",
        "ngo",
        "--key",
        "hiwar",
        "--alias",
        "Dialogue Centre",
        "--alias",
        "KAICIID مركز",
    ]);
    r.ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    // Edit and import warn as add does.
    let r = env.run(&[
        "edit",
        "partner",
        "hiwar",
        "--add-alias",
        "Dialogue Cent\u{0440}e",
    ]);
    r.ok();
    assert!(r.stderr.contains("mixes scripts"), "{}", r.stderr);
    let f = env.write("lookalike.csv", "name,category\nUN\u{0406}CEF Office,ngo\n");
    let r = env.run(&["import", "partners", f.to_str().unwrap()]);
    r.ok();
    assert!(r.stderr.contains("mixes scripts"), "{}", r.stderr);
    // `mou check` lists them beside the near duplicates.
    let c = env.run(&["check"]);
    assert_eq!(c.code, 1, "{}\n{}", c.stdout, c.stderr);
    let lookalike = |a: &str, b: &str| {
        c.stdout
            .lines()
            .any(|l| l.contains("lookalike") && l.contains(a) && l.contains(b))
    };
    assert!(lookalike("fake-unicef", "unicef ("), "{}", c.stdout);
    assert!(lookalike("bridgewell", "daughters"), "{}", c.stdout);
    assert!(
        c.stdout
            .lines()
            .any(|l| l.contains("fake-unicef") && l.contains("mixes scripts")),
        "{}",
        c.stdout
    );
    assert!(!c.stdout.contains("hiwar: name"), "{}", c.stdout);
}

#[test]
fn keys_and_aliases_of_digits_only_are_refused() {
    let env = Env::sample();
    env.fails_unchanged(
        &[
            "add",
            "partner",
            "Shadow",
            "--category",
            "ngo",
            "--key",
            "1",
        ],
        2,
        &["key", "only digits"],
    );
    env.fails_unchanged(
        &["edit", "partner", "unicef", "--key", "12"],
        2,
        &["key", "only digits"],
    );
    for alias in ["2030", "٣", "１２", " 7 "] {
        env.fails_unchanged(
            &[
                "add",
                "partner",
                "Shadow",
                "--category",
                "ngo",
                "--alias",
                alias,
            ],
            2,
            &["alias", "only digits"],
        );
        env.fails_unchanged(
            &["edit", "partner", "unicef", "--add-alias", alias],
            2,
            &["alias", "only digits"],
        );
    }
    let f = env.write(
        "digits.csv",
        "key,name,aliases,category\n5,Five,,ngo\nsix,Six,6,ngo\n",
    );
    env.fails_unchanged(
        &["import", "partners", f.to_str().unwrap()],
        2,
        &["line 2", "line 3", "only digits"],
    );
    // A name of digits derives a key that is not only digits; id 1 still names unicef.
    let key = env
        .run(&["add", "partner", "1", "--category", "ngo"])
        .ok()
        .trim()
        .to_string();
    assert_eq!(key, "p-1");
    assert_eq!(
        field(&env, &["list", "agreements", "--partner", "1"], "ref"),
        s(UNICEF)
    );
    assert_eq!(key_of(&env, "p-1"), "p-1");
    // Digits within a key or alias are fine.
    add_partner(
        &env,
        "Agenda Org",
        "agenda-2030",
        &["--alias", "Agenda 2030"],
    );
}

const ESC: &str = "\u{1b}";

/// Raw bytes that a terminal would act on.
#[track_caller]
fn assert_no_raw_controls(what: &str, text: &str) {
    for c in [
        '\u{1b}', '\u{07}', '\u{9b}', '\u{9d}', '\u{202E}', '\r', '\u{08}',
    ] {
        assert!(!text.contains(c), "{what} holds raw {c:?}:\n{text}");
    }
}

#[test]
fn stored_escape_sequences_are_shown_escaped_for_people() {
    let env = Env::sample();
    let note = format!(
        "clear{ESC}[2J clip{ESC}]52;c;aGk=\u{07} link{ESC}]8;;http://x.example{ESC}\\here{ESC}]8;;{ESC}\\ \u{9b}31m red \u{202E}desrever back\u{08}\r\nnext line"
    );
    let title = format!("{ESC}[2J{ESC}[HPlan\u{9d}0;owned\u{07}");
    let actor = format!("{ESC}]52;c;aGk=\u{07}mallory");
    env.run(&[
        "--actor",
        &actor,
        "add",
        "partner",
        "Evil Org",
        "--category",
        "ngo",
        "--key",
        "evil",
        "--note",
        &note,
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "evil",
        "--title",
        &title,
        "--ref",
        "EVIL-1",
    ])
    .ok();
    // Every format for people shows the controls as escapes.
    for args in [
        vec!["show", "evil"],
        vec!["show", "evil", "--format", "markdown"],
        vec!["show", "EVIL-1"],
        vec!["show", "EVIL-1", "--format", "markdown"],
        vec!["list", "agreements"],
        vec!["list", "agreements", "--format", "markdown"],
        vec!["history"],
        vec!["history", "evil", "--format", "markdown"],
    ] {
        let out = env.run(&args).ok().to_string();
        assert_no_raw_controls(&format!("{args:?}"), &out);
    }
    let shown = env.run(&["show", "evil"]).ok().to_string();
    assert!(shown.contains("clear\\u{1b}[2J"), "{shown}");
    assert!(shown.contains("\\u{202e}desrever"), "{shown}");
    assert!(shown.contains("next line"), "{shown}");
    let history = env.run(&["history"]).ok().to_string();
    assert!(
        history.contains("\\u{1b}]52;c;aGk=\\u{7}mallory"),
        "{history}"
    );
    // csv, json and jsonl keep the stored text exactly.
    let v: Value =
        serde_json::from_str(env.run(&["show", "evil", "--format", "json"]).ok()).unwrap();
    assert_eq!(v["notes"], note.as_str());
    let v: Value =
        serde_json::from_str(env.run(&["show", "EVIL-1", "--format", "jsonl"]).ok()).unwrap();
    assert_eq!(v["title"], title.as_str());
    let csv = env.run(&["export", "partners"]).ok().to_string();
    assert!(csv.contains(&note), "{csv:?}");
    let h: Vec<Value> =
        serde_json::from_str(env.run(&["history", "--format", "json"]).ok()).unwrap();
    assert!(h.iter().any(|row| row["actor"] == actor.as_str()));
    // Messages on stderr that echo a value escape it too.
    let r = env.fails_unchanged(
        &["show", &format!("{ESC}[2Jnobody")],
        2,
        &["\\u{1b}[2Jnobody"],
    );
    assert_no_raw_controls("show's error", &r.stderr);
    let f = env.write(
        "bad.csv",
        &format!("parties,signed_on,title\nunicef,{ESC}]52;c;aGk=\u{07},x\n"),
    );
    let r = env.fails_unchanged(
        &["import", "agreements", f.to_str().unwrap()],
        2,
        &["line 2"],
    );
    assert_no_raw_controls("import's error", &r.stderr);
    assert!(r.stderr.contains("\\u{1b}]52"), "{}", r.stderr);
}

#[test]
fn check_lines_escape_text_stored_behind_mous_back() {
    let env = Env::sample();
    add_partner(&env, "Lonely Org", "lonely", &[]);
    // A name edited with the sqlite3 shell, where mou's checks do not run.
    rusqlite::Connection::open(&env.db)
        .unwrap()
        .execute(
            "UPDATE partner SET name = 'Lonely' || char(27) || ']52;c;aGk=' || char(7) WHERE key = 'lonely'",
            [],
        )
        .unwrap();
    let c = env.run(&["check"]);
    assert!(c.stdout.contains("lonely"), "{}", c.stdout);
    assert_no_raw_controls("check", &c.stdout);
    assert!(c.stdout.contains("Lonely\\u{1b}]52"), "{}", c.stdout);
}

#[test]
fn show_displays_semicolons_as_stored() {
    let env = Env::sample();
    add_partner(
        &env,
        "Alpha;Beta Org",
        "alpha-beta",
        &[
            "--note",
            "budget;travel;;rent",
            "--alias",
            "AB",
            "--alias",
            "A-B",
        ],
    );
    for format in ["table", "markdown"] {
        let out = env
            .run(&["show", "alpha-beta", "--format", format])
            .ok()
            .to_string();
        assert!(out.contains("Alpha;Beta Org"), "{out}");
        assert!(out.contains("budget;travel;;rent"), "{out}");
        assert!(out.contains("AB; A-B"), "{out}");
    }
    env.run(&[
        "add",
        "mou",
        "--partner",
        "alpha-beta",
        "--partner",
        "unicef",
        "--title",
        "One;two",
        "--ref",
        "SEMI-1",
        "--tag",
        "a",
        "--tag",
        "b",
    ])
    .ok();
    let out = env.run(&["show", "SEMI-1"]).ok().to_string();
    assert!(out.contains("One;two"), "{out}");
    assert!(out.contains("alpha-beta; unicef"), "{out}");
    assert!(out.contains("a; b"), "{out}");
}

/// What a spreadsheet reads as a formula at the start of a cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Every cell of `csv` as a spreadsheet splitting on `delimiter` would see it (past the
/// spaces and quotes it may skip).
fn cells(csv: &str, delimiter: u8) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    r.records()
        .flat_map(|rec| {
            rec.unwrap()
                .iter()
                .map(|f| f.trim_start_matches([' ', '"']).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn excel_export_is_safe_whichever_separator_and_imports_back_exactly() {
    let env = Env::sample();
    let nasty = [
        "Budget;=HYPERLINK(\"http://x.example\",\"open\")",
        "Plan, =1+1",
        "one;+two,-three;@four",
        "a; =SUM(A1:A2)",
        "line one\n@SUM(A1)\r\n=2",
        "\"=quoted\";\"+x\"",
        "already ';'=escaped",
        "'",
        "=plain",
    ];
    for (i, text) in nasty.iter().enumerate() {
        let key = format!("nasty-{i}");
        env.run(&[
            "add",
            "partner",
            &format!("Nasty {i}"),
            "--category",
            "ngo",
            "--key",
            &key,
            "--note",
            text,
            "--alias",
            &format!("=Alias{i}"),
            "--alias",
            &format!("-x{i}"),
            "--website",
            text,
        ])
        .ok();
        env.run(&[
            "add",
            "mou",
            "--partner",
            &key,
            "--partner",
            "unicef",
            "--title",
            text,
            "--ref",
            &format!("NASTY-{i}"),
            "--tag",
            &format!("=t{i}"),
            "--tag",
            "+u",
            "--note",
            text,
            "--signed",
            "2026-01-05",
        ])
        .ok();
    }
    for entity in ["partners", "agreements"] {
        let file = env.path(&format!("{entity}-excel.csv"));
        env.run(&["export", entity, "--excel", "-o", file.to_str().unwrap()])
            .ok();
        let text = std::fs::read_to_string(&file).unwrap();
        for delimiter in [b',', b';'] {
            for cell in cells(text.trim_start_matches('\u{feff}'), delimiter) {
                assert!(
                    !cell.starts_with(FORMULA_STARTS),
                    "{entity}, split on '{}': a formula cell {cell:?}",
                    delimiter as char
                );
            }
        }
        // Import restores every cell exactly.
        let plain = env.run(&["export", entity]).ok().to_string();
        let other = Env::new();
        if entity == "agreements" {
            let partners = env.path("partners-excel.csv");
            other
                .run(&["import", "partners", partners.to_str().unwrap()])
                .ok();
        }
        other.run(&["import", entity, file.to_str().unwrap()]).ok();
        assert_eq!(other.run(&["export", entity]).ok(), plain, "{entity}");
    }
}
