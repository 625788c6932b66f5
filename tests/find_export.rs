//! Find and export: filter flags, query expressions, output formats, CSV round trips,
//! `--excel`, closed pipes, completions, man page and help.

mod common;
use common::*;

use serde_json::Value;

/// The column names of DESIGN (and the README's `termination_reason`), in export order.
const AGREEMENT_HEADER: &str = "ref,kind,title,parties,signed_on,effective_on,expires_on,\
terminated_on,termination_reason,notice_days,renews,sdgs,tags,notes,document,status,\
created_at,updated_at";
const PARTNER_HEADER: &str =
    "key,name,aliases,category,country,website,notes,public,created_at,updated_at";

/// The JSON array a command prints with `--format json`.
#[track_caller]
fn json_rows(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let r = env.run(&all);
    serde_json::from_str(r.ok()).unwrap_or_else(|e| panic!("{all:?}: {e}\n{}", r.stdout))
}

/// One field of every row a command prints.
#[track_caller]
fn field(env: &Env, args: &[&str], name: &str) -> Vec<String> {
    json_rows(env, args)
        .iter()
        .map(|v| v[name].as_str().unwrap().to_string())
        .collect()
}

/// Refs of `list agreements FILTERS`.
#[track_caller]
fn agreements(env: &Env, filters: &[&str]) -> Vec<String> {
    let mut args = vec!["list", "agreements"];
    args.extend(filters);
    field(env, &args, "ref")
}

/// Keys of `list partners FILTERS`.
#[track_caller]
fn partners(env: &Env, filters: &[&str]) -> Vec<String> {
    let mut args = vec!["list", "partners"];
    args.extend(filters);
    field(env, &args, "key")
}

/// Refs of `query EXPR`.
#[track_caller]
fn query(env: &Env, expr: &str) -> Vec<String> {
    field(env, &["query", expr], "ref")
}

