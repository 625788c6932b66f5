//! Helpers of the import tests (tests/import*.rs).

use super::*;

use serde_json::Value;
use std::io::Write;
use std::path::Path;

pub fn export(env: &Env, what: &str) -> String {
    env.run(&["export", what]).ok().to_string()
}

pub fn agreement(env: &Env, r: &str) -> Value {
    json(env.run(&["--format", "json", "show", r]).ok())
}

/// An agreements CSV of at least `min_bytes`, with the ref of data row `dup_of` repeated on
/// data row `dup_at` (0-based). Returns the file and the number of data rows.
pub fn big_agreements(path: &Path, min_bytes: usize, dups: &[(usize, usize)]) -> usize {
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

pub fn partners_only(env: &Env) {
    let f = env.write(
        "p.csv",
        "key,name,category\nunicef,UNICEF,intergovernmental\n",
    );
    env.run(&["import", "partners", p(&f)]).ok();
}

/// The registry's journal mode: a bulk import writes through a rollback journal and must
/// leave the registry in WAL mode again.
pub fn journal_mode(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}
