//! The bulk path of `mou import engagements` (a regular file of 4 MiB or more): it writes
//! what the streamed path (the same file on stdin) writes, refuses a file with one bad row in
//! the middle without changing a byte of the registry, and a re-import changes nothing.

mod common;
use common::Env;

/// Rows of the generated file: with their long notes, a little over 4 MiB.
const ROWS: usize = 3_000;

/// A file of `ROWS` engagements in the export's columns, over the sample's partners and
/// agreements: most with refs, every tenth without (a generated ref), series named by the
/// row after them and by the row before, text with quotes, commas, newlines and Arabic.
/// `bad_at`: the row (0-based) that names an unknown partner.
fn engagements_csv(bad_at: Option<usize>) -> String {
    let partners = [
        "unicef",
        "iatf-religion",
        "hukama-salam",
        "unicef;hukama-salam",
    ];
    let agreements = ["MOU-2015-001", "MOU-2016-001", ""];
    let mut s = String::from(
        "ref,kind,title,partners,starts_on,ends_on,place,country,agreement,part_of,sdgs,tags,\
         participants,outcome,notes,document,cancelled,public,created_at,updated_at\n",
    );
    let filler = "Notes, \"\"quoted\"\", ملاحظات طويلة; ".repeat(40);
    for i in 0..ROWS {
        let reference = if i % 10 == 9 {
            String::new()
        } else {
            format!("EB-{i:05}")
        };
        // Row 3 is part of row 4's series (it comes later); row 6 of row 5's.
        let part_of = match i % 10 {
            3 => format!("EB-{:05}", i + 1),
            6 => format!("EB-{:05}", i - 1),
            _ => String::new(),
        };
        let partner = if Some(i) == bad_at {
            "nobody-at-all"
        } else {
            partners[i % partners.len()]
        };
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2001 + i % 25;
        s.push_str(&format!(
            "{reference},workshop,\"Workshop {i}, on \"\"youth\"\"\",{partner},\
             {year}-{month:02}-{day:02},{year}-{month:02}-{day:02},\"Vienna,\nHofburg\",AT,\
             {agreement},{part_of},4;16,youth,{participants},,\"{filler}{i}\",,false,true,\
             2026-01-02T03:04:05Z,2026-01-02T03:04:05Z\n",
            agreement = agreements[i % agreements.len()],
            participants = i % 400,
        ));
    }
    assert!(s.len() >= 4 << 20, "the file must take the bulk path");
    s
}

fn export(env: &Env) -> String {
    env.run(&["export", "engagements"]).ok().to_string()
}

#[test]
fn the_bulk_path_writes_what_the_streamed_path_writes() {
    let csv = engagements_csv(None);
    let bulk = Env::sample();
    let file = bulk.write("engagements.csv", &csv);
    let r = bulk.run(&["import", "engagements", file.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("{ROWS} added, 0 updated, 0 unchanged")),
        "{}",
        r.stderr
    );
    let streamed = Env::sample();
    streamed
        .run_stdin(&["import", "engagements", "-"], &csv)
        .ok();
    let exported = export(&bulk);
    assert_eq!(exported, export(&streamed));
    assert_eq!(exported.matches("\nEB-").count(), ROWS - ROWS / 10);
    assert!(exported.contains("\nENG-2010-001,"), "a generated ref");
    bulk.run(&["check"]).ok();
    bulk.run(&["history", "--verify"]).ok();
    // The indexes the bulk path dropped are back: lookups through them find the rows.
    let parts = bulk
        .run(&["show", "EB-00004", "--format", "json"])
        .ok()
        .to_string();
    assert!(parts.contains("EB-00003"), "{parts}");

    // Export -> import (bulk, into a registry with the same partners and agreements) ->
    // export gives the same file.
    let again = Env::sample();
    let file = again.write("exported.csv", &exported);
    again
        .run(&["import", "engagements", file.to_str().unwrap()])
        .ok();
    assert_eq!(export(&again), exported);

    // Re-importing changes nothing.
    let before = bulk.snapshot_bytes();
    let r = bulk.run(&["import", "engagements", file.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("0 added, 0 updated, {ROWS} unchanged")),
        "{}",
        r.stderr
    );
    assert_eq!(export(&bulk), exported);
    assert!(
        bulk.snapshot_bytes() == before,
        "a re-import changed the registry"
    );
}

#[test]
fn a_bad_row_in_the_middle_of_a_bulk_import_writes_nothing() {
    let env = Env::sample();
    let before = env.snapshot_bytes_but_counter();
    let file = env.write("bad.csv", &engagements_csv(Some(ROWS / 2)));
    let r = env.run(&["import", "engagements", file.to_str().unwrap()]);
    r.fails(2, &["1 bad row(s)", "column partners", "nobody-at-all"]);
    assert!(
        env.snapshot_bytes_but_counter() == before,
        "a refused import changed the registry"
    );
    assert_eq!(export(&env).lines().count(), 1, "only the header");
    env.run(&["check"]).ok();

    // Into a registry holding engagements already (the WAL is kept): the same.
    let good = env.write("good.csv", &engagements_csv(None));
    env.run(&["import", "engagements", good.to_str().unwrap()])
        .ok();
    let exported = export(&env);
    let r = env.fails_unchanged(&["import", "engagements", file.to_str().unwrap()], 2, &[]);
    assert!(r.stderr.contains("nobody-at-all"), "{}", r.stderr);
    assert_eq!(export(&env), exported);
}
