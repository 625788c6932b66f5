//! The registry core: storage, model, commands, history.

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
fn renew_builds_a_chain_and_show_prints_it() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Danube Interfaith Council",
        "--category",
        "religious",
        "--country",
        "AT",
        "--key",
        "danube",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "danube",
        "--signed",
        "2014-03-10",
        "--expires",
        "2017-03-09",
        "--ref",
        "MOU-2014-001",
    ])
    .ok();
    let r = env.run(&[
        "renew",
        "MOU-2014-001",
        "--term",
        "3y",
        "--signed",
        "2017-02-01",
    ]);
    assert_eq!(r.ok().trim(), "MOU-2017-001");
    let r = env.run(&[
        "renew",
        "mou-2017-001",
        "--expires",
        "2030-03-09",
        "--signed",
        "2020-03-10",
    ]);
    assert_eq!(r.ok().trim(), "MOU-2020-001");
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-2017-001"]).ok()).unwrap();
    assert_eq!(v["renews"], "MOU-2014-001");
    assert_eq!(
        v["effective_on"], "2017-03-10",
        "a renewal continues the day after the old one ends"
    );
    assert_eq!(v["expires_on"], "2020-03-09");
    let chain: Vec<&str> = v["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ref"].as_str().unwrap())
        .collect();
    assert_eq!(chain, ["MOU-2014-001", "MOU-2017-001", "MOU-2020-001"]);
    // Renewing an agreement that was already renewed is refused.
    env.fails_unchanged(
        &["renew", "MOU-2014-001", "--term", "1y"],
        2,
        &["already renewed by MOU-2017-001"],
    );
    insta::assert_snapshot!(
        "show_agreement_chain",
        env.run(&["show", "MOU-2017-001"]).ok()
    );
}

#[test]
fn renewing_an_open_ended_agreement_ends_it_the_day_before() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Nile Basin Forum",
        "--category",
        "ngo",
        "--key",
        "nile",
    ])
    .ok();
    env.run(&[
        "add",
        "mou",
        "--partner",
        "nile",
        "--signed",
        "2018-05-02",
        "--ref",
        "MOU-2018-001",
    ])
    .ok();
    // A renewal signed before the old one takes effect would leave it no time: refused.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "nile",
        "--signed",
        "2018-01-01",
        "--effective",
        "2019-01-01",
        "--ref",
        "MOU-2018-002",
    ])
    .ok();
    env.fails_unchanged(
        &[
            "renew",
            "MOU-2018-002",
            "--term",
            "2y",
            "--signed",
            "2018-06-01",
        ],
        2,
        &["MOU-2018-002 is open-ended and cannot end before 2019-01-01"],
    );
    // Backdated (in effect before it was signed): it cannot end before its signing.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "nile",
        "--signed",
        "2026-03-01",
        "--effective",
        "2026-01-01",
        "--ref",
        "MOU-2026-001",
    ])
    .ok();
    env.fails_unchanged(
        &[
            "renew",
            "MOU-2026-001",
            "--term",
            "1y",
            "--signed",
            "2026-03-01",
        ],
        2,
        &["MOU-2026-001 is open-ended and cannot end before 2026-03-01"],
    );
    let r = env.run(&[
        "renew",
        "MOU-2018-001",
        "--term",
        "3y",
        "--signed",
        "2025-06-01",
    ]);
    assert_eq!(r.ok().trim(), "MOU-2025-001");
    assert!(
        r.stderr.contains("MOU-2018-001 now expires on 2025-05-31"),
        "{}",
        r.stderr
    );
    let show = |r: &str| -> serde_json::Value {
        serde_json::from_str(
            env.run(&["--format", "json", "--as-of", "2025-07-01", "show", r])
                .ok(),
        )
        .unwrap()
    };
    let old = show("MOU-2018-001");
    assert_eq!(old["expires_on"], "2025-05-31");
    assert_eq!(
        old["status"], "expired",
        "only the renewal is active after it takes effect"
    );
    assert_eq!(show("MOU-2025-001")["status"], "active");
    // The change to the old agreement is in its history.
    let h = env.run(&["history", "--format", "csv"]).ok().to_string();
    assert!(
        h.lines()
            .any(|l| l.contains(",edit,agreement,") && l.contains("MOU-2018-001")),
        "{h}"
    );
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

/// Two partners-free helpers for the renewal, ref and mark tests: one partner, `danube`.
fn with_partner() -> Env {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Danube Council",
        "--category",
        "religious",
        "--key",
        "danube",
    ])
    .ok();
    env
}

