//! Report figures: pure aggregation over [`ReportRow`]s at given dates, no store type. The
//! store streams the rows, filling one [`ReportRow`] again and again; each accumulator holds
//! only counts and per-partner sets, which grow with the number of partners, never with the
//! number of agreements. The finished figures become one value per report ([`values`]),
//! which [`render()`] writes in every format.

use serde::Serialize;
use std::collections::HashMap;

use ids::{IdMin, IdSet};

use crate::dates::{Date, Period};
use crate::model::{status_of, Category, EngagementKind, EngagementStatus, Kind, Status};

pub mod aggregate;
pub mod engagements;
pub mod html;
pub mod ids;
pub mod page;
pub mod render;
pub mod values;
pub mod words;

use engagements::EngagementTally;

use render::as_map;
pub use render::{render, Render};

/// An agreement as the reports read it: dates, kind, SDGs and party ids, nothing else. The
/// store fills one and hands it over, again and again, for each agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub kind: Kind,
    pub signed_on: Option<Date>,
    pub effective_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub terminated_on: Option<Date>,
    pub renews: bool,
    /// Bit n-1 set for SDG n.
    pub sdgs: u32,
    pub parties: Vec<i64>,
}

/// What `report by` counts agreements per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBy {
    Category,
    Country,
    Kind,
    Status,
    Sdg,
    Year,
    Quarter,
    Partner,
}

impl CountBy {
    pub const NAMES: &'static str = "category, country, kind, status, sdg, year, quarter, partner";
    /// Every field's name, for the command line's list of values.
    pub const ALL: [&'static str; 8] = [
        "category", "country", "kind", "status", "sdg", "year", "quarter", "partner",
    ];

    pub fn parse(s: &str) -> std::result::Result<CountBy, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "category" => CountBy::Category,
            "country" => CountBy::Country,
            "kind" => CountBy::Kind,
            "status" => CountBy::Status,
            "sdg" => CountBy::Sdg,
            "year" => CountBy::Year,
            "quarter" => CountBy::Quarter,
            "partner" => CountBy::Partner,
            _ => {
                return Err(format!(
                    "invalid field '{s}': expected one of {}",
                    Self::NAMES
                ))
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            CountBy::Category => "category",
            CountBy::Country => "country",
            CountBy::Kind => "kind",
            CountBy::Status => "status",
            CountBy::Sdg => "sdg",
            CountBy::Year => "year",
            CountBy::Quarter => "quarter",
            CountBy::Partner => "partner",
        }
    }
}

fn active_on(r: &ReportRow, d: Date) -> bool {
    status_of(
        r.signed_on,
        r.effective_on,
        r.expires_on,
        r.terminated_on,
        d,
    ) == Status::Active
}

/// The registry's counts at a date; its serde form is the summary report's JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub partners: i64,
    #[serde(serialize_with = "as_map")]
    pub partners_by_category: Vec<(Category, i64)>,
    pub agreements: i64,
    #[serde(serialize_with = "as_map")]
    pub agreements_by_kind: Vec<(Kind, i64)>,
    #[serde(serialize_with = "as_map")]
    pub agreements_by_status: Vec<(Status, i64)>,
    /// Partners party to at least one active MoU at the as-of date.
    pub partners_with_active_mou: i64,
    /// Engagements in the twelve months up to the as-of date (not cancelled, starting then).
    pub engagements: i64,
    #[serde(serialize_with = "as_map")]
    pub engagements_by_kind: Vec<(EngagementKind, i64)>,
    /// The distinct partners of those engagements.
    pub partners_engaged: i64,
    /// Of those, the partners without an active MoU.
    pub partners_engaged_without_mou: i64,
}

/// Builds a [`Summary`] from rows seen one at a time.
pub struct SummaryAcc {
    as_of: Date,
    by_kind: Vec<(Kind, i64)>,
    by_status: Vec<(Status, i64)>,
    mou_partners: IdSet,
}

