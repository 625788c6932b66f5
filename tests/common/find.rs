//! Helpers of the find and export tests (tests/find.rs, tests/export.rs): rows as JSON, one field of each, CSV read back.

use super::*;

use serde_json::Value;

/// The JSON array a command prints with `--format json`.
#[track_caller]
pub fn json_rows(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let r = env.run(&all);
    serde_json::from_str(r.ok()).unwrap_or_else(|e| panic!("{all:?}: {e}\n{}", r.stdout))
}

/// One field of every row a command prints.
#[track_caller]
pub fn field(env: &Env, args: &[&str], name: &str) -> Vec<String> {
    json_rows(env, args)
        .iter()
        .map(|v| v[name].as_str().unwrap().to_string())
        .collect()
}

/// Refs of `list agreements FILTERS`.
#[track_caller]
pub fn agreements(env: &Env, filters: &[&str]) -> Vec<String> {
    let mut args = vec!["list", "agreements"];
    args.extend(filters);
    field(env, &args, "ref")
}

/// CSV text parsed with the csv crate: header and records.
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The records of a CSV export as maps from column name to cell.
pub fn csv_maps(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let (header, rows) = parse_csv(text);
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}
