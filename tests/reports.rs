//! Reports: summary and quarterly, and the milestone sentences. Every figure is checked against
//! a small model of the README's definitions (tests/common/report_model.rs), computed
//! independently of the binary. `report by`, `report count` and `due`: tests/reports_by.rs.

mod common;
use common::report_model::*;
use common::*;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const CATEGORIES: [&str; 7] = [
    "government",
    "intergovernmental",
    "academic",
    "religious",
    "ngo",
    "grassroots",
    "other",
];

fn within(x: Option<NaiveDate>, s: NaiveDate, e: NaiveDate) -> bool {
    x.is_some_and(|x| s <= x && x <= e)
}

/// The first day of the quarter that starts `n` quarters after `start`.
fn add_quarters(start: NaiveDate, n: i32) -> NaiveDate {
    let m = start.year() * 12 + start.month0() as i32 + 3 * n;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap()
}

fn quarter_end(start: NaiveDate) -> NaiveDate {
    add_quarters(start, 1).pred_opt().unwrap()
}

struct Figures {
    figures: BTreeMap<&'static str, i64>,
    by_category: BTreeMap<String, i64>,
    by_sdg: Vec<i64>,
}

/// The README's definitions of the quarterly figures, for the quarter starting `start`.
fn quarter(ps: &[P], ags: &[&A], start: NaiveDate) -> Figures {
    let end = quarter_end(start);
    let next = add_quarters(start, 1);
    let next_end = quarter_end(next);
    let active = |a: &A| status(a, end) == St::Active;
    let n = |f: &dyn Fn(&A) -> bool| ags.iter().filter(|a| f(a)).count() as i64;
    let mut figures = BTreeMap::new();
    figures.insert("signed", n(&|a| within(a.signed, start, end)));
    figures.insert("effective", n(&|a| within(a.effective, start, end)));
    figures.insert(
        "expired",
        n(&|a| {
            let Some(first) = a.expires.and_then(|e| e.succ_opt()) else {
                return false;
            };
            a.signed.is_some()
                && start <= first
                && first <= end
                && a.terminated.filter(|t| *t <= first).is_none()
        }),
    );
    figures.insert("terminated", n(&|a| within(a.terminated, start, end)));
    figures.insert(
        "renewed",
        n(&|a| a.renews.is_some() && within(a.signed, start, end)),
    );
    figures.insert("active_at_end", n(&|a| active(a)));
    figures.insert(
        "expiring_next_quarter",
        n(&|a| active(a) && within(a.expires, next, next_end)),
    );
    // New partners: the first signed agreement (among those counted) falls in the quarter.
    let mut first: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for a in ags {
        if let Some(s) = a.signed {
            for p in &a.parties {
                let e = first.entry(p.as_str()).or_insert(s);
                *e = (*e).min(s);
            }
        }
    }
    // These registries hold no engagements: tests/engagement_reports.rs checks those figures.
    for k in ["engagements_held", "partners_engaged", "participants"] {
        figures.insert(k, 0);
    }
    figures.insert(
        "new_partners",
        first
            .values()
            .filter(|s| start <= **s && **s <= end)
            .count() as i64,
    );
    let active_keys: BTreeSet<&str> = ags
        .iter()
        .filter(|a| active(a))
        .flat_map(|a| a.parties.iter().map(|p| p.as_str()))
        .collect();
    let mut by_category: BTreeMap<String, i64> =
        CATEGORIES.iter().map(|c| (c.to_string(), 0)).collect();
    for p in ps {
        if active_keys.contains(p.key) {
            *by_category.get_mut(p.category).unwrap() += 1;
        }
    }
    let by_sdg = (1..=17)
        .map(|g| n(&|a| active(a) && a.sdgs.contains(&g)))
        .collect();
    Figures {
        figures,
        by_category,
        by_sdg,
    }
}

