//! Tables for people: fitted to the width (`COLUMNS`), plain without a terminal, coloured only
//! when asked, never in the machine formats.

mod common;

use common::{Env, Run};

fn at_width(env: &Env, columns: &str, args: &[&str]) -> String {
    let o = env
        .command()
        .env("COLUMNS", columns)
        .args(args)
        .output()
        .expect("run mou");
    Run::from_output(o).ok().to_string()
}

fn width(line: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    line.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The refs of the sample's agreements, from the CSV export.
fn refs(env: &Env) -> Vec<String> {
    let rows = env.run(&["export", "agreements", "--format", "jsonl"]);
    rows.ok()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["ref"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn tables_fit_80_and_60_columns() {
    let env = Env::sample();
    for w in [80, 60] {
        // A table whose single-word columns alone are wider than the terminal (list
        // agreements at 80: refs, kinds, dates and statuses) is shown as records: it fits too.
        let commands = vec![
            &["show", "MOU-2015-001"][..],
            &["report", "quarterly", "2026Q3"],
            &["list", "partners"],
            &["list", "agreements"],
            &["due", "--within", "2y"],
        ];
        for args in commands {
            let out = at_width(&env, &w.to_string(), args);
            // The report's title line is not a table.
            for line in out.lines().filter(|l| !l.starts_with("Quarterly report")) {
                assert!(width(line) <= w, "{args:?} at {w}: {line:?}\n{out}");
            }
        }
    }
}

#[test]
fn refs_and_dates_never_break_at_80_and_60() {
    let env = Env::sample();
    let refs = refs(&env);
    for w in ["80", "60"] {
        for args in [&["list", "agreements"][..], &["due", "--within", "2y"]] {
            let out = at_width(&env, w, args);
            let words: Vec<&str> = out.split_whitespace().collect();
            for r in &refs {
                if args[0] == "list" {
                    assert!(words.contains(&r.as_str()), "{r} broken at {w}:\n{out}");
                }
            }
            for word in out.split_whitespace() {
                let date_start = word.len() >= 5 && word.as_bytes()[4] == b'-';
                if date_start && word[..4].bytes().all(|b| b.is_ascii_digit()) {
                    assert_eq!(word.len(), 10, "a date broken at {w}: {word}\n{out}");
                }
            }
            assert!(out.lines().next().unwrap().starts_with("ref"), "{out}");
        }
    }
}

#[test]
fn without_a_terminal_tables_are_plain_aligned_columns() {
    let env = Env::sample();
    let out = env.run(&["list", "partners"]);
    let out = out.ok();
    assert!(
        !out.contains(['│', '┌', '└', '═', '─']),
        "box drawing in a pipe:\n{out}"
    );
    assert!(out.starts_with("key "), "{out}");
}

#[test]
fn counts_are_right_aligned() {
    let env = Env::sample();
    let out = env.run(&["report", "quarterly", "2026Q3"]);
    let out = out.ok();
    let header = out.lines().find(|l| l.starts_with("figure")).unwrap();
    let signed = out.lines().find(|l| l.starts_with("signed")).unwrap();
    assert_eq!(width(header), width(signed), "{header}\n{signed}");
    assert!(signed.ends_with(char::is_numeric), "{signed}");
}

#[test]
fn colour_only_when_asked_and_never_in_machine_formats() {
    let env = Env::sample();
    let coloured = env.run(&["list", "agreements", "--color", "always"]);
    let coloured = coloured.ok();
    assert!(
        coloured.contains("\u{1b}[31mexpired\u{1b}[0m"),
        "{coloured}"
    );
    assert!(coloured.contains("\u{1b}[32mactive\u{1b}[0m"), "{coloured}");
    let due = env.run(&["due", "--within", "2y", "--color", "always"]);
    assert!(due.ok().contains("\u{1b}[33m"), "{}", due.stdout);
    for args in [
        &["list", "agreements"][..],
        &["list", "agreements", "--color", "never"],
        &["list", "agreements", "--color", "always", "--format", "csv"],
        &[
            "list",
            "agreements",
            "--color",
            "always",
            "--format",
            "json",
        ],
        &[
            "list",
            "agreements",
            "--color",
            "always",
            "--format",
            "jsonl",
        ],
        &[
            "list",
            "agreements",
            "--color",
            "always",
            "--format",
            "markdown",
        ],
    ] {
        let out = env.run(args);
        assert!(!out.ok().contains('\u{1b}'), "{args:?}:\n{}", out.stdout);
    }
    // Colour codes take no width: the coloured table lines up as the plain one does.
    let plain = env.run(&["list", "agreements", "--color", "never"]);
    let strip = coloured
        .replace("\u{1b}[31m", "")
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[33m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(strip, plain.ok());
}

#[test]
fn color_is_refused_where_nothing_is_coloured_and_checked() {
    let env = Env::sample();
    env.run(&["init", "--color", "always"])
        .fails(2, &["--color"]);
    env.run(&["list", "partners", "--color", "sometimes"])
        .fails(2, &["sometimes", "auto", "always", "never"]);
}

#[test]
fn a_table_written_to_a_file_is_plain_and_unwrapped() {
    let env = Env::sample();
    let file = env.path("agreements.txt");
    let o = env
        .command()
        .env("COLUMNS", "40")
        .args(["export", "agreements", "-o", file.to_str().unwrap()])
        .output()
        .expect("run mou");
    Run::from_output(o).ok();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(['│', '┌', '\u{1b}']), "{text}");
    assert!(
        text.contains("Cooperation on interreligious dialogue for child protection"),
        "{text}"
    );
}