/// CSV text parsed with the csv crate: header and records.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The records of a CSV export as maps from column name to cell.
fn csv_maps(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let (header, rows) = parse_csv(text);
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

const UNICEF: &[&str] = &["MOU-2015-001", "MOU-2022-002", "MOU-2026-004"];

/// The 15 partners party to at least one MoU active on 2026-11-29.
const WITH_ACTIVE_MOU: &[&str] = &[
    "archipelago-faith",
    "atlas-centre",
    "danube-interfaith",
    "eastlands-youth",
    "hukama-salam",
    "iatf-religion",
    "kalima-tayyiba",
    "lakeshore-cohesion",
    "olive-thread",
    "plateau-peace-walkers",
    "sahel-shelters",
    "sindiyan-univ",
    "unicef",
    "vids",
    "yanabi-harmony",
];

// ---------------------------------------------------------------------------------------
// 1. Filter flags

#[test]
fn filter_category_country_kind() {
    let env = Env::sample();
    assert_eq!(
        agreements(&env, &["--category", "religious"]),
        s(&[
            "MOU-2014-001",
            "MOU-2017-001",
            "MOU-2018-001",
            "MOU-2020-001",
            "MOU-2026-001"
        ])
    );
    // Comma = or; a multi-party agreement counts under any party's category.
    assert_eq!(
        agreements(&env, &["--category", "religious,academic"]),
        s(&[
            "MOU-2013-001",
            "MOU-2014-001",
            "MOU-2017-001",
            "MOU-2018-001",
            "MOU-2020-001",
            "MOU-2021-001",
            "MOU-2024-001",
            "MOU-2024-002",
            "MOU-2026-001"
        ])
    );
    assert_eq!(
        agreements(&env, &["--country", "AT"]),
        s(&[
            "MOU-2013-001",
            "MOU-2014-001",
            "MOU-2017-001",
            "MOU-2020-001",
            "MOU-2021-001"
        ])
    );
    assert_eq!(
        agreements(&env, &["--country", "jo"]),
        s(&["MOU-2018-001", "MOU-2023-001"])
    );
    assert_eq!(
        agreements(&env, &["--kind", "loi"]),
        s(&["LOI-2020-001", "LOI-2026-001"])
    );
    assert_eq!(
        agreements(&env, &["--kind", "agreement"]),
        s(&[
            "AGREEMENT-2019-001",
            "AGREEMENT-2023-001",
            "AGREEMENT-2025-001",
            "AGREEMENT-2026-001"
        ])
    );
    assert_eq!(
        agreements(&env, &["--kind", "other,loi"]),
        s(&["LOI-2020-001", "OTHER-2021-001", "LOI-2026-001"])
    );
    // Different filters are ANDed.
    assert_eq!(
        agreements(
            &env,
            &["--kind", "mou", "--country", "AT", "--status", "active"]
        ),
        s(&["MOU-2020-001", "MOU-2021-001"])
    );
}

#[test]
fn filter_status_at_as_of() {
    let env = Env::sample();
    // Today is 2026-11-29.
    assert_eq!(
        agreements(&env, &["--status", "expired"]),
        s(&[
            "MOU-2013-001",
            "MOU-2014-001",
            "MOU-2016-002",
            "MOU-2017-001",
            "AGREEMENT-2019-001",
            "OTHER-2021-001"
        ])
    );
    assert_eq!(
        agreements(&env, &["--status", "terminated"]),
        s(&["MOU-2018-002"])
    );
    assert_eq!(
        agreements(&env, &["--status", "pending"]),
        s(&["MOU-2026-004"])
    );
    assert_eq!(
        agreements(&env, &["--status", "draft"]),
        s(&["MOU-2026-005"])
    );
    assert_eq!(agreements(&env, &["--status", "active"]).len(), 21);
    assert_eq!(
        agreements(&env, &["--status", "expired,terminated"]),
        s(&[
            "MOU-2013-001",
            "MOU-2014-001",
            "MOU-2016-002",
            "MOU-2017-001",
            "MOU-2018-002",
            "AGREEMENT-2019-001",
            "OTHER-2021-001"
        ])
    );
    // On 2026-06-30 the agreements signed later in 2026 are not in effect yet.
    assert_eq!(
        agreements(&env, &["--status", "pending", "--as-of", "2026-06-30"]),
        s(&[
            "MOU-2026-003",
            "LOI-2026-001",
            "AGREEMENT-2026-001",
            "MOU-2026-004"
        ])
    );
    assert_eq!(
        agreements(&env, &["--as-of", "2016-12-31", "--status", "active"]),
        s(&[
            "MOU-2014-001",
            "MOU-2015-001",
            "MOU-2016-001",
            "MOU-2016-002"
        ])
    );
    // Terminated on 2020-06-30: terminated that day, active the day before.
    assert_eq!(
        agreements(&env, &["--status", "terminated", "--as-of", "2020-06-30"]),
        s(&["MOU-2018-002"])
    );
    assert!(agreements(&env, &["--status", "terminated", "--as-of", "2020-06-29"]).is_empty());
}

#[test]
fn filter_sdg_tag_partner() {
    let env = Env::sample();
    assert_eq!(
        agreements(&env, &["--sdg", "3"]),
        s(&["LOI-2020-001", "MOU-2024-003", "MOU-2026-003"])
    );
    // Goal 1 is not 10, 11, 13, 16 or 17.
    assert_eq!(
        agreements(&env, &["--sdg", "1"]),
        s(&["MOU-2016-002", "MOU-2024-003", "MOU-2026-005"])
    );
    assert_eq!(
        agreements(&env, &["--sdg", "13,1"]),
        s(&[
            "MOU-2016-002",
            "MOU-2024-003",
            "MOU-2026-001",
            "MOU-2026-005"
        ])
    );
    assert_eq!(
        agreements(&env, &["--tag", "research"]),
        s(&["MOU-2013-001", "MOU-2021-001", "AGREEMENT-2023-001"])
    );
    assert_eq!(
        agreements(&env, &["--tag", "humanitarian"]),
        s(&[
            "MOU-2016-001",
            "MOU-2016-002",
            "MOU-2024-003",
            "MOU-2026-005"
        ])
    );
    for name in [
        "unicef",
        "UNICEF",
        "United Nations Children's Fund",
        "اليونيسيف",
        "يونيسف",
        "1", // the first partner of data/partners.csv, by id
    ] {
        assert_eq!(agreements(&env, &["--partner", name]), s(UNICEF), "{name}");
    }
    assert_eq!(
        agreements(&env, &["--partner", "DIC"]),
        s(&["MOU-2014-001", "MOU-2017-001", "MOU-2020-001"])
    );
    assert_eq!(
        agreements(&env, &["--partner", "oak valley university"]),
        s(&["MOU-2021-001", "MOU-2024-001"])
    );
    // Repeatable = or.
    assert_eq!(
        agreements(&env, &["--partner", "unicef", "--partner", "vids"]),
        s(&[
            "MOU-2013-001",
            "MOU-2015-001",
            "MOU-2021-001",
            "MOU-2022-002",
            "MOU-2026-004"
        ])
    );
    env.fails_unchanged(
        &["list", "agreements", "--partner", "nobody-at-all"],
        2,
        &["nobody-at-all"],
    );
}

#[test]
fn filter_signed_in_periods() {
    let env = Env::sample();
    assert_eq!(
        agreements(&env, &["--signed-in", "2026"]),
        s(&[
            "MOU-2026-001",
            "MOU-2026-002",
            "MOU-2026-003",
            "LOI-2026-001",
            "AGREEMENT-2026-001",
            "MOU-2026-004"
        ])
    );
    let q3 = s(&["MOU-2026-003", "LOI-2026-001", "AGREEMENT-2026-001"]);
    assert_eq!(agreements(&env, &["--signed-in", "2026Q3"]), q3);
    assert_eq!(agreements(&env, &["--signed-in", "2026-Q3"]), q3);
    assert_eq!(
        agreements(&env, &["--signed-in", "2026Q2"]),
        s(&["MOU-2026-001", "MOU-2026-002"])
    );
    assert_eq!(
        agreements(&env, &["--signed-in", "2026-09"]),
        s(&["AGREEMENT-2026-001"])
    );
    assert_eq!(
        agreements(&env, &["--signed-in", "2026-08-17"]),
        s(&["LOI-2026-001"])
    );
    // Both ends of a range are inside it.
    assert_eq!(
        agreements(&env, &["--signed-in", "2015-11-16..2016-09-12"]),
        s(&["MOU-2015-001", "MOU-2016-001", "MOU-2016-002"])
    );
    env.fails_unchanged(
        &["list", "agreements", "--signed-in", "2026Q5"],
        2,
        &["2026Q5"],
    );
}

#[test]
fn filter_expires_in_and_active_on() {
    let env = Env::sample();
    assert_eq!(
        agreements(&env, &["--expires-in", "2027"]),
        s(&["MOU-2024-001", "MOU-2024-002", "AGREEMENT-2025-001"])
    );
    assert_eq!(
        agreements(&env, &["--expires-in", "2026Q4"]),
        s(&["MOU-2022-002"])
    );
    assert_eq!(
        agreements(&env, &["--expires-in", "2030"]),
        s(&["MOU-2020-001", "MOU-2025-001", "MOU-2026-004"])
    );
    assert_eq!(
        agreements(&env, &["--active-on", "2016-12-31"]),
        s(&[
            "MOU-2014-001",
            "MOU-2015-001",
            "MOU-2016-001",
            "MOU-2016-002"
        ])
    );
    // Active on its expiry day, not the day after.
    assert_eq!(
        agreements(&env, &["--active-on", "2016-10-13"]),
        s(&[
            "MOU-2013-001",
            "MOU-2014-001",
            "MOU-2015-001",
            "MOU-2016-001",
            "MOU-2016-002"
        ])
    );
    assert!(!agreements(&env, &["--active-on", "2016-10-14"]).contains(&"MOU-2013-001".into()));
    // MOU-2019-001 is signed 2019-11-20 but effective 2020-01-01.
    assert_eq!(
        agreements(&env, &["--active-on", "2019-12-31"]),
        s(&[
            "MOU-2015-001",
            "MOU-2016-001",
            "MOU-2017-001",
            "MOU-2018-001",
            "MOU-2018-002",
            "AGREEMENT-2019-001"
        ])
    );
    // MOU-2018-002 is terminated on 2020-06-30: no longer active that day.
    assert_eq!(
        agreements(&env, &["--active-on", "2020-06-30"]),
        s(&[
            "MOU-2015-001",
            "MOU-2016-001",
            "MOU-2018-001",
            "MOU-2019-001",
            "AGREEMENT-2019-001",
            "MOU-2020-001"
        ])
    );
}

#[test]
fn filter_search_titles_arabic_and_aliases() {
    let env = Env::sample();
    assert_eq!(
        agreements(&env, &["--search", "football"]),
        s(&["LOI-2020-001", "MOU-2026-003"])
    );
    assert_eq!(
        agreements(&env, &["--search", "SAFE schools"]),
        s(&["MOU-2022-002", "MOU-2026-004"])
    );
    assert_eq!(
        agreements(&env, &["--search", "تفاهم"]),
        s(&["MOU-2018-001", "MOU-2019-001", "MOU-2023-001"])
    );
    assert_eq!(
        agreements(&env, &["--search", "الوئام"]),
        s(&["MOU-2023-001"])
    );
    // Partner aliases, Latin and Arabic.
    assert_eq!(
        agreements(&env, &["--search", "Oak Valley"]),
        s(&["MOU-2021-001", "MOU-2024-001"])
    );
    assert_eq!(
        agreements(&env, &["--search", "Hukama al-Salam"]),
        s(&["MOU-2018-001"])
    );
    assert_eq!(agreements(&env, &["--search", "اليونيسيف"]), s(UNICEF));
    assert!(agreements(&env, &["--search", "no such words anywhere"]).is_empty());
}

#[test]
fn filters_on_list_partners() {
    let env = Env::sample();
    assert_eq!(
        partners(&env, &["--category", "religious"]),
        s(&["archipelago-faith", "danube-interfaith", "hukama-salam"])
    );
    assert_eq!(
        partners(&env, &["--country", "AT"]),
        s(&["danube-interfaith", "vids"])
    );
    assert_eq!(
        partners(&env, &["--country", "KE,NG"]),
        s(&[
            "eastlands-youth",
            "lakeshore-cohesion",
            "plateau-peace-walkers",
            "sahel-shelters"
        ])
    );
    assert_eq!(
        partners(&env, &["--category", "academic", "--country", "AT"]),
        s(&["vids"])
    );
    // Agreement-level filters: partners with an active MoU. bridgewell (expired MoU and a
    // draft), cedar-grove-trust (agreements only), kampung-harmony (an agreement) and
    // stillwater-media (an LOI and an expired other) are not among them.
    assert_eq!(
        partners(&env, &["--kind", "mou", "--status", "active"]),
        s(WITH_ACTIVE_MOU)
    );
    assert_eq!(
        partners(&env, &["--kind", "loi"]),
        s(&["eastlands-youth", "stillwater-media"])
    );
    assert_eq!(
        partners(&env, &["--search", "interfaith"]),
        s(&["danube-interfaith", "eastlands-youth"])
    );
}

#[test]
fn filters_on_export_and_report_count() {
    let env = Env::sample();
    let csv = env.run(&["export", "agreements", "--partner", "unicef"]);
    let refs: Vec<String> = csv_maps(csv.ok())
        .into_iter()
        .map(|m| m["ref"].clone())
        .collect();
    assert_eq!(refs, s(UNICEF));
    let csv = env.run(&["export", "partners", "--category", "academic"]);
    let keys: Vec<String> = csv_maps(csv.ok())
        .into_iter()
        .map(|m| m["key"].clone())
        .collect();
    assert_eq!(keys, s(&["atlas-centre", "sindiyan-univ", "vids"]));
    let rows = json_rows(&env, &["export", "agreements", "--signed-in", "2026Q3"]);
    let refs: Vec<&str> = rows.iter().map(|v| v["ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["MOU-2026-003", "LOI-2026-001", "AGREEMENT-2026-001"]);

    assert_eq!(env.run(&["report", "count"]).ok(), "30\n");
    assert_eq!(env.run(&["report", "count", "--country", "AT"]).ok(), "5\n");
    assert_eq!(
        env.run(&["report", "count", "--kind", "mou", "--status", "active"])
            .ok(),
        "16\n"
    );
    assert_eq!(
        env.run(&["report", "count", "--signed-in", "2026Q3"]).ok(),
        "3\n"
    );
    let r = env.run(&[
        "report",
        "count",
        "--kind",
        "mou",
        "--status",
        "active",
        "--more-than",
        "16",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, "16\n"));
    let r = env.run(&[
        "report",
        "count",
        "--kind",
        "mou",
        "--status",
        "active",
        "--more-than",
        "15",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "16\n"));
}

// ---------------------------------------------------------------------------------------
// 2. Query expressions

#[test]
fn query_field_terms() {
    let env = Env::sample();
    assert_eq!(
        query(&env, "category:religious,academic"),
        agreements(&env, &["--category", "religious,academic"])
    );
    assert_eq!(
        query(&env, "country:JO"),
        s(&["MOU-2018-001", "MOU-2023-001"])
    );
    // MOU-2021-001 has an Austrian party (vids) among three.
    assert_eq!(
        query(&env, "category:religious,academic -country:AT"),
        s(&[
            "MOU-2018-001",
            "MOU-2024-001",
            "MOU-2024-002",
            "MOU-2026-001"
        ])
    );
    assert_eq!(
        query(&env, "kind:loi"),
        s(&["LOI-2020-001", "LOI-2026-001"])
    );
    assert_eq!(
        query(&env, "status:pending,draft"),
        s(&["MOU-2026-004", "MOU-2026-005"])
    );
    let r = env.run(&[
        "query",
        "status:pending",
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ]);
    let v: Vec<Value> = serde_json::from_str(r.ok()).unwrap();
    assert_eq!(v.len(), 4);
    assert_eq!(query(&env, "sdg:13"), s(&["MOU-2026-001"]));
    assert_eq!(
        query(&env, "sdg:1"),
        s(&["MOU-2016-002", "MOU-2024-003", "MOU-2026-005"])
    );
    assert_eq!(
        query(&env, "tag:research"),
        s(&["MOU-2013-001", "MOU-2021-001", "AGREEMENT-2023-001"])
    );
    assert_eq!(query(&env, "partner:unicef"), s(UNICEF));
    assert_eq!(query(&env, "partner:اليونيسيف"), s(UNICEF));
    assert_eq!(
        query(&env, "partner:\"Oak Valley University\""),
        s(&["MOU-2021-001", "MOU-2024-001"])
    );
    assert_eq!(
        query(&env, "partner:unicef,vids sdg:4 status:active"),
        s(&["MOU-2015-001", "MOU-2021-001", "MOU-2022-002"])
    );
}

#[test]
fn query_date_terms() {
    let env = Env::sample();
    assert_eq!(
        query(&env, "signed:2016"),
        s(&["MOU-2016-001", "MOU-2016-002"])
    );
    assert_eq!(
        query(&env, "signed:2026-Q3"),
        s(&["MOU-2026-003", "LOI-2026-001", "AGREEMENT-2026-001"])
    );
    // MOU-2019-001 was signed in 2019 and took effect on 2020-01-01.
    assert_eq!(
        query(&env, "effective:2020"),
        s(&["MOU-2019-001", "MOU-2020-001", "LOI-2020-001"])
    );
    assert_eq!(
        query(&env, "expires:2027"),
        s(&["MOU-2024-001", "MOU-2024-002", "AGREEMENT-2025-001"])
    );
    assert_eq!(query(&env, "terminated:2020"), s(&["MOU-2018-002"]));
    assert_eq!(query(&env, "terminated:2020-06-30"), s(&["MOU-2018-002"]));
    let before_2027 = [
        "MOU-2013-001",
        "MOU-2014-001",
        "MOU-2016-002",
        "MOU-2017-001",
        "MOU-2018-002",
        "AGREEMENT-2019-001",
        "OTHER-2021-001",
        "MOU-2022-002",
    ];
    assert_eq!(query(&env, "expires<2027-01-01"), s(&before_2027));
    assert_eq!(query(&env, "expires<2027-01-31"), s(&before_2027));
    let mut le = s(&before_2027);
    le.push("MOU-2024-001".into());
    assert_eq!(query(&env, "expires<=2027-01-31"), le);
    assert_eq!(
        query(&env, "expires>2030-06-09"),
        s(&["MOU-2021-001", "MOU-2022-001", "MOU-2026-004"])
    );
    assert_eq!(
        query(&env, "expires>=2030-06-09"),
        s(&[
            "MOU-2021-001",
            "MOU-2022-001",
            "MOU-2025-001",
            "MOU-2026-004"
        ])
    );
    assert_eq!(
        query(&env, "signed>=2026-09-30"),
        s(&["AGREEMENT-2026-001", "MOU-2026-004"])
    );
    // A negated comparison keeps open-ended agreements.
    assert_eq!(
        query(&env, "kind:loi -expires<2027-01-01"),
        s(&["LOI-2020-001", "LOI-2026-001"])
    );
    assert_eq!(query(&env, "-expires<2027-01-01").len(), 30 - 8);
    assert_eq!(
        query(&env, "active:2020-06-30"),
        s(&[
            "MOU-2015-001",
            "MOU-2016-001",
            "MOU-2018-001",
            "MOU-2019-001",
            "AGREEMENT-2019-001",
            "MOU-2020-001"
        ])
    );
}

#[test]
fn query_words_and_quotes() {
    let env = Env::sample();
    assert_eq!(
        query(&env, "football"),
        s(&["LOI-2020-001", "MOU-2026-003"])
    );
    assert_eq!(
        query(&env, "safe schools"),
        s(&["MOU-2022-002", "MOU-2026-004"])
    );
    // Bare words are each searched (titles, partner names, aliases): "for" also matches the
    // Vienna Institute *for* Dialogue Studies and the Atlas Centre *for* Comparative Religion.
    assert_eq!(
        query(&env, "dialogue for"),
        s(&[
            "MOU-2013-001",
            "MOU-2015-001",
            "MOU-2021-001",
            "AGREEMENT-2025-001"
        ])
    );
    // Quoted words stay together.
    assert_eq!(query(&env, "\"dialogue for\""), s(&["MOU-2015-001"]));
    assert_eq!(query(&env, "kind:mou تفاهم status:active").len(), 3);
}

#[test]
fn query_partners() {
    let env = Env::sample();
    assert_eq!(
        field(&env, &["query", "--partners", "category:religious"], "key"),
        s(&["archipelago-faith", "danube-interfaith", "hukama-salam"])
    );
    assert_eq!(
        field(
            &env,
            &["query", "--partners", "kind:mou status:active"],
            "key"
        ),
        s(WITH_ACTIVE_MOU)
    );
    assert_eq!(
        field(
            &env,
            &["query", "--partners", "country:AT,JO -category:academic"],
            "key"
        ),
        s(&["danube-interfaith", "hukama-salam", "yanabi-harmony"])
    );
}

#[test]
fn query_errors_exit_2_and_change_nothing() {
    let env = Env::sample();
    let r = env.fails_unchanged(&["query", "colour:red"], 2, &["colour:red", "valid fields"]);
    for f in [
        "category",
        "country",
        "kind",
        "status",
        "sdg",
        "tag",
        "partner",
        "signed",
        "effective",
        "expires",
        "terminated",
        "active",
    ] {
        assert!(r.stderr.contains(f), "{f} missing: {}", r.stderr);
    }
    assert!(r.stdout.is_empty());
    env.fails_unchanged(&["query", "status:active sdg:18"], 2, &["sdg:18", "1..17"]);
    env.fails_unchanged(&["query", "signed:2016Q5"], 2, &["signed:2016Q5"]);
    env.fails_unchanged(&["query", "kind:mou \"open"], 2, &["unbalanced"]);
    env.fails_unchanged(&["query", "kind<2020-01-01"], 2, &["kind<2020-01-01"]);
    env.fails_unchanged(&["query", "status:alive"], 2, &["status:alive", "active"]);
}

// ---------------------------------------------------------------------------------------
// 3. Formats

#[test]
fn export_csv_snapshot() {
    let env = Env::sample();
    let out = env.run(&["export", "agreements"]);
    assert!(out.stdout.starts_with(&format!("{AGREEMENT_HEADER}\n")));
    insta::assert_snapshot!("export_agreements_csv", out.ok());
    let out = env.run(&["export", "partners"]);
    assert!(out.stdout.starts_with(&format!("{PARTNER_HEADER}\n")));
    insta::assert_snapshot!("export_partners_csv", out.ok());
}

#[test]
fn list_json_and_markdown_snapshots() {
    let env = Env::sample();
    insta::assert_snapshot!(
        "list_agreements_json",
        env.run(&[
            "list",
            "agreements",
            "--partner",
            "unicef",
            "--partner",
            "plateau-peace-walkers",
            "--format",
            "json"
        ])
        .ok()
    );
    insta::assert_snapshot!(
        "list_agreements_markdown",
        env.run(&["list", "agreements", "--format", "markdown"])
            .ok()
    );
    // An empty result is an empty array, still valid JSON.
    assert_eq!(
        env.run(&["list", "agreements", "--sdg", "15", "--format", "json"])
            .ok(),
        "[]\n"
    );
}

#[test]
fn jsonl_is_one_object_a_line() {
    let env = Env::sample();
    let out = env.run(&["list", "agreements", "--format", "jsonl"]);
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(lines.len(), 30);
    let all = agreements(&env, &[]);
    let keys: Vec<&str> = AGREEMENT_HEADER.split(',').collect();
    for (line, r) in lines.iter().zip(&all) {
        let v: Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object().unwrap();
        assert_eq!(obj.keys().collect::<Vec<_>>(), keys);
        assert_eq!(&v["ref"], r.as_str());
    }
    // The multi-line note stays on its object's line.
    let v: Value = serde_json::from_str(lines[7]).unwrap();
    assert_eq!(v["ref"], "MOU-2018-002");
    assert_eq!(
        v["notes"],
        "Terminated early: activities suspended in 2020 and programme funding lapsed.\n\
         Relationship resumed with MOU-2026-002."
    );
    assert_eq!(v["sdgs"], serde_json::json!([11, 16]));
    assert_eq!(v["parties"], serde_json::json!(["plateau-peace-walkers"]));
    assert_eq!(v["terminated_on"], "2020-06-30");
    assert_eq!(v["status"], "terminated");
    assert_eq!(v["notice_days"], Value::Null);
    let out = env.run(&["list", "partners", "--format", "jsonl"]);
    assert_eq!(out.ok().lines().count(), 19);
    let keys: Vec<&str> = PARTNER_HEADER.split(',').collect();
    for line in out.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), keys);
    }
}

