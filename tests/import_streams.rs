//! `mou import`: round trips through export, crash safety, no progress bar when stderr is not a
//! terminal, and one stream: stdin, pipes and FIFOs.

mod common;
use common::import::*;
use common::*;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

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
