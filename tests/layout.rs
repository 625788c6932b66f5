//! The house's layering, checked on its source: data flows one way, and SQLite stays in
//! its own folder.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn rusqlite_is_named_only_in_the_sqlite_store() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let sqlite = src().join("store").join("sqlite");
    let outside: Vec<_> = files
        .iter()
        .filter(|f| !f.starts_with(&sqlite) && read(f).contains("rusqlite"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}

/// Above the store, code holds a `dyn Backend` from `store::open`: it never names the SQLite
/// store or its tactics (journal modes, index drops, the bulk path's size rule, pragmas).
#[test]
fn only_the_store_names_sqlite_or_its_tactics() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let store = src().join("store");
    for file in files.iter().filter(|f| !f.starts_with(&store)) {
        let text = read(file);
        for word in [
            "rusqlite",
            "sqlite::",
            "store::Store",
            "Store::",
            "bulk_transaction",
            "drop_bulk_indexes",
            "rebuild_bulk_indexes",
            "takes_bulk_path",
            "agreement_writer",
            "set_max_page_count",
            "journal_mode",
            "PRAGMA",
        ] {
            assert!(!text.contains(word), "{} names {word}", file.display());
        }
    }
}

#[test]
fn arguments_and_checks_import_no_command() {
    let mut files: Vec<PathBuf> = ["validate.rs", "complete.rs", "environment.rs"]
        .iter()
        .map(|f| src().join(f))
        .collect();
    sources(&src().join("cli"), &mut files);
    for file in files {
        assert!(
            !read(&file).contains("crate::commands"),
            "{} imports a command",
            file.display()
        );
    }
}

/// The reports are pure: they name no store type, so any store can feed them.
#[test]
fn report_modules_name_no_store_type() {
    let mut files = vec![src().join("report.rs")];
    sources(&src().join("report"), &mut files);
    for file in files {
        let text = read(&file);
        for store in ["crate::db", "rusqlite", "crate::store"] {
            assert!(!text.contains(store), "{} names {store}", file.display());
        }
    }
}

#[test]
fn value_checks_need_no_store() {
    let text = read(&src().join("validate.rs"));
    assert!(
        !text.contains("crate::store"),
        "validate.rs names the store"
    );
}

#[test]
fn write_commands_do_not_import_one_another() {
    let commands = src().join("commands");
    for file in [
        "add.rs",
        "edit.rs",
        "remove.rs",
        "lifecycle.rs",
        "import/mod.rs",
        "import/apply.rs",
        "import/parse.rs",
        "export.rs",
        "list.rs",
    ] {
        let text = read(&commands.join(file));
        for other in ["add", "edit", "remove", "lifecycle", "import", "list"] {
            for spelled in [
                format!("super::{other}::"),
                format!("super::super::{other}"),
                format!("crate::commands::{other}::"),
            ] {
                assert!(!text.contains(&spelled), "{file} imports {spelled}");
            }
        }
    }
}

#[test]
fn nothing_below_the_registry_reads_the_environment() {
    let mut files = Vec::new();
    sources(&src().join("store"), &mut files);
    sources(&src().join("registry"), &mut files);
    for f in files {
        let text = read(&f);
        assert!(
            !text.contains("std::env::var"),
            "{} reads the environment",
            f.display()
        );
    }
}

#[test]
fn the_store_takes_the_time_of_a_change_and_reads_no_clock() {
    let mut files = Vec::new();
    sources(&src().join("store"), &mut files);
    for f in files {
        let text = read(&f);
        assert!(
            !text.contains("Utc::now") && !text.contains("Local::now"),
            "{} reads the clock",
            f.display()
        );
    }
}
