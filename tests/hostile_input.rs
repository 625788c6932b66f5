//! Nothing lost to hostile input: SQL and quotes, control characters, huge notes, fields and
//! headers, invalid UTF-8, and proptest fuzzing of query expressions and imports.

mod common;
use common::robustness::*;
use common::*;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// 6. Hostile input

#[test]
fn sql_and_quotes_in_names_and_notes_are_data() {
    let env = Env::sample();
    let evil = "Evil'); DROP TABLE partner; --";
    let quoted = "O'Brien \"Quoted\" Foundation";
    let r = env.run(&[
        "add",
        "partner",
        evil,
        "--category",
        "ngo",
        "--note",
        "'; DELETE FROM agreement; --",
    ]);
    r.ok();
    env.run(&[
        "add",
        "partner",
        quoted,
        "--category",
        "ngo",
        "--alias",
        "\"Q\" --",
    ])
    .ok();
    let out = env.run(&["list", "partners", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&evil) && names.contains(&quoted),
        "{names:?}"
    );
    assert!(count(&env.db, "SELECT count(*) FROM agreement") > 0);
    env.run(&["show", evil]).ok();
    env.run(&["query", "--partners", "'); DROP TABLE partner; --"]);
    assert!(count(&env.db, "SELECT count(*) FROM partner") > 2);
    env.run(&["list", "partners", "--search", "' OR 1=1 --"])
        .ok();
    env.run(&["check"]).ok();
}

#[test]
fn control_characters_are_refused_in_names_and_kept_in_notes() {
    let env = Env::sample();
    for name in [
        "Bell\u{7}Org",
        "Red \u{1b}[31mOrg",
        "Two\nLines",
        "Tab\tOrg",
    ] {
        let before = env.snapshot_bytes();
        let r = env.run(&["add", "partner", name, "--category", "ngo"]);
        no_panic(&r, name);
        assert_eq!(r.code, 2, "{name:?}: {}", r.stderr);
        assert!(
            !r.stderr.contains('\u{1b}'),
            "the escape is echoed raw: {:?}",
            r.stderr
        );
        assert_eq!(env.snapshot_bytes(), before, "{name:?}");
    }
    // NUL cannot reach argv; through a file it is refused in names and notes alike.
    let f = env.write("nul.csv", "name,category,notes\nNul\u{0}Org,ngo,\n");
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["line 2", "name"]);
    let f = env.write("nul.csv", "name,category,notes\nNul Org,ngo,a\u{0}b\n");
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &["line 2", "notes", "NUL"],
    );
    let note = "line one\n\tindented line two\r\nthree";
    env.run(&[
        "add",
        "partner",
        "Noted Org",
        "--category",
        "ngo",
        "--note",
        note,
    ])
    .ok();
    let out = env.run(&["show", "noted-org", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["notes"].as_str(), Some(note));
}