impl SummaryAcc {
    pub fn new(as_of: Date) -> Self {
        SummaryAcc {
            as_of,
            by_kind: Kind::ALL.iter().map(|k| (*k, 0)).collect(),
            by_status: Status::ALL.iter().map(|s| (*s, 0)).collect(),
            mou_partners: IdSet::new(),
        }
    }

    pub fn add(&mut self, r: &ReportRow) {
        let status = status_of(
            r.signed_on,
            r.effective_on,
            r.expires_on,
            r.terminated_on,
            self.as_of,
        );
        if let Some(slot) = self.by_kind.iter_mut().find(|(k, _)| *k == r.kind) {
            slot.1 += 1;
        }
        if let Some(slot) = self.by_status.iter_mut().find(|(s, _)| *s == status) {
            slot.1 += 1;
        }
        if r.kind == Kind::Mou && status == Status::Active {
            self.mou_partners.extend(&r.parties);
        }
    }

    /// The summary, with the engagements of the twelve months `engaged` counted.
    pub fn finish(
        self,
        partners_by_category: Vec<(Category, i64)>,
        engaged: EngagementTally,
    ) -> Summary {
        let without_mou = engaged
            .partners
            .iter()
            .filter(|p| !self.mou_partners.contains(**p))
            .count() as i64;
        Summary {
            partners: partners_by_category.iter().map(|(_, n)| n).sum(),
            partners_by_category,
            agreements: self.by_kind.iter().map(|(_, n)| n).sum(),
            agreements_by_kind: self.by_kind,
            agreements_by_status: self.by_status,
            partners_with_active_mou: self.mou_partners.len() as i64,
            engagements: engaged.held,
            engagements_by_kind: engaged.by_kind,
            partners_engaged: engaged.partners.len() as i64,
            partners_engaged_without_mou: without_mou,
        }
    }
}

/// One quarter's figures; the README defines each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuarterFigures {
    pub signed: i64,
    pub effective: i64,
    pub expired: i64,
    pub terminated: i64,
    pub renewed: i64,
    pub active_at_end: i64,
    pub expiring_next_quarter: i64,
    pub new_partners: i64,
    pub active_partners_by_category: Vec<(Category, i64)>,
    /// Active agreements at the quarter's end per SDG, index 0 = SDG 1.
    pub active_by_sdg: Vec<i64>,
    /// Engagements starting in the quarter, not cancelled.
    pub engagements_held: i64,
    /// The distinct partners of those.
    pub partners_engaged: i64,
    /// The sum of their participants.
    pub participants: i64,
    pub engagements_by_kind: Vec<(EngagementKind, i64)>,
    /// Index 0 = SDG 1.
    pub engagements_by_sdg: Vec<i64>,
}

impl QuarterFigures {
    /// Adds the engagement figures of the quarter, `t`.
    pub fn with_engagements(mut self, t: EngagementTally) -> Self {
        self.engagements_held = t.held;
        self.partners_engaged = t.partners.len() as i64;
        self.participants = t.participants;
        self.engagements_by_kind = t.by_kind;
        self.engagements_by_sdg = t.by_sdg;
        self
    }
}

struct QuarterAcc {
    q: Period,
    next: Period,
    figures: QuarterFigures,
    active_partners: IdSet,
    /// Counts only: no goals and no partner set (the quarters a chart over time shows).
    counts_only: bool,
}

impl QuarterAcc {
    fn new(q: Period, next: Period, counts_only: bool) -> Self {
        QuarterAcc {
            q,
            next,
            counts_only,
            figures: QuarterFigures {
                active_by_sdg: vec![0; 17],
                ..Default::default()
            },
            active_partners: IdSet::new(),
        }
    }

