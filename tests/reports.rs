//! Reports: summary, quarterly, by FIELD, count, due. Every figure is checked against a
//! small model of the README's definitions, computed here independently of the binary.

mod common;
use common::*;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn od(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| d(s))
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

const CATEGORIES: [&str; 7] = [
    "government",
    "intergovernmental",
    "academic",
    "religious",
    "ngo",
    "grassroots",
    "other",
];

// ---------------------------------------------------------------------------------------------
// The model

struct P {
    key: &'static str,
    name: &'static str,
    category: &'static str,
    country: &'static str,
}

#[derive(Clone)]
struct A {
    r: String,
    kind: String,
    parties: Vec<String>,
    signed: Option<NaiveDate>,
    effective: Option<NaiveDate>,
    expires: Option<NaiveDate>,
    terminated: Option<NaiveDate>,
    notice: Option<u32>,
    renews: Option<String>,
    sdgs: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Draft,
    Pending,
    Active,
    Expired,
    Terminated,
}

impl St {
    fn name(self) -> &'static str {
        match self {
            St::Draft => "draft",
            St::Pending => "pending",
            St::Active => "active",
            St::Expired => "expired",
            St::Terminated => "terminated",
        }
    }
}

/// DESIGN's status rules.
fn status(a: &A, at: NaiveDate) -> St {
    let Some(signed) = a.signed else {
        return St::Draft;
    };
    if a.terminated.is_some_and(|t| t <= at) {
        St::Terminated
    } else if a.effective.unwrap_or(signed) > at {
        St::Pending
    } else if a.expires.is_some_and(|e| e < at) {
        St::Expired
    } else {
        St::Active
    }
}

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
// The fixture: partners of every category; agreements on and around the edges of 2026Q3.

const PARTNERS: &[P] = &[
    P {
        key: "gov-one",
        name: "Ministry of Dialogue",
        category: "government",
        country: "AT",
    },
    P {
        key: "gov-two",
        name: "Harbour City Council",
        category: "government",
        country: "KE",
    },
    P {
        key: "igo",
        name: "Inter-Agency Body",
        category: "intergovernmental",
        country: "",
    },
    P {
        key: "uni",
        name: "Cedar University",
        category: "academic",
        country: "LB",
    },
    P {
        key: "rel-one",
        name: "Council of Faiths",
        category: "religious",
        country: "JO",
    },
    P {
        key: "rel-two",
        name: "مجلس الأديان الجديد",
        category: "religious",
        country: "JO",
    },
    P {
        key: "ngo",
        name: "Shelter Network",
        category: "ngo",
        country: "KE",
    },
    P {
        key: "grass",
        name: "Village Circles",
        category: "grassroots",
        country: "NG",
    },
    P {
        key: "media",
        name: "Stillwater Media",
        category: "other",
        country: "DE",
    },
    P {
        key: "idle",
        name: "Idle Institute",
        category: "academic",
        country: "AT",
    },
];

#[allow(clippy::too_many_arguments)]
fn ag(
    r: &str,
    kind: &str,
    parties: &str,
    signed: &str,
    effective: &str,
    expires: &str,
    terminated: &str,
    notice: &str,
    renews: &str,
    sdgs: &str,
) -> A {
    A {
        r: r.into(),
        kind: kind.into(),
        parties: parties.split(';').map(String::from).collect(),
        signed: od(signed),
        effective: od(effective).or(od(signed)),
        expires: od(expires),
        terminated: od(terminated),
        notice: (!notice.is_empty()).then(|| notice.parse().unwrap()),
        renews: (!renews.is_empty()).then(|| renews.to_string()),
        sdgs: sdgs
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect(),
    }
}

