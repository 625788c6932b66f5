//! The engagement reports: the summary's and the quarterly report's engagement figures,
//! `report dormant`, `report by FIELD --engagements`, `report count --engagements` and
//! `--partners`. Every figure is checked against a model of the definitions computed here
//! from the fixture's rows, at several as-of dates. Engagements are written through the
//! registry layer (the library), as `mou add engagement` will write them.

mod common;
use common::*;

use chrono::{Datelike, Months, NaiveDate};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

// ---------------------------------------------------------------------------------------------
// The fixture

/// key, name, category, country
const PARTNERS: &[(&str, &str, &str, &str)] = &[
    ("unicef", "UNICEF", "intergovernmental", ""),
    ("kaiciid", "KAICIID", "intergovernmental", "AT"),
    ("oak", "Oak Valley University", "academic", "LB"),
    ("dic", "Danube Interfaith Council", "religious", "AT"),
    ("shelter", "Shelter Network", "ngo", "KE"),
    ("village", "Village Circles", "grassroots", "NG"),
    ("media", "Stillwater Media", "other", "DE"),
    ("quiet", "Quiet Institute", "academic", "AT"),
    ("idle", "Idle Foundation", "ngo", "JO"),
    ("old", "Ministry of Old Ties", "government", "JO"),
];

struct A {
    r: &'static str,
    kind: &'static str,
    parties: &'static [&'static str],
    signed: &'static str,
    expires: &'static str,
    terminated: &'static str,
}

const AGREEMENTS: &[A] = &[
    A {
        r: "MOU-2016-001",
        kind: "mou",
        parties: &["unicef"],
        signed: "2016-05-01",
        expires: "",
        terminated: "",
    },
    A {
        r: "MOU-2020-001",
        kind: "mou",
        parties: &["kaiciid", "dic"],
        signed: "2020-03-01",
        expires: "2026-06-30",
        terminated: "",
    },
    A {
        r: "AGR-2024-001",
        kind: "agreement",
        parties: &["oak"],
        signed: "2024-01-15",
        expires: "",
        terminated: "",
    },
    A {
        r: "MOU-2026-001",
        kind: "mou",
        parties: &["shelter"],
        signed: "2026-02-01",
        expires: "",
        terminated: "",
    },
    A {
        r: "LOI-2019-001",
        kind: "loi",
        parties: &["media"],
        signed: "2019-09-09",
        expires: "2027-01-01",
        terminated: "",
    },
    A {
        r: "MOU-2021-001",
        kind: "mou",
        parties: &["quiet"],
        signed: "2021-01-10",
        expires: "",
        terminated: "",
    },
    A {
        r: "AGR-2015-001",
        kind: "agreement",
        parties: &["old"],
        signed: "2015-01-01",
        expires: "2018-12-31",
        terminated: "",
    },
    A {
        r: "MOU-2025-001",
        kind: "mou",
        parties: &["village"],
        signed: "2025-06-01",
        expires: "",
        terminated: "2026-03-31",
    },
];

#[derive(Clone)]
struct E {
    r: String,
    kind: &'static str,
    partners: Vec<String>,
    starts: NaiveDate,
    ends: NaiveDate,
    country: Option<&'static str>,
    cancelled: bool,
    participants: Option<u32>,
    sdgs: Vec<u8>,
}

#[allow(clippy::too_many_arguments)]
fn e(
    r: &str,
    kind: &'static str,
    partners: &[&str],
    starts: &str,
    ends: &str,
    country: &'static str,
    participants: Option<u32>,
    sdgs: &[u8],
) -> E {
    E {
        r: r.into(),
        kind,
        partners: partners.iter().map(|p| p.to_string()).collect(),
        starts: d(starts),
        ends: d(if ends.is_empty() { starts } else { ends }),
        country: (!country.is_empty()).then_some(country),
        cancelled: false,
        participants,
        sdgs: sdgs.to_vec(),
    }
}