fn add_mou(env: &Env, signed: &str, extra: &[&str]) -> String {
    let mut args = vec!["add", "mou", "--partner", "danube", "--signed", signed];
    args.extend_from_slice(extra);
    env.run(&args).ok().trim().to_string()
}

#[test]
fn renewal_loops_and_second_renewals_are_refused_by_edit_renew_and_add() {
    let env = with_partner();
    let a = add_mou(&env, "2016-01-10", &["--expires", "2019-01-09"]);
    let b = env
        .run(&["renew", &a, "--term", "3y", "--signed", "2018-12-01"])
        .ok()
        .trim()
        .to_string();
    assert_eq!((a.as_str(), b.as_str()), ("MOU-2016-001", "MOU-2018-001"));
    // A loop: A renews B, which renews A.
    env.fails_unchanged(
        &["edit", "agreement", &a, "--renews", &b],
        2,
        &["loop", "MOU-2016-001 -> MOU-2018-001 -> MOU-2016-001"],
    );
    // A second renewal of A, by edit and by add.
    let c = add_mou(&env, "2019-02-01", &[]);
    env.fails_unchanged(
        &["edit", "agreement", &c, "--renews", &a],
        2,
        &["MOU-2016-001", "already renewed by MOU-2018-001"],
    );
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2019-03-01",
            "--renews",
            &a,
        ],
        2,
        &["already renewed by MOU-2018-001"],
    );
    // Editing the renewal itself (its renews unchanged) is fine.
    env.run(&["edit", "agreement", &b, "--title", "Second term"])
        .ok();
    env.run(&["edit", "agreement", &b, "--renews", &a]).ok();
    env.run(&["check"]).ok();
}

#[test]
fn import_refuses_rows_that_renew_each_other_or_the_same_agreement() {
    let env = with_partner();
    add_mou(&env, "2016-01-10", &["--expires", "2019-01-09"]);
    let head = "ref,kind,parties,signed_on,renews\n";
    let loop_file = env.write(
        "loop.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,MOU-2020-002\nMOU-2020-002,mou,danube,2020-02-01,MOU-2020-001\n"),
    );
    env.fails_unchanged(
        &["import", "agreements", loop_file.to_str().unwrap()],
        2,
        &["MOU-2020-001 -> MOU-2020-002 -> MOU-2020-001"],
    );
    let twice = env.write(
        "twice.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,MOU-2016-001\nMOU-2020-002,mou,danube,2020-02-01,MOU-2016-001\n"),
    );
    env.fails_unchanged(
        &["import", "agreements", twice.to_str().unwrap()],
        2,
        &["MOU-2016-001", "MOU-2020-001", "MOU-2020-002"],
    );
    // A row renewing an agreement that the registry already has renewed.
    env.run(&[
        "renew",
        "MOU-2016-001",
        "--term",
        "1y",
        "--signed",
        "2019-01-01",
    ])
    .ok();
    let again = env.write(
        "again.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,mou-2016-001\n"),
    );
    env.fails_unchanged(
        &["import", "agreements", again.to_str().unwrap()],
        2,
        &["MOU-2016-001", "already renewed by MOU-2019-001"],
    );
    // A chain within one file is fine.
    let chain = env.write(
        "chain.csv",
        &format!("{head}MOU-2020-001,mou,danube,2020-01-01,MOU-2019-001\nMOU-2021-001,mou,danube,2021-01-01,MOU-2020-001\n"),
    );
    env.run(&["import", "agreements", chain.to_str().unwrap()])
        .ok();
}

