//! The registry core: storage, model, commands, history. Renewals and refs:
//! tests/renewals_refs.rs.

mod common;
use common::*;

#[test]
fn init_is_idempotent_and_sets_schema() {
    let env = Env::new();
    env.run(&["init"]).ok();
    assert!(env.db.exists());
    let before = env.snapshot_bytes();
    let r = env.run(&["init"]);
    r.ok();
    assert!(r.stderr.contains("ready"));
    assert_eq!(before, env.snapshot_bytes());
    // Other SQLite tools read the file as it is.
    if let Ok(out) = std::process::Command::new("sqlite3")
        .arg(&env.db)
        .arg("PRAGMA application_id; PRAGMA user_version; PRAGMA journal_mode;")
        .output()
    {
        let s = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            s.lines().collect::<Vec<_>>(),
            vec!["1297044785", "4", "wal"]
        );
    }
}

#[test]
fn registry_is_created_on_first_write_only() {
    let env = Env::new();
    // MOU_DB names the registry: a read of it missing is exit 3 (see tests/errors.rs).
    env.run(&["list", "partners"]).fails(3, &["no registry at"]);
    assert!(!env.db.exists(), "a read must not create the registry");
    env.run(&[
        "add",
        "partner",
        "UNICEF",
        "--category",
        "intergovernmental",
    ])
    .ok();
    assert!(env.db.exists());
}

#[test]
fn db_flag_beats_env_and_xdg_is_default() {
    let env = Env::new();
    let other = env.path("other.db");
    env.run(&[
        "--db",
        other.to_str().unwrap(),
        "add",
        "partner",
        "X Org",
        "--category",
        "ngo",
    ])
    .ok();
    assert!(other.exists());
    assert!(!env.db.exists());
    let xdg = env.path("xdg");
    let out = env
        .command()
        .env_remove("MOU_DB")
        .env("XDG_DATA_HOME", &xdg)
        .args(["add", "partner", "Y Org", "--category", "ngo"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(xdg.join("mou/registry.db").exists());
}

#[test]
fn add_partner_derives_keys() {
    let env = Env::new();
    let k = env.run(&[
        "add",
        "partner",
        "United Nations Children's Fund",
        "--category",
        "intergovernmental",
        "--alias",
        "UNICEF",
        "--alias",
        "اليونيسيف",
    ]);
    assert_eq!(k.ok().trim(), "united-nations-children-s-fund");
    // No Latin letters in the name: the first Latin alias gives the key.
    let k = env.run(&[
        "add",
        "partner",
        "مجلس حكماء السلام",
        "--category",
        "religious",
        "--alias",
        "Council of Sages",
    ]);
    assert_eq!(k.ok().trim(), "council-of-sages");
    // No Latin at all: the name transliterated.
    let k = env.run(&["add", "partner", "جامعة السنديان", "--category", "academic"]);
    assert_eq!(k.ok().trim(), "jm-lsndyn");
    // A derived key that is taken gets a suffix.
    let k = env.run(&[
        "add",
        "partner",
        "Council of Sages!",
        "--category",
        "ngo",
        "--country",
        "jo",
    ]);
    assert_eq!(k.ok().trim(), "council-of-sages-2");
    let json = env.run(&["--format", "json", "show", "council-of-sages-2"]);
    let v: serde_json::Value = serde_json::from_str(json.ok()).unwrap();
    assert_eq!(v["country"], "JO");
    assert_eq!(v["category"], "ngo");
}

#[test]
fn add_agreement_generates_refs_and_derives_status() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "UNICEF",
        "--category",
        "intergovernmental",
    ])
    .ok();
    env.run(&[
        "add",
        "partner",
        "Vienna Institute",
        "--category",
        "academic",
        "--key",
        "vids",
    ])
    .ok();
    let r1 = env.run(&[
        "add",
        "mou",
        "--partner",
        "unicef",
        "--signed",
        "2016-05-01",
        "--term",
        "3y",
        "--sdg",
        "16,17",
        "--tag",
        "advocacy",
    ]);
    assert_eq!(r1.ok().trim(), "MOU-2016-001");
    let r2 = env.run(&[
        "add",
        "mou",
        "--partner",
        "UNICEF",
        "--partner",
        "vids",
        "--signed",
        "2016-09-20",
        "--title",
        "Joint",
    ]);
    assert_eq!(r2.ok().trim(), "MOU-2016-002");
    let r3 = env.run(&["add", "agreement", "--partner", "vids"]);
    assert_eq!(
        r3.ok().trim(),
        "AGREEMENT-2026-001",
        "a draft takes the current year"
    );
    let r4 = env.run(&[
        "add",
        "agreement",
        "--kind",
        "loi",
        "--partner",
        "vids",
        "--signed",
        "2027-01-10",
    ]);
    assert_eq!(r4.ok().trim(), "LOI-2027-001");
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "list", "agreements"]).ok()).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0]["expires_on"], "2019-04-30",
        "3y from 2016-05-01 runs through 2019-04-30"
    );
    assert_eq!(rows[0]["effective_on"], "2016-05-01");
    assert_eq!(rows[0]["sdgs"], serde_json::json!([16, 17]));
    assert_eq!(rows[0]["status"], "expired");
    assert_eq!(rows[1]["parties"], serde_json::json!(["unicef", "vids"]));
    assert_eq!(rows[1]["status"], "active");
    assert_eq!(rows[2]["status"], "draft");
    assert_eq!(rows[3]["status"], "pending");
    // The same registry at another as-of date.
    let v: serde_json::Value = serde_json::from_str(
        env.run(&[
            "list",
            "agreements",
            "--format",
            "json",
            "--as-of",
            "2019-04-30",
        ])
        .ok(),
    )
    .unwrap();
    assert_eq!(v[0]["status"], "active", "active on its expiry day itself");
}

