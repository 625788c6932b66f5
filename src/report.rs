//! Report figures: pure aggregation over [`ReportRow`]s at given dates, no I/O. The data
//! layer streams the rows; each accumulator holds only counts and per-partner sets, which
//! grow with the number of partners, never with the number of agreements.

use std::collections::{HashMap, HashSet};

use crate::dates::{Date, Period};
use crate::db::ReportRow;
use crate::model::{status_of, Category, Kind, Status};

fn active_on(r: &ReportRow, d: Date) -> bool {
    status_of(
        r.signed_on,
        r.effective_on,
        r.expires_on,
        r.terminated_on,
        d,
    ) == Status::Active
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub partners: i64,
    pub partners_by_category: Vec<(Category, i64)>,
    pub agreements: i64,
    pub agreements_by_kind: Vec<(Kind, i64)>,
    pub agreements_by_status: Vec<(Status, i64)>,
    /// Partners party to at least one active MoU at the as-of date.
    pub partners_with_active_mou: i64,
}

/// Builds a [`Summary`] from rows seen one at a time.
pub struct SummaryAcc {
    as_of: Date,
    by_kind: Vec<(Kind, i64)>,
    by_status: Vec<(Status, i64)>,
    mou_partners: HashSet<i64>,
}

impl SummaryAcc {
    pub fn new(as_of: Date) -> Self {
        SummaryAcc {
            as_of,
            by_kind: Kind::ALL.iter().map(|k| (*k, 0)).collect(),
            by_status: Status::ALL.iter().map(|s| (*s, 0)).collect(),
            mou_partners: HashSet::new(),
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

    pub fn finish(self, partners_by_category: Vec<(Category, i64)>) -> Summary {
        Summary {
            partners: partners_by_category.iter().map(|(_, n)| n).sum(),
            partners_by_category,
            agreements: self.by_kind.iter().map(|(_, n)| n).sum(),
            agreements_by_kind: self.by_kind,
            agreements_by_status: self.by_status,
            partners_with_active_mou: self.mou_partners.len() as i64,
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
}

struct QuarterAcc {
    q: Period,
    next: Period,
    figures: QuarterFigures,
    active_partners: HashSet<i64>,
}

impl QuarterAcc {
    fn new(q: Period, next: Period) -> Self {
        QuarterAcc {
            q,
            next,
            figures: QuarterFigures {
                active_by_sdg: vec![0; 17],
                ..Default::default()
            },
            active_partners: HashSet::new(),
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
        first_signed: &HashMap<i64, Date>,
        categories: &HashMap<i64, Category>,
    ) -> QuarterFigures {
        let q = self.q;
        self.figures.new_partners =
            first_signed.values().filter(|d| q.contains(**d)).count() as i64;
        let mut by_cat: Vec<(Category, i64)> = Category::ALL.iter().map(|c| (*c, 0)).collect();
        for p in &self.active_partners {
            if let Some(slot) = categories
                .get(p)
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
    first_signed: HashMap<i64, Date>,
}

impl Quarterly {
    /// `quarters`: each quarter with the one after it (for "expiring next quarter").
    pub fn new(quarters: &[(Period, Period)]) -> Self {
        Quarterly {
            quarters: quarters
                .iter()
                .map(|(q, n)| QuarterAcc::new(*q, *n))
                .collect(),
            first_signed: HashMap::new(),
        }
    }

    pub fn add(&mut self, r: &ReportRow) {
        for q in &mut self.quarters {
            q.add(r);
        }
        if let Some(s) = r.signed_on {
            for p in &r.parties {
                let first = self.first_signed.entry(*p).or_insert(s);
                if s < *first {
                    *first = s;
                }
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
        let s = acc.finish(vec![(Category::Ngo, 4)]);
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
}