fn engagements() -> Vec<E> {
    let mut cancelled = e(
        "ENG-2026-005",
        "meeting",
        &["kaiciid"],
        "2026-05-01",
        "",
        "AT",
        Some(12),
        &[16],
    );
    cancelled.cancelled = true;
    vec![
        // The day before the twelve months up to 2026-11-29 begin, and their first day.
        e(
            "ENG-2025-001",
            "meeting",
            &["unicef", "dic"],
            "2025-11-29",
            "",
            "AT",
            Some(30),
            &[16],
        ),
        e(
            "ENG-2025-002",
            "workshop",
            &["unicef"],
            "2025-11-30",
            "2025-12-02",
            "AT",
            Some(25),
            &[4, 16],
        ),
        e(
            "ENG-2026-001",
            "conference",
            &["oak", "media", "village"],
            "2026-03-10",
            "2026-03-12",
            "LB",
            Some(120),
            &[4],
        ),
        e(
            "ENG-2026-002",
            "side-event",
            &["shelter"],
            "2026-09-20",
            "",
            "US",
            None,
            &[11],
        ),
        // Starts on 2026-11-29: ongoing that day, counted in the twelve months up to it.
        e(
            "ENG-2026-003",
            "workshop",
            &["media"],
            "2026-11-29",
            "2026-12-01",
            "DE",
            Some(15),
            &[17],
        ),
        // Planned at 2026-11-29.
        e(
            "ENG-2026-004",
            "training",
            &["dic"],
            "2026-12-05",
            "",
            "AT",
            Some(10),
            &[],
        ),
        cancelled,
        e(
            "ENG-2024-001",
            "visit",
            &["old"],
            "2024-06-01",
            "",
            "JO",
            Some(5),
            &[],
        ),
        e(
            "ENG-2026-006",
            "workshop",
            &["idle", "unicef"],
            "2026-07-15",
            "",
            "",
            Some(40),
            &[5, 16],
        ),
        // The last day of 2026Q3.
        e(
            "ENG-2026-007",
            "campaign",
            &["village"],
            "2026-09-30",
            "",
            "NG",
            Some(200),
            &[1],
        ),
    ]
}

/// Writes engagements through the registry layer, in one transaction, as `add engagement`
/// does: names resolved, the record checked, a history row each.
fn add_engagements(env: &Env, es: &[E]) {
    use mou::model::Engagement;
    use mou::registry::{check_engagement, Registry};
    use mou::store::{open, Access, Location, Options};
    let mut store = open(
        &Location::File(env.db.clone()),
        Access::Write,
        &Options::default(),
    )
    .unwrap();
    store
        .transact(&mut |s| {
            let reg = Registry::new(s, "tester", Some(NOW));
            for x in es {
                let mut rec = Engagement {
                    id: 0,
                    reference: x.r.clone(),
                    kind: x.kind.parse().unwrap(),
                    title: format!("Title of {}", x.r),
                    partners: x.partners.clone(),
                    starts_on: x.starts,
                    ends_on: x.ends,
                    place: None,
                    country: x.country.map(str::to_string),
                    agreement: None,
                    part_of: None,
                    sdgs: x.sdgs.clone(),
                    tags: vec![],
                    participants: x.participants,
                    outcome: None,
                    notes: None,
                    document: None,
                    cancelled: x.cancelled,
                    public: false,
                    created_at: NOW.into(),
                    updated_at: NOW.into(),
                };
                check_engagement(&rec)?;
                let links = reg.resolve_engagement(&mut rec, d(TODAY))?;
                reg.add_engagement(&rec, &links)?;
            }
            Ok(true)
        })
        .unwrap();
}

fn fixture() -> Env {
    let env = Env::new();
    let mut p = String::from("key,name,category,country\n");
    for (k, n, c, cc) in PARTNERS {
        p.push_str(&format!("{k},{n},{c},{cc}\n"));
    }
    let mut a = String::from("ref,kind,title,parties,signed_on,expires_on,terminated_on\n");
    for x in AGREEMENTS {
        a.push_str(&format!(
            "{},{},Title of {},{},{},{},{}\n",
            x.r,
            x.kind,
            x.r,
            x.parties.join(";"),
            x.signed,
            x.expires,
            x.terminated
        ));
    }
    let pf = env.write("partners.csv", &p);
    let af = env.write("agreements.csv", &a);
    env.run(&["import", "partners", pf.to_str().unwrap()]).ok();
    env.run(&["import", "agreements", af.to_str().unwrap()])
        .ok();
    add_engagements(&env, &engagements());
    env
}