#[test]
fn output_file_extension_picks_the_format() {
    let env = Env::sample();
    let read = |name: &str| std::fs::read_to_string(env.path(name)).unwrap();
    let path = |name: &str| env.path(name).to_str().unwrap().to_string();

    let r = env.run(&["export", "agreements", "-o", &path("out.csv")]);
    assert!(r.ok().is_empty(), "data goes to the file only");
    let csv = read("out.csv");
    assert!(csv.starts_with(&format!("{AGREEMENT_HEADER}\n")));
    assert_eq!(csv, env.run(&["export", "agreements"]).stdout);

    env.run(&["export", "agreements", "-o", &path("out.json")])
        .ok();
    let v: Vec<Value> = serde_json::from_str(&read("out.json")).unwrap();
    assert_eq!(v.len(), 30);
    assert_eq!(v[0]["ref"], "MOU-2013-001");

    env.run(&["export", "agreements", "--output", &path("out.jsonl")])
        .ok();
    let text = read("out.jsonl");
    assert_eq!(text.lines().count(), 30);
    for line in text.lines() {
        serde_json::from_str::<Value>(line).unwrap();
    }

    env.run(&["export", "partners", "-o", &path("out.md")]).ok();
    let md = read("out.md");
    assert!(md.starts_with("| key | name |"), "{md}");
    assert_eq!(md.lines().count(), 2 + 19);

    // --format overrides the extension.
    env.run(&[
        "export",
        "agreements",
        "--format",
        "json",
        "-o",
        &path("x.csv"),
    ])
    .ok();
    let v: Vec<Value> = serde_json::from_str(&read("x.csv")).unwrap();
    assert_eq!(v.len(), 30);
    env.run(&[
        "export",
        "agreements",
        "-o",
        &path("y.json"),
        "--format",
        "csv",
    ])
    .ok();
    assert!(read("y.json").starts_with("ref,kind,"));
    // An extension it does not know is refused (mou does not write .xls), unless --format.
    env.run(&["export", "agreements", "-o", &path("z.xls")])
        .fails(2, &["z.xls", "does not write .xls files", ".xlsx"]);
    assert!(!env.path("z.xls").exists());
    env.run(&[
        "export",
        "agreements",
        "-o",
        &path("z.data"),
        "--format",
        "csv",
    ])
    .ok();
    assert!(read("z.data").starts_with("ref,kind,"));
    // No extension at all: CSV.
    env.run(&["export", "agreements", "-o", &path("plain")])
        .ok();
    assert!(read("plain").starts_with("ref,kind,"));
}

