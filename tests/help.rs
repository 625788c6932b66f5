//! Everyday use of the command line itself: commas in list flags and query values, help,
//! errors, completions and man pages.

mod common;
use common::*;

/// Every command path, `[]` for `mou` itself, `["add", "partner"]` for `mou add partner`.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&mou::cli::command(), &mut Vec::new(), &mut out);
    out
}

/// A registry with a partner whose name holds a comma, and one agreement for each partner.
fn comma_registry() -> Env {
    let env = Env::new();
    env.run(&[
        "add",
        "partner",
        "Foo, Inc",
        "--category",
        "ngo",
        "--key",
        "foo",
    ])
    .ok();
    env.run(&[
        "add",
        "partner",
        "United Nations Children's Fund",
        "--category",
        "intergovernmental",
        "--key",
        "unicef",
    ])
    .ok();
    env.run(&[
        "add",
        "partner",
        "Other Org",
        "--category",
        "academic",
        "--key",
        "other",
    ])
    .ok();
    for (p, t, r) in [
        ("foo", "alpha", "A-1"),
        ("unicef", "beta", "A-2"),
        ("other", "gamma", "A-3"),
        ("other", r"p\,q", "A-4"),
    ] {
        env.run(&[
            "add",
            "mou",
            "--partner",
            p,
            "--signed",
            "2024-01-01",
            "--tag",
            t,
            "--ref",
            r,
        ])
        .ok();
    }
    env
}