fn agreements() -> Vec<A> {
    vec![
        // Signed on the first day of 2026Q3.
        ag(
            "Q-01",
            "mou",
            "gov-one",
            "2026-07-01",
            "",
            "2029-06-30",
            "",
            "90",
            "",
            "16;17",
        ),
        // Signed on its last day, effective later (pending at the end); a new partner.
        ag(
            "Q-02",
            "mou",
            "uni;rel-two",
            "2026-09-30",
            "2026-10-15",
            "",
            "",
            "",
            "",
            "4",
        ),
        // Signed the day before and the day after the quarter.
        ag(
            "Q-03",
            "agreement",
            "ngo",
            "2026-06-30",
            "",
            "",
            "",
            "",
            "",
            "1",
        ),
        ag(
            "Q-04",
            "loi",
            "media;gov-two",
            "2026-10-01",
            "",
            "",
            "",
            "",
            "",
            "16",
        ),
        // Expires on the quarter's last day: active at the end, expired in Q4.
        ag(
            "Q-05",
            "mou",
            "igo",
            "2025-01-10",
            "2025-03-01",
            "2026-09-30",
            "",
            "",
            "",
            "3;16",
        ),
        // Expires on the last day of Q2: expired in Q3.
        ag(
            "Q-06",
            "mou",
            "grass",
            "2024-05-05",
            "",
            "2026-06-30",
            "",
            "",
            "",
            "11",
        ),
        // Terminated inside Q3.
        ag(
            "Q-07",
            "mou",
            "rel-one",
            "2024-01-01",
            "",
            "2028-12-31",
            "2026-08-15",
            "",
            "",
            "16",
        ),
        // Expired in Q2, terminated after expiry in Q3.
        ag(
            "Q-08",
            "agreement",
            "ngo",
            "2023-02-01",
            "",
            "2026-05-31",
            "2026-07-20",
            "",
            "",
            "1;2",
        ),
        // A renewal signed in Q3 of one expired in Q3.
        ag(
            "Q-10",
            "mou",
            "gov-one",
            "2023-08-01",
            "",
            "2026-07-31",
            "",
            "",
            "",
            "16",
        ),
        ag(
            "Q-09",
            "mou",
            "gov-one",
            "2026-08-01",
            "",
            "2027-07-31",
            "",
            "",
            "Q-10",
            "16",
        ),
        // A renewal signed in Q3, effective in Q4, of one expiring in Q4.
        ag(
            "Q-12",
            "agreement",
            "uni",
            "2021-11-01",
            "",
            "2026-10-31",
            "",
            "",
            "",
            "4;17",
        ),
        ag(
            "Q-11",
            "agreement",
            "uni",
            "2026-09-15",
            "2026-11-01",
            "2029-10-31",
            "",
            "",
            "Q-12",
            "4;17",
        ),
        // Expiring next quarter.
        ag(
            "Q-13",
            "mou",
            "media",
            "2025-12-01",
            "",
            "2026-12-15",
            "",
            "30",
            "",
            "5",
        ),
        // A draft.
        ag("Q-14", "mou", "grass", "", "", "", "", "", "", "16"),
        // Signed in Q2; for --kind mou, ngo's first MoU: a new partner in Q2.
        ag(
            "Q-15",
            "mou",
            "igo;ngo",
            "2026-04-10",
            "2026-05-01",
            "",
            "",
            "",
            "",
            "16;17",
        ),
        // Signed in Q2, effective in Q3; a new partner in Q2.
        ag(
            "Q-16",
            "loi",
            "grass;gov-two",
            "2026-05-20",
            "2026-07-10",
            "2027-05-19",
            "",
            "",
            "",
            "10",
        ),
    ]
}

fn opt(x: Option<NaiveDate>) -> String {
    x.map(|d| d.to_string()).unwrap_or_default()
}

fn fixture_csvs(ags: &[A]) -> (String, String) {
    let mut p = String::from("key,name,category,country\n");
    for x in PARTNERS {
        p.push_str(&format!(
            "{},{},{},{}\n",
            x.key, x.name, x.category, x.country
        ));
    }
    // Columns in another order than export's, to show import reads them by name.
    let mut a = String::from(
        "sdgs,ref,kind,title,parties,signed_on,effective_on,expires_on,terminated_on,notice_days,renews\n",
    );
    for x in ags {
        a.push_str(&format!(
            "{},{},{},Title of {},{},{},{},{},{},{},{}\n",
            x.sdgs
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(";"),
            x.r,
            x.kind,
            x.r,
            x.parties.join(";"),
            opt(x.signed),
            if x.signed.is_some() {
                opt(x.effective)
            } else {
                String::new()
            },
            opt(x.expires),
            opt(x.terminated),
            x.notice.map(|n| n.to_string()).unwrap_or_default(),
            x.renews.clone().unwrap_or_default(),
        ));
    }
    (p, a)
}

fn fixture() -> (Env, Vec<A>) {
    let env = Env::new();
    let ags = agreements();
    let (p, a) = fixture_csvs(&ags);
    let pf = env.write("partners.csv", &p);
    let af = env.write("agreements.csv", &a);
    env.run(&["import", "partners", pf.to_str().unwrap()]).ok();
    env.run(&["import", "agreements", af.to_str().unwrap()])
        .ok();
    (env, ags)
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

// ---------------------------------------------------------------------------------------------
// 2. Summary on the sample

fn sample_rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(data_dir().join(file)).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn sample_agreements() -> Vec<A> {
    sample_rows("agreements.csv")
        .iter()
        .map(|r| {
            ag(
                &r["ref"],
                &r["kind"],
                &r["parties"],
                &r["signed_on"],
                &r["effective_on"],
                &r["expires_on"],
                &r["terminated_on"],
                &r["notice_days"],
                &r["renews"],
                &r["sdgs"],
            )
        })
        .collect()
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
