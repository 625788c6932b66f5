//! Engagement figures: pure aggregation over [`EngagementRow`]s, as [`super`] does over
//! agreements. The summary counts the twelve months up to the as-of date, the quarterly report
//! each quarter, and `report dormant` finds the partners gone quiet. An engagement counts for a
//! stretch of time when it is not cancelled and starts within it.

use std::collections::{HashMap, HashSet};

use chrono::Months;

use super::{active_on, ReportRow};
use crate::dates::{Date, Period};
use crate::model::{Category, EngagementKind, Partner};
use crate::query::{Cond, Filter};

/// An engagement as the reports read it. The store fills one and hands it over, again and
/// again, for each engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementRow {
    pub kind: EngagementKind,
    pub starts_on: Date,
    pub cancelled: bool,
    pub participants: Option<u32>,
    /// Bit n-1 set for SDG n.
    pub sdgs: u32,
    pub partners: Vec<i64>,
}

/// The `months` months up to `as_of`: from the day after `as_of` minus `months` months, to
/// `as_of`, both included (on 2026-11-29, twelve months are 2025-11-30..2026-11-29). None when
/// that runs before the calendar's start.
pub fn months_up_to(as_of: Date, months: u32) -> Option<Period> {
    let start = as_of.checked_sub_months(Months::new(months))?.succ_opt()?;
    Some(Period { start, end: as_of })
}

/// The terms of an agreement filter that mean the same for engagements: the partner, the
/// partner's category, the goal and the tag. The summary's and the quarterly report's
/// engagement figures follow these; the agreement-only terms (kind, status, dates) and the
/// country (a party's for agreements, where it was held for engagements) do not apply.
pub fn shared_with_engagements(filter: &Filter) -> Filter {
    let mut f = Filter::new(filter.as_of);
    f.terms = filter
        .terms
        .iter()
        .filter(|t| {
            matches!(
                t.cond,
                Cond::Partner(_) | Cond::Category(_) | Cond::Sdg(_) | Cond::Tag(_)
            )
        })
        .cloned()
        .collect();
    f
}

/// The engagements of one stretch of time (the summary's twelve months, or a quarter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementTally {
    pub period: Period,
    /// Not cancelled, starting within the period.
    pub held: i64,
    /// Every kind, in the vocabulary's order.
    pub by_kind: Vec<(EngagementKind, i64)>,
    /// Index 0 = SDG 1.
    pub by_sdg: Vec<i64>,
    /// The sum of their participants (an engagement without a figure adds none).
    pub participants: i64,
    /// The distinct partners of those engagements.
    pub partners: HashSet<i64>,
}

impl EngagementTally {
    pub fn new(period: Period) -> Self {
        EngagementTally {
            period,
            held: 0,
            by_kind: EngagementKind::ALL.iter().map(|k| (*k, 0)).collect(),
            by_sdg: vec![0; 17],
            participants: 0,
            partners: HashSet::new(),
        }
    }

    pub fn add(&mut self, r: &EngagementRow) {
        if r.cancelled || !self.period.contains(r.starts_on) {
            return;
        }
        self.held += 1;
        if let Some(slot) = self.by_kind.iter_mut().find(|(k, _)| *k == r.kind) {
            slot.1 += 1;
        }
        for (i, slot) in self.by_sdg.iter_mut().enumerate() {
            if r.sdgs & (1 << i) != 0 {
                *slot += 1;
            }
        }
        self.participants += i64::from(r.participants.unwrap_or(0));
        self.partners.extend(&r.partners);
    }
}

/// A partner `report dormant` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dormant {
    pub key: String,
    pub name: String,
    pub category: Category,
    pub active_agreements: i64,
    pub last_engagement: Option<Date>,
    pub last_signed: Option<Date>,
    /// Days from the later of the two to the as-of date; None when there is neither.
    pub days_since: Option<i64>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Activity {
    active: i64,
    last_signed: Option<Date>,
    last_engagement: Option<Date>,
}

/// Finds the partners party to an active agreement at the as-of date with no engagement and
/// no agreement signed within the window: agreements and engagements seen one at a time, then
/// the partners. Holds one small record per partner, never per agreement.
pub struct DormantAcc {
    window: Period,
    by_partner: HashMap<i64, Activity>,
}

fn later(a: Option<Date>, b: Date) -> Option<Date> {
    Some(a.map_or(b, |a| a.max(b)))
}

impl DormantAcc {
    /// `window`: the last N months, ending at the as-of date.
    pub fn new(window: Period) -> Self {
        DormantAcc {
            window,
            by_partner: HashMap::new(),
        }
    }

    pub fn add_agreement(&mut self, r: &ReportRow) {
        let as_of = self.window.end;
        let active = active_on(r, as_of);
        let signed = r.signed_on.filter(|s| *s <= as_of);
        if !active && signed.is_none() {
            return;
        }
        for p in &r.parties {
            let a = self.by_partner.entry(*p).or_default();
            a.active += i64::from(active);
            if let Some(s) = signed {
                a.last_signed = later(a.last_signed, s);
            }
        }
    }

