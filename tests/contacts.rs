//! Contacts: add, list, edit, remove, show, history, export/import, and `forget contact`
//! (the bytes gone from the files, the chain still verifying).

mod common;
use common::Env;

fn with_partners() -> Env {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "UNICEF",
        "--category",
        "intergovernmental",
        "--key",
        "unicef",
    ])
    .ok();
    env.run(&[
        "add",
        "partner",
        "Danube Interfaith Council",
        "--category",
        "religious",
        "--key",
        "dic",
    ])
    .ok();
    env
}

fn add(env: &Env, args: &[&str]) -> String {
    let mut a = vec!["add", "contact"];
    a.extend_from_slice(args);
    env.run(&a).ok().trim().to_string()
}

fn bytes_of(env: &Env) -> Vec<u8> {
    env.snapshot_bytes()
}

fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn add_list_show_and_names() {
    let env = with_partners();
    let id = add(
        &env,
        &[
            "Layla Haddad",
            "--partner",
            "unicef",
            "--role",
            "Programme Officer",
            "--email",
            "layla.haddad@example.org",
            "--phone",
            "+43 1 260 60",
            "--lang",
            "ar,EN",
            "--primary",
            "--since",
            "2024-01-01",
        ],
    );
    assert_eq!(id, "1");
    add(
        &env,
        &["Jonas Berger", "--partner", "dic", "--until", "2025-12-31"],
    );
    let csv = env
        .run(&["list", "contacts", "--format", "csv"])
        .ok()
        .to_string();
    assert_eq!(
        csv,
        "id,partner,name,role,email,phone,languages,primary,since,until,notes,created_at,updated_at\n\
         1,unicef,Layla Haddad,Programme Officer,layla.haddad@example.org,+43 1 260 60,ar;en,true,2024-01-01,,,2026-06-30T09:00:00Z,2026-06-30T09:00:00Z\n"
            .replace("2026-06-30T09:00:00Z", &env_now(&env)),
        "the former contact is hidden without --all"
    );
    let all = env
        .run(&["list", "contacts", "--all", "--format", "json"])
        .ok()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["primary"], serde_json::json!(true), "booleans in JSON");
    assert_eq!(v[0]["languages"], serde_json::json!(["ar", "en"]));
    let search = env
        .run(&[
            "list",
            "contacts",
            "--all",
            "--search",
            "berger",
            "--columns",
            "id,name",
            "--format",
            "csv",
        ])
        .ok()
        .to_string();
    assert_eq!(search, "id,name\n2,Jonas Berger\n");
    let by_partner = env
        .run(&[
            "list",
            "contacts",
            "--all",
            "--partner",
            "dic",
            "--columns",
            "id",
            "--format",
            "csv",
        ])
        .ok()
        .to_string();
    assert_eq!(by_partner, "id\n2\n");
    env.run(&["list", "contacts", "--kind", "mou"])
        .fails(2, &["--kind does not apply to contacts"]);
    // Names: id, email (any case), PARTNER:NAME (normalized).
    for name in [
        "1",
        "LAYLA.HADDAD@example.org",
        "unicef:layla  HADDAD",
        "UNICEF:Layla Haddad",
    ] {
        env.run(&["edit", "contact", name, "--note", "met in Vienna"])
            .ok();
    }
    env.run(&["edit", "contact", "unicef:Layla Hadad"])
        .fails(2, &["no contact is named", "1 (unicef:Layla Haddad)"]);
    let show = env.run(&["show", "unicef"]).ok().to_string();
    assert!(
        show.contains("Current contacts (1)") && show.contains("Layla Haddad"),
        "{show}"
    );
    let show_dic = env.run(&["show", "dic"]).ok().to_string();
    assert!(
        !show_dic.contains("Jonas"),
        "a former contact is not current: {show_dic}"
    );
    let json = env
        .run(&["show", "unicef", "--format", "json"])
        .ok()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["contacts"][0]["email"], "layla.haddad@example.org");
}

