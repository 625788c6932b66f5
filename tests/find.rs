//! Find: the filter flags of list, export and report count, query expressions, tags in any
//! case, relative periods. Output formats and export: tests/export.rs.

mod common;
use common::find::*;
use common::*;

use serde_json::Value;

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
