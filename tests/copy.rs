//! `mou copy DEST` between files: the copy holds the same records and the same history row
//! for row (its chain verifies), adds none of its own, and never goes where a registry is.

mod common;
use common::*;

#[test]
fn file_to_file_copies_every_record_and_the_history_unchanged() {
    let env = Env::sample();
    env.run(&["add", "partner", "Copy Test Org", "--category", "ngo"])
        .ok();
    let dest = env.path("copy.db");
    let r = env.run(&["copy", p(&dest)]);
    r.ok();
    assert!(r.stdout.is_empty(), "data only on stdout: {}", r.stdout);
    assert!(r.stderr.contains("chain verified"), "{}", r.stderr);
    for what in ["partners", "agreements", "engagements", "contacts"] {
        let a = env.run(&["export", what]).ok().to_string();
        let b = env
            .run(&["--db", p(&dest), "export", what])
            .ok()
            .to_string();
        assert_eq!(a, b, "{what} differ");
    }
    let a = env.run(&["history", "--format", "json"]).ok().to_string();
    let b = env
        .run(&["--db", p(&dest), "history", "--format", "json"])
        .ok()
        .to_string();
    assert_eq!(
        a, b,
        "the copy's history is the source's, with no row of its own"
    );
    assert!(a.contains("copy-test-org"), "{a}");
    env.run(&["--db", p(&dest), "history", "--verify"]).ok();
}

#[test]
fn a_destination_that_holds_a_registry_is_refused() {
    let env = Env::sample();
    let dest = env.path("other.db");
    env.run(&[
        "--db",
        p(&dest),
        "add",
        "partner",
        "Other Org",
        "--category",
        "ngo",
    ])
    .ok();
    let before = std::fs::read(&dest).unwrap();
    let r = env.fails_unchanged(&["copy", p(&dest)], 2, &["holds a registry already"]);
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read(&dest).unwrap(), before);

    let file = env.write("notes.txt", "precious\n");
    env.fails_unchanged(&["copy", p(&file)], 2, &["exists", "nothing was written"]);
    assert_eq!(std::fs::read(&file).unwrap(), b"precious\n");
}
