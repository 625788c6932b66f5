//! The reports' model of the README's definitions (status, quarter figures), computed here
//! independently of the binary, and the fixture registry built on the edges of 2026Q3.

use super::*;

use chrono::NaiveDate;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// The model

pub struct P {
    pub key: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub country: &'static str,
}

#[derive(Clone)]
pub struct A {
    pub r: String,
    pub kind: String,
    pub parties: Vec<String>,
    pub signed: Option<NaiveDate>,
    pub effective: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
    pub terminated: Option<NaiveDate>,
    pub notice: Option<u32>,
    pub renews: Option<String>,
    pub sdgs: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum St {
    Draft,
    Pending,
    Active,
    Expired,
    Terminated,
}

impl St {
    pub fn name(self) -> &'static str {
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
pub fn status(a: &A, at: NaiveDate) -> St {
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

// ---------------------------------------------------------------------------------------------
// The fixture: partners of every category; agreements on and around the edges of 2026Q3.

pub const PARTNERS: &[P] = &[
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
pub fn ag(
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

pub fn agreements() -> Vec<A> {
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

pub fn opt(x: Option<NaiveDate>) -> String {
    x.map(|d| d.to_string()).unwrap_or_default()
}

pub fn fixture_csvs(ags: &[A]) -> (String, String) {
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

pub fn fixture() -> (Env, Vec<A>) {
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
// 2. Summary on the sample

pub fn sample_rows(file: &str) -> Vec<BTreeMap<String, String>> {
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

pub fn sample_agreements() -> Vec<A> {
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
