//! The engagement reports' fixture and model: partners, agreements and engagements written
//! through the registry layer (the library), as `mou add engagement` writes them, and the
//! definitions computed from those rows.

use super::*;

use chrono::{Months, NaiveDate};
use serde_json::Value;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// The fixture

/// key, name, category, country
pub const PARTNERS: &[(&str, &str, &str, &str)] = &[
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

pub struct A {
    pub r: &'static str,
    pub kind: &'static str,
    pub parties: &'static [&'static str],
    pub signed: &'static str,
    pub expires: &'static str,
    pub terminated: &'static str,
}

pub const AGREEMENTS: &[A] = &[
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
pub struct E {
    pub r: String,
    pub kind: &'static str,
    pub partners: Vec<String>,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub country: Option<&'static str>,
    pub cancelled: bool,
    pub participants: Option<u32>,
    pub sdgs: Vec<u8>,
}

#[allow(clippy::too_many_arguments)]
pub fn e(
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

pub fn engagements() -> Vec<E> {
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
pub fn add_engagements(env: &Env, es: &[E]) {
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

pub fn fixture() -> Env {
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

pub fn active(a: &A, at: NaiveDate) -> bool {
    d(a.signed) <= at
        && od(a.terminated).is_none_or(|t| t > at)
        && od(a.expires).is_none_or(|x| x >= at)
}

/// The `months` months up to `at`, both ends included.
pub fn window(at: NaiveDate, months: u32) -> (NaiveDate, NaiveDate) {
    let start = at.checked_sub_months(Months::new(months)).unwrap() + chrono::Days::new(1);
    (start, at)
}

pub fn category(key: &str) -> &'static str {
    PARTNERS.iter().find(|p| p.0 == key).unwrap().2
}

pub const KINDS: [&str; 10] = [
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

pub fn mou_partners(at: NaiveDate) -> BTreeSet<String> {
    AGREEMENTS
        .iter()
        .filter(|a| a.kind == "mou" && active(a, at))
        .flat_map(|a| a.parties.iter().map(|p| p.to_string()))
        .collect()
}

pub fn report(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend(args);
    all.extend(["--format", "json"]);
    json(env.run(&all).ok())
}