// ---------------------------------------------------------------------------------------
// 4. CSV read back

#[test]
fn csv_cells_survive_a_round_trip() {
    let env = Env::sample();
    let title = "Title, with \"quotes\",\nand a second line — عنوان، «مقتبس»";
    let note = "Line one, \"quoted\"\r\nline two\nسطر ثالث، مع فاصلة";
    env.run(&[
        "edit",
        "agreement",
        "MOU-2013-001",
        "--title",
        title,
        "--note",
        note,
    ])
    .ok();
    let pname = "Foundation \"Salam\", Amman";
    let pnote = "Notes, with \"quotes\"\nand: مؤسسة \"سلام\"، عمّان";
    let key = env.run(&[
        "add",
        "partner",
        pname,
        "--category",
        "ngo",
        "--country",
        "JO",
        "--alias",
        "مؤسسة \"سلام\"، عمّان",
        "--alias",
        "Salam, Foundation",
        "--note",
        pnote,
    ]);
    assert_eq!(key.ok().trim(), "foundation-salam-amman");
    let r = env
        .run(&[
            "add",
            "mou",
            "--partner",
            "Salam\\, Foundation",
            "--partner",
            "unicef",
            "--signed",
            "2026-01-05",
            "--title",
            "اتفاق \"شراكة\", 2026",
            "--note",
            "a,b\n\"c\"",
            "--tag",
            "advocacy",
            "--sdg",
            "16,4",
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(r, "MOU-2026-006");

    let out = env.run(&["export", "agreements"]);
    assert_eq!(out.ok().lines().next().unwrap(), AGREEMENT_HEADER);
    let mut reader = csv::ReaderBuilder::new().from_reader(out.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.join(","), AGREEMENT_HEADER);
    let rows = csv_maps(&out.stdout);
    assert_eq!(rows.len(), 31);
    let by_ref = |r: &str| rows.iter().find(|m| m["ref"] == r).unwrap().clone();
    let a = by_ref("MOU-2013-001");
    assert_eq!(a["title"], title);
    assert_eq!(a["notes"], note);
    let a = by_ref("MOU-2026-006");
    assert_eq!(a["title"], "اتفاق \"شراكة\", 2026");
    assert_eq!(a["notes"], "a,b\n\"c\"");
    assert_eq!(a["parties"], "foundation-salam-amman;unicef");
    assert_eq!(a["sdgs"], "4;16");
    assert_eq!(a["tags"], "advocacy");
    assert_eq!(a["status"], "active");
    assert_eq!(a["expires_on"], "");
    // The fixture's own commas, quotes, newlines and Arabic.
    assert_eq!(
        by_ref("MOU-2016-002")["notes"],
        "Co-organised a side event at the 2016 UN General Assembly, \"Faith Communities and Refugees\"."
    );
    assert_eq!(
        by_ref("MOU-2018-002")["notes"],
        "Terminated early: activities suspended in 2020 and programme funding lapsed.\n\
         Relationship resumed with MOU-2026-002."
    );
    assert_eq!(
        by_ref("MOU-2018-001")["title"],
        "مذكرة تفاهم للتعاون في مجال الحوار بين أتباع الأديان"
    );
    assert_eq!(
        by_ref("MOU-2021-001")["parties"],
        "vids;sindiyan-univ;atlas-centre"
    );

    let out = env.run(&["export", "partners"]);
    assert_eq!(out.ok().lines().next().unwrap(), PARTNER_HEADER);
    let rows = csv_maps(&out.stdout);
    assert_eq!(rows.len(), 20);
    let p = rows
        .iter()
        .find(|m| m["key"] == "foundation-salam-amman")
        .unwrap();
    assert_eq!(p["name"], pname);
    assert_eq!(p["aliases"], "مؤسسة \"سلام\"، عمّان;Salam, Foundation");
    assert_eq!(p["notes"], pnote);
    assert_eq!(p["country"], "JO");
    let vids = rows.iter().find(|m| m["key"] == "vids").unwrap();
    assert_eq!(
        vids["notes"],
        "Research partner.\nContact the institute's secretariat for the joint programme;\n\
         the annual report lists all co-authored papers."
    );
    assert_eq!(vids["aliases"], "VIDS;معهد فيينا لدراسات الحوار");
    let hukama = rows.iter().find(|m| m["key"] == "hukama-salam").unwrap();
    assert_eq!(hukama["name"], "مجلس حكماء السلام");
    assert_eq!(
        hukama["notes"],
        "Co-hosted the \"Faith and Peace\" expert meeting series."
    );

    // JSON keys are the same names; lists are arrays.
    let v = json_rows(&env, &["list", "partners", "--search", "salam, foundation"]);
    assert_eq!(v.len(), 1);
    assert_eq!(
        v[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        PARTNER_HEADER.split(',').collect::<Vec<_>>()
    );
    assert_eq!(
        v[0]["aliases"],
        serde_json::json!(["مؤسسة \"سلام\"، عمّان", "Salam, Foundation"])
    );
    let v = json_rows(&env, &["list", "agreements", "--signed-in", "2026-01-05"]);
    assert_eq!(
        v[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        AGREEMENT_HEADER.split(',').collect::<Vec<_>>()
    );
    assert_eq!(v[0]["sdgs"], serde_json::json!([4, 16]));
    assert_eq!(
        v[0]["parties"],
        serde_json::json!(["foundation-salam-amman", "unicef"])
    );
}

// ---------------------------------------------------------------------------------------
// 5. --excel

#[test]
fn excel_neutralises_formulas_and_plain_csv_does_not() {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Acme Org",
        "--category",
        "ngo",
        "--key",
        "acme",
    ])
    .ok();
    // (title, note) pairs whose cells begin with each trigger.
    let cases = [
        ("=1+1", "plain note"),
        ("+44 20 7946 0000", "@SUM(A1:A2)"),
        ("-2+3", "\tindented"),
        ("@cmd", "\rcarriage"),
        ("\tTabbed title", "=HYPERLINK(\"http://x\")"),
        ("\rCR title", "-minus"),
        ("Plain title", "+plus"),
    ];
    for (i, (t, n)) in cases.iter().enumerate() {
        let reference = format!("X-{}", i + 1);
        env.run(&[
            "add",
            "mou",
            "--partner",
            "acme",
            "--ref",
            &reference,
            &format!("--title={t}"),
            &format!("--note={n}"),
        ])
        .ok();
    }
    let plain = env.run(&["export", "agreements"]);
    let plain = plain.ok();
    assert!(plain.starts_with("ref,kind,"), "no BOM in plain CSV");
    let (_, rows) = parse_csv(plain);
    assert_eq!(rows.len(), cases.len());
    for (row, (t, n)) in rows.iter().zip(&cases) {
        assert_eq!(&row[2], t, "plain CSV is never altered");
        assert_eq!(&row[13], n);
    }
    // Plain CSV ends records with LF only.
    assert!(!plain.contains(",\r\n") && !plain.contains("updated_at\r\n"));

    let out = env
        .command()
        .args(["export", "agreements", "--excel"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let bytes = out.stdout;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    // Every line ends CRLF (no cell here holds a line feed).
    assert!(text.ends_with("\r\n"));
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            assert_eq!(text.as_bytes()[i - 1], b'\r', "bare LF at byte {i}");
        }
    }
    assert_eq!(text.matches("\r\n").count(), 1 + cases.len());
    let (header, rows) = parse_csv(&text);
    assert_eq!(header.join(","), AGREEMENT_HEADER);
    for (row, (t, n)) in rows.iter().zip(&cases) {
        for (cell, typed) in [(&row[2], t), (&row[13], n)] {
            let risky = typed.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if risky {
                assert_eq!(cell, &format!("'{typed}"));
            } else {
                assert_eq!(cell, typed);
            }
        }
        // Other cells are left alone.
        assert_eq!(row[1], "mou");
        assert_eq!(row[3], "acme");
    }
    // --excel with -o writes the same bytes.
    let path = env.path("sheet.csv");
    env.run(&[
        "export",
        "agreements",
        "--excel",
        "-o",
        path.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // --excel is for CSV only.
    env.fails_unchanged(
        &["export", "agreements", "--excel", "--format", "json"],
        2,
        &["--excel"],
    );
}

// ---------------------------------------------------------------------------------------
// 6. A reader that goes away

#[test]
fn closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;

    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "UNICEF",
        "--category",
        "intergovernmental",
    ])
    .ok();
    let mut csv = String::from("parties,title,signed_on,notes\n");
    for i in 1..=3000 {
        csv.push_str(&format!(
            "unicef,Agreement number {i},2020-01-01,\"A note long enough to fill the pipe quickly, row {i}\"\n"
        ));
    }
    let file = env.write("many.csv", &csv);
    env.run(&["import", "agreements", file.to_str().unwrap()])
        .ok();
    assert_eq!(env.run(&["report", "count"]).ok(), "3000\n");

    for args in [
        &["export", "agreements"][..],
        &["export", "agreements", "--format", "jsonl"][..],
        &["list", "agreements", "--format", "json"][..],
        &["list", "agreements"][..],
    ] {
        let mut child = env
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?}");
        drop(stdout);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 7. Any text survives export

mod roundtrip {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>()
                .prop_filter("no NUL", |c| *c != '\0')
                .prop_map(String::from),
            Just("\"".to_string()),
            Just(",".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just(";".to_string()),
            "[\u{0621}-\u{0652}\u{0660}-\u{0669} ]{1,6}",
            "[a-zA-Z ,\"']{1,6}",
        ];
        (
            prop_oneof![Just(""), Just("="), Just("-"), Just("@"), Just("\"")],
            proptest::collection::vec(piece, 1..10),
        )
            .prop_map(|(lead, v)| format!("{lead}{}", v.concat()))
    }

    fn stored(t: &str) -> Option<String> {
        let n: String = t.nfc().collect();
        if n.trim().is_empty() {
            None
        } else {
            Some(n)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        #[test]
        fn title_and_notes_survive_csv_and_json(title in text(), note in text()) {
            let env = Env::new();
            env.run(&["add", "partner", "Acme Org", "--category", "ngo", "--key", "acme"]).ok();
            let r = env.run(&[
                "add", "mou", "--partner", "acme", "--signed", "2026-01-01",
                &format!("--title={title}"), &format!("--note={note}"),
            ]);
            prop_assert_eq!(r.code, 0, "{}", r.stderr);
            let want_title = stored(&title).unwrap_or_default();
            let want_note = stored(&note);

            let csv = env.run(&["export", "agreements"]);
            let rows = csv_maps(csv.ok());
            prop_assert_eq!(rows.len(), 1);
            prop_assert_eq!(&rows[0]["title"], &want_title);
            prop_assert_eq!(&rows[0]["notes"], &want_note.clone().unwrap_or_default());

            let json = env.run(&["export", "agreements", "--format", "json"]);
            let v: Vec<Value> = serde_json::from_str(json.ok()).unwrap();
            prop_assert_eq!(v.len(), 1);
            prop_assert_eq!(&v[0]["title"], &Value::from(want_title));
            prop_assert_eq!(&v[0]["notes"], &want_note.map_or(Value::Null, Value::from));
        }
    }
}

// ---------------------------------------------------------------------------------------
// 8. Completions, man page, help

#[test]
fn completions_and_man_page() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish"] {
        let r = env.run(&["completions", shell]);
        let out = r.ok();
        assert!(!out.trim().is_empty(), "{shell}");
        // The script asks mou itself for candidates (see tests/help.rs).
        assert!(out.contains("mou"), "{shell}");
        assert!(out.contains("COMPLETE"), "{shell}");
    }
    env.fails_unchanged(&["completions", "cmd"], 2, &["cmd"]);
    let man = env.run(&["man"]);
    let man = man.ok();
    // clap_mangen opens with two `.ie/.el` string definitions, then the title header.
    let first_macro = man
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap();
    assert!(first_macro.starts_with(".TH mou 1"), "{first_macro}");
    assert!(man.contains(".SH NAME"));
    assert!(man.contains("query"));
    assert!(!env.db.exists(), "help-like commands create no registry");
}