#[test]
fn terminate_wins_over_expired() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Plateau Walkers",
        "--category",
        "grassroots",
        "--key",
        "pw",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "pw",
        "--signed",
        "2018-07-02",
        "--expires",
        "2021-07-01",
    ])
    .ok();
    env.run(&[
        "terminate",
        "MOU-2018-001",
        "--on",
        "2020-06-30",
        "--reason",
        "programme closed",
    ])
    .ok();
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-2018-001"]).ok()).unwrap();
    assert_eq!(v["status"], "terminated");
    assert_eq!(v["terminated_on"], "2020-06-30");
    assert_eq!(v["termination_reason"], "programme closed");
    let v: serde_json::Value = serde_json::from_str(
        env.run(&[
            "--format",
            "json",
            "--as-of",
            "2020-06-29",
            "show",
            "MOU-2018-001",
        ])
        .ok(),
    )
    .unwrap();
    assert_eq!(v["status"], "active");
    env.fails_unchanged(
        &["terminate", "MOU-2018-001", "--on", "2020-07-01"],
        2,
        &["already terminated"],
    );
    env.fails_unchanged(
        &["terminate", "MOU-2018-001x", "--on", "2020-07-01"],
        2,
        &["unknown agreement", "MOU-2018-001"],
    );
}

#[test]
fn edit_changes_fields_and_history_keeps_before_and_after() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Vienna Institute",
        "--category",
        "academic",
        "--key",
        "vids",
    ])
    .ok();
    env.run(&[
        "edit",
        "partner",
        "vids",
        "--add-alias",
        "VIDS",
        "--country",
        "AT",
        "--name",
        "Vienna Institute for Dialogue Studies",
    ])
    .ok();
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "vids"]).ok()).unwrap();
    assert_eq!(v["name"], "Vienna Institute for Dialogue Studies");
    assert_eq!(v["aliases"], serde_json::json!(["VIDS"]));
    assert_eq!(v["country"], "AT");
    env.run(&["add", "mou", "--partner", "vids", "--signed", "2020-01-15"])
        .ok();
    env.run(&[
        "edit",
        "agreement",
        "MOU-2020-001",
        "--signed",
        "2020-02-01",
        "--add-sdg",
        "4",
        "--add-tag",
        "research",
        "--term",
        "2y",
    ])
    .ok();
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-2020-001"]).ok()).unwrap();
    assert_eq!(v["signed_on"], "2020-02-01");
    assert_eq!(
        v["effective_on"], "2020-02-01",
        "an effective date that followed the signing date moves with it"
    );
    assert_eq!(v["expires_on"], "2022-01-31");
    assert_eq!(v["sdgs"], serde_json::json!([4]));
    env.run(&["edit", "agreement", "MOU-2020-001", "--ref", "MOU-2020-VIE"])
        .ok();
    let h: serde_json::Value = serde_json::from_str(
        env.run(&["--format", "json", "history", "MOU-2020-VIE"])
            .ok(),
    )
    .unwrap();
    let h = h.as_array().unwrap();
    assert_eq!(
        h.iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["add", "edit", "edit"]
    );
    let before: serde_json::Value = h[1]["before"].clone();
    let after: serde_json::Value = h[1]["after"].clone();
    assert_eq!(before["signed_on"], "2020-01-15");
    assert_eq!(after["signed_on"], "2020-02-01");
    assert_eq!(h[0]["actor"], "tester");
    assert_eq!(h[0]["at"], NOW);
    // --actor overrides $USER.
    env.run(&[
        "edit", "partner", "vids", "--note", "hello", "--actor", "amal",
    ])
    .ok();
    let h: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "history", "vids"]).ok()).unwrap();
    assert_eq!(h.as_array().unwrap().last().unwrap()["actor"], "amal");
    // Editing nothing writes no history.
    let n = h.as_array().unwrap().len();
    env.run(&["edit", "partner", "vids", "--note", "hello"])
        .ok();
    let h: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "history", "vids"]).ok()).unwrap();
    assert_eq!(h.as_array().unwrap().len(), n);
}