fn refs(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--format", "csv"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    out.ok()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Item 5: commas in queries and list flags

#[test]
fn quoted_query_value_keeps_its_commas() {
    let env = comma_registry();
    assert_eq!(refs(&env, &["query", r#"partner:"Foo, Inc""#]), ["A-1"]);
    assert_eq!(
        refs(&env, &["query", r#"partner:"Foo, Inc",unicef"#]),
        ["A-1", "A-2"]
    );
    // A backslash keeps a comma too, in a query and in a flag.
    assert_eq!(refs(&env, &["query", r"tag:p\,q"]), ["A-4"]);
    assert_eq!(refs(&env, &["query", r#"tag:"p,q",alpha"#]), ["A-1", "A-4"]);
    assert!(refs(&env, &["query", "tag:p"]).is_empty());
}

#[test]
fn list_flags_and_query_terms_split_commas_alike() {
    let env = comma_registry();
    let both = ["A-1", "A-2"];
    assert_eq!(refs(&env, &["query", "partner:foo,unicef"]), both);
    assert_eq!(
        refs(&env, &["list", "agreements", "--partner", "foo,unicef"]),
        both
    );
    assert_eq!(
        refs(
            &env,
            &[
                "list",
                "agreements",
                "--partner",
                "foo",
                "--partner",
                "unicef"
            ]
        ),
        both
    );
    assert_eq!(refs(&env, &["query", "tag:alpha,beta"]), both);
    assert_eq!(
        refs(&env, &["list", "agreements", "--tag", "alpha,beta"]),
        both
    );
    assert_eq!(
        refs(&env, &["export", "agreements", "--tag", "alpha,beta"]),
        both
    );
    assert_eq!(
        refs(
            &env,
            &[
                "list",
                "agreements",
                "--kind",
                "mou,loi",
                "--status",
                "active,expired"
            ]
        )
        .len(),
        4
    );
}

#[test]
fn a_flag_value_holding_a_comma_is_quoted_or_escaped() {
    let env = comma_registry();
    for v in [r"Foo\, Inc", r#""Foo, Inc""#, r#""Foo, Inc",unicef"#] {
        let got = refs(&env, &["list", "agreements", "--partner", v]);
        assert_eq!(got[0], "A-1", "{v}");
    }
    env.fails_unchanged(
        &["list", "agreements", "--partner", r#""Foo, Inc"#],
        2,
        &["--partner", "quote"],
    );
    // An empty list is refused, not read as no filter at all.
    env.fails_unchanged(
        &["list", "agreements", "--partner", " , "],
        2,
        &["--partner"],
    );
    env.fails_unchanged(
        &["add", "mou", "--partner", "foo", "--tag", ""],
        2,
        &["--tag"],
    );
}

#[test]
fn add_and_edit_split_party_and_tag_lists_alike() {
    let env = comma_registry();
    let r = env
        .run(&[
            "add",
            "mou",
            "--partner",
            "foo,unicef",
            "--tag",
            "x,y",
            "--signed",
            "2024-02-01",
        ])
        .ok()
        .trim()
        .to_string();
    let show = env.run(&["--format", "json", "show", &r]).ok().to_string();
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["parties"], serde_json::json!(["foo", "unicef"]));
    assert_eq!(v["tags"], serde_json::json!(["x", "y"]));
    env.run(&[
        "edit",
        "agreement",
        &r,
        "--remove-tag",
        "x,y",
        "--add-tag",
        "z",
    ])
    .ok();
    let v: serde_json::Value =
        serde_json::from_str(env.run(&["--format", "json", "show", &r]).ok()).unwrap();
    assert_eq!(v["tags"], serde_json::json!(["z"]));
}

#[test]
fn every_list_flag_says_its_comma_rule() {
    let env = Env::new();
    let help = env.run(&["list", "--help"]).ok().to_string();
    for flag in [
        "--category",
        "--country",
        "--kind",
        "--status",
        "--sdg",
        "--tag",
        "--partner",
    ] {
        let line = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with(flag))
            .take(3)
            .collect::<String>();
        assert!(line.contains("comma"), "{flag}: {line}");
    }
    assert!(help.contains(r"\,"), "{help}");
}

// ---------------------------------------------------------------------------------------
// Item 7: help and errors

#[test]
fn every_flag_and_argument_has_a_description() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {}", a.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&mou::cli::command(), "mou", &mut missing);
    assert!(missing.is_empty(), "without a description: {missing:#?}");
}

#[test]
fn closed_vocabularies_list_their_values_in_help() {
    let env = Env::new();
    let help = env.run(&["add", "partner", "--help"]).ok().to_string();
    assert!(
        help.contains("religious") && help.contains("intergovernmental"),
        "{help}"
    );
    let help = env.run(&["list", "--help"]).ok().to_string();
    for v in ["religious", "loi", "terminated"] {
        assert!(help.contains(v), "{v}: {help}");
    }
    let help = env.run(&["edit", "agreement", "--help"]).ok().to_string();
    assert!(help.contains("loi"), "{help}");
}

#[test]
fn flags_that_do_nothing_are_refused() {
    let env = Env::sample();
    for (args, flag) in [
        (
            &[
                "add",
                "partner",
                "X",
                "--category",
                "ngo",
                "--format",
                "json",
            ][..],
            "--format",
        ),
        (
            &[
                "--format",
                "json",
                "add",
                "partner",
                "X",
                "--category",
                "ngo",
            ],
            "--format",
        ),
        (&["init", "--format", "csv"], "--format"),
        (&["backup", "copy.db", "--format", "json"], "--format"),
        (&["report", "by", "kind", "--lang", "en"], "--lang"),
        (&["report", "count", "--lang", "ar"], "--lang"),
        (&["report", "--lang", "ar", "count"], "--lang"),
        (
            &["add", "mou", "--partner", "unicef", "--kind", "mou"],
            "--kind",
        ),
        (&["completions", "bash", "--db", "x.db"], "--db"),
        (&["--as-of", "2020-01-01", "backup", "copy.db"], "--as-of"),
    ] {
        let r = env.fails_unchanged(args, 2, &[flag]);
        assert!(r.stderr.starts_with("mou: "), "{args:?}: {}", r.stderr);
    }
    assert!(!env.path("copy.db").exists());
    let help = env.run(&["add", "mou", "--help"]).ok().to_string();
    assert!(!help.contains("--kind"), "{help}");
    for c in [
        &["add", "partner", "--help"][..],
        &["init", "--help"],
        &["backup", "--help"],
    ] {
        assert!(!env.run(c).ok().contains("--format"), "{c:?}");
    }
    for c in [
        &["report", "by", "--help"][..],
        &["report", "count", "--help"],
    ] {
        assert!(!env.run(c).ok().contains("--lang"), "{c:?}");
    }
}

#[test]
fn global_options_stand_before_or_after_the_command() {
    let env = Env::sample();
    let after = env
        .run(&[
            "list",
            "agreements",
            "--format",
            "json",
            "--as-of",
            "2020-06-30",
        ])
        .ok()
        .to_string();
    let before = env
        .run(&[
            "--format",
            "json",
            "--as-of",
            "2020-06-30",
            "list",
            "agreements",
        ])
        .ok()
        .to_string();
    assert_eq!(after, before);
    assert!(after.starts_with('['));
    let db = env.db.to_str().unwrap().to_string();
    let other = env.path("elsewhere.db");
    let mut c = env.command();
    c.env("MOU_DB", &other);
    let out = c.args(["--db", &db, "report", "count"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = env
        .command()
        .env("MOU_COMPLETE", "tcsh")
        .args(["report", "count"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("mou: "));
    env.run(&["report", "--lang", "en"]).ok();
    env.run(&["report", "summary", "--lang", "ar"]).ok();
    env.run(&["report", "--kind", "mou", "by", "category"]).ok();
    env.run(&[
        "--actor", "amal", "edit", "partner", "unicef", "--note", "n",
    ])
    .ok();
    env.run(&[
        "edit", "partner", "unicef", "--note", "m", "--actor", "amal",
    ])
    .ok();
}

#[test]
fn clap_errors_look_like_mous() {
    let env = Env::new();
    env.run(&["init"]).ok();
    for args in [
        &["list", "--bogus"][..],
        &["show", "--status", "active"],
        &["add", "partner"],
        &["list", "agreements", "--format", "xml"],
        &["frobnicate"],
    ] {
        let r = env.fails_unchanged(args, 2, &[]);
        assert!(r.stderr.starts_with("mou: "), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("error:"), "{args:?}: {}", r.stderr);
        assert!(
            !r.stderr.contains("as a value, use"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("\n\n"), "{args:?}: {}", r.stderr);
    }
    // A flag other commands take is named with them, not with clap's nearest spelling.
    let r = env.fails_unchanged(&["add", "mou", "--partner", "x", "--kind", "loi"], 2, &[]);
    assert!(
        r.stderr.contains("--kind is taken by mou add agreement"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("similar argument"), "{}", r.stderr);
    // mou's own errors have the same shape.
    let r = env.fails_unchanged(&["show", "nobody"], 2, &[]);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("mou: ")),
        "{}",
        r.stderr
    );
}

#[test]
fn vocabulary_typos_get_suggestions() {
    let env = Env::sample();
    env.fails_unchanged(
        &["add", "partner", "X", "--category", "relgious"],
        2,
        &["did you mean religious"],
    );
    env.fails_unchanged(
        &["list", "agreements", "--kind", "mu"],
        2,
        &["did you mean mou"],
    );
    env.fails_unchanged(
        &["list", "agreements", "--status", "activ"],
        2,
        &["did you mean active"],
    );
    env.fails_unchanged(
        &["query", "category:acadmic"],
        2,
        &["did you mean academic"],
    );
}

#[test]
fn help_of_every_command() {
    let env = Env::new();
    let paths = command_paths();
    assert!(paths.len() > 25, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let name = if path.is_empty() {
            "mou".to_string()
        } else {
            format!("mou_{}", path.join("_"))
        };
        insta::assert_snapshot!(name, env.run(&args).ok());
    }
}

// ---------------------------------------------------------------------------------------
// Item 8: completions and man pages

const ENVIRONMENT: [&str; 9] = [
    "MOU_COMPLETE",
    "MOU_DB",
    "MOU_TODAY",
    "MOU_NOW",
    "MOU_BUSY_TIMEOUT_MS",
    "MOU_MAX_PAGE_COUNT",
    "XDG_DATA_HOME",
    "USER",
    "NO_COLOR",
];

#[test]
fn man_pages_one_per_subcommand_with_environment_and_examples() {
    let env = Env::new();
    let dir = env.path("man");
    env.run(&["man", "--dir", dir.to_str().unwrap()]).ok();
    for path in command_paths() {
        let mut name = vec!["mou".to_string()];
        name.extend(path);
        let file = dir.join(format!("{}.1", name.join("-")));
        let page =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(page.contains(".SH ENVIRONMENT"), "{}", file.display());
        assert!(page.contains(".SH EXAMPLES"), "{}", file.display());
        for var in ENVIRONMENT {
            assert!(page.contains(var), "{}: {var}", file.display());
        }
    }
    let stdout = env.run(&["man"]).ok().to_string();
    assert!(stdout.contains(".TH mou 1") && stdout.contains(".SH ENVIRONMENT"));
    assert!(!env.db.exists(), "man pages create no registry");
}

/// The candidates the shell would be offered for the last word of `line`.
fn complete(env: &Env, line: &[&str]) -> Vec<String> {
    env.complete(line)
}

#[test]
fn completions_offer_vocabularies_keys_and_refs() {
    let env = comma_registry();
    let keys = complete(&env, &["mou", "show", "uni"]);
    assert!(keys.contains(&"unicef".to_string()), "{keys:?}");
    let keys = complete(&env, &["mou", "list", "agreements", "--partner", "fo"]);
    assert_eq!(keys, ["foo"]);
    let refs = complete(&env, &["mou", "renew", "A-"]);
    assert!(refs.contains(&"A-2".to_string()), "{refs:?}");
    let cats = complete(&env, &["mou", "add", "partner", "X", "--category", "rel"]);
    assert_eq!(cats, ["religious"]);
    let kinds = complete(&env, &["mou", "list", "--kind", ""]);
    assert!(kinds.contains(&"loi".to_string()), "{kinds:?}");
    // `mou completions SHELL` prints the script that asks mou for these.
    let script = env.run(&["completions", "bash"]).ok().to_string();
    assert!(script.contains("MOU_COMPLETE"), "{script}");
    // A COMPLETE variable left in the environment by other tools changes nothing.
    let out = env
        .command()
        .env("COMPLETE", "yes")
        .args(["report", "count"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
