//! Reports: by FIELD, count, due. Every figure is checked against the model of the README's
//! definitions in tests/common/report_model.rs, computed independently of the binary.

mod common;
use common::report_model::*;
use common::*;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// 4. report by FIELD

fn by_csv(env: &Env, field: &str, extra: &[&str]) -> BTreeMap<String, i64> {
    let mut args = vec!["report", "by", field, "--format", "csv"];
    args.extend(extra);
    let out = env.run(&args).ok().to_string();
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [field, "count"],
        "{out}"
    );
    let mut m = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), 2);
        let prev = m.insert(rec[0].to_string(), rec[1].parse::<i64>().unwrap());
        assert!(prev.is_none(), "{field} value {} twice", &rec[0]);
    }
    m
}

fn tally(keys: impl Iterator<Item = Vec<String>>) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for ks in keys {
        for k in ks {
            *m.entry(k).or_insert(0) += 1;
        }
    }
    m
}

fn nonzero(mut m: BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    m.retain(|_, n| *n != 0);
    m
}

fn partner(key: &str) -> &'static P {
    PARTNERS.iter().find(|p| p.key == key).unwrap()
}

#[test]
fn report_by_field_counts() {
    let (env, ags) = fixture();
    let today = d(TODAY);
    let set = |v: Vec<String>| -> Vec<String> {
        v.into_iter().collect::<BTreeSet<_>>().into_iter().collect()
    };
    let expect_category = tally(ags.iter().map(|a| {
        set(a
            .parties
            .iter()
            .map(|p| partner(p).category.to_string())
            .collect())
    }));
    let expect_country = tally(ags.iter().map(|a| {
        set(a
            .parties
            .iter()
            .map(|p| partner(p).country.to_string())
            .collect())
    }));
    let expect_kind = tally(ags.iter().map(|a| vec![a.kind.clone()]));
    let expect_status = tally(
        ags.iter()
            .map(|a| vec![status(a, today).name().to_string()]),
    );
    let expect_sdg = tally(
        ags.iter()
            .map(|a| a.sdgs.iter().map(|s| s.to_string()).collect()),
    );
    let expect_year = tally(
        ags.iter()
            .map(|a| a.signed.map(|s| s.year().to_string()).into_iter().collect()),
    );
    let expect_quarter = tally(ags.iter().map(|a| {
        a.signed
            .map(|s| format!("{}Q{}", s.year(), s.month0() / 3 + 1))
            .into_iter()
            .collect()
    }));
    // Spot checks of the model.
    assert_eq!(expect_quarter["2026Q3"], 4);
    assert_eq!(expect_country[""], 2, "igo has no country: Q-05, Q-15");
    assert_eq!(expect_category["government"], 5);

    assert_eq!(by_csv(&env, "category", &[]), expect_category);
    assert_eq!(by_csv(&env, "country", &[]), expect_country);
    assert_eq!(by_csv(&env, "kind", &[]), expect_kind);
    assert_eq!(by_csv(&env, "status", &[]), expect_status);
    assert_eq!(by_csv(&env, "sdg", &[]), expect_sdg);
    // Years and quarters without agreements between the first and last show as 0.
    assert_eq!(nonzero(by_csv(&env, "year", &[])), expect_year);
    assert_eq!(nonzero(by_csv(&env, "quarter", &[])), expect_quarter);

    // Filters apply; status is at --as-of.
    let mous: Vec<&A> = ags.iter().filter(|a| a.kind == "mou").collect();
    assert_eq!(
        by_csv(&env, "status", &["--kind", "mou", "--as-of", "2026-09-30"]),
        tally(
            mous.iter()
                .map(|a| vec![status(a, d("2026-09-30")).name().to_string()])
        )
    );
    assert_eq!(
        nonzero(by_csv(&env, "quarter", &["--signed-in", "2026"])),
        tally(ags.iter().filter_map(|a| {
            let s = a.signed.filter(|s| s.year() == 2026)?;
            Some(vec![format!("{}Q{}", s.year(), s.month0() / 3 + 1)])
        }))
    );

    // JSON: [{"FIELD": ..., "count": n}], years and SDGs as numbers.
    let v = json(env.run(&["report", "by", "year", "--format", "json"]).ok());
    for row in v.as_array().unwrap() {
        let o = row.as_object().unwrap();
        assert_eq!(o.keys().collect::<Vec<_>>(), ["year", "count"]);
        let year = o["year"].as_i64().unwrap().to_string();
        assert_eq!(o["count"], expect_year.get(&year).copied().unwrap_or(0));
    }

    // An unknown field is a usage error listing the valid ones.
    env.run(&["report", "by", "colour"]).fails(
        2,
        &[
            "colour", "category", "country", "kind", "status", "sdg", "year", "quarter",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 5. report count

#[test]
fn report_count_is_a_bare_number() {
    let (env, ags) = fixture();
    let r = env.run(&["report", "count"]);
    assert_eq!(r.ok(), format!("{}\n", ags.len()));
    let mous = ags.iter().filter(|a| a.kind == "mou").count();
    assert_eq!(
        env.run(&["report", "count", "--kind", "mou"]).ok(),
        format!("{mous}\n")
    );
    let active_religious = ags
        .iter()
        .filter(|a| {
            status(a, d(TODAY)) == St::Active
                && a.parties.iter().any(|p| partner(p).category == "religious")
        })
        .count();
    assert_eq!(
        env.run(&[
            "report",
            "count",
            "--status",
            "active",
            "--category",
            "religious"
        ])
        .ok(),
        format!("{active_religious}\n")
    );
    // --more-than: exit 1 unless more; the number is printed either way.
    let n = mous.to_string();
    let less = (mous - 1).to_string();
    let r = env.run(&["report", "count", "--kind", "mou", "--more-than", &n]);
    assert_eq!((r.code, r.stdout.trim()), (1, n.as_str()));
    let r = env.run(&["report", "count", "--kind", "mou", "--more-than", &less]);
    assert_eq!((r.code, r.stdout.trim()), (0, n.as_str()));
    let r = env.run(&["report", "count", "--kind", "other", "--more-than", "0"]);
    assert_eq!((r.code, r.stdout.trim()), (1, "0"));
    // The sample: how many active MoUs?
    let sample = Env::sample();
    let active_mous = sample_agreements()
        .iter()
        .filter(|a| a.kind == "mou" && status(a, d(TODAY)) == St::Active)
        .count();
    for (m, code) in [(active_mous - 1, 0), (active_mous, 1), (active_mous + 1, 1)] {
        let r = sample.run(&[
            "report",
            "count",
            "--kind",
            "mou",
            "--status",
            "active",
            "--more-than",
            &m.to_string(),
        ]);
        assert_eq!(r.code, code, "--more-than {m}: {}", r.stderr);
        assert_eq!(r.stdout, format!("{active_mous}\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// 6. due

#[test]
fn due_on_the_sample() {
    let env = Env::sample();
    let today = d(TODAY);
    let until = today + chrono::Days::new(90);
    // Independently: active or pending, with an expiry or notice date by the window's end.
    let ags = sample_agreements();
    let mut want: Vec<(NaiveDate, String)> = ags
        .iter()
        .filter(|a| matches!(status(a, today), St::Active | St::Pending))
        .filter_map(|a| {
            let notice = a
                .expires
                .zip(a.notice)
                .map(|(e, n)| e - chrono::Days::new(n.into()));
            [notice, a.expires]
                .into_iter()
                .flatten()
                .filter(|x| *x <= until)
                .min()
                .map(|x| (x, a.r.clone()))
        })
        .collect();
    want.sort();
    let want: Vec<String> = want.into_iter().map(|(_, r)| r).collect();
    assert_eq!(want, ["MOU-2022-002", "MOU-2024-002", "MOU-2024-001"]);

    let v = json(env.run(&["due", "--format", "json"]).ok());
    let rows = v.as_array().unwrap();
    let mut got: Vec<String> = rows
        .iter()
        .map(|r| r["ref"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(got, sorted);
    let row = |r: &str| rows.iter().find(|x| x["ref"] == r).unwrap();
    assert_eq!(row("MOU-2022-002")["notice_on"], "2026-11-01");
    assert_eq!(row("MOU-2022-002")["expires_on"], "2026-12-31");
    assert_eq!(row("MOU-2022-002")["days_left"], 32);
    assert_eq!(row("MOU-2024-002")["notice_on"], "2026-11-30");
    assert_eq!(row("MOU-2024-001")["expires_on"], "2027-01-31");
    assert_eq!(row("MOU-2024-001")["notice_on"], Value::Null);
    assert_eq!(row("MOU-2024-001")["days_left"], 63);
    assert_eq!(
        row("MOU-2024-001")["parties"],
        serde_json::json!(["sindiyan-univ"])
    );

    // The default window is 90 days; a shorter one holds only the notice dates.
    let default = env.run(&["due"]).ok().to_string();
    for r in &want {
        assert!(default.contains(r.as_str()), "{default}");
    }
    let v = json(env.run(&["due", "--within", "2d", "--format", "json"]).ok());
    let mut got: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ref"].as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, ["MOU-2022-002", "MOU-2024-002"]);

    // CSV: the documented columns.
    let csv = env.run(&["due", "--format", "csv"]).ok().to_string();
    assert_eq!(
        csv.lines().next(),
        Some("ref,kind,title,parties,expires_on,notice_on,days_left,due,due_on")
    );
    assert_eq!(csv.lines().count(), 1 + want.len());

    // --exit-code: 1 when something is due, 0 when nothing is.
    let r = env.run(&["due", "--exit-code"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("MOU-2024-001"));
    let r = env.run(&["due", "--exit-code", "--as-of", "2013-01-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = env.run(&["due", "--exit-code", "--kind", "other"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = env.run(&["due", "--exit-code", "--partner", "sindiyan-univ"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = json(
        env.run(&["due", "--partner", "sindiyan-univ", "--format", "json"])
            .ok(),
    );
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["ref"], "MOU-2024-001");
}

#[test]
fn due_counts_days_left_to_the_date_that_is_due() {
    let env = Env::sample();
    let v = json(env.run(&["due", "--format", "json"]).ok());
    let rows = v.as_array().unwrap();
    let row = |r: &str| rows.iter().find(|x| x["ref"] == r).unwrap();
    // The notice date is still ahead: it is what is due, one day from today.
    let notice = row("MOU-2024-002");
    assert_eq!(notice["due"], "notice date");
    assert_eq!(notice["due_on"], "2026-11-30");
    assert_eq!(notice["days_left"], 1);
    // The notice date has passed: the expiry is what is due now.
    let passed = row("MOU-2022-002");
    assert_eq!(passed["due"], "notice date passed");
    assert_eq!(passed["due_on"], "2026-12-31");
    assert_eq!(passed["days_left"], 32);
    // No notice: the expiry.
    let expires = row("MOU-2024-001");
    assert_eq!(expires["due"], "expires");
    assert_eq!(expires["due_on"], "2027-01-31");
    assert_eq!(expires["days_left"], 63);
    // The existing columns keep their order; due_on comes last, after the reason it dates.
    let csv = env.run(&["due", "--format", "csv"]).ok().to_string();
    assert_eq!(
        csv.lines().next(),
        Some("ref,kind,title,parties,expires_on,notice_on,days_left,due,due_on")
    );
    // Counted from --as-of, like the rest of due.
    let v = json(
        env.run(&["due", "--as-of", "2026-11-20", "--format", "json"])
            .ok(),
    );
    let rows = v.as_array().unwrap();
    let row = |r: &str| rows.iter().find(|x| x["ref"] == r).unwrap();
    assert_eq!(row("MOU-2024-002")["days_left"], 10);
    assert_eq!(row("MOU-2022-002")["due_on"], "2026-12-31");
}

/// Three partners (one without a country) and agreements signed in 2020 and 2022, none in 2021.
fn by_registry() -> Env {
    let env = Env::new();
    for (name, key, cat, country) in [
        ("Alpha Org", "alpha", "ngo", Some("AT")),
        ("Beta Org", "beta", "academic", None),
        ("Gamma Org", "gamma", "government", Some("JO")),
    ] {
        let mut args = vec!["add", "partner", name, "--key", key, "--category", cat];
        if let Some(c) = country {
            args.extend(["--country", c]);
        }
        env.run(&args).ok();
    }
    for (partners, signed, kind) in [
        (&["alpha"][..], "2020-02-10", "other"),
        (&["beta"], "2020-05-01", "agreement"),
        (&["gamma"], "2022-11-03", "loi"),
        (&["alpha", "gamma"], "2022-12-01", "mou"),
    ] {
        let mut args = vec!["add", "agreement", "--signed", signed, "--kind", kind];
        for p in partners {
            args.extend(["--partner", p]);
        }
        env.run(&args).ok();
    }
    env
}

fn csv_rows(out: &str) -> Vec<(String, String)> {
    out.lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn report_by_sorts_in_the_summary_vocabulary_order() {
    let env = by_registry();
    let by = |f: &str| csv_rows(env.run(&["report", "by", f, "--format", "csv"]).ok());
    // The summary's order: the vocabulary's, not the alphabet's.
    assert_eq!(
        by("kind"),
        pairs(&[
            ("mou", "1"),
            ("agreement", "1"),
            ("loi", "1"),
            ("other", "1")
        ])
    );
    assert_eq!(
        by("category"),
        pairs(&[("government", "2"), ("academic", "1"), ("ngo", "2")])
    );
    assert_eq!(
        by("status"),
        pairs(&[("active", "4")]),
        "open-ended signed agreements are active"
    );
    // Countries by code, the partners without one last.
    assert_eq!(by("country"), pairs(&[("AT", "2"), ("JO", "2"), ("", "1")]));
}

#[test]
fn report_by_fills_years_and_quarters_without_agreements() {
    let env = by_registry();
    let by = |f: &str| csv_rows(env.run(&["report", "by", f, "--format", "csv"]).ok());
    assert_eq!(
        by("year"),
        pairs(&[("2020", "2"), ("2021", "0"), ("2022", "2")])
    );
    let quarters = by("quarter");
    assert_eq!(quarters.len(), 12, "2020Q1 through 2022Q4: {quarters:?}");
    assert_eq!(quarters[0], ("2020Q1".into(), "1".into()));
    assert_eq!(quarters[1], ("2020Q2".into(), "1".into()));
    assert_eq!(quarters[2], ("2020Q3".into(), "0".into()));
    assert_eq!(quarters[11], ("2022Q4".into(), "2".into()));
    assert!(quarters[2..11].iter().all(|(_, n)| n == "0"));
    // Only within the range that occurs: nothing before the first or after the last.
    let v = json(env.run(&["report", "by", "year", "--format", "json"]).ok());
    assert_eq!(
        v,
        serde_json::json!([
            {"year": 2020, "count": 2},
            {"year": 2021, "count": 0},
            {"year": 2022, "count": 2}
        ])
    );
    // A filter that leaves nothing: no rows at all.
    let r = env.run(&[
        "report",
        "by",
        "year",
        "--kind",
        "mou",
        "--signed-in",
        "2021",
        "--format",
        "csv",
    ]);
    assert_eq!(r.ok(), "year,count\n");
}

#[test]
fn report_by_shows_an_empty_value_as_none_for_people_only() {
    let env = by_registry();
    let table = env.run(&["report", "by", "country"]).ok().to_string();
    assert!(table.contains("(none)"), "{table}");
    let md = env
        .run(&["report", "by", "country", "--format", "markdown"])
        .ok()
        .to_string();
    let lines: Vec<&str> = md.lines().collect();
    // Headers in words; the empty country last and named.
    assert_eq!(lines[0], "| Country | Count |", "{md}");
    assert_eq!(lines.last(), Some(&"| (none) | 1 |"), "{md}");
    let md = env
        .run(&["report", "by", "sdg", "--format", "markdown"])
        .ok()
        .to_string();
    assert!(md.starts_with("| SDG | Count |"), "{md}");
    // Scripts keep the empty value: an empty CSV field, a JSON null.
    let csv = env
        .run(&["report", "by", "country", "--format", "csv"])
        .ok()
        .to_string();
    assert!(csv.ends_with("\n,1\n"), "{csv}");
    assert!(!csv.contains("(none)"));
    let v = json(
        env.run(&["report", "by", "country", "--format", "json"])
            .ok(),
    );
    assert_eq!(v[2], serde_json::json!({"country": null, "count": 1}));
}

#[test]
fn count_partners_counts_the_partners_party_to_a_matching_agreement() {
    let env = Env::sample();
    // The model: the parties of the matching agreements, counted once each.
    let parties = |args: &[&str]| -> BTreeSet<String> {
        let mut all = vec!["list", "agreements", "--format", "json"];
        all.extend_from_slice(args);
        let v: Value = serde_json::from_str(env.run(&all).ok()).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["parties"].as_array().unwrap().clone())
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    };
    let count = |args: &[&str]| -> usize {
        let mut all = vec!["report", "count", "--partners"];
        all.extend_from_slice(args);
        env.run(&all).ok().trim().parse().unwrap()
    };
    let mou = ["--kind", "mou", "--status", "active"];
    let n = parties(&mou).len();
    assert!(
        n > 12,
        "the sample has more than twelve partners with an active MoU: {n}"
    );
    assert_eq!(count(&mou), n);
    // The same figure as the summary's milestone.
    let summary: Value =
        serde_json::from_str(env.run(&["report", "--format", "json"]).ok()).unwrap();
    assert_eq!(summary["partners_with_active_mou"], json!(n));
    // No filter: every partner party to some agreement, not those without any.
    env.run(&["add", "partner", "Lonely Org", "--category", "ngo"])
        .ok();
    let all_partners: Value =
        serde_json::from_str(env.run(&["list", "partners", "--format", "json"]).ok()).unwrap();
    let with_any = parties(&[]).len();
    assert!(with_any < all_partners.as_array().unwrap().len());
    assert_eq!(count(&[]), with_any);
    assert_eq!(count(&["--kind", "loi"]), parties(&["--kind", "loi"]).len());
    // --more-than scripts the milestone: exit 0 when more, 1 when not.
    let mut args = vec!["report", "count", "--partners"];
    args.extend_from_slice(&mou);
    let twelve: Vec<&str> = args.iter().copied().chain(["--more-than", "12"]).collect();
    assert_eq!(env.run(&twelve).code, 0);
    let at_n = n.to_string();
    let not_more: Vec<&str> = args.iter().copied().chain(["--more-than", &at_n]).collect();
    assert_eq!(env.run(&not_more).code, 1);
}