#[test]
fn notes_up_to_one_mib_are_kept_and_longer_ones_refused() {
    let env = Env::sample();
    // On the command line (an argument is at most 128 KiB on Linux).
    let long = "ملاحظة ".repeat(9_000);
    env.run(&[
        "add",
        "partner",
        "Long Notes Org",
        "--category",
        "ngo",
        "--note",
        &long,
    ])
    .ok();
    // Through a file: exactly 1 MiB is kept; one byte more is refused naming the limit.
    let mib = 1usize << 20;
    let exact = "n".repeat(mib);
    let f = env.write(
        "exact.csv",
        &format!("name,category,notes\nExact Org,ngo,{exact}\n"),
    );
    env.run(&["import", "partners", p(&f)]).ok();
    let out = env.run(&["show", "exact-org", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(v["notes"].as_str().map(str::len), Some(mib));

    let f = env.write(
        "over.csv",
        &format!("name,category,notes\nOver Org,ngo,{exact}x\n"),
    );
    env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &["line 2", "notes", "1048576 bytes"],
    );
    let f = env.write("title.csv", &format!("parties,title\nunicef,{exact}x\n"));
    env.fails_unchanged(
        &["import", "agreements", p(&f)],
        2,
        &["line 2", "title", "1048576 bytes"],
    );
}

#[test]
fn csv_with_invalid_utf8_names_the_line() {
    let env = Env::sample();
    let f = env.path("latin1.csv");
    let mut bytes = b"name,category,country\nGood Org,ngo,AT\n".to_vec();
    bytes.extend_from_slice(b"Caf\xe9 Org,ngo,FR\n");
    std::fs::write(&f, &bytes).unwrap();
    env.fails_unchanged(&["import", "partners", p(&f)], 2, &["line 3", "UTF-8"]);
    // In the header as well.
    std::fs::write(&f, b"name,categ\xefry\nGood Org,ngo\n").unwrap();
    let r = env.fails_unchanged(&["import", "partners", p(&f)], 2, &["unknown column"]);
    no_panic(&r, "bad header");
}

#[test]
fn a_header_of_ten_thousand_columns_is_refused_clearly() {
    let env = Env::sample();
    let mut header = String::from("name,category");
    for i in 0..10_000 {
        header.push_str(&format!(",extra_{i}"));
    }
    let f = env.write("wide.csv", &format!("{header}\nWide Org,ngo\n"));
    let r = env.fails_unchanged(
        &["import", "partners", p(&f)],
        2,
        &[
            "unknown columns",
            "'extra_0'",
            "and 9995 more",
            "valid columns",
        ],
    );
    assert!(
        r.stderr.len() < 4000,
        "the message is bounded: {} bytes",
        r.stderr.len()
    );
}

/// Peak resident memory of a child in KiB, through /usr/bin/time.
fn peak_rss_kib(env: &Env, args: &[&str]) -> Option<(Run, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = env.path("rss.txt");
    let base = env.command();
    let out = Command::new(time)
        .env_clear()
        .envs(base.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(env.dir.path())
        .args(["-f", "%M", "-o", p(&report), "--"])
        .arg(bin())
        .args(args)
        .output()
        .unwrap();
    let kib = std::fs::read_to_string(&report)
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()?;
    Some((
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        kib,
    ))
}

fn write_huge_field(path: &Path, header: &str, prefix: &str, size: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(header.as_bytes()).unwrap();
    f.write_all(prefix.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    f.write_all(b"\"\n").unwrap();
    f.flush().unwrap();
}

#[test]
fn a_100_mb_field_is_refused_with_bounded_memory() {
    let env = Env::sample();
    // What the binary takes before it reads anything (its code and libraries: larger in a
    // debug build); the field may add only a bounded amount to it.
    let base = peak_rss_kib(&env, &["--version"]).map_or(0, |(_, kib)| kib);
    let big = env.path("huge.csv");
    write_huge_field(&big, "name,category,notes\n", "Huge Org,ngo,\"", 100 << 20);
    let before = env.snapshot_bytes();
    let (r, kib) = match peak_rss_kib(&env, &["import", "partners", p(&big)]) {
        Some(x) => x,
        None => {
            eprintln!("note: /usr/bin/time is missing; memory not measured");
            (env.run(&["import", "partners", p(&big)]), 0)
        }
    };
    no_panic(&r, "huge field");
    r.fails(2, &["line 2", "4 MiB"]);
    assert!(
        kib.saturating_sub(base) < 56 * 1024,
        "peak memory {} MiB over the {} MiB the binary starts with",
        kib.saturating_sub(base) / 1024,
        base / 1024
    );
    assert_eq!(env.snapshot_bytes(), before);

    // A huge field in the header row is stopped the same way.
    write_huge_field(&big, "", "name,category,\"", 100 << 20);
    let (r, kib) = peak_rss_kib(&env, &["import", "partners", p(&big)])
        .unwrap_or_else(|| (env.run(&["import", "partners", p(&big)]), 0));
    no_panic(&r, "huge header");
    r.fails(2, &["line 1", "4 MiB"]);
    assert!(
        kib.saturating_sub(base) < 56 * 1024,
        "peak memory {} MiB over the {} MiB the binary starts with",
        kib.saturating_sub(base) / 1024,
        base / 1024
    );
    assert_eq!(env.snapshot_bytes(), before);
    std::fs::remove_file(&big).unwrap();
}

#[test]
fn rows_after_a_long_but_legal_row_still_import() {
    // The row limit counts per row, not per file: many rows of 600 KiB each are fine.
    let env = Env::sample();
    let mut s = String::from("name,category,notes\n");
    for i in 0..40 {
        s.push_str(&format!("Row Org {i},ngo,{}\n", "w".repeat(600 << 10)));
    }
    let f = env.write("many.csv", &s);
    let r = env.run(&["import", "partners", p(&f)]);
    r.ok();
    assert!(r.stderr.contains("40 added"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// 7. Fuzzing with proptest (cargo-fuzz targets live in fuzz/)

fn query_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("category:".to_string()),
        Just("status:".to_string()),
        Just("sdg:".to_string()),
        Just("partner:".to_string()),
        Just("signed".to_string()),
        Just("expires<".to_string()),
        Just("expires>=".to_string()),
        Just("active:".to_string()),
        Just("-".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just("..".to_string()),
        Just("2026Q3".to_string()),
        Just("٢٠٢٦-٠٣-١٥".to_string()),
        "[a-zA-Z0-9:<>=,.\\-\"' ]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(word, 0..8).prop_map(|w| w.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn query_expressions_never_panic(expr in query_text(), raw in any::<String>()) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        for e in [&expr, &raw] {
            let mut resolve = |name: &str| -> mou::error::Result<i64> {
                if name.len() % 2 == 0 { Ok(1) } else { Err(mou::error::Error::input("unknown partner")) }
            };
            let _ = mou::query::parse_expression(e, as_of, &mut resolve);
        }
    }
}

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        Just(b"".to_vec()),
        Just(b"unicef".to_vec()),
        Just(b"ngo".to_vec()),
        Just(b"2026-02-30".to_vec()),
        Just(b"\"quoted, \"\"cell\"\"\"".to_vec()),
        Just(b"\"unterminated".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b",".to_vec()),
        Just("ملاحظة".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
    ];
    let header = prop_oneof![
        Just(b"name,category,notes\n".to_vec()),
        Just(b"ref,kind,parties,signed_on,expires_on,renews,sdgs\n".to_vec()),
        Just(b"\xef\xbb\xbfkey,name,category,country,aliases\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..24),
    ];
    (header, prop::collection::vec(cell, 0..40)).prop_map(|(mut h, cells)| {
        for c in cells {
            h.extend(c);
        }
        h
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn import_of_arbitrary_bytes_never_panics(
        text in csvish(),
        raw in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        thread_local! {
            static ENV: Env = {
                let env = Env::new();
                env.run(&["add", "partner", "UNICEF", "--key", "unicef", "--category", "intergovernmental"]).ok();
                env
            };
        }
        ENV.with(|env| {
            for (i, bytes) in [&text, &raw].into_iter().enumerate() {
                let f = env.path(&format!("fuzz-{i}.csv"));
                std::fs::write(&f, bytes).unwrap();
                for what in ["partners", "agreements"] {
                    let r = env.run(&["import", what, p(&f), "--update"]);
                    no_panic(&r, what);
                    prop_assert!(
                        r.code == 0 || r.code == 2,
                        "import {} of {:?} gave {}: {}",
                        what,
                        String::from_utf8_lossy(bytes),
                        r.code,
                        r.stderr
                    );
                }
            }
            Ok(())
        })?;
    }
}

#[test]
fn the_import_reader_never_reads_a_huge_file_whole() {
    // A sanity check of the memory test's premise: the file really is over the limit.
    let env = Env::new();
    let f = env.path("just-over.csv");
    write_huge_field(&f, "name,category,notes\n", "Big Org,ngo,\"", 5 << 20);
    let r = env.run(&["import", "partners", p(&f)]);
    r.fails(2, &["line 2", "a row longer than 4 MiB"]);
    let mut head = [0u8; 4];
    std::fs::File::open(&f)
        .unwrap()
        .read_exact(&mut head)
        .unwrap();
    assert_eq!(&head, b"name");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// What fuzz/fuzz_targets/import_csv.rs does, in-process: arbitrary bytes imported
    /// through the library give exit 2 at worst and leave a sound registry.
    #[test]
    fn import_in_process_of_arbitrary_bytes_is_bad_input_at_worst(data in csvish()) {
        use mou::cli::{Entity, ImportArgs};
        use mou::commands::{import, Ctx};
        use mou::store::Access;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.db");
        let file = dir.path().join("input.csv");
        std::fs::write(&file, &data).unwrap();
        let seed = dir.path().join("seed.csv");
        std::fs::write(&seed, "key,name,category\nunicef,UNICEF,intergovernmental\n").unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let ctx = Ctx {
            db: mou::store::Location::File(db.clone()),
            db_named: true,
            format: None,
            as_of: today,
            today,
            actor: "fuzz".into(),
            store: Default::default(),
            xlsx_sheet_rows: mou::output::xlsx::MAX_SHEET_ROWS,
        };
        let args = |entity, file| ImportArgs {
            entity,
            file,
            dry_run: false,
            update: true,
            force: false,
            create_partners: false,
            delimiter: None,
            date_format: None,
            ignore_columns: Vec::new(),
            sheet: None,
        };
        import::run(&ctx, &args(Entity::Partners, seed)).unwrap();
        for entity in [Entity::Partners, Entity::Agreements] {
            if let Err(e) = import::run(&ctx, &args(entity, file.clone())) {
                prop_assert_eq!(e.exit_code() as i32, 2, "{}", e);
            }
        }
        let store = mou::store::open(&mou::store::Location::File(db), Access::Read, &Default::default()).unwrap();
        prop_assert!(store.integrity_problems().unwrap().is_empty());
    }
}
