//! The engagement reports: `report dormant`, `report by FIELD --engagements`, `report count
//! --engagements` and `--partners`. Every figure is checked against the model of the
//! definitions in tests/common/engagement_model.rs, computed from the fixture's rows, at several
//! as-of dates.

mod common;
use common::engagement_model::*;
use common::*;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// report dormant

struct Dormant {
    key: &'static str,
    active: usize,
    last_engagement: Option<NaiveDate>,
    last_signed: Option<NaiveDate>,
    days_since: Option<i64>,
}

fn dormant_model(es: &[E], at: NaiveDate, months: u32) -> Vec<Dormant> {
    let w = window(at, months);
    let mut out = Vec::new();
    for (key, ..) in PARTNERS {
        let mine: Vec<&A> = AGREEMENTS
            .iter()
            .filter(|a| a.parties.contains(key))
            .collect();
        let active_n = mine.iter().filter(|a| active(a, at)).count();
        if active_n == 0 {
            continue;
        }
        let last_signed = mine.iter().map(|a| d(a.signed)).filter(|s| *s <= at).max();
        let last_engagement = es
            .iter()
            .filter(|x| !x.cancelled && x.starts <= at && x.partners.iter().any(|p| p == key))
            .map(|x| x.starts)
            .max();
        let recent = |x: Option<NaiveDate>| x.is_some_and(|x| w.0 <= x && x <= w.1);
        if recent(last_signed) || recent(last_engagement) {
            continue;
        }
        out.push(Dormant {
            key,
            active: active_n,
            last_engagement,
            last_signed,
            days_since: last_signed
                .max(last_engagement)
                .map(|x| (at - x).num_days()),
        });
    }
    out.sort_by(|a, b| {
        b.days_since
            .unwrap_or(i64::MAX)
            .cmp(&a.days_since.unwrap_or(i64::MAX))
            .then(a.key.cmp(b.key))
    });
    out
}

#[track_caller]
fn check_dormant(env: &Env, es: &[E], at: &str, months: u32) {
    let m = months.to_string();
    let v = report(env, &["dormant", "--months", &m, "--as-of", at]);
    let want = dormant_model(es, d(at), months);
    let got = v.as_array().unwrap();
    let keys = |v: &[Value]| -> Vec<String> {
        v.iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        keys(got),
        want.iter().map(|w| w.key.to_string()).collect::<Vec<_>>(),
        "dormant at {at}, {months} months"
    );
    let opt = |x: Option<NaiveDate>| x.map_or(Value::Null, |x| Value::from(x.to_string()));
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(
            g.as_object().unwrap().keys().collect::<Vec<_>>(),
            [
                "key",
                "name",
                "category",
                "active_agreements",
                "last_engagement",
                "last_signed",
                "days_since"
            ]
        );
        assert_eq!(g["category"], category(w.key));
        assert_eq!(g["active_agreements"], w.active, "{}", w.key);
        assert_eq!(g["last_engagement"], opt(w.last_engagement), "{}", w.key);
        assert_eq!(g["last_signed"], opt(w.last_signed), "{}", w.key);
        assert_eq!(
            g["days_since"],
            w.days_since.map_or(Value::Null, Value::from),
            "{}",
            w.key
        );
    }
}

#[test]
fn dormant_partners_at_several_dates() {
    let env = fixture();
    let es = engagements();
    for at in ["2026-11-29", "2026-06-30", "2027-03-31", "2025-12-01"] {
        for months in [12, 6, 1, 30] {
            check_dormant(&env, &es, at, months);
        }
    }
    // Said outright, at 2026-11-29 over twelve months: quiet (signed 2021, never met) is the
    // only one; dic's MoU has expired; village's was terminated.
    let v = report(&env, &["dormant"]);
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["key"], "quiet");
    assert_eq!(v[0]["days_since"], (d(TODAY) - d("2021-01-10")).num_days());
    // Over one month, unicef (last met 2026-07-15) joins, and the longest silence comes first.
    let v = report(&env, &["dormant", "--months", "1"]);
    let keys: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["quiet", "oak", "unicef", "shelter"]);
}

#[test]
fn dormant_exit_code_formats_and_filters() {
    let env = fixture();
    let r = env.run(&["report", "dormant", "--exit-code", "--format", "csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "key,name,category,active_agreements,last_engagement,last_signed,days_since\nquiet,Quiet Institute,academic,1,,2021-01-10,{}\n",
            (d(TODAY) - d("2021-01-10")).num_days()
        )
    );
    // None dormant: exit 0, an empty list.
    let r = env.run(&[
        "report",
        "dormant",
        "--exit-code",
        "--category",
        "ngo",
        "--format",
        "json",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "[]\n"), "{}", r.stderr);
    let r = env.run(&["report", "dormant", "--format", "jsonl"]);
    assert_eq!(r.code, 0);
    assert_eq!(json(r.stdout.trim())["key"], "quiet");
    let md = env
        .run(&["report", "dormant", "--format", "markdown"])
        .ok()
        .to_string();
    assert!(md.contains("| quiet |"), "{md}");
    let table = env.run(&["report", "dormant"]).ok().to_string();
    assert!(
        table.contains("Quiet Institute") && table.contains("days_since"),
        "{table}"
    );
    // Agreement filters choose the agreements that count: with only the LoI, media (last
    // heard from at the conference of 2026-03-10) is the one dormant over the five months up
    // to 2026-09-01.
    let v = report(
        &env,
        &[
            "dormant",
            "--months",
            "5",
            "--as-of",
            "2026-09-01",
            "--kind",
            "loi",
        ],
    );
    let keys: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["media"], "{v}");
}