#[test]
fn help_snapshots() {
    let env = Env::new();
    insta::assert_snapshot!("help", env.run(&["--help"]).ok());
    insta::assert_snapshot!("list_help", env.run(&["list", "--help"]).ok());
}

#[test]
fn tags_match_in_any_case() {
    let env = Env::sample();
    let lower = env
        .run(&["--format", "csv", "list", "agreements", "--tag", "advocacy"])
        .ok()
        .to_string();
    let upper = env
        .run(&["--format", "csv", "list", "agreements", "--tag", "ADVOCACY"])
        .ok()
        .to_string();
    assert!(lower.lines().count() > 1);
    assert_eq!(lower, upper);
    let q = env
        .run(&["--format", "csv", "query", "tag:Advocacy"])
        .ok()
        .to_string();
    assert_eq!(q, lower);
}

/// CSV is written from stored text and JSON from typed records: both must say the same.
#[test]
fn csv_and_json_exports_agree_row_for_row() {
    let env = Env::sample();
    for as_of in [
        "2013-01-01",
        "2020-06-30",
        "2021-07-01",
        "2026-06-30",
        "2026-11-29",
        "2031-01-01",
    ] {
        for filter in [&[][..], &["--kind", "mou"][..]] {
            let mut csv_args = vec!["export", "agreements", "--as-of", as_of];
            csv_args.extend(filter);
            let csv_out = env.run(&csv_args).ok().to_string();
            let mut json_args = csv_args.clone();
            json_args.extend(["--format", "json"]);
            let json: Vec<Value> = serde_json::from_str(env.run(&json_args).ok()).unwrap();
            let mut reader = csv::ReaderBuilder::new().from_reader(csv_out.as_bytes());
            let header = reader.headers().unwrap().clone();
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            assert_eq!(rows.len(), json.len(), "{as_of} {filter:?}");
            for (row, obj) in rows.iter().zip(&json) {
                for (name, cell) in header.iter().zip(row.iter()) {
                    let expected = match &obj[name] {
                        Value::Null => String::new(),
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Array(v) => v
                            .iter()
                            .map(|x| {
                                x.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| x.to_string())
                            })
                            .collect::<Vec<_>>()
                            .join(";"),
                        other => other.to_string(),
                    };
                    assert_eq!(
                        cell,
                        expected,
                        "{as_of} {filter:?} {name} of {}",
                        row.get(0).unwrap()
                    );
                }
            }
        }
    }
}