    fn add(&mut self, r: &ReportRow) {
        let (q, f) = (self.q, &mut self.figures);
        let within = |d: Option<Date>| d.is_some_and(|d| q.contains(d));
        f.signed += i64::from(within(r.signed_on));
        f.effective += i64::from(within(r.effective_on));
        f.terminated += i64::from(within(r.terminated_on));
        f.renewed += i64::from(r.renews && within(r.signed_on));
        // Expired within the quarter: its first day of being expired (the day after
        // expires_on) falls in it, and it was not terminated before that.
        if let (Some(_), Some(e)) = (r.signed_on, r.expires_on) {
            let first_expired = e.succ_opt();
            if first_expired.is_some_and(|d| q.contains(d))
                && r.terminated_on.is_none_or(|t| Some(t) > first_expired)
            {
                f.expired += 1;
            }
        }
        if active_on(r, q.end) {
            f.active_at_end += 1;
            if r.expires_on.is_some_and(|e| self.next.contains(e)) {
                f.expiring_next_quarter += 1;
            }
            if self.counts_only {
                return;
            }
            for (i, slot) in f.active_by_sdg.iter_mut().enumerate() {
                if r.sdgs & (1 << i) != 0 {
                    *slot += 1;
                }
            }
            self.active_partners.extend(&r.parties);
        }
    }

    fn finish(
        mut self,
        first_signed: &IdMin<Date>,
        categories: &HashMap<i64, Category>,
    ) -> QuarterFigures {
        let q = self.q;
        self.figures.new_partners = first_signed.values().filter(|d| q.contains(*d)).count() as i64;
        let mut by_cat: Vec<(Category, i64)> = Category::ALL.iter().map(|c| (*c, 0)).collect();
        for p in self.active_partners.iter() {
            if let Some(slot) = categories
                .get(&p)
                .and_then(|c| by_cat.iter_mut().find(|(k, _)| k == c))
            {
                slot.1 += 1;
            }
        }
        self.figures.active_partners_by_category = by_cat;
        self.figures
    }
}

/// The figures of several quarters (say, this one and the one before) in one pass.
pub struct Quarterly {
    quarters: Vec<QuarterAcc>,
    first_signed: IdMin<Date>,
}

impl Quarterly {
    /// `quarters`: each quarter with the one after it (for "expiring next quarter").
    pub fn new(quarters: &[(Period, Period)]) -> Self {
        Self::with_counts_after(quarters, quarters.len())
    }

    /// As [`Quarterly::new`], but the quarters after the first `full` get only the counts
    /// (their `active_by_sdg` and `active_partners_by_category` stay zero): cheaper, for a
    /// chart of several quarters.
    pub fn with_counts_after(quarters: &[(Period, Period)], full: usize) -> Self {
        Quarterly {
            quarters: quarters
                .iter()
                .enumerate()
                .map(|(i, (q, n))| QuarterAcc::new(*q, *n, i >= full))
                .collect(),
            first_signed: IdMin::new(),
        }
    }

    pub fn add(&mut self, r: &ReportRow) {
        for q in &mut self.quarters {
            q.add(r);
        }
        if let Some(s) = r.signed_on {
            for p in &r.parties {
                self.first_signed.lower(*p, s);
            }
        }
    }

    pub fn finish(self, categories: &HashMap<i64, Category>) -> Vec<QuarterFigures> {
        let first = self.first_signed;
        self.quarters
            .into_iter()
            .map(|q| q.finish(&first, categories))
            .collect()
    }
}

/// `report by` rows as people read them: the closed vocabularies in their own order (the
/// summary's), countries by code with the partners without one last, goals by number, and
/// years and quarters in time with those without agreements filled in as zero between the first
/// and the last that occur.
/// Engagements (`engagements`) use their own kinds and statuses; partners come by key.
pub fn arrange_by(
    by: CountBy,
    engagements: bool,
    mut rows: Vec<(String, i64)>,
) -> Vec<(String, i64)> {
    match by {
        CountBy::Category => sort_in_vocabulary::<Category>(&mut rows),
        CountBy::Kind if engagements => sort_in_vocabulary::<EngagementKind>(&mut rows),
        CountBy::Kind => sort_in_vocabulary::<Kind>(&mut rows),
        CountBy::Status if engagements => sort_in_vocabulary::<EngagementStatus>(&mut rows),
        CountBy::Status => sort_in_vocabulary::<Status>(&mut rows),
        CountBy::Partner => rows.sort(),
        CountBy::Country => {
            rows.sort_by(|(a, _), (b, _)| (a.is_empty(), a).cmp(&(b.is_empty(), b)))
        }
        CountBy::Sdg => rows.sort_by_key(|(k, _)| k.parse::<u32>().unwrap_or(u32::MAX)),
        CountBy::Year => return fill_gaps(rows, year_index, |i| i.to_string()),
        CountBy::Quarter => {
            return fill_gaps(rows, quarter_index, |i| {
                format!("{}Q{}", i.div_euclid(4), i.rem_euclid(4) + 1)
            })
        }
    }
    rows
}