fn env_now(env: &Env) -> String {
    let csv = env
        .run(&[
            "export",
            "partners",
            "--columns",
            "created_at",
            "--format",
            "csv",
        ])
        .ok()
        .to_string();
    csv.lines().nth(1).unwrap().to_string()
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let env = with_partners();
    let base = ["add", "contact", "X Y", "--partner", "unicef"];
    for (flag, value, needle) in [
        (
            "--email",
            "not-an-address",
            "invalid email 'not-an-address'",
        ),
        ("--email", "a@localhost", "invalid email"),
        ("--lang", "xx", "invalid languages 'xx'"),
        ("--lang", "eng", "ISO 639-1"),
        ("--phone", "call me", "invalid phone"),
        ("--until", "2020-01-01", "until"),
    ] {
        let mut a = base.to_vec();
        a.extend([flag, value]);
        if flag == "--until" {
            a.extend(["--since", "2021-01-01"]);
        }
        env.fails_unchanged(&a, 2, &[needle]);
    }
    env.fails_unchanged(
        &["add", "contact", "X", "--partner", "nobody"],
        2,
        &["unknown partner"],
    );
    env.fails_unchanged(
        &["remove", "contact", "nobody@example.org"],
        2,
        &["no contact is named"],
    );
}

#[test]
fn a_new_primary_demotes_the_old_one_in_its_own_history_row() {
    let env = with_partners();
    add(&env, &["Layla Haddad", "--partner", "unicef", "--primary"]);
    add(
        &env,
        &[
            "Former One",
            "--partner",
            "unicef",
            "--primary",
            "--until",
            "2020-01-01",
        ],
    );
    add(&env, &["Other Partner", "--partner", "dic", "--primary"]);
    let r = env.run(&[
        "add",
        "contact",
        "Sami Nasser",
        "--partner",
        "unicef",
        "--primary",
    ]);
    r.ok();
    assert!(
        r.stderr.contains(
            "contact 1 (Layla Haddad) is no longer the primary contact of unicef: contact 4 is"
        ),
        "{}",
        r.stderr
    );
    let csv = env
        .run(&[
            "list",
            "contacts",
            "--all",
            "--columns",
            "id,primary",
            "--format",
            "csv",
        ])
        .ok()
        .to_string();
    assert_eq!(
        csv, "id,primary\n1,false\n2,true\n3,true\n4,true\n",
        "a former primary and another partner's stay"
    );
    let hist = env
        .run(&["history", "--contact", "1", "--format", "jsonl"])
        .ok()
        .to_string();
    assert_eq!(
        hist.lines().count(),
        2,
        "add, then the demotion as an edit: {hist}"
    );
    assert!(hist.lines().nth(1).unwrap().contains("\"action\":\"edit\""));
    env.run(&["edit", "contact", "1", "--primary"]).ok();
    let csv = env
        .run(&[
            "list",
            "contacts",
            "--partner",
            "unicef",
            "--columns",
            "id,primary",
            "--format",
            "csv",
        ])
        .ok()
        .to_string();
    assert_eq!(csv, "id,primary\n1,true\n4,false\n");
    env.run(&["edit", "contact", "1", "--clear", "primary"])
        .ok();
    env.run(&["history", "--verify"]).ok();
}