#[test]
fn dormant_months_bad_input_exit_2() {
    let env = fixture();
    for bad in ["0", "-1", "x", "1.5", "", "12001"] {
        env.fails_unchanged(&["report", "dormant", "--months", bad], 2, &["--months"]);
    }
    let r = env.run(&["report", "dormant", "--months", "x"]);
    assert!(
        r.stderr.contains("whole number from 1 to 12000"),
        "the fix is named: {}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// report by --engagements, report count

fn by_csv(env: &Env, field: &str, extra: &[&str]) -> Vec<(String, i64)> {
    let mut args = vec!["report", "by", field, "--engagements", "--format", "csv"];
    args.extend(extra);
    let out = env.run(&args).ok().to_string();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(format!("{field},count").as_str()));
    lines
        .map(|l| {
            let (k, n) = l.rsplit_once(',').unwrap();
            (k.to_string(), n.parse().unwrap())
        })
        .collect()
}

fn engagement_status(x: &E, at: NaiveDate) -> &'static str {
    if x.cancelled {
        "cancelled"
    } else if x.starts > at {
        "planned"
    } else if x.ends >= at {
        "ongoing"
    } else {
        "held"
    }
}

/// Counts per key, each engagement once under each of its keys.
fn counted(es: &[E], keys: impl Fn(&E) -> Vec<String>) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for x in es {
        let ks: BTreeSet<String> = keys(x).into_iter().collect();
        for k in ks {
            *m.entry(k).or_insert(0) += 1;
        }
    }
    m
}

/// Years or quarters from the first to the last, zero where none started.
fn steps(m: &BTreeMap<String, i64>, next: impl Fn(&str) -> String) -> Vec<(String, i64)> {
    let (Some(first), Some(last)) = (m.keys().next(), m.keys().next_back()) else {
        return vec![];
    };
    let mut out = vec![];
    let mut k = first.clone();
    loop {
        out.push((k.clone(), m.get(&k).copied().unwrap_or(0)));
        if &k == last {
            return out;
        }
        k = next(&k);
    }
}

fn in_order(m: BTreeMap<String, i64>, order: &[&str]) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = m.into_iter().collect();
    v.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    v
}