#[test]
fn bare_list_names_the_entities_it_takes() {
    let env = Env::new();
    let r = env.run(&["list"]);
    r.fails(2, &["partners", "agreements", "mou list agreements"]);
    assert_eq!(r.stdout, "");
    assert!(!env.db.exists(), "a usage error creates nothing");
}

/// Relative periods count from today (MOU_TODAY, 2026-11-29 in these tests).
#[test]
fn relative_periods_count_from_today() {
    let env = Env::sample();
    let same = |relative: &str, absolute: &str| {
        assert_eq!(
            agreements(&env, &["--signed-in", relative]),
            agreements(&env, &["--signed-in", absolute]),
            "{relative} = {absolute}"
        );
    };
    same("this-year", "2026");
    same("last-year", "2025");
    same("this-quarter", "2026Q4");
    same("last-quarter", "2026Q3");
    same("this-month", "2026-11");
    same("last-month", "2026-10");
    same("This-Quarter", "2026Q4");
    assert_eq!(
        agreements(&env, &["--signed-in", "this-quarter"]),
        s(&["MOU-2026-004"])
    );
    assert_eq!(
        agreements(&env, &["--signed-in", "last-year"]),
        s(&["MOU-2025-001", "AGREEMENT-2025-001"])
    );
    assert_eq!(
        agreements(&env, &["--expires-in", "next-month"]),
        s(&["MOU-2022-002"])
    );
    assert_eq!(
        agreements(&env, &["--expires-in", "next-quarter"]),
        s(&["MOU-2024-001", "MOU-2024-002"])
    );
    // Open ranges.
    same("2026-01-01..", "2026");
    assert_eq!(
        agreements(&env, &["--signed-in", "..2014-12-31"]),
        s(&["MOU-2013-001", "MOU-2014-001"])
    );
    // A term: today through today + the term, both ends included. 90 days from 2026-11-29 is
    // 2027-02-27, so MOU-2024-002 (expiring 2027-02-28) is in 91d but not in 90d.
    assert_eq!(
        agreements(&env, &["--expires-in", "90d"]),
        s(&["MOU-2022-002", "MOU-2024-001"])
    );
    assert_eq!(
        agreements(&env, &["--expires-in", "91d"]),
        s(&["MOU-2022-002", "MOU-2024-001", "MOU-2024-002"])
    );
    assert_eq!(
        agreements(&env, &["--expires-in", "6m"]),
        agreements(&env, &["--expires-in", "2026-11-29..2027-05-29"])
    );
    // Today, not --as-of: the calendar names the period, --as-of the status.
    assert_eq!(
        agreements(
            &env,
            &["--signed-in", "this-quarter", "--as-of", "2020-06-30"]
        ),
        s(&["MOU-2026-004"])
    );
    let r = env
        .command()
        .env("MOU_TODAY", "2025-11-05")
        .args([
            "list",
            "agreements",
            "--signed-in",
            "this-year",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(r.stdout).unwrap();
    let refs: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(refs, ["MOU-2025-001", "AGREEMENT-2025-001"]);
    // Query terms take them too.
    assert_eq!(query(&env, "signed:this-quarter"), s(&["MOU-2026-004"]));
    assert_eq!(
        query(&env, "expires:90d"),
        s(&["MOU-2022-002", "MOU-2024-001"])
    );
    assert_eq!(
        query(&env, "signed:..2014-12-31"),
        s(&["MOU-2013-001", "MOU-2014-001"])
    );
    assert_eq!(query(&env, "signed:2026-10-01.."), s(&["MOU-2026-004"]));
    // Bad forms name the value and the accepted ones.
    for bad in ["this-week", "..", "last-decade"] {
        env.fails_unchanged(
            &["list", "agreements", "--signed-in", bad],
            2,
            &[bad, "this-quarter", "90d"],
        );
    }
    env.fails_unchanged(
        &["query", "signed:this-week"],
        2,
        &["this-week", "this-quarter"],
    );
}