    pub fn add_engagement(&mut self, r: &EngagementRow) {
        let as_of = self.window.end;
        if r.cancelled || r.starts_on > as_of {
            return;
        }
        for p in &r.partners {
            // Only partners with an active agreement can be dormant; the others need no entry.
            if let Some(a) = self.by_partner.get_mut(p) {
                a.last_engagement = later(a.last_engagement, r.starts_on);
            }
        }
    }

    /// The partner `p` (from a scan of the partners asked about), if it is dormant.
    pub fn dormant(&self, p: &Partner) -> Option<Dormant> {
        let a = self.by_partner.get(&p.id).filter(|a| a.active > 0)?;
        let quiet = |d: Option<Date>| d.is_none_or(|d| !self.window.contains(d));
        if !(quiet(a.last_signed) && quiet(a.last_engagement)) {
            return None;
        }
        let last = a.last_signed.max(a.last_engagement);
        Some(Dormant {
            key: p.key.clone(),
            name: p.name.clone(),
            category: p.category,
            active_agreements: a.active,
            last_engagement: a.last_engagement,
            last_signed: a.last_signed,
            days_since: last.map(|d| (self.window.end - d).num_days()),
        })
    }
}

/// Longest silence first: partners never heard from, then by days since, then by key.
pub fn sort_dormant(rows: &mut [Dormant]) {
    rows.sort_by(|a, b| {
        let silence = |d: &Dormant| d.days_since.map_or(i64::MAX, |n| n);
        silence(b).cmp(&silence(a)).then_with(|| a.key.cmp(&b.key))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_stored;
    use crate::model::Kind;

    fn d(s: &str) -> Date {
        parse_stored(s).unwrap()
    }

    fn eng(starts: &str, partners: &[i64]) -> EngagementRow {
        EngagementRow {
            kind: EngagementKind::Workshop,
            starts_on: d(starts),
            cancelled: false,
            participants: Some(10),
            sdgs: 1 << 10,
            partners: partners.to_vec(),
        }
    }

    fn agreement(signed: &str, expires: Option<&str>, parties: &[i64]) -> ReportRow {
        ReportRow {
            kind: Kind::Mou,
            signed_on: Some(d(signed)),
            effective_on: Some(d(signed)),
            expires_on: expires.map(d),
            terminated_on: None,
            renews: false,
            sdgs: 0,
            parties: parties.to_vec(),
        }
    }

    fn partner(id: i64, key: &str) -> Partner {
        Partner {
            id,
            key: key.into(),
            name: key.into(),
            aliases: vec![],
            category: Category::Ngo,
            country: None,
            website: None,
            notes: None,
            public: false,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn twelve_months_end_on_the_as_of_date() {
        let w = months_up_to(d("2026-11-29"), 12).unwrap();
        assert_eq!((w.start, w.end), (d("2025-11-30"), d("2026-11-29")));
        let w = months_up_to(d("2024-02-29"), 12).unwrap();
        assert_eq!(w.start, d("2023-03-01"));
        let w = months_up_to(d("2026-03-31"), 1).unwrap();
        assert_eq!(w.start, d("2026-03-01"), "one month back from the 31st");
    }

    #[test]
    fn tally_counts_what_starts_within_and_is_not_cancelled() {
        let mut t = EngagementTally::new(months_up_to(d("2026-11-29"), 12).unwrap());
        t.add(&eng("2025-11-29", &[1]));
        t.add(&eng("2025-11-30", &[1, 2]));
        t.add(&eng("2026-11-29", &[2]));
        t.add(&eng("2026-11-30", &[3]));
        let mut c = eng("2026-01-01", &[4]);
        c.cancelled = true;
        t.add(&c);
        assert_eq!(t.held, 2);
        assert_eq!(t.partners.len(), 2);
        assert_eq!(t.participants, 20);
        assert_eq!(t.by_sdg[10], 2);
        assert_eq!(t.by_kind[1], (EngagementKind::Workshop, 2));
    }

    #[test]
    fn dormant_partners_and_their_order() {
        let mut acc = DormantAcc::new(months_up_to(d("2026-11-29"), 12).unwrap());
        acc.add_agreement(&agreement("2020-01-01", None, &[1, 2, 3, 4]));
        acc.add_agreement(&agreement("2025-11-30", None, &[2]));
        acc.add_agreement(&agreement("2019-01-01", Some("2020-01-01"), &[5]));
        acc.add_engagement(&eng("2025-11-29", &[3]));
        acc.add_engagement(&eng("2025-11-30", &[4]));
        acc.add_engagement(&eng("2026-12-01", &[1]));
        let got: Vec<Dormant> = (1..=5)
            .filter_map(|i| acc.dormant(&partner(i, &format!("p{i}"))))
            .collect();
        let keys: Vec<&str> = got.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(
            keys,
            ["p1", "p3"],
            "p2 signed, p4 met, p5 has nothing active"
        );
        assert_eq!(got[0].last_engagement, None, "a planned one is not held");
        assert_eq!(got[1].days_since, Some(365));
        let mut rows = got;
        sort_dormant(&mut rows);
        assert_eq!(
            rows[0].key, "p1",
            "2020-01-01 is longer ago than 2025-11-29"
        );
        assert_eq!(rows[0].days_since, Some(2524));
        assert_eq!(rows[1].key, "p3");
    }
}
