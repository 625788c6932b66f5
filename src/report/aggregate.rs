//! The reports' figures as a store may aggregate them itself (in SQL, next to the data)
//! instead of handing over every agreement as a [`ReportRow`](super::ReportRow): the counts
//! and the partner ids the accumulators would have gathered, nothing more. The accumulators
//! then finish them exactly as after a scan, so the figures are laid out in one place.
//!
//! A store that cannot aggregate (or not under a given filter) returns `None` from
//! `Backend::summary_aggregate` / `Backend::quarter_aggregate`, and the rows are scanned.

use super::ids::{IdMin, IdSet};
use super::{QuarterAcc, QuarterFigures, Quarterly, SummaryAcc};
use crate::dates::{Date, Period};
use crate::model::{Kind, Status};

/// What [`SummaryAcc`] gathers, counted by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryAggregate {
    /// Agreements per kind and status at the as-of date (any order; a pair may repeat).
    pub counts: Vec<(Kind, Status, i64)>,
    /// The parties of the MoUs active at the as-of date (any order, repeats allowed).
    pub mou_partners: Vec<i64>,
}

/// What [`Quarterly`] gathers, counted by the store, for the quarters it was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuarterAggregate {
    /// Per quarter, in the order asked: the counts of [`QuarterFigures`] (signed, effective,
    /// expired, terminated, renewed, active_at_end, expiring_next_quarter, active_by_sdg of 17
    /// for the full quarters); the other fields are left at their defaults.
    pub counts: Vec<QuarterFigures>,
    /// Per full quarter (the first `full` asked), the parties of the agreements active at its
    /// end (any order, repeats allowed).
    pub active_partners: Vec<Vec<i64>>,
    /// Each party's earliest signing date among the agreements.
    pub first_signed: Vec<(i64, Date)>,
}

impl SummaryAcc {
    /// The accumulator as a scan of the rows `agg` counts would have left it.
    pub fn from_aggregate(as_of: Date, agg: &SummaryAggregate) -> Self {
        let mut acc = SummaryAcc::new(as_of);
        for (kind, status, n) in &agg.counts {
            if let Some(slot) = acc.by_kind.iter_mut().find(|(k, _)| k == kind) {
                slot.1 += n;
            }
            if let Some(slot) = acc.by_status.iter_mut().find(|(s, _)| s == status) {
                slot.1 += n;
            }
        }
        acc.mou_partners.extend(&agg.mou_partners);
        acc
    }
}

impl Quarterly {
    /// As [`Quarterly::with_counts_after`] fed every row, from what the store counted for
    /// the same `quarters` and `full`. None when `agg` does not hold one entry per quarter.
    pub fn from_aggregate(
        quarters: &[(Period, Period)],
        full: usize,
        agg: QuarterAggregate,
    ) -> Option<Self> {
        let full = full.min(quarters.len());
        if agg.counts.len() != quarters.len() || agg.active_partners.len() != full {
            return None;
        }
        let mut partners = agg.active_partners.into_iter();
        let accs = quarters
            .iter()
            .zip(agg.counts)
            .enumerate()
            .map(|(i, ((q, n), counts))| {
                let mut acc = QuarterAcc::new(*q, *n, i >= full);
                acc.figures = QuarterFigures {
                    active_by_sdg: if counts.active_by_sdg.len() == 17 {
                        counts.active_by_sdg
                    } else {
                        vec![0; 17]
                    },
                    ..counts
                };
                if let Some(ids) = (i < full).then(|| partners.next()).flatten() {
                    let mut set = IdSet::new();
                    set.extend(&ids);
                    acc.active_partners = set;
                }
                acc
            })
            .collect();
        let mut first_signed = IdMin::new();
        for (id, d) in agg.first_signed {
            first_signed.lower(id, d);
        }
        Some(Quarterly {
            quarters: accs,
            first_signed,
        })
    }
}
