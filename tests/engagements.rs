//! Engagements: every filter and query field against the sample's known rows, status at
//! several as-of dates, bad input (exit 2, named, nothing changed), add/edit/remove/show/
//! history, export -> import -> export, re-import, and the calendar read back with `ical`.

mod common;
use common::{data_dir, Env};

/// The sample registry with its engagements (and today 2026-11-29).
fn sample() -> Env {
    let env = Env::sample();
    env.run(&[
        "import",
        "engagements",
        data_dir().join("engagements.csv").to_str().unwrap(),
    ])
    .ok();
    env
}

/// The refs `args` prints as CSV with only the ref column.
fn refs(env: &Env, args: &[&str]) -> Vec<String> {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--columns", "ref", "--format", "csv"]);
    env.run(&a)
        .ok()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn list(env: &Env, filters: &[&str]) -> Vec<String> {
    let mut a = vec!["list", "engagements"];
    a.extend_from_slice(filters);
    refs(env, &a)
}

fn query(env: &Env, expr: &str) -> Vec<String> {
    refs(env, &["query", "--engagements", expr])
}

#[test]
fn every_filter_against_known_rows() {
    let env = sample();
    let cases: &[(&[&str], &[&str])] = &[
        (&["--partner", "unicef"], &["ENG-2016-001", "ENG-2016-003"]),
        (
            &["--partner", "UNICEF,hukama-salam"],
            &[
                "ENG-2016-001",
                "ENG-2016-002",
                "ENG-2016-003",
                "ENG-2017-003",
            ],
        ),
        (
            &["--category", "grassroots"],
            &["ENG-2024-001", "ENG-2026-003"],
        ),
        (&["--country", "JO"], &["ENG-2017-003", "ENG-2026-001"]),
        (&["--kind", "side-event"], &["ENG-2016-002", "ENG-2016-003"]),
        (&["--status", "cancelled"], &["ENG-2026-002"]),
        (&["--status", "planned"], &["ENG-2026-003", "ENG-2027-001"]),
        (&["--sdg", "11"], &["ENG-2016-001", "ENG-2026-003"]),
        (&["--tag", "youth"], &["ENG-2016-001", "ENG-2024-001"]),
        (&["--held-in", "2017Q2"], &["ENG-2017-001", "ENG-2017-003"]),
        // Relative periods count from today (2026-11-29): this quarter is 2026Q4.
        (
            &["--held-in", "this-quarter"],
            &["ENG-2026-002", "ENG-2026-003"],
        ),
        (
            &["--agreement", "MOU-2016-001"],
            &[
                "ENG-2016-002",
                "ENG-2017-001",
                "ENG-2017-002",
                "ENG-2017-003",
                "ENG-2017-004",
            ],
        ),
        (&["--search", "refugee"], &["ENG-2017-003"]),
        (
            &["--kind", "workshop", "--country", "AT"],
            &["ENG-2017-002"],
        ),
    ];
    for (filters, want) in cases {
        assert_eq!(list(&env, filters), *want, "list engagements {filters:?}");
    }
    assert_eq!(list(&env, &[]).len(), 16);
    // Sorting and limits as elsewhere.
    assert_eq!(
        list(&env, &["--sort", "-starts_on", "--limit", "2"]),
        ["ENG-2027-001", "ENG-2026-003"]
    );
}

#[test]
fn every_query_field_against_known_rows() {
    let env = sample();
    let cases: &[(&str, &[&str])] = &[
        ("kind:side-event", &["ENG-2016-002", "ENG-2016-003"]),
        ("partner:unicef", &["ENG-2016-001", "ENG-2016-003"]),
        ("category:grassroots", &["ENG-2024-001", "ENG-2026-003"]),
        ("country:JO", &["ENG-2017-003", "ENG-2026-001"]),
        ("sdg:11", &["ENG-2016-001", "ENG-2026-003"]),
        ("tag:youth", &["ENG-2016-001", "ENG-2024-001"]),
        (
            "status:planned,cancelled",
            &["ENG-2026-002", "ENG-2026-003", "ENG-2027-001"],
        ),
        ("on:2017Q2", &["ENG-2017-001", "ENG-2017-003"]),
        ("agreement:MOU-2019-001", &["ENG-2019-001"]),
        (
            "public:yes",
            &[
                "ENG-2016-001",
                "ENG-2016-002",
                "ENG-2016-003",
                "ENG-2017-001",
                "ENG-2021-001",
            ],
        ),
        ("public:yes -kind:side-event on:2016", &["ENG-2016-001"]),
        ("kind:workshop refugee", &["ENG-2017-003"]),
    ];
    for (expr, want) in cases {
        assert_eq!(query(&env, expr), *want, "query --engagements {expr:?}");
    }
    env.run(&["query", "--engagements", "colour:red"])
        .fails(2, &["colour", "valid fields", "on, agreement, public"]);
    env.run(&["query", "--engagements", "on<2020-01-01"])
        .fails(2, &["on:PERIOD"]);
    env.run(&["query", "--engagements", "public:maybe"])
        .fails(2, &["maybe", "yes or no"]);
    env.run(&["query", "--engagements", "agreement:MOU-1999-009"])
        .fails(2, &["MOU-1999-009"]);
}

#[test]
fn status_at_several_dates() {
    let env = sample();
    let status = |as_of: &str, r: &str| {
        let out = env
            .run(&[
                "list",
                "engagements",
                "--columns",
                "ref,status",
                "--format",
                "csv",
                "--as-of",
                as_of,
            ])
            .ok()
            .to_string();
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{r},")).map(str::to_string))
            .unwrap()
    };
    // ENG-2016-001 runs 2016-02-03..2016-02-04.
    assert_eq!(status("2016-02-02", "ENG-2016-001"), "planned");
    assert_eq!(status("2016-02-03", "ENG-2016-001"), "ongoing");
    assert_eq!(status("2016-02-04", "ENG-2016-001"), "ongoing");
    assert_eq!(status("2016-02-05", "ENG-2016-001"), "held");
    // A cancelled engagement is cancelled whatever the date.
    assert_eq!(status("2026-01-01", "ENG-2026-002"), "cancelled");
    assert_eq!(status("2026-10-06", "ENG-2026-002"), "cancelled");
    // The series runs from its first to its last workshop.
    assert_eq!(status("2017-06-30", "ENG-2017-001"), "ongoing");
    assert_eq!(
        list(&env, &["--status", "ongoing", "--as-of", "2017-06-12"]),
        ["ENG-2017-001", "ENG-2017-003"]
    );
}

#[test]
fn bad_input_is_exit_2_naming_field_value_and_fix_and_changes_nothing() {
    let env = sample();
    let add = |extra: &[&str]| {
        let mut a = vec![
            "add",
            "engagement",
            "Bad one",
            "--partner",
            "unicef",
            "--on",
            "2026-03-10",
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--until", "2026-03-09"],
            &["ends_on", "2026-03-09", "--until on or after the start"],
        ),
        (
            &["--participants", "-1"],
            &["participants", "-1", "whole number of 0 or more"],
        ),
        (
            &["--participants", "2.5"],
            &["participants", "2.5", "whole number of 0 or more"],
        ),
        (
            &["--agreement", "MOU-2099-001"],
            &["agreement", "MOU-2099-001", "mou list agreements"],
        ),
        (
            &["--part-of", "ENG-2099-001"],
            &["part_of", "ENG-2099-001", "mou list engagements"],
        ),
        (&["--kind", "party"], &["kind", "party", "meeting"]),
        (&["--sdg", "18"], &["sdg", "18", "1..17"]),
        (&["--country", "XX"], &["country", "XX", "ISO 3166-1"]),
        (
            &["--ref", "MOU-2016-001"],
            &["ref", "MOU-2016-001", "an agreement has this ref"],
        ),
        (
            &["--ref", "ENG-2016-001"],
            &["ref", "ENG-2016-001", "another engagement"],
        ),
    ];
    for (extra, needles) in cases {
        let args = add(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.fails_unchanged(&args, 2, needles);
    }
    env.fails_unchanged(
        &[
            "add",
            "engagement",
            "No partner",
            "--partner",
            "nobody",
            "--on",
            "2026-03-10",
        ],
        2,
        &["nobody"],
    );
    // A series never loops: the series cannot be made part of its own part.
    env.fails_unchanged(
        &[
            "edit",
            "engagement",
            "ENG-2017-001",
            "--part-of",
            "ENG-2017-002",
        ],
        2,
        &[
            "part_of",
            "loop",
            "ENG-2017-001 -> ENG-2017-002 -> ENG-2017-001",
        ],
    );
    env.fails_unchanged(
        &[
            "edit",
            "engagement",
            "ENG-2017-002",
            "--part-of",
            "ENG-2017-002",
        ],
        2,
        &["part_of", "cannot be part of itself"],
    );
    env.fails_unchanged(
        &[
            "edit",
            "engagement",
            "ENG-2016-001",
            "--until",
            "2016-01-01",
        ],
        2,
        &["ends_on", "2016-01-01"],
    );
    env.fails_unchanged(
        &[
            "edit",
            "engagement",
            "ENG-2016-001",
            "--remove-tag",
            "nosuch",
        ],
        2,
        &["remove-tag", "nosuch", "its tags"],
    );
    env.fails_unchanged(
        &[
            "edit",
            "engagement",
            "ENG-2016-001",
            "--remove-partner",
            "unicef",
        ],
        2,
        &["no partner left"],
    );
    // A series with parts, and an agreement with engagements under it, are not removed.
    env.fails_unchanged(
        &["remove", "engagement", "ENG-2017-001"],
        2,
        &["ENG-2017-002", "--clear part_of"],
    );
    env.fails_unchanged(
        &["remove", "agreement", "MOU-2019-001"],
        2,
        &["ENG-2019-001", "--clear agreement"],
    );
    // Filters of the other records are refused, naming the ones that apply.
    env.run(&["list", "engagements", "--signed-in", "2016"])
        .fails(2, &["--signed-in", "--held-in"]);
    env.run(&["list", "engagements", "--kind", "mou"])
        .fails(2, &["mou", "an agreement kind"]);
    env.run(&["list", "agreements", "--kind", "meeting"])
        .fails(2, &["meeting", "an engagement kind"]);
    env.run(&["list", "agreements", "--held-in", "2016"])
        .fails(2, &["--held-in", "engagements"]);
}

#[test]
fn bad_import_rows_are_each_reported_and_nothing_is_written() {
    let env = sample();
    let file = env.write(
        "bad.csv",
        "ref,kind,title,partners,starts_on,ends_on,participants,agreement,part_of,sdgs,country\n\
         ENG-2030-001,meeting,Ends early,unicef,2030-03-10,2030-03-09,,,,,\n\
         ENG-2030-002,meeting,Minus one,unicef,2030-03-10,,-1,,,,\n\
         ENG-2030-003,meeting,Half,unicef,2030-03-10,,2.5,,,,\n\
         ENG-2030-004,meeting,No such MoU,unicef,2030-03-10,,,MOU-2099-001,,,\n\
         ENG-2030-005,party,Bad kind,unicef,2030-03-10,,,,,,\n\
         ENG-2030-006,meeting,Bad goal,unicef,2030-03-10,,,,,18,\n\
         ENG-2030-007,meeting,Bad country,unicef,2030-03-10,,,,,,XX\n\
         ENG-2030-008,meeting,Loop A,unicef,2030-03-10,,,,ENG-2030-009,,\n\
         ENG-2030-009,meeting,Loop B,unicef,2030-03-10,,,,ENG-2030-008,,\n\
         ENG-2030-010,meeting,Fine,unicef,2030-03-10,,,,,,\n",
    );
    let r = env.fails_unchanged(
        &["import", "engagements", file.to_str().unwrap()],
        2,
        &["9 bad row(s); nothing was imported"],
    );
    for needle in [
        "line 2, column ends_on",
        "line 3, column participants: '-1'",
        "line 4, column participants: '2.5'",
        "line 5, column agreement",
        "MOU-2099-001",
        "line 6, column kind",
        "line 7, column sdgs",
        "line 8, column country",
        "line 9, column part_of",
        "line 10, column part_of",
    ] {
        assert!(
            r.stderr.contains(needle),
            "{needle:?} missing:\n{}",
            r.stderr
        );
    }
    assert_eq!(list(&env, &[]).len(), 16);
}

#[test]
fn export_import_export_is_identical_and_reimport_changes_nothing() {
    let env = sample();
    for (ext, fmt) in [
        ("csv", "csv"),
        ("json", "json"),
        ("jsonl", "jsonl"),
        ("xlsx", "xlsx"),
    ] {
        let file = env.path(&format!("e.{ext}"));
        env.run(&["export", "engagements", "-o", file.to_str().unwrap()])
            .ok();
        let before = env.run(&["export", "engagements"]).ok().to_string();
        // Re-importing the registry's own export changes nothing.
        let r = env.run(&["import", "engagements", file.to_str().unwrap()]);
        r.ok();
        assert!(
            r.stderr.contains("0 added, 0 updated, 16 unchanged"),
            "{fmt}: {}",
            r.stderr
        );
        // Into a registry with the same partners and agreements, it gives the same export.
        let fresh = Env::sample();
        fresh
            .run(&["import", "engagements", file.to_str().unwrap()])
            .ok();
        assert_eq!(fresh.run(&["export", "engagements"]).ok(), before, "{fmt}");
    }
    // A row may name a series that a later row holds.
    let fresh = Env::sample();
    let file = fresh.write(
        "parts-first.csv",
        "ref,title,partners,starts_on,part_of\n\
         ENG-2031-002,Part,unicef,2031-01-02,ENG-2031-001\n\
         ENG-2031-001,Series,unicef,2031-01-01,\n",
    );
    fresh
        .run(&["import", "engagements", file.to_str().unwrap()])
        .ok();
    assert_eq!(
        fresh
            .run(&[
                "list",
                "engagements",
                "--columns",
                "ref,part_of",
                "--format",
                "csv"
            ])
            .ok(),
        // The part waited for its series, so it was recorded after it.
        "ref,part_of\nENG-2031-001,\nENG-2031-002,ENG-2031-001\n"
    );
    // A changed row needs --update.
    let env = sample();
    let csv = env
        .run(&["export", "engagements"])
        .ok()
        .replace("Cairo", "Alexandria");
    let file = env.write("changed.csv", &csv);
    env.fails_unchanged(
        &["import", "engagements", file.to_str().unwrap()],
        2,
        &["ENG-2019-001", "--update"],
    );
    let r = env.run(&["import", "engagements", file.to_str().unwrap(), "--update"]);
    r.ok();
    assert!(
        r.stderr.contains("0 added, 1 updated, 15 unchanged"),
        "{}",
        r.stderr
    );
    assert_eq!(list(&env, &["--search", "alexandria"]), ["ENG-2019-001"]);
}

#[test]
fn the_calendar_has_one_event_per_engagement() {
    let env = sample();
    let ics = env
        .run(&["export", "engagements", "--format", "ics"])
        .ok()
        .to_string();
    let mut cals = ical::IcalParser::new(ics.as_bytes());
    let cal = cals.next().expect("one calendar").expect("parses");
    assert_eq!(cal.events.len(), 16);
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let find = |uid: &str| {
        cal.events
            .iter()
            .find(|e| prop(e, "UID").as_deref() == Some(uid))
            .unwrap_or_else(|| panic!("no event {uid}"))
    };
    let e = find("ENG-2016-001@mou");
    assert_eq!(prop(e, "DTSTART").as_deref(), Some("20160203"));
    // All day through the last day: DTEND is the day after.
    assert_eq!(prop(e, "DTEND").as_deref(), Some("20160205"));
    assert_eq!(prop(e, "LOCATION").as_deref(), Some("Vienna"));
    let summary = prop(e, "SUMMARY").unwrap();
    assert!(
        summary.starts_with("Expert meeting on social media"),
        "{summary}"
    );
    assert!(summary.ends_with("(UNICEF)"), "{summary}");
    assert_eq!(prop(e, "STATUS"), None);
    let cancelled = find("ENG-2026-002@mou");
    assert_eq!(prop(cancelled, "STATUS").as_deref(), Some("CANCELLED"));
    // Filters apply.
    let ics = env
        .run(&[
            "export",
            "engagements",
            "--format",
            "ics",
            "--kind",
            "side-event",
        ])
        .ok()
        .to_string();
    let cal = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(cal.events.len(), 2);
}

#[test]
fn add_edit_show_remove_and_history() {
    let env = sample();
    let r = env
        .run(&[
            "add",
            "engagement",
            "Follow-up meeting",
            "--on",
            "2026-12-15",
            "--partner",
            "unicef,iatf-religion",
            "--kind",
            "meeting",
            "--agreement",
            "MOU-2015-001",
            "--sdg",
            "16,17",
            "--tag",
            "follow-up",
            "--participants",
            "0",
            "--place",
            "Vienna",
            "--country",
            "AT",
            "--public",
        ])
        .ok()
        .trim()
        .to_string();
    // The next ref of the year, after the sample's ENG-2026-003.
    assert_eq!(r, "ENG-2026-004");
    let show: serde_json::Value =
        serde_json::from_str(env.run(&["show", &r, "--format", "json"]).ok()).unwrap();
    assert_eq!(show["status"], "planned");
    assert_eq!(
        show["partners"],
        serde_json::json!(["unicef", "iatf-religion"])
    );
    assert_eq!(show["participants"], 0);
    assert_eq!(show["public"], true);
    assert_eq!(show["agreement_details"]["ref"], "MOU-2015-001");
    assert_eq!(show["partner_details"][1]["key"], "iatf-religion");
    assert_eq!(show["series"], serde_json::Value::Null);
    // Edit: partners, goals, tags, cancel, clear.
    env.run(&[
        "edit",
        "engagement",
        &r,
        "--remove-partner",
        "iatf-religion",
        "--add-partner",
        "hukama-salam",
        "--remove-sdg",
        "17",
        "--add-tag",
        "amman",
        "--cancel",
        "--clear",
        "place",
        "--clear",
        "public",
    ])
    .ok();
    let row = env
        .run(&[
            "list",
            "engagements",
            "--search",
            "follow-up",
            "--format",
            "csv",
            "--columns",
            "partners,sdgs,tags,place,cancelled,public,status",
        ])
        .ok()
        .to_string();
    assert_eq!(
        row.lines().nth(1),
        Some("unicef;hukama-salam,16,follow-up;amman,,true,false,cancelled")
    );
    let unchanged = env.run(&["edit", "engagement", &r, "--kind", "meeting"]);
    unchanged.ok();
    assert!(unchanged.stderr.contains("nothing to change"));
    // show: the series and its parts; a partner's engagements latest first; an agreement's.
    let series: serde_json::Value =
        serde_json::from_str(env.run(&["show", "ENG-2017-003", "--format", "json"]).ok()).unwrap();
    assert_eq!(series["series"]["ref"], "ENG-2017-001");
    let parts: serde_json::Value =
        serde_json::from_str(env.run(&["show", "ENG-2017-001", "--format", "json"]).ok()).unwrap();
    let part_refs: Vec<&str> = parts["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ref"].as_str().unwrap())
        .collect();
    assert_eq!(part_refs, ["ENG-2017-002", "ENG-2017-003", "ENG-2017-004"]);
    let unicef: serde_json::Value =
        serde_json::from_str(env.run(&["show", "unicef", "--format", "json"]).ok()).unwrap();
    let eng: Vec<&str> = unicef["engagements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ref"].as_str().unwrap())
        .collect();
    assert_eq!(eng, [r.as_str(), "ENG-2016-003", "ENG-2016-001"]);
    let table = env.run(&["show", "unicef"]).ok().to_string();
    assert!(table.contains("Engagements, latest first (3)"), "{table}");
    let mou: serde_json::Value =
        serde_json::from_str(env.run(&["show", "MOU-2019-001", "--format", "json"]).ok()).unwrap();
    assert_eq!(mou["engagements"][0]["ref"], "ENG-2019-001");
    assert!(env
        .run(&["show", "MOU-2019-001"])
        .ok()
        .contains("Engagements held under it (1)"));
    // Remove: history keeps it.
    env.run(&["remove", "engagement", &r]).ok();
    env.run(&["show", &r]).fails(2, &[&r]);
    let hist = env
        .run(&["history", &r, "--format", "csv"])
        .ok()
        .to_string();
    let actions: Vec<&str> = hist
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(3))
        .collect();
    assert_eq!(actions, ["add", "edit", "remove"], "{hist}");
    let by_flag = env
        .run(&["history", "--engagement", &r, "--format", "csv"])
        .ok()
        .to_string();
    assert_eq!(by_flag.lines().count(), 4);
    env.run(&["history", "--verify"]).ok();
}