#[test]
fn refs_of_removed_agreements_are_never_given_out_again() {
    let env = with_partner();
    for _ in 0..6 {
        add_mou(&env, "2026-01-10", &[]);
    }
    env.run(&["remove", "agreement", "MOU-2026-006"]).ok();
    assert_eq!(add_mou(&env, "2026-02-10", &[]), "MOU-2026-007");
    // A ref given explicitly in the generated shape raises the mark too.
    add_mou(&env, "2026-03-10", &["--ref", "mou-2026-020"]);
    env.run(&["remove", "agreement", "MOU-2026-020"]).ok();
    assert_eq!(add_mou(&env, "2026-04-10", &[]), "MOU-2026-021");
    // So does an import.
    let f = env.write(
        "a.csv",
        "ref,kind,parties,signed_on\nLOI-2026-040,loi,danube,2026-01-01\n",
    );
    env.run(&["import", "agreements", f.to_str().unwrap()]).ok();
    env.run(&["remove", "agreement", "LOI-2026-040"]).ok();
    let r = env.run(&[
        "add",
        "agreement",
        "--kind",
        "loi",
        "--partner",
        "danube",
        "--signed",
        "2026-05-01",
    ]);
    assert_eq!(r.ok().trim(), "LOI-2026-041");
    // A renamed ref stays taken as well.
    env.run(&["edit", "agreement", "MOU-2026-021", "--ref", "SPECIAL-1"])
        .ok();
    assert_eq!(add_mou(&env, "2026-06-10", &[]), "MOU-2026-022");
    // A ref of that shape once normalized (full-width letters) counts as well.
    add_mou(
        &env,
        "2026-07-10",
        &["--ref", "\u{ff2d}\u{ff2f}\u{ff35}-2026-030"],
    );
    assert_eq!(add_mou(&env, "2026-08-10", &[]), "MOU-2026-031");
}

#[test]
fn an_existing_registry_upgrades_and_seeds_the_marks_from_history() {
    let env = with_partner();
    for _ in 0..3 {
        add_mou(&env, "2026-01-10", &[]);
    }
    env.run(&["remove", "agreement", "MOU-2026-003"]).ok();
    // Back to the first schema, as a registry written by the previous version would be.
    let out = std::process::Command::new("sqlite3")
        .arg(&env.db)
        .arg(
            "DROP TABLE engagement_partner; DROP TABLE engagement; DROP TABLE contact;
             ALTER TABLE partner DROP COLUMN public;
             ALTER TABLE history DROP COLUMN digest; ALTER TABLE history DROP COLUMN sealed;
             DROP TABLE IF EXISTS ref_mark; DROP INDEX IF EXISTS agreement_ref;
             ALTER TABLE agreement DROP COLUMN ref_norm;
             CREATE UNIQUE INDEX agreement_ref ON agreement (ref); PRAGMA user_version = 1;",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(add_mou(&env, "2026-02-10", &[]), "MOU-2026-004");
    env.run(&["check"]).ok();
    env.run(&["history", "--verify"]).ok();
}

#[test]
fn refs_are_unique_and_found_once_normalized() {
    let env = with_partner();
    add_mou(&env, "2026-01-10", &["--ref", "MOU-\u{c9}"]);
    // The same ref in NFD, in full-width letters, with a zero-width space, in lower case.
    for r in [
        "MOU-E\u{301}",
        "\u{ff2d}\u{ff2f}\u{ff35}-\u{c9}",
        "MOU-\u{200b}\u{c9}",
        "mou-\u{e9}",
    ] {
        env.fails_unchanged(
            &[
                "add",
                "mou",
                "--partner",
                "danube",
                "--signed",
                "2026-01-10",
                "--ref",
                r,
            ],
            2,
            &["another agreement has this ref"],
        );
        let v: serde_json::Value =
            serde_json::from_str(env.run(&["--format", "json", "show", r]).ok()).unwrap();
        assert_eq!(v["ref"], "MOU-\u{c9}");
    }
    add_mou(&env, "2026-01-10", &["--ref", "MOU-1"]);
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2026-01-10",
            "--ref",
            "\u{ff2d}\u{ff2f}\u{ff35}-1",
        ],
        2,
        &["another agreement has this ref"],
    );
    env.fails_unchanged(
        &["edit", "agreement", "MOU-1", "--ref", "MOU-E\u{301}"],
        2,
        &["another agreement has this ref"],
    );
    let f = env.write(
        "a.csv",
        "ref,kind,parties,signed_on\nmou-e\u{301},mou,danube,2026-01-01\n",
    );
    env.fails_unchanged(
        &["import", "agreements", f.to_str().unwrap()],
        2,
        &["exists with other values"],
    );
}