/// Compares the JSON of `report quarterly` with the model for the quarter starting `start`.
#[track_caller]
fn check_quarterly(v: &Value, ps: &[P], ags: &[&A], start: NaiveDate) {
    let cur = quarter(ps, ags, start);
    let prev = quarter(ps, ags, add_quarters(start, -1));
    assert_eq!(v["start"], start.to_string());
    assert_eq!(v["end"], quarter_end(start).to_string());
    let figs = v["figures"].as_object().unwrap();
    assert_eq!(
        figs.keys().map(|k| k.as_str()).collect::<BTreeSet<_>>(),
        cur.figures.keys().copied().collect::<BTreeSet<_>>(),
        "figure keys"
    );
    for (k, want) in &cur.figures {
        assert_eq!(figs[*k]["current"], *want, "{k} current");
        assert_eq!(figs[*k]["previous"], prev.figures[k], "{k} previous");
    }
    let cats = v["active_partners_by_category"].as_object().unwrap();
    assert_eq!(cats.len(), 7, "every category is listed: {cats:?}");
    for (c, want) in &cur.by_category {
        assert_eq!(cats[c]["current"], *want, "category {c} current");
        assert_eq!(
            cats[c]["previous"], prev.by_category[c],
            "category {c} previous"
        );
    }
    let sdgs = v["active_by_sdg"].as_array().unwrap();
    assert_eq!(sdgs.len(), 17);
    for (i, s) in sdgs.iter().enumerate() {
        assert_eq!(s["sdg"], i as u64 + 1);
        assert!(!s["name_en"].as_str().unwrap().is_empty());
        assert!(!s["name_ar"].as_str().unwrap().is_empty());
        assert_eq!(s["current"], cur.by_sdg[i], "sdg {} current", i + 1);
        assert_eq!(s["previous"], prev.by_sdg[i], "sdg {} previous", i + 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Quarterly

#[test]
fn quarterly_figures_match_the_definitions_on_the_boundaries() {
    let (env, ags) = fixture();
    let all: Vec<&A> = ags.iter().collect();
    let q3 = d("2026-07-01");

    // The model itself, checked by hand against the fixture's comments.
    let m = quarter(PARTNERS, &all, q3);
    assert_eq!(m.figures["signed"], 4, "Q-01, Q-02, Q-09, Q-11");
    assert_eq!(m.figures["expired"], 2, "Q-06, Q-10");
    assert_eq!(m.figures["terminated"], 2, "Q-07, Q-08");
    assert_eq!(m.figures["renewed"], 2, "Q-09, Q-11");
    assert_eq!(m.figures["expiring_next_quarter"], 2, "Q-12, Q-13");
    assert_eq!(
        m.figures["active_at_end"], 8,
        "Q-01, Q-03, Q-05, Q-09, Q-12, Q-13, Q-15, Q-16"
    );
    assert_eq!(m.figures["new_partners"], 1, "rel-two");
    assert_eq!(m.figures["effective"], 3, "Q-01, Q-09, Q-16");
    let q4 = quarter(PARTNERS, &all, d("2026-10-01"));
    assert_eq!(q4.figures["expired"], 3, "Q-05 (on 2026-10-01), Q-12, Q-13");

    let v = json(
        env.run(&["report", "quarterly", "2026Q3", "--format", "json"])
            .ok(),
    );
    assert_eq!(v["period"], "2026Q3");
    assert_eq!(v["previous_period"], "2026Q2");
    assert_eq!(v["fiscal_start"], 1);
    check_quarterly(&v, PARTNERS, &all, q3);

    // Q4, so that the agreement expiring on 2026-09-30 is seen expired there.
    let v = json(
        env.run(&["report", "quarterly", "2026-Q4", "--format", "json"])
            .ok(),
    );
    assert_eq!(v["period"], "2026Q4");
    assert_eq!(v["previous_period"], "2026Q3");
    check_quarterly(&v, PARTNERS, &all, d("2026-10-01"));

    // Filters apply to every figure.
    let mous: Vec<&A> = ags.iter().filter(|a| a.kind == "mou").collect();
    let v = json(
        env.run(&[
            "report",
            "quarterly",
            "2026Q3",
            "--kind",
            "mou",
            "--format",
            "json",
        ])
        .ok(),
    );
    check_quarterly(&v, PARTNERS, &mous, q3);
    // For MoUs only, ngo's first MoU makes it new in Q2.
    assert_eq!(v["figures"]["new_partners"]["previous"], 1);
    let v = json(
        env.run(&[
            "--format",
            "json",
            "report",
            "quarterly",
            "2026Q3",
            "--sdg",
            "16,4",
        ])
        .ok(),
    );
    let goals: Vec<&A> = ags
        .iter()
        .filter(|a| a.sdgs.contains(&16) || a.sdgs.contains(&4))
        .collect();
    check_quarterly(&v, PARTNERS, &goals, q3);

    // A fiscal year starting in July: 2026Q1 is July–September 2026, beside 2025Q4.
    let v = json(
        env.run(&[
            "report",
            "quarterly",
            "2026Q1",
            "--fiscal-start",
            "7",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(v["period"], "2026Q1");
    assert_eq!(v["previous_period"], "2025Q4");
    assert_eq!(v["fiscal_start"], 7);
    check_quarterly(&v, PARTNERS, &all, q3);
    let v = json(
        env.run(&[
            "report",
            "quarterly",
            "2026Q2",
            "--fiscal-start",
            "7",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(v["previous_period"], "2026Q1");
    check_quarterly(&v, PARTNERS, &all, d("2026-10-01"));

    // CSV carries the same figures: section,name,current,previous.
    let csv = env
        .run(&["report", "quarterly", "2026Q3", "--format", "csv"])
        .ok()
        .to_string();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("section,name,current,previous"));
    let prev = quarter(PARTNERS, &all, d("2026-04-01"));
    for (k, want) in &m.figures {
        let line = format!("figures,{k},{want},{}", prev.figures[k]);
        assert!(csv.lines().any(|l| l == line), "{line} not in\n{csv}");
    }
    // Bad periods are usage errors.
    env.run(&["report", "quarterly", "2026Q5"])
        .fails(2, &["2026Q5"]);
    env.run(&["report", "quarterly", "2026Q3", "--fiscal-start", "13"])
        .fails(2, &["fiscal-start"]);
}

#[test]
fn an_agreement_is_active_on_its_expiry_day() {
    let (env, ags) = fixture();
    let all: Vec<&A> = ags.iter().collect();
    let refs = |as_of: &str| -> Vec<String> {
        let v = json(
            env.run(&[
                "list",
                "agreements",
                "--status",
                "active",
                "--as-of",
                as_of,
                "--format",
                "json",
            ])
            .ok(),
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["ref"].as_str().unwrap().to_string())
            .collect()
    };
    let model = |as_of: &str| -> Vec<String> {
        ags.iter()
            .filter(|a| status(a, d(as_of)) == St::Active)
            .map(|a| a.r.clone())
            .collect()
    };
    for day in ["2026-09-30", "2026-10-01", "2026-06-30", "2026-07-01"] {
        assert_eq!(refs(day), model(day), "active on {day}");
    }
    assert!(refs("2026-09-30").contains(&"Q-05".to_string()));
    assert!(!refs("2026-10-01").contains(&"Q-05".to_string()));
    assert!(refs("2026-06-30").contains(&"Q-06".to_string()));

    // The summary counts it as active too, and its status column says so.
    for day in ["2026-09-30", "2026-10-01"] {
        let v = json(
            env.run(&["report", "--as-of", day, "--format", "json"])
                .ok(),
        );
        assert_eq!(v["as_of"], day);
        for s in [
            St::Draft,
            St::Pending,
            St::Active,
            St::Expired,
            St::Terminated,
        ] {
            let want = all.iter().filter(|a| status(a, d(day)) == s).count();
            assert_eq!(v["agreements_by_status"][s.name()], want, "{day} {s:?}");
        }
        let mou_partners: BTreeSet<&str> = all
            .iter()
            .filter(|a| a.kind == "mou" && status(a, d(day)) == St::Active)
            .flat_map(|a| a.parties.iter().map(|p| p.as_str()))
            .collect();
        assert_eq!(v["partners_with_active_mou"], mou_partners.len());
    }
    let v = json(
        env.run(&["--as-of", "2026-09-30", "--format", "json", "show", "Q-05"])
            .ok(),
    );
    assert_eq!(v["status"], "active");
    // A quarter's end is its as-of day: Q-05 is active at the end of 2026Q3.
    let v = json(
        env.run(&[
            "report",
            "quarterly",
            "2026Q3",
            "--format",
            "json",
            "--sdg",
            "3",
        ])
        .ok(),
    );
    assert_eq!(v["figures"]["active_at_end"]["current"], 1);
    assert_eq!(v["figures"]["expiring_next_quarter"]["current"], 0);
    assert_eq!(v["active_by_sdg"][2]["current"], 1);
    let v = json(
        env.run(&[
            "report",
            "quarterly",
            "2026Q4",
            "--format",
            "json",
            "--sdg",
            "3",
        ])
        .ok(),
    );
    assert_eq!(v["figures"]["active_at_end"]["current"], 0);
    assert_eq!(v["figures"]["expired"]["current"], 1);
}

#[test]
fn summary_counts_the_sample() {
    let env = Env::sample();
    let today = d(TODAY);
    let partners = sample_rows("partners.csv");
    let ags = sample_agreements();
    let v = json(env.run(&["report", "--format", "json"]).ok());
    assert_eq!(v["as_of"], TODAY);
    assert_eq!(v["partners"], partners.len());
    assert_eq!(v["agreements"], ags.len());
    let by_cat = v["partners_by_category"].as_object().unwrap();
    assert_eq!(by_cat.len(), 7);
    for c in CATEGORIES {
        let want = partners.iter().filter(|p| p["category"] == c).count();
        assert_eq!(by_cat[c], want, "partners in {c}");
    }
    let by_kind = v["agreements_by_kind"].as_object().unwrap();
    assert_eq!(by_kind.len(), 4);
    for k in ["mou", "agreement", "loi", "other"] {
        let want = ags.iter().filter(|a| a.kind == k).count();
        assert_eq!(by_kind[k], want, "kind {k}");
    }
    let by_status = v["agreements_by_status"].as_object().unwrap();
    assert_eq!(by_status.len(), 5);
    for s in [
        St::Draft,
        St::Pending,
        St::Active,
        St::Expired,
        St::Terminated,
    ] {
        let want = ags.iter().filter(|a| status(a, today) == s).count();
        assert_eq!(by_status[s.name()], want, "status {s:?}");
    }
    let with_mou: BTreeSet<&str> = ags
        .iter()
        .filter(|a| a.kind == "mou" && status(a, today) == St::Active)
        .flat_map(|a| a.parties.iter().map(|p| p.as_str()))
        .collect();
    assert_eq!(v["partners_with_active_mou"], with_mou.len());
    // The sample has fifteen: "more than twelve".
    assert_eq!(with_mou.len(), 15);
    assert_eq!(
        v["milestone"],
        serde_json::json!({
            "en": "Formal partnerships with more than twelve organisations through memoranda of understanding (MoUs).",
            "ar": "أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة عبر مذكرات التفاهم."
        })
    );

    // One language.
    let v = json(
        env.run(&["report", "--format", "json", "--lang", "en"])
            .ok(),
    );
    assert_eq!(v["milestone"].as_object().unwrap().len(), 1);
    assert!(v["milestone"]["en"]
        .as_str()
        .unwrap()
        .contains("more than twelve"));
    let v = json(
        env.run(&["report", "--lang", "ar", "--format", "json"])
            .ok(),
    );
    assert_eq!(v["milestone"].as_object().unwrap().len(), 1);
    assert!(v["milestone"]["ar"]
        .as_str()
        .unwrap()
        .contains("أكثر من اثنتي عشرة منظمة"));

    // Tables and markdown carry the sentences.
    let en = "Formal partnerships with more than twelve organisations";
    let ar = "أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة";
    let t = env.run(&["report"]).ok().to_string();
    assert!(t.contains(en) && t.contains(ar), "{t}");
    let t = env.run(&["report", "--lang", "en"]).ok().to_string();
    assert!(t.contains(en) && !t.contains(ar), "{t}");
    let t = env
        .run(&["report", "summary", "--lang", "ar"])
        .ok()
        .to_string();
    assert!(!t.contains(en) && t.contains(ar), "{t}");
    let t = env
        .run(&["report", "--format", "markdown"])
        .ok()
        .to_string();
    assert!(t.starts_with("## "), "{t}");
    assert!(t.contains(en) && t.contains(ar), "{t}");
    // CSV: section,name,count.
    let t = env.run(&["report", "--format", "csv"]).ok().to_string();
    assert_eq!(t.lines().next(), Some("section,name,count"));
    assert!(t
        .lines()
        .any(|l| l == format!("totals,partners_with_active_mou,{}", with_mou.len())));
}

#[test]
fn report_json_shapes() {
    let env = Env::sample();
    insta::assert_snapshot!(
        "summary_json",
        env.run(&["report", "--format", "json"]).ok()
    );
    insta::assert_snapshot!(
        "quarterly_json",
        env.run(&["report", "quarterly", "2026Q3", "--format", "json"])
            .ok()
    );
    insta::assert_snapshot!(
        "by_kind_json",
        env.run(&["report", "by", "kind", "--format", "json"]).ok()
    );
}

#[test]
fn quarterly_on_the_sample_matches_the_model() {
    let env = Env::sample();
    let ags = sample_agreements();
    let all: Vec<&A> = ags.iter().collect();
    let partners: Vec<P> = sample_rows("partners.csv")
        .into_iter()
        .map(|r| P {
            key: Box::leak(r["key"].clone().into_boxed_str()),
            name: "",
            category: Box::leak(r["category"].clone().into_boxed_str()),
            country: "",
        })
        .collect();
    for (period, start) in [("2026Q3", "2026-07-01"), ("2026Q4", "2026-10-01")] {
        let v = json(
            env.run(&["report", "quarterly", period, "--format", "json"])
                .ok(),
        );
        check_quarterly(&v, &partners, &all, d(start));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Milestones through the CLI

/// A registry where exactly `n` partners have an active MoU (plus partners that do not count:
/// an expired MoU, an active non-MoU agreement, a terminated MoU, a pending MoU).
fn milestone_registry(n: usize) -> Env {
    let env = Env::new();
    let mut p = String::from("key,name,category\n");
    let mut a = String::from("ref,kind,parties,signed_on,expires_on,terminated_on,effective_on\n");
    for i in 0..n {
        p.push_str(&format!("org-{i},Organisation {i},ngo\n"));
        a.push_str(&format!("MOU-{i},mou,org-{i},2025-01-01,,,\n"));
    }
    // Two MoUs with the same partner count it once.
    if n > 0 {
        a.push_str("MOU-TWICE,mou,org-0,2025-06-01,,,\n");
    }
    for (k, row) in [
        ("x-expired", "mou,x-expired,2020-01-01,2021-01-01,,"),
        ("x-loi", "loi,x-loi,2025-01-01,,,"),
        ("x-terminated", "mou,x-terminated,2020-01-01,,2026-01-01,"),
        ("x-pending", "mou,x-pending,2026-11-01,,,2027-01-01"),
    ] {
        p.push_str(&format!("{k},{k},religious\n"));
        a.push_str(&format!("R-{k},{row}\n"));
    }
    let pf = env.write("p.csv", &p);
    let af = env.write("a.csv", &a);
    env.run(&["import", "partners", pf.to_str().unwrap()]).ok();
    env.run(&["import", "agreements", af.to_str().unwrap()])
        .ok();
    env
}

#[test]
fn milestone_sentences_through_the_cli() {
    let cases: [(usize, &str, &str); 4] = [
        (
            12,
            "Formal partnerships with twelve organisations through memoranda of understanding (MoUs).",
            "أبرمنا شراكات رسمية مع اثنتي عشرة منظمة عبر مذكرات التفاهم.",
        ),
        (
            13,
            "Formal partnerships with more than twelve organisations through memoranda of understanding (MoUs).",
            "أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة عبر مذكرات التفاهم.",
        ),
        (
            15,
            "Formal partnerships with more than twelve organisations through memoranda of understanding (MoUs).",
            "أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة عبر مذكرات التفاهم.",
        ),
        (
            16,
            "Formal partnerships with more than fifteen organisations through memoranda of understanding (MoUs).",
            "أبرمنا شراكات رسمية مع أكثر من خمس عشرة منظمة عبر مذكرات التفاهم.",
        ),
    ];
    for (n, en, ar) in cases {
        let env = milestone_registry(n);
        let v = json(env.run(&["report", "--format", "json"]).ok());
        assert_eq!(v["partners_with_active_mou"], n);
        assert_eq!(v["milestone"]["en"], en, "n = {n}");
        assert_eq!(v["milestone"]["ar"], ar, "n = {n}");
        let t = env.run(&["report", "--lang", "en"]).ok().to_string();
        assert!(t.contains(en), "n = {n}: {t}");
        let t = env.run(&["report", "--lang", "ar"]).ok().to_string();
        assert!(t.contains(ar), "n = {n}: {t}");
        // The scripted form of the same question.
        let partners_with_mou = env.run(&[
            "list", "partners", "--kind", "mou", "--status", "active", "--format", "json",
        ]);
        assert_eq!(
            json(partners_with_mou.ok()).as_array().unwrap().len(),
            n,
            "list partners --kind mou --status active"
        );
        let r = env.run(&[
            "report",
            "count",
            "--kind",
            "mou",
            "--status",
            "active",
            "--more-than",
            "12",
        ]);
        // n active MoUs plus MOU-TWICE.
        assert_eq!(r.stdout.trim(), (n + 1).to_string());
        assert_eq!(r.code, if n + 1 > 12 { 0 } else { 1 });
    }
}

/// `report quarterly` with a relative quarter (today is 2026-11-29), and whether its figures
/// are final.
#[test]
fn quarterly_relative_quarters_and_unfinished_figures() {
    let env = Env::sample();
    let q = |args: &[&str]| {
        let mut all = vec!["report", "quarterly"];
        all.extend(args);
        all.extend(["--format", "json"]);
        json(env.run(&all).ok())
    };
    let this = q(&["this-quarter"]);
    assert_eq!(
        (
            &this["period"],
            &this["start"],
            &this["end"],
            &this["complete"]
        ),
        (
            &json!("2026Q4"),
            &json!("2026-10-01"),
            &json!("2026-12-31"),
            &json!(false)
        )
    );
    assert_eq!(this["figures"], q(&["2026Q4"])["figures"]);
    let last = q(&["last-quarter"]);
    assert_eq!(
        (&last["period"], &last["complete"], &last["previous_period"]),
        (&json!("2026Q3"), &json!(true), &json!("2026Q2"))
    );
    assert_eq!(q(&["next-quarter"])["period"], "2027Q1");
    assert_eq!(q(&["next-quarter"])["complete"], false);
    assert_eq!(q(&["2013Q1"])["complete"], true);
    // A quarter ending today is complete: its last day is over only tomorrow, but its figures
    // are taken at its end, which is today.
    let r = env
        .command()
        .env("MOU_TODAY", "2026-09-30")
        .args(["report", "quarterly", "this-quarter", "--format", "json"])
        .output()
        .unwrap();
    let v = json(&String::from_utf8(r.stdout).unwrap());
    assert_eq!(
        (&v["period"], &v["complete"]),
        (&json!("2026Q3"), &json!(true))
    );

    // People's formats say so; a finished quarter has no such note.
    let note = "not final";
    let table = env
        .run(&["report", "quarterly", "this-quarter"])
        .ok()
        .to_string();
    assert!(table.contains(note), "{table}");
    assert!(table.contains("2026-11-29"), "{table}");
    let md = env
        .run(&["report", "quarterly", "2026Q4", "--format", "markdown"])
        .ok()
        .to_string();
    assert!(md.contains(note), "{md}");
    let done = env.run(&["report", "quarterly", "2026Q3"]).ok().to_string();
    assert!(!done.contains(note), "{done}");

    // Fiscal quarters: this-quarter is the fiscal quarter holding today.
    let f = q(&["this-quarter", "--fiscal-start", "7"]);
    assert_eq!(
        (&f["period"], &f["start"], &f["end"]),
        (&json!("2026Q2"), &json!("2026-10-01"), &json!("2026-12-31"))
    );
    let f = q(&["last-quarter", "--fiscal-start", "2"]);
    assert_eq!(
        (&f["period"], &f["start"], &f["end"], &f["complete"]),
        (
            &json!("2026Q3"),
            &json!("2026-08-01"),
            &json!("2026-10-31"),
            &json!(true)
        )
    );
    env.run(&["report", "quarterly", "this-year"])
        .fails(2, &["this-year", "2026Q3", "this-quarter"]);
}

/// Fiscal quarters say they are fiscal where people read them; JSON keeps `period` as it was.
#[test]
fn fiscal_quarter_labels_say_fiscal() {
    let env = Env::sample();
    let table = env
        .run(&["report", "quarterly", "2026Q1", "--fiscal-start", "7"])
        .ok()
        .to_string();
    assert!(table.contains("FY2026 Q1 (fiscal, from July)"), "{table}");
    assert!(table.contains("beside FY2025 Q4"), "{table}");
    let md = env
        .run(&[
            "report",
            "quarterly",
            "2026Q1",
            "--fiscal-start",
            "7",
            "--format",
            "markdown",
        ])
        .ok()
        .to_string();
    assert!(md.contains("FY2026 Q1 (fiscal, from July)"), "{md}");
    let v = json(
        env.run(&[
            "report",
            "quarterly",
            "2026Q1",
            "--fiscal-start",
            "7",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(v["period"], "2026Q1");
    assert_eq!(v["previous_period"], "2025Q4");
    assert_eq!(v["label"], "FY2026 Q1 (fiscal, from July)");
    // Calendar quarters keep their plain names.
    let v = json(
        env.run(&["report", "quarterly", "2026Q1", "--format", "json"])
            .ok(),
    );
    assert_eq!(v["label"], "2026Q1");
    let table = env.run(&["report", "quarterly", "2026Q1"]).ok().to_string();
    assert!(!table.contains("fiscal"), "{table}");
}