#[test]
fn remove_keeps_the_record_in_history() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Vienna Institute",
        "--category",
        "academic",
        "--key",
        "vids",
    ])
    .ok();
    env.run(&[
        "add",
        "partner",
        "Atlas Centre",
        "--category",
        "academic",
        "--key",
        "atlas",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "vids",
        "--signed",
        "2020-01-15",
        "--title",
        "Solo",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "vids",
        "--partner",
        "atlas",
        "--signed",
        "2021-01-15",
        "--title",
        "Joint",
    ])
    .ok();
    env.fails_unchanged(
        &["remove", "partner", "vids"],
        2,
        &["party to 2 agreement(s)", "--cascade"],
    );
    env.run(&["remove", "partner", "vids", "--cascade"]).ok();
    let list = env.run(&["--format", "csv", "list", "agreements"]);
    assert!(!list.ok().contains("Solo"));
    assert!(list.ok().contains("Joint,atlas,"), "{}", list.stdout);
    let h: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "history", "vids"]).ok()).unwrap();
    let last = h.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "remove");
    let before: serde_json::Value = last["before"].clone();
    assert_eq!(before["name"], "Vienna Institute");
    let h: serde_json::Value = serde_json::from_str(
        env.run(&["--format", "json", "history", "MOU-2020-001"])
            .ok(),
    )
    .unwrap();
    let before = h.as_array().unwrap().last().unwrap()["before"].clone();
    assert_eq!(
        before["title"], "Solo",
        "history JSON nests before and after as objects"
    );
    env.run(&["remove", "agreement", "MOU-2021-001"]).ok();
    assert_eq!(env.run(&["report", "count"]).ok().trim(), "0");
    env.run(&["history", "--verify"]).ok();
}

#[test]
fn list_and_show_snapshots_on_the_sample() {
    let env = Env::sample();
    insta::assert_snapshot!("list_partners", env.run(&["list", "partners"]).ok());
    insta::assert_snapshot!(
        "list_agreements_unicef",
        env.run(&["list", "agreements", "--partner", "unicef"]).ok()
    );
    insta::assert_snapshot!("show_partner", env.run(&["show", "danube-interfaith"]).ok());
    insta::assert_snapshot!(
        "show_agreement_json",
        env.run(&["--format", "json", "show", "MOU-2021-001"]).ok()
    );
}

#[test]
fn global_options_stand_after_the_command() {
    let env = Env::sample();
    let a = env.run(&[
        "list",
        "agreements",
        "--format",
        "json",
        "--as-of",
        "2026-06-30",
    ]);
    let b = env.run(&[
        "--format",
        "json",
        "--as-of",
        "2026-06-30",
        "list",
        "agreements",
    ]);
    assert_eq!(a.ok(), b.ok());
    let v: serde_json::Value = serde_json::from_str(a.ok()).unwrap();
    let pending = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref"] == "MOU-2026-003")
        .unwrap();
    assert_eq!(pending["status"], "pending", "signed after the as-of date");
}

#[test]
fn demo_runs_on_the_sample_registry() {
    let env = Env::new();
    let r = env.run(&["demo", "--data", data_dir().to_str().unwrap()]);
    let out = r.ok();
    assert!(out.contains("MOU-2021-001"));
    assert!(out.contains("Formal partnerships with more than twelve organisations through memoranda of understanding (MoUs)."));
    assert!(out.contains("أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة عبر مذكرات التفاهم."));
    assert!(!env.db.exists(), "the demo uses a throwaway registry");
}

/// A registry made by mou at schema 2 (tests/fixtures/README.md) upgrades in place when
/// opened: its records read as before and its history chain still verifies.
#[test]
fn a_schema_2_registry_upgrades_in_place() {
    let env = Env::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/registry-schema2.db");
    std::fs::copy(&fixture, &env.db).unwrap();
    let before = env.run(&["export", "agreements"]).ok().to_string();
    assert!(before.contains("MOU-2025-002,mou,Youth dialogue,sample-foundation,2025-02-01"));
    assert_eq!(env.run(&["report", "count"]).ok().trim(), "31");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 4);
    drop(conn);
    let partners = env.run(&["export", "partners"]).ok().to_string();
    assert!(partners.contains("sample-foundation,Sample Foundation,SF;مؤسسة العينة,ngo,AT"));
    assert_eq!(partners.matches(",2026-06-30T09:00:00Z,").count(), 20);
    env.run(&["history", "--verify"]).ok();
    assert_eq!(env.run(&["export", "agreements"]).ok(), before);
}