#[test]
fn a_partner_is_public_or_not() {
    let env = sample();
    let public = |env: &Env| {
        env.run(&[
            "list",
            "partners",
            "--columns",
            "key,public",
            "--format",
            "csv",
            "--search",
            "atlas-centre",
        ])
        .ok()
        .to_string()
    };
    assert!(public(&env).contains("atlas-centre,false"));
    env.run(&["edit", "partner", "atlas-centre", "--public"])
        .ok();
    assert!(public(&env).contains("atlas-centre,true"));
    env.run(&["edit", "partner", "atlas-centre", "--clear", "public"])
        .ok();
    assert!(public(&env).contains("atlas-centre,false"));
}

#[test]
fn completion_offers_engagement_refs() {
    let env = sample();
    let refs = env.complete(&["mou", "show", "ENG-2017-00"]);
    assert_eq!(
        refs,
        [
            "ENG-2017-001",
            "ENG-2017-002",
            "ENG-2017-003",
            "ENG-2017-004"
        ]
    );
    let refs = env.complete(&["mou", "edit", "engagement", "eng-2026"]);
    assert_eq!(refs, ["ENG-2026-001", "ENG-2026-002", "ENG-2026-003"]);
    let refs = env.complete(&["mou", "add", "engagement", "T", "--part-of", "ENG-2017-001"]);
    assert_eq!(refs, ["ENG-2017-001"]);
    let kinds = env.complete(&["mou", "list", "engagements", "--kind", "side"]);
    assert_eq!(kinds, ["side-event"]);
}