#[test]
fn export_import_round_trip_and_partners_never_carry_contacts() {
    let env = with_partners();
    add(
        &env,
        &[
            "Layla Haddad",
            "--partner",
            "unicef",
            "--email",
            "layla@example.org",
            "--lang",
            "ar",
            "--primary",
            "--note",
            "line one\nline, two",
        ],
    );
    add(
        &env,
        &["جميلة العلي", "--partner", "dic", "--until", "2025-12-31"],
    );
    let out = env.run(&["export", "contacts"]).ok().to_string();
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
            .count(),
        2,
        "former ones too: {out}"
    );
    let partners = env.run(&["export", "partners"]).ok().to_string()
        + env.run(&["export", "partners", "--format", "json"]).ok();
    assert!(
        !partners.contains("Layla") && !partners.contains("layla@") && !partners.contains("جميلة")
    );
    let file = env.write("contacts.csv", &out);
    // Re-import changes nothing.
    let before = bytes_of(&env);
    let r = env.run(&["import", "contacts", file.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{}",
        r.stderr
    );
    assert!(bytes_of(&env) == before, "a re-import changed the registry");
    // Into a new registry: the same export back.
    let other = Env::new();
    other
        .run(&[
            "add",
            "partner",
            "UNICEF",
            "--category",
            "intergovernmental",
            "--key",
            "unicef",
        ])
        .ok();
    other
        .run(&[
            "add",
            "partner",
            "Danube Interfaith Council",
            "--category",
            "religious",
            "--key",
            "dic",
        ])
        .ok();
    other
        .run(&["import", "contacts", file.to_str().unwrap(), "--dry-run"])
        .ok();
    assert_eq!(
        other
            .run(&["list", "contacts", "--all", "--format", "csv"])
            .ok()
            .lines()
            .count(),
        1,
        "a dry run writes nothing"
    );
    other
        .run(&["import", "contacts", file.to_str().unwrap()])
        .ok();
    assert_eq!(other.run(&["export", "contacts"]).ok(), out);
    // A changed row needs --update; bad rows are each reported and nothing is written.
    let changed = out.replace("layla@example.org", "l.haddad@example.org");
    let f2 = env.write("changed.csv", &changed);
    env.fails_unchanged(
        &["import", "contacts", f2.to_str().unwrap()],
        2,
        &["line 2, column id", "--update"],
    );
    env.run(&["import", "contacts", f2.to_str().unwrap(), "--update"])
        .ok();
    assert!(env
        .run(&["export", "contacts"])
        .ok()
        .contains("l.haddad@example.org"));
    let bad = "partner,name,email,languages\nunicef,A,bad,ar\nnobody,B,,en\ndic,C,,zz\n";
    let f3 = env.write("bad.csv", bad);
    env.fails_unchanged(
        &["import", "contacts", f3.to_str().unwrap()],
        2,
        &[
            "3 bad row(s)",
            "line 2, column email",
            "line 3, column partner",
            "line 4, column languages",
        ],
    );
}

