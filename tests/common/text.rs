//! Helpers of the text tests (tests/text.rs, tests/text_spoofing.rs).

use super::*;

use serde_json::Value;

/// The key of the partner `name` resolves to (`show NAME --format json`).
#[track_caller]
pub fn key_of(env: &Env, name: &str) -> String {
    let r = env.run(&["show", name, "--format", "json"]);
    let v: Value = serde_json::from_str(r.ok()).unwrap();
    v["key"].as_str().unwrap().to_string()
}

/// One field of every row of `ARGS --format json`.
#[track_caller]
pub fn field(env: &Env, args: &[&str], name: &str) -> Vec<String> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let v: Vec<Value> = serde_json::from_str(env.run(&all).ok()).unwrap();
    v.iter()
        .map(|o| o[name].as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
pub fn add_partner(env: &Env, name: &str, key: &str, more: &[&str]) {
    let mut args = vec!["add", "partner", name, "--category", "ngo", "--key", key];
    args.extend(more);
    assert_eq!(env.run(&args).ok().trim(), key);
}