// ---------------------------------------------------------------------------------------------
// The model

fn od(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| d(s))
}

fn active(a: &A, at: NaiveDate) -> bool {
    d(a.signed) <= at
        && od(a.terminated).is_none_or(|t| t > at)
        && od(a.expires).is_none_or(|x| x >= at)
}

/// The `months` months up to `at`, both ends included.
fn window(at: NaiveDate, months: u32) -> (NaiveDate, NaiveDate) {
    let start = at.checked_sub_months(Months::new(months)).unwrap() + chrono::Days::new(1);
    (start, at)
}

fn starts_within(x: &E, (s, e): (NaiveDate, NaiveDate)) -> bool {
    !x.cancelled && s <= x.starts && x.starts <= e
}

fn category(key: &str) -> &'static str {
    PARTNERS.iter().find(|p| p.0 == key).unwrap().2
}

const KINDS: [&str; 10] = [
    "meeting",
    "workshop",
    "training",
    "conference",
    "side-event",
    "visit",
    "advisory",
    "campaign",
    "publication",
    "other",
];

struct Tally {
    held: i64,
    by_kind: BTreeMap<&'static str, i64>,
    by_sdg: [i64; 17],
    participants: i64,
    partners: BTreeSet<String>,
}

fn tally(es: &[E], w: (NaiveDate, NaiveDate)) -> Tally {
    let mut t = Tally {
        held: 0,
        by_kind: KINDS.iter().map(|k| (*k, 0)).collect(),
        by_sdg: [0; 17],
        participants: 0,
        partners: BTreeSet::new(),
    };
    for x in es.iter().filter(|x| starts_within(x, w)) {
        t.held += 1;
        *t.by_kind.get_mut(x.kind).unwrap() += 1;
        for g in &x.sdgs {
            t.by_sdg[*g as usize - 1] += 1;
        }
        t.participants += i64::from(x.participants.unwrap_or(0));
        t.partners.extend(x.partners.iter().cloned());
    }
    t
}

fn mou_partners(at: NaiveDate) -> BTreeSet<String> {
    AGREEMENTS
        .iter()
        .filter(|a| a.kind == "mou" && active(a, at))
        .flat_map(|a| a.parties.iter().map(|p| p.to_string()))
        .collect()
}

fn report(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend(args);
    all.extend(["--format", "json"]);
    json(env.run(&all).ok())
}

// ---------------------------------------------------------------------------------------------
// The summary

#[track_caller]
fn check_summary(env: &Env, es: &[E], at: &str) {
    let v = report(env, &["--as-of", at]);
    let t = tally(es, window(d(at), 12));
    let mou = mou_partners(d(at));
    assert_eq!(v["engagements"], t.held, "engagements at {at}");
    for (k, n) in &t.by_kind {
        assert_eq!(v["engagements_by_kind"][k], *n, "{k} at {at}");
    }
    assert_eq!(
        v["engagements_by_kind"].as_object().unwrap().len(),
        KINDS.len()
    );
    assert_eq!(v["partners_engaged"], t.partners.len(), "at {at}");
    let without = t.partners.iter().filter(|p| !mou.contains(*p)).count();
    assert_eq!(v["partners_engaged_without_mou"], without, "at {at}");
    assert_eq!(v["partners_with_active_mou"], mou.len(), "at {at}");
    let n = t.partners.len() as u64;
    for (lang, l) in [
        ("en", mou::milestone::Lang::En),
        ("ar", mou::milestone::Lang::Ar),
    ] {
        assert_eq!(
            v["engagement_milestone"][lang],
            mou::milestone::engagement_sentence(n, l),
            "{lang} at {at}"
        );
    }
}

