//! Helpers of the robustness tests (tests/robustness.rs, tests/faults.rs,
//! tests/hostile_input.rs).

use super::*;

use std::path::Path;

pub fn sqlite(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open with rusqlite")
}

/// `PRAGMA integrity_check` of a file, opened with rusqlite.
pub fn integrity(path: &Path) -> String {
    let c = sqlite(path);
    let mut st = c.prepare("PRAGMA integrity_check").unwrap();
    let rows: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.join("\n")
}

pub fn count(path: &Path, sql: &str) -> i64 {
    sqlite(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A CSV of `n` agreements with the sample's partners.
pub fn agreements_csv(env: &Env, name: &str, n: usize) -> PathBuf {
    let mut s = String::from("ref,kind,title,parties,signed_on,expires_on,notes\n");
    for i in 0..n {
        s.push_str(&format!(
            "BULK-{i:06},mou,Bulk agreement number {i} on dialogue,unicef,2020-01-01,2023-12-31,\
             a note long enough to take some room in the file: {i}\n"
        ));
    }
    env.write(name, &s)
}

/// Never a panic: Rust's panic exit code is 101 and the message says "panicked".
#[track_caller]
pub fn no_panic(r: &Run, what: &str) {
    assert_ne!(r.code, 101, "{what} panicked: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    assert!(r.code >= 0, "{what} was killed by a signal: {}", r.stderr);
}