#[test]
fn report_by_engagements_against_the_model() {
    let env = fixture();
    let es = engagements();
    let at = d(TODAY);
    assert_eq!(
        by_csv(&env, "kind", &[]),
        in_order(counted(&es, |x| vec![x.kind.to_string()]), &KINDS)
    );
    assert_eq!(
        by_csv(&env, "status", &[]),
        in_order(
            counted(&es, |x| vec![engagement_status(x, at).to_string()]),
            &["planned", "ongoing", "held", "cancelled"]
        )
    );
    let at2 = "2026-03-11";
    assert_eq!(
        by_csv(&env, "status", &["--as-of", at2]),
        in_order(
            counted(&es, |x| vec![engagement_status(x, d(at2)).to_string()]),
            &["planned", "ongoing", "held", "cancelled"]
        ),
        "at {at2}"
    );
    let mut countries = counted(&es, |x| vec![x.country.unwrap_or("").to_string()]);
    let none = countries.remove("");
    let mut want: Vec<(String, i64)> = countries.into_iter().collect();
    want.extend(none.map(|n| (String::new(), n)));
    assert_eq!(by_csv(&env, "country", &[]), want, "where it was held");
    assert_eq!(
        by_csv(&env, "category", &[]),
        in_order(
            counted(&es, |x| x
                .partners
                .iter()
                .map(|p| category(p).to_string())
                .collect()),
            &[
                "government",
                "intergovernmental",
                "academic",
                "religious",
                "ngo",
                "grassroots",
                "other"
            ]
        )
    );
    let mut sdgs: Vec<(String, i64)> =
        counted(&es, |x| x.sdgs.iter().map(|g| g.to_string()).collect())
            .into_iter()
            .collect();
    sdgs.sort_by_key(|(k, _)| k.parse::<u32>().unwrap());
    assert_eq!(by_csv(&env, "sdg", &[]), sdgs);
    assert_eq!(
        by_csv(&env, "partner", &[]),
        counted(&es, |x| x.partners.clone())
            .into_iter()
            .collect::<Vec<_>>()
    );
    let years = counted(&es, |x| vec![x.starts.year().to_string()]);
    assert_eq!(
        by_csv(&env, "year", &[]),
        steps(&years, |y| (y.parse::<i32>().unwrap() + 1).to_string())
    );
    let quarters = counted(&es, |x| {
        vec![format!("{}Q{}", x.starts.year(), x.starts.month0() / 3 + 1)]
    });
    let next_q = |k: &str| {
        let (y, q) = k.split_once('Q').unwrap();
        let (y, q): (i32, u32) = (y.parse().unwrap(), q.parse().unwrap());
        if q == 4 {
            format!("{}Q1", y + 1)
        } else {
            format!("{y}Q{}", q + 1)
        }
    };
    let mut qs = steps(&quarters, next_q);
    qs.sort_by_key(|(k, _)| k.clone());
    assert_eq!(by_csv(&env, "quarter", &[]), qs);
    // Filters that mean something for engagements apply.
    assert_eq!(
        by_csv(&env, "kind", &["--country", "AT"]),
        in_order(
            counted(
                &es.iter()
                    .filter(|x| x.country == Some("AT"))
                    .cloned()
                    .collect::<Vec<_>>(),
                |x| vec![x.kind.to_string()]
            ),
            &KINDS
        )
    );
    let json_rows = json(
        env.run(&[
            "report",
            "by",
            "partner",
            "--engagements",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(json_rows[0]["partner"], "dic");
}

#[test]
fn report_count_engagements_and_partners() {
    let env = fixture();
    let es = engagements();
    let count = |args: &[&str]| -> Run {
        let mut all = vec!["report", "count"];
        all.extend(args);
        env.run(&all)
    };
    assert_eq!(count(&["--engagements"]).ok().trim(), es.len().to_string());
    let academic = es
        .iter()
        .filter(|x| x.partners.iter().any(|p| category(p) == "academic"))
        .count();
    assert_eq!(
        count(&["--engagements", "--category", "academic"])
            .ok()
            .trim(),
        academic.to_string()
    );
    assert_eq!(
        count(&["--engagements", "--sdg", "16", "--more-than", "3"])
            .ok()
            .trim(),
        "4"
    );
    assert_eq!(count(&["--engagements", "--more-than", "10"]).code, 1);
    // Partners party to a matching agreement: the milestone, scripted.
    for at in ["2026-11-29", "2026-06-30", "2026-03-30", "2019-01-01"] {
        let want = mou_partners(d(at)).len();
        let r = count(&[
            "--partners",
            "--kind",
            "mou",
            "--status",
            "active",
            "--as-of",
            at,
        ]);
        assert_eq!(r.ok().trim(), want.to_string(), "at {at}");
    }
    let r = count(&[
        "--partners",
        "--kind",
        "mou",
        "--status",
        "active",
        "--more-than",
        "12",
    ]);
    assert_eq!((r.code, r.stdout.trim()), (1, "3"));
    assert_eq!(
        count(&["--partners"]).ok().trim(),
        "9",
        "idle has no agreement"
    );
    // The engagement filters: their own kinds and statuses, --held-in (the days overlap it).
    let n = |f: &dyn Fn(&E) -> bool| es.iter().filter(|x| f(x)).count().to_string();
    assert_eq!(
        count(&["--engagements", "--kind", "workshop,meeting"])
            .ok()
            .trim(),
        n(&|x| ["workshop", "meeting"].contains(&x.kind))
    );
    for at in ["2026-11-29", "2026-03-11"] {
        assert_eq!(
            count(&["--engagements", "--status", "held", "--as-of", at])
                .ok()
                .trim(),
            n(&|x| engagement_status(x, d(at)) == "held"),
            "held at {at}"
        );
    }
    assert_eq!(
        count(&["--engagements", "--held-in", "2026Q3"]).ok().trim(),
        n(&|x| x.starts <= d("2026-09-30") && x.ends >= d("2026-07-01"))
    );
    assert_eq!(
        by_csv(&env, "kind", &["--held-in", "2025-11-29..2025-12-01"]),
        [("meeting".to_string(), 1), ("workshop".to_string(), 1)]
    );
    // The other records' words and flags are refused, naming them.
    env.fails_unchanged(
        &["report", "count", "--engagements", "--kind", "mou"],
        2,
        &["kind", "'mou'", "agreement kind"],
    );
    env.fails_unchanged(
        &["report", "count", "--engagements", "--status", "active"],
        2,
        &["status", "'active'"],
    );
    env.fails_unchanged(
        &["report", "count", "--engagements", "--signed-in", "2026"],
        2,
        &["--signed-in"],
    );
    env.fails_unchanged(
        &[
            "report",
            "by",
            "kind",
            "--engagements",
            "--active-on",
            "2026-01-01",
        ],
        2,
        &["--active-on"],
    );
    env.fails_unchanged(
        &["report", "count", "--held-in", "2026"],
        2,
        &["--held-in", "--engagements"],
    );
    env.fails_unchanged(
        &["report", "by", "kind", "--kind", "workshop"],
        2,
        &["workshop"],
    );
    env.fails_unchanged(
        &["report", "count", "--engagements", "--partners"],
        2,
        &["--partners"],
    );
}