#[test]
fn summary_engagement_figures_at_several_dates() {
    let env = fixture();
    let es = engagements();
    for at in [
        "2026-11-29",
        "2026-11-28",
        "2026-06-30",
        "2026-03-31",
        "2027-03-31",
        "2024-01-01",
    ] {
        check_summary(&env, &es, at);
    }
    // The fixture's edges, said outright: at 2026-11-29 ENG-2025-001 (a day early), the
    // planned ENG-2026-004 and the cancelled ENG-2026-005 are left out.
    let v = report(&env, &[]);
    assert_eq!(v["engagements"], 6);
    assert_eq!(
        v["partners_engaged"], 6,
        "unicef, oak, media, village, shelter, idle"
    );
    assert_eq!(
        v["partners_engaged_without_mou"], 4,
        "unicef and shelter have an active MoU; village's was terminated"
    );
    assert_eq!(
        v["engagement_milestone"]["en"],
        "Joint activities with six organisations in the last twelve months."
    );
    assert_eq!(
        v["engagement_milestone"]["ar"],
        "نفذنا أنشطة مشتركة مع ست منظمات خلال الأشهر الاثني عشر الماضية."
    );
    let v = report(&env, &["--lang", "ar"]);
    assert_eq!(
        v["engagement_milestone"].as_object().unwrap().len(),
        1,
        "--lang chooses one"
    );
}

#[test]
fn summary_engagements_follow_the_partner_and_goal_filters() {
    let env = fixture();
    let es = engagements();
    let w = window(d(TODAY), 12);
    let v = report(&env, &["--category", "academic,other"]);
    let want = es
        .iter()
        .filter(|x| starts_within(x, w))
        .filter(|x| {
            x.partners
                .iter()
                .any(|p| ["academic", "other"].contains(&category(p)))
        })
        .count();
    assert_eq!(v["engagements"], want);
    let v = report(&env, &["--sdg", "16"]);
    let want = es
        .iter()
        .filter(|x| starts_within(x, w) && x.sdgs.contains(&16))
        .count();
    assert_eq!(v["engagements"], want);
    let v = report(&env, &["--partner", "media"]);
    assert_eq!(v["engagements"], 2);
    assert_eq!(
        v["partners_engaged"], 3,
        "the other partners of its engagements"
    );
}

#[test]
fn summary_in_every_format_and_in_the_workbook() {
    let env = fixture();
    let csv = env.run(&["report", "--format", "csv"]).ok().to_string();
    for line in [
        "totals,engagements,6",
        "totals,partners_engaged,6",
        "totals,partners_engaged_without_mou,4",
        "engagements_by_kind,workshop,3",
        "engagements_by_kind,side-event,1",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
    }
    let sentence = "Joint activities with six organisations in the last twelve months.";
    let table = env.run(&["report"]).ok().to_string();
    assert!(table.contains(sentence), "{table}");
    assert!(table.contains("Engagements in the last twelve months, by kind"));
    let md = env
        .run(&["report", "--format", "markdown"])
        .ok()
        .to_string();
    assert!(
        md.contains(sentence) && md.contains("| workshop | 3 |"),
        "{md}"
    );
    let jsonl = env.run(&["report", "--format", "jsonl"]).ok().to_string();
    assert_eq!(json(&jsonl)["partners_engaged"], 6);
    // The Summary sheet of `export all` holds the same figures and both sentences.
    let out = env.path("all.xlsx");
    env.run(&["export", "all", "-o", out.to_str().unwrap()])
        .ok();
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("Summary").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let has = |a: &str, b: &str, c: &str| rows.iter().any(|r| r == &[a, b, c]);
    assert!(has("totals", "partners_engaged", "6"), "{rows:?}");
    assert!(has("engagements_by_kind", "conference", "1"), "{rows:?}");
    assert!(has("engagement_milestone", "en", sentence), "{rows:?}");
    assert!(
        has(
            "engagement_milestone",
            "ar",
            "نفذنا أنشطة مشتركة مع ست منظمات خلال الأشهر الاثني عشر الماضية."
        ),
        "{rows:?}"
    );
}

#[test]
fn the_design_sentence_with_more_than_twenty_organisations() {
    let env = Env::new();
    let mut p = String::from("key,name,category\n");
    for i in 1..=21 {
        p.push_str(&format!("p{i},Partner {i},ngo\n"));
    }
    env.run_stdin(&["import", "partners", "-"], &p).ok();
    let es: Vec<E> = (1..=21)
        .map(|i| {
            let key = format!("p{i}");
            e(
                &format!("ENG-2026-{i:03}"),
                "meeting",
                &[key.as_str()],
                "2026-05-01",
                "",
                "",
                None,
                &[],
            )
        })
        .collect();
    add_engagements(&env, &es);
    let v = report(&env, &[]);
    assert_eq!(v["partners_engaged"], 21);
    assert_eq!(
        v["engagement_milestone"]["en"],
        "Joint activities with more than twenty organisations in the last twelve months."
    );
    assert_eq!(
        v["engagement_milestone"]["ar"],
        "نفذنا أنشطة مشتركة مع أكثر من عشرين منظمة خلال الأشهر الاثني عشر الماضية."
    );
    assert_eq!(
        v["partners_engaged_without_mou"], 21,
        "no MoU in this registry"
    );
}

