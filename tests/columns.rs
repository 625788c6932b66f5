//! `--columns`, `--sort`, `--limit` on list, query and export; the `party_names` column;
//! `-o x.md` saying which columns it wrote.

mod common;
use common::*;

use serde_json::Value;

#[track_caller]
fn json(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let r = env.run(&all);
    serde_json::from_str(r.ok()).unwrap_or_else(|e| panic!("{all:?}: {e}\n{}", r.stdout))
}

#[test]
fn columns_choose_and_order_csv_and_json() {
    let env = Env::sample();
    let out = env.run(&["export", "agreements", "--columns", "status,ref"]);
    let first = out.ok().lines().next().unwrap().to_string();
    assert_eq!(first, "status,ref");
    let rows = json(&env, &["list", "partners", "--columns", "name,key"]);
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2, "{rows:?}");
    assert!(rows[0].get("name").is_some() && rows[0].get("key").is_some());
}

#[test]
fn columns_replace_the_table_subset() {
    let env = Env::sample();
    let out = env.run(&[
        "list",
        "agreements",
        "--columns",
        "ref,notes",
        "--format",
        "markdown",
    ]);
    let header = out.ok().lines().next().unwrap().to_string();
    assert!(
        header.contains("ref") && header.contains("notes"),
        "{header}"
    );
    assert!(!header.contains("title"), "{header}");
}

#[test]
fn party_names_is_a_list_of_display_names() {
    let env = Env::sample();
    let rows = json(
        &env,
        &["list", "agreements", "--columns", "ref,party_names"],
    );
    let names = rows[0]["party_names"].as_array().expect("an array");
    assert!(!names.is_empty());
    let all = json(&env, &["list", "partners"]);
    let display: Vec<&str> = all.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for n in names {
        assert!(
            display.contains(&n.as_str().unwrap()),
            "{n} is not a partner's name"
        );
    }
    let csv = env.run(&["export", "agreements", "--columns", "party_names"]);
    assert_eq!(csv.ok().lines().next().unwrap(), "party_names");
}

#[test]
fn an_unknown_column_is_named_with_the_valid_ones() {
    let env = Env::sample();
    env.run(&["list", "agreements", "--columns", "ref,colour"])
        .fails(2, &["colour", "party_names", "expires_on"]);
    // party_names is for agreements only.
    env.run(&["export", "partners", "--columns", "party_names"])
        .fails(2, &["party_names", "category"]);
}

#[test]
fn sort_orders_by_columns_descending_with_a_minus() {
    let env = Env::sample();
    let refs = |args: &[&str]| -> Vec<String> {
        json(&env, args)
            .iter()
            .map(|v| v["ref"].as_str().unwrap().to_string())
            .collect()
    };
    let asc = refs(&["list", "agreements", "--sort", "ref"]);
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    let desc = refs(&["export", "agreements", "--sort", "-ref"]);
    let mut rev = sorted.clone();
    rev.reverse();
    assert_eq!(desc, rev);
    // By status then ref: statuses come grouped, in order.
    let rows = json(&env, &["query", "", "--sort", "status,-ref"]);
    let statuses: Vec<&str> = rows.iter().map(|v| v["status"].as_str().unwrap()).collect();
    let mut s = statuses.clone();
    s.sort();
    assert_eq!(statuses, s);
    let keys: Vec<String> = json(&env, &["list", "partners", "--sort", "-key"])
        .iter()
        .map(|v| v["key"].as_str().unwrap().to_string())
        .collect();
    let mut k = keys.clone();
    k.sort();
    k.reverse();
    assert_eq!(keys, k);
}

#[test]
fn sort_on_an_unknown_column_is_refused() {
    let env = Env::sample();
    env.run(&["list", "agreements", "--sort", "-colour"])
        .fails(2, &["colour", "expires_on"]);
}

#[test]
fn limit_caps_the_rows() {
    let env = Env::sample();
    assert_eq!(json(&env, &["list", "agreements", "--limit", "2"]).len(), 2);
    assert_eq!(json(&env, &["list", "partners", "--limit", "1"]).len(), 1);
    let csv = env.run(&["export", "agreements", "--limit", "3"]);
    assert_eq!(csv.ok().lines().count(), 4);
    let first = json(&env, &["query", "", "--sort", "-ref", "--limit", "1"]);
    let all = json(&env, &["query", "", "--sort", "-ref"]);
    assert_eq!(first[0]["ref"], all[0]["ref"]);
    env.run(&["list", "agreements", "--limit", "0"])
        .fails(2, &["--limit", "0"]);
}

#[test]
fn markdown_file_says_which_columns_it_wrote() {
    let env = Env::sample();
    let out = env.path("x.md");
    let r = env.run(&["export", "agreements", "-o", out.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr.contains("wrote columns ref, kind, title") && r.stderr.contains("of 18"),
        "{}",
        r.stderr
    );
    let r = env.run(&[
        "export",
        "agreements",
        "-o",
        out.to_str().unwrap(),
        "--columns",
        "ref",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("wrote columns ref (of 18"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_column_given_twice_is_refused() {
    let env = Env::sample();
    env.run(&["export", "agreements", "--columns", "ref,title,ref"])
        .fails(2, &["--columns", "ref", "twice"]);
}

#[test]
fn empty_values_sort_last_both_ways_and_ties_keep_the_recorded_order() {
    let env = Env::sample();
    let expiries = |sort: &str| -> Vec<Value> {
        json(
            &env,
            &[
                "list",
                "agreements",
                "--sort",
                sort,
                "--columns",
                "expires_on",
            ],
        )
        .iter()
        .map(|v| v["expires_on"].clone())
        .collect()
    };
    for sort in ["expires_on", "-expires_on"] {
        let v = expiries(sort);
        let first_null = v
            .iter()
            .position(Value::is_null)
            .expect("an open-ended agreement");
        assert!(v[first_null..].iter().all(Value::is_null), "{sort}: {v:?}");
    }
    // Sorting by kind: within one kind, the default order (as recorded).
    let by_kind = json(
        &env,
        &[
            "list",
            "agreements",
            "--sort",
            "kind",
            "--columns",
            "kind,ref",
        ],
    );
    let recorded: Vec<Value> = json(&env, &["list", "agreements", "--columns", "ref"])
        .iter()
        .map(|v| v["ref"].clone())
        .collect();
    let pos = |r: &Value| recorded.iter().position(|x| x == r).unwrap();
    for w in by_kind.windows(2) {
        if w[0]["kind"] == w[1]["kind"] {
            assert!(pos(&w[0]["ref"]) < pos(&w[1]["ref"]), "{w:?}");
        }
    }
}

#[test]
fn sort_by_party_names_with_a_filter() {
    let env = Env::sample();
    let rows = json(
        &env,
        &[
            "list",
            "agreements",
            "--status",
            "active",
            "--sort",
            "party_names",
            "--columns",
            "party_names",
        ],
    );
    let joined: Vec<String> = rows
        .iter()
        .map(|v| {
            v["party_names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_lowercase())
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect();
    let mut sorted = joined.clone();
    sorted.sort();
    assert_eq!(joined, sorted);
}