/// `forget contact`: the name, email, phone and notes are gone from the contact row, from every
/// history row and from the files' bytes (freed pages and the WAL included), the chain still
/// verifies, and tampering is still found afterwards.
#[test]
fn forget_erases_the_bytes_and_history_still_verifies() {
    let env = with_partners();
    add(
        &env,
        &[
            "Zainab Qureshi-Lindqvist",
            "--partner",
            "unicef",
            "--email",
            "zainab.ql@example.org",
            "--phone",
            "+43 1 999 8877",
            "--note",
            "prefers mornings, private number",
            "--role",
            "Focal point",
        ],
    );
    env.run(&[
        "edit",
        "contact",
        "1",
        "--role",
        "Head of office",
        "--note",
        "prefers mornings, private number; second note",
    ])
    .ok();
    add(
        &env,
        &[
            "Keep Me",
            "--partner",
            "unicef",
            "--email",
            "keep.me@example.org",
        ],
    );
    env.run(&[
        "edit",
        "contact",
        "zainab.ql@example.org",
        "--partner",
        "dic",
    ])
    .ok();
    let secrets = [
        "Zainab",
        "Qureshi-Lindqvist",
        "zainab.ql@example.org",
        "999 8877",
        "prefers mornings",
    ];
    assert!(
        secrets.iter().all(|s| holds(&bytes_of(&env), s)),
        "the data is there before"
    );
    let r = env.run(&[
        "forget",
        "contact",
        "dic:zainab qureshi-lindqvist",
        "--reason",
        "asked to be forgotten",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("forgot contact 1") && r.stderr.contains("3 history row(s)"),
        "{}",
        r.stderr
    );
    let raw = bytes_of(&env);
    for s in secrets {
        assert!(!holds(&raw, s), "'{s}' is still in the registry's bytes");
    }
    assert!(
        holds(&raw, "keep.me@example.org") && holds(&raw, "Head of office"),
        "other data stays"
    );
    env.run(&["history", "--verify"]).ok();
    let hist = env
        .run(&["history", "--contact", "1", "--format", "jsonl"])
        .ok()
        .to_string();
    assert_eq!(hist.lines().count(), 4, "{hist}");
    assert!(
        hist.contains("asked to be forgotten") && hist.contains("\"erased_rows\":[3,4,6]"),
        "{hist}"
    );
    let row = env
        .run(&[
            "list",
            "contacts",
            "--all",
            "--columns",
            "id,partner,name,email,role",
            "--format",
            "csv",
        ])
        .ok()
        .to_string();
    assert!(row.contains("1,dic,(forgotten),,Head of office"), "{row}");
    env.run(&["forget", "contact", "1", "--reason", "again"])
        .fails(2, &["forgotten already"]);
    env.run(&["edit", "contact", "1", "--role", "x"])
        .fails(2, &["was forgotten"]);
    // Tampering after a forget is still found: an erased row's other fields, and a plain row.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute("UPDATE history SET actor = 'mallory' WHERE id = 3", [])
        .unwrap();
    drop(conn);
    env.run(&["history", "--verify"])
        .fails(1, &["row 3", "content was changed"]);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute("UPDATE history SET actor = 'tester' WHERE id = 3", [])
        .unwrap();
    conn.execute("UPDATE history SET sealed = (SELECT sealed FROM history WHERE id = 3), after = '{}' WHERE id = 5", []).unwrap();
    drop(conn);
    env.run(&["history", "--verify"])
        .fails(1, &["row 5", "no forget row erased it"]);
}

#[test]
fn a_removed_contact_can_be_forgotten_by_id() {
    let env = with_partners();
    add(
        &env,
        &[
            "Gone Person",
            "--partner",
            "unicef",
            "--email",
            "gone@example.org",
        ],
    );
    env.run(&["remove", "contact", "1"]).ok();
    env.run(&["forget", "contact", "1", "--reason", "left"])
        .ok();
    assert!(!holds(&bytes_of(&env), "gone@example.org"));
    env.run(&["history", "--verify"]).ok();
    // The id is never given to a new contact.
    assert_eq!(add(&env, &["New Person", "--partner", "unicef"]), "2");
}

fn fixture(env: &Env) {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/registry-schema2.db");
    std::fs::copy(&fixture, &env.db).unwrap();
}

#[test]
fn an_old_chain_is_upgraded_to_digests_and_still_verifies_and_detects_tampering() {
    let env = Env::new();
    fixture(&env);
    let r = env.run(&["history", "--verify"]);
    r.ok();
    assert!(r.stderr.contains("5 rows"), "{}", r.stderr);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let (version, digests): (i32, i64) = (
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap(),
        conn.query_row(
            "SELECT count(*) FROM history WHERE length(digest) = 64",
            [],
            |r| r.get(0),
        )
        .unwrap(),
    );
    assert_eq!((version, digests), (4, 5));
    conn.execute("UPDATE history SET entity_key = 'x' WHERE id = 2", [])
        .unwrap();
    drop(conn);
    env.run(&["history", "--verify"]).fails(1, &["row 2"]);
}

#[test]
fn a_chain_broken_before_the_upgrade_stays_broken() {
    let env = Env::new();
    fixture(&env);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute("UPDATE history SET actor = 'mallory' WHERE id = 4", [])
        .unwrap();
    drop(conn);
    // The upgrade recomputes every hash, but the break found in the old chain is kept.
    env.run(&["history", "--verify"])
        .fails(1, &["row 4", "upgraded to schema 4"]);
    env.run(&["add", "partner", "After", "--category", "ngo"])
        .ok();
    env.run(&["history", "--verify"]).fails(1, &["row 4"]);
}