// ---------------------------------------------------------------------------------------------
// The quarterly report

fn quarter(start: NaiveDate) -> (NaiveDate, NaiveDate) {
    let end = start
        .checked_add_months(Months::new(3))
        .unwrap()
        .pred_opt()
        .unwrap();
    (start, end)
}

#[track_caller]
fn check_quarterly(env: &Env, es: &[E], period: &str, start: &str) {
    let v = report(env, &["quarterly", period]);
    let cur = tally(es, quarter(d(start)));
    let old = tally(
        es,
        quarter(d(start).checked_sub_months(Months::new(3)).unwrap()),
    );
    let f = &v["figures"];
    for (k, a, b) in [
        ("engagements_held", cur.held, old.held),
        (
            "partners_engaged",
            cur.partners.len() as i64,
            old.partners.len() as i64,
        ),
        ("participants", cur.participants, old.participants),
    ] {
        assert_eq!(f[k]["current"], a, "{k} in {period}");
        assert_eq!(f[k]["previous"], b, "{k} before {period}");
    }
    let kinds = v["engagements_by_kind"].as_object().unwrap();
    assert_eq!(kinds.keys().collect::<Vec<_>>(), KINDS.to_vec());
    for k in KINDS {
        assert_eq!(kinds[k]["current"], cur.by_kind[k], "{k} in {period}");
        assert_eq!(kinds[k]["previous"], old.by_kind[k], "{k} before {period}");
    }
    let sdgs = v["engagements_by_sdg"].as_array().unwrap();
    assert_eq!(sdgs.len(), 17);
    for (i, s) in sdgs.iter().enumerate() {
        assert_eq!(s["sdg"], i + 1);
        assert!(!s["name_en"].as_str().unwrap().is_empty());
        assert_eq!(s["current"], cur.by_sdg[i], "sdg {} in {period}", i + 1);
        assert_eq!(
            s["previous"],
            old.by_sdg[i],
            "sdg {} before {period}",
            i + 1
        );
    }
}

#[test]
fn quarterly_engagement_figures() {
    let env = fixture();
    let es = engagements();
    for (period, start) in [
        ("2026Q3", "2026-07-01"),
        ("2026Q4", "2026-10-01"),
        ("2026Q1", "2026-01-01"),
        ("2025Q4", "2025-10-01"),
        ("2026Q2", "2026-04-01"),
    ] {
        check_quarterly(&env, &es, period, start);
    }
    // Said outright: 2026Q3 holds ENG-2026-006, -002 and -007 (its last day).
    let v = report(&env, &["quarterly", "2026Q3"]);
    assert_eq!(v["figures"]["engagements_held"]["current"], 3);
    assert_eq!(v["figures"]["participants"]["current"], 240);
    assert_eq!(v["figures"]["partners_engaged"]["current"], 4);
    assert_eq!(
        v["figures"]["engagements_held"]["previous"], 0,
        "ENG-2026-005 in 2026Q2 was cancelled"
    );
    let csv = env
        .run(&["report", "quarterly", "2026Q3", "--format", "csv"])
        .ok()
        .to_string();
    for line in [
        "figures,engagements_held,3,0",
        "figures,participants,240,0",
        "engagements_by_kind,campaign,1,0",
        "engagements_by_sdg,16,1,0",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
    }
    let md = env
        .run(&["report", "quarterly", "2026Q3", "--format", "markdown"])
        .ok()
        .to_string();
    assert!(
        md.contains("### Engagements starting in the quarter, by kind"),
        "{md}"
    );
    let table = env.run(&["report", "quarterly", "2026Q3"]).ok().to_string();
    assert!(
        table.contains("Engagements starting in the quarter, per SDG"),
        "{table}"
    );
}

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