#[test]
fn import_conflicts_dry_runs_and_the_workbook() {
    let env = sample();
    let csv = env.run(&["export", "engagements"]).ok().to_string();
    // Changed in the registry after the file was written: --update alone is refused.
    let later = env
        .command()
        .env("MOU_NOW", "2026-11-30T09:00:00Z")
        .args(["edit", "engagement", "ENG-2019-001", "--place", "Giza"])
        .output()
        .unwrap();
    assert!(later.status.success());
    let file = env.write("old.csv", &csv.replace("Training of trainers", "Training"));
    env.fails_unchanged(
        &["import", "engagements", file.to_str().unwrap(), "--update"],
        2,
        &["updated_at", "--force"],
    );
    let dry = env.run(&[
        "import",
        "engagements",
        file.to_str().unwrap(),
        "--update",
        "--force",
        "--dry-run",
    ]);
    dry.ok();
    assert!(
        dry.stderr
            .contains("dry run, nothing written: 0 added, 1 updated"),
        "{}",
        dry.stderr
    );
    assert_eq!(list(&env, &["--search", "giza"]), ["ENG-2019-001"]);
    env.run(&[
        "import",
        "engagements",
        file.to_str().unwrap(),
        "--update",
        "--force",
    ])
    .ok();
    assert_eq!(list(&env, &["--search", "cairo"]), ["ENG-2019-001"]);
    // The export's own workbook holds one sheet of every engagement.
    let book = env.path("e.xlsx");
    env.run(&["export", "engagements", "-o", book.to_str().unwrap()])
        .ok();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    assert_eq!(wb.sheet_names(), ["Engagements"]);
    assert_eq!(
        wb.worksheet_range("Engagements").unwrap().get_size(),
        (17, 21)
    );
}