fn sort_in_vocabulary<T: std::str::FromStr + Ord>(rows: &mut [(String, i64)]) {
    rows.sort_by_cached_key(|(k, _)| {
        let v = k.parse::<T>().ok();
        (v.is_none(), v, k.clone())
    });
}

fn year_index(s: &str) -> Option<i64> {
    (s.len() == 4).then(|| s.parse().ok()).flatten()
}

/// `2026Q3` as a count of quarters since year 0.
fn quarter_index(s: &str) -> Option<i64> {
    let (y, q) = s.split_once('Q')?;
    let q: i64 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
    Some(year_index(y)? * 4 + q - 1)
}

/// Rows keyed by consecutive steps (`index` of the key), from the first to the last, with a
/// zero for each step missing. Keys that are not steps are kept, after them.
fn fill_gaps(
    rows: Vec<(String, i64)>,
    index: impl Fn(&str) -> Option<i64>,
    key: impl Fn(i64) -> String,
) -> Vec<(String, i64)> {
    let mut counts = std::collections::BTreeMap::new();
    let mut other = Vec::new();
    for (k, n) in rows {
        match index(&k) {
            Some(i) => *counts.entry(i).or_insert(0) += n,
            None => other.push((k, n)),
        }
    }
    let (Some(first), Some(last)) = (
        counts.keys().next().copied(),
        counts.keys().next_back().copied(),
    ) else {
        return other;
    };
    (first..=last)
        .map(|i| (key(i), counts.get(&i).copied().unwrap_or(0)))
        .chain(other)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_stored;

    fn d(s: &str) -> Option<Date> {
        Some(parse_stored(s).unwrap())
    }

    fn row(signed: &str, expires: Option<&str>, parties: &[i64]) -> ReportRow {
        ReportRow {
            kind: Kind::Mou,
            signed_on: d(signed),
            effective_on: d(signed),
            expires_on: expires.and_then(d),
            terminated_on: None,
            renews: false,
            sdgs: 1 << 15,
            parties: parties.to_vec(),
        }
    }

    #[test]
    fn summary_counts_partners_with_active_mous_once() {
        let mut acc = SummaryAcc::new(parse_stored("2026-06-30").unwrap());
        acc.add(&row("2020-01-01", None, &[1, 2]));
        acc.add(&row("2021-01-01", Some("2026-06-30"), &[2, 3]));
        acc.add(&row("2021-01-01", Some("2026-06-29"), &[4]));
        let window = engagements::months_up_to(parse_stored("2026-06-30").unwrap(), 12).unwrap();
        let mut engaged = EngagementTally::new(window);
        for partners in [vec![1, 9], vec![9, 8]] {
            engaged.add(&engagements::EngagementRow {
                kind: EngagementKind::Meeting,
                starts_on: parse_stored("2026-01-01").unwrap(),
                cancelled: false,
                participants: None,
                sdgs: 0,
                partners,
            });
        }
        let s = acc.finish(vec![(Category::Ngo, 4)], engaged);
        assert_eq!(s.engagements, 2);
        assert_eq!(s.partners_engaged, 3);
        assert_eq!(
            s.partners_engaged_without_mou, 2,
            "1 has an active MoU, 8 and 9 none"
        );
        assert_eq!(s.partners_with_active_mou, 3);
        assert_eq!(s.agreements, 3);
        assert_eq!(
            s.agreements_by_status
                .iter()
                .find(|(s, _)| *s == Status::Expired)
                .unwrap()
                .1,
            1
        );
    }

    #[test]
    fn by_rows_in_order_with_gaps_filled() {
        let rows = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
        };
        assert_eq!(
            arrange_by(
                CountBy::Quarter,
                false,
                rows(&[("2025Q4", 1), ("2026Q2", 3)])
            ),
            rows(&[("2025Q4", 1), ("2026Q1", 0), ("2026Q2", 3)])
        );
        assert_eq!(
            arrange_by(CountBy::Year, false, rows(&[("2019", 1), ("2017", 2)])),
            rows(&[("2017", 2), ("2018", 0), ("2019", 1)])
        );
        assert_eq!(arrange_by(CountBy::Year, false, vec![]), vec![]);
        assert_eq!(
            arrange_by(
                CountBy::Status,
                false,
                rows(&[("expired", 1), ("active", 2), ("draft", 3)])
            ),
            rows(&[("draft", 3), ("active", 2), ("expired", 1)])
        );
        assert_eq!(
            arrange_by(
                CountBy::Country,
                false,
                rows(&[("", 1), ("JO", 2), ("AT", 3)])
            ),
            rows(&[("AT", 3), ("JO", 2), ("", 1)])
        );
        assert_eq!(
            arrange_by(CountBy::Sdg, false, rows(&[("16", 1), ("4", 2)])),
            rows(&[("4", 2), ("16", 1)])
        );
    }

    #[test]
    fn quarter_boundaries() {
        let q3 = crate::dates::parse_period("2026Q3").unwrap();
        let q4 = crate::dates::parse_period("2026Q4").unwrap();
        let mut acc = Quarterly::new(&[(q3, q4)]);
        acc.add(&row("2026-07-01", None, &[1]));
        acc.add(&row("2026-09-30", Some("2026-12-31"), &[2]));
        acc.add(&row("2020-01-01", Some("2026-09-30"), &[3]));
        acc.add(&row("2020-01-01", Some("2026-06-30"), &[4]));
        let cats: HashMap<i64, Category> = (1..=4).map(|i| (i, Category::Ngo)).collect();
        let f = &acc.finish(&cats)[0];
        assert_eq!(f.signed, 2);
        assert_eq!(f.expired, 1, "expired on 2026-07-01");
        assert_eq!(f.active_at_end, 3, "active on its expiry day");
        assert_eq!(f.expiring_next_quarter, 1);
        assert_eq!(f.new_partners, 2);
        assert_eq!(f.active_by_sdg[15], 3);
        assert_eq!(f.active_partners_by_category[4], (Category::Ngo, 3));
    }

    #[test]
    fn a_counts_only_quarter_counts_as_a_full_one() {
        let q3 = crate::dates::parse_period("2026Q3").unwrap();
        let q4 = crate::dates::parse_period("2026Q4").unwrap();
        let mut full = Quarterly::new(&[(q3, q4)]);
        let mut lean = Quarterly::with_counts_after(&[(q4, q4), (q3, q4)], 1);
        for r in [
            row("2026-07-01", None, &[1]),
            row("2026-09-30", Some("2026-12-31"), &[2]),
            row("2020-01-01", Some("2026-08-30"), &[3]),
        ] {
            full.add(&r);
            lean.add(&r);
        }
        let cats: HashMap<i64, Category> = (1..=3).map(|i| (i, Category::Ngo)).collect();
        let (f, l) = (&full.finish(&cats)[0], &lean.finish(&cats)[1]);
        let counts = |x: &QuarterFigures| {
            (
                x.signed,
                x.expired,
                x.active_at_end,
                x.expiring_next_quarter,
                x.new_partners,
            )
        };
        assert_eq!(counts(f), counts(l));
        assert_eq!((f.active_at_end, f.expired), (2, 1));
        assert_eq!(l.active_by_sdg[15], 0, "no goals counted");
    }
}
