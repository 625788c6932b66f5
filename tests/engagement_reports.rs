//! The engagement reports: the summary's and the quarterly report's engagement figures. Every
//! figure is checked against the model of the definitions in tests/common/engagement_model.rs,
//! computed from the fixture's rows, at several as-of dates. `report dormant`, `report by FIELD
//! --engagements` and `report count --engagements`/`--partners`: tests/engagement_reports_by.rs.

mod common;
use common::engagement_model::*;
use common::*;

use chrono::{Months, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

fn starts_within(x: &E, (s, e): (NaiveDate, NaiveDate)) -> bool {
    !x.cancelled && s <= x.starts && x.starts <= e
}

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