#[test]
fn a_bulk_import_finds_refs_repeated_once_normalized() {
    use std::io::Write;
    let env = with_partner();
    let f = env.path("big.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
    writeln!(w, "ref,kind,title,parties,signed_on").unwrap();
    let (mut written, mut i) = (0, 0);
    while written < (4 << 20) + 10_000 {
        let r = match i {
            3 => "BULK-\u{c9}".to_string(),
            9_000 => "bulk-E\u{301}".to_string(),
            _ => format!("BULK-{i:07}"),
        };
        let line = format!(
            "{r},mou,\"Programme {i}, a long enough title for a large file\",danube,2020-01-01\n"
        );
        written += line.len();
        w.write_all(line.as_bytes()).unwrap();
        i += 1;
    }
    w.flush().unwrap();
    drop(w);
    let r = env.run(&["import", "agreements", f.to_str().unwrap()]);
    r.fails(2, &["line 9002, column ref", "appears more than once"]);
    assert_eq!(env.run(&["report", "count"]).ok().trim(), "0");
}

#[test]
fn an_upgrade_keeps_refs_that_are_the_same_once_normalized_and_check_lists_them() {
    let env = with_partner();
    add_mou(&env, "2026-01-10", &["--ref", "MOU-\u{c9}"]);
    // The first schema told MOU-É in NFC and in NFD apart; a registry may hold both.
    let out = std::process::Command::new("sqlite3")
        .arg(&env.db)
        .arg(
            "DROP TABLE engagement_partner; DROP TABLE engagement; DROP TABLE contact;
             ALTER TABLE partner DROP COLUMN public;
             ALTER TABLE history DROP COLUMN digest; ALTER TABLE history DROP COLUMN sealed;
             DROP TABLE IF EXISTS ref_mark; DROP INDEX IF EXISTS agreement_ref;
             ALTER TABLE agreement DROP COLUMN ref_norm;
             CREATE UNIQUE INDEX agreement_ref ON agreement (ref); PRAGMA user_version = 1;
             INSERT INTO agreement (ref, kind, title, signed_on, effective_on, created_at, updated_at)
               SELECT 'MOU-E' || char(769), kind, 'second', signed_on, effective_on, created_at, updated_at
               FROM agreement;
             INSERT INTO agreement_party SELECT max(id), 0, 1 FROM agreement;",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("the same as MOU-\u{c9}'s once normalized"),
        "{}",
        r.stdout
    );
    // The ref finds the first; the second is named by id and renamed.
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", "MOU-E\u{301}"]).ok()).unwrap();
    assert_eq!(v["title"], "");
    env.run(&["edit", "agreement", "2", "--ref", "MOU-E-2"])
        .ok();
    env.run(&["check"]).ok();
}

/// A ref with a sequence number too large to be generated is a ref of its own: the next
/// generated ref never runs into it, and a refless import row is never matched to it.
#[test]
fn a_huge_sequence_number_never_collides_with_a_generated_ref() {
    let env = with_partner();
    add_mou(
        &env,
        "2026-03-01",
        &["--ref", "MOU-2026-4294967295", "--title", "Original"],
    );
    add_mou(&env, "2026-03-02", &["--ref", "MOU-2026-4294967296"]);
    assert_eq!(add_mou(&env, "2026-05-01", &[]), "MOU-2026-001");
    let f = env.write(
        "nr.csv",
        "parties,kind,signed_on,title\ndanube,mou,2026-02-02,New one\n",
    );
    let r = env.run(&["import", "agreements", f.to_str().unwrap(), "--update"]);
    assert!(r.stderr.contains("1 added"), "{}", r.stderr);
    let shown = env.run(&["show", "MOU-2026-4294967295", "--format", "json"]);
    assert!(shown.ok().contains("\"Original\""), "{}", shown.stdout);
    // The last generated number taken: a clear error, not a collision.
    add_mou(&env, "2027-06-01", &["--ref", "MOU-2027-999999"]);
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2027-07-01",
        ],
        2,
        &["no generated ref is left for MOU-2027-", "--ref"],
    );
}

/// Refs compare digits of any script as ASCII ones, as names do.
#[test]
fn a_ref_in_arabic_indic_digits_is_the_same_ref() {
    let env = with_partner();
    add_mou(&env, "2014-03-01", &["--ref", "MOU-2014-001"]);
    env.fails_unchanged(
        &[
            "add",
            "mou",
            "--partner",
            "danube",
            "--signed",
            "2014-04-01",
            "--ref",
            "MOU-٢٠١٤-٠٠١",
        ],
        2,
        &["MOU-٢٠١٤-٠٠١"],
    );
    let shown = env.run(&["show", "MOU-٢٠١٤-٠٠١", "--format", "json"]);
    assert!(shown.ok().contains("\"MOU-2014-001\""), "{}", shown.stdout);
    // And a ref written in them raises the mark of its shape.
    add_mou(&env, "2015-03-01", &["--ref", "MOU-٢٠١٥-٠٠٧"]);
    assert_eq!(add_mou(&env, "2015-04-01", &[]), "MOU-2015-008");
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
