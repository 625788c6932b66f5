//! The reports aggregated next to the data: the summary's and the quarterly report's counts
//! and partner ids in a few grouped queries, so that a report reads some thousand rows (one a
//! partner, one a set of goals) rather than every agreement. `crate::report` finishes them
//! as after a scan of the rows (see `crate::report::aggregate`).
//!
//! Every filter the row scan takes is compiled here by the same [`agreement_where`], so no
//! filter falls back to the scan. The status expressions below are the twins of
//! `model::status_of` (an agreement signed with no effective date takes effect when signed).

use super::filter::agreement_where;
use super::reports::sdg_bits;
use super::{Params, Store};
use crate::dates::{Date, Period};
use crate::error::Result;
use crate::model::{Kind, Status};
use crate::query::Filter;
use crate::report::aggregate::{QuarterAggregate, SummaryAggregate};
use crate::report::QuarterFigures;

/// The status at a date (bound three times), as `model::status_of` derives it.
fn status_at(d: Date, p: &mut Params) -> &'static str {
    bind(d, 3, p);
    "CASE WHEN a.signed_on IS NULL THEN 'draft' \
       WHEN a.terminated_on <= ? THEN 'terminated' \
       WHEN coalesce(a.effective_on, a.signed_on) > ? THEN 'pending' \
       WHEN a.expires_on < ? THEN 'expired' ELSE 'active' END"
}

/// Active at a date (bound three times): `status_of(..) == Active`.
fn active_at(d: Date, p: &mut Params) -> &'static str {
    bind(d, 3, p);
    "(a.signed_on IS NOT NULL AND (a.terminated_on IS NULL OR a.terminated_on > ?) \
      AND coalesce(a.effective_on, a.signed_on) <= ? \
      AND (a.expires_on IS NULL OR a.expires_on >= ?))"
}

/// `column` within `q`, both ends included (`Period::contains`).
fn within(column: &str, q: Period, p: &mut Params) -> String {
    p.push(Box::new(q.start));
    p.push(Box::new(q.end));
    format!("{column} BETWEEN ? AND ?")
}

fn bind(d: Date, times: usize, p: &mut Params) {
    for _ in 0..times {
        p.push(Box::new(d));
    }
}

/// The quarter figures counted per row of the quarterly query, in its column order.
const QUARTER_COUNTS: usize = 7;

impl Store {
    pub fn summary_aggregate(&self, filter: &Filter) -> Result<SummaryAggregate> {
        let (aw, ap) = agreement_where(filter);
        let mut p: Params = Vec::new();
        let status = status_at(filter.as_of, &mut p);
        p.extend(ap);
        let counts_sql =
            format!("SELECT a.kind, {status}, count(*) FROM agreement a WHERE {aw} GROUP BY 1, 2");
        let mut q: Params = Vec::new();
        let active = active_at(filter.as_of, &mut q);
        q.extend(agreement_where(filter).1);
        let partners_sql = format!(
            "SELECT DISTINCT x.partner_id FROM agreement a
               JOIN agreement_party x ON x.agreement_id = a.id
              WHERE a.kind = 'mou' AND {active} AND {aw}"
        );
        self.in_snapshot(|| {
            let counts = self
                .all_boxed(&counts_sql, &p)?
                .iter()
                .map(|r| {
                    let kind = r.get::<_, String>(0).parse().unwrap_or(Kind::Other);
                    let status = r.get::<_, String>(1).parse().unwrap_or(Status::Draft);
                    (kind, status, r.get::<_, i64>(2))
                })
                .collect();
            let mou_partners = self
                .all_boxed(&partners_sql, &q)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            Ok(SummaryAggregate {
                counts,
                mou_partners,
            })
        })
    }

    pub fn quarter_aggregate(
        &self,
        filter: &Filter,
        quarters: &[(Period, Period)],
        full: usize,
    ) -> Result<QuarterAggregate> {
        let full = full.min(quarters.len());
        let (aw, ap) = agreement_where(filter);
        // One row per stored set of goals: the counts of every quarter among its agreements.
        let mut p: Params = Vec::new();
        let mut cols = Vec::new();
        for (q, next) in quarters {
            let (q, next) = (*q, *next);
            cols.push(within("a.signed_on", q, &mut p));
            cols.push(within("a.effective_on", q, &mut p));
            // Expired within the quarter: its first day of being expired falls in it, and it
            // was not terminated before that day.
            let first_expired = within("a.expires_on + 1", q, &mut p);
            cols.push(format!(
                "a.signed_on IS NOT NULL AND {first_expired} \
                 AND (a.terminated_on IS NULL OR a.terminated_on > a.expires_on + 1)"
            ));
            cols.push(within("a.terminated_on", q, &mut p));
            let signed = within("a.signed_on", q, &mut p);
            cols.push(format!("a.renews IS NOT NULL AND {signed}"));
            cols.push(active_at(q.end, &mut p).to_string());
            let active = active_at(q.end, &mut p);
            let expiring = within("a.expires_on", next, &mut p);
            cols.push(format!("{active} AND {expiring}"));
        }
        let counts: Vec<String> = cols
            .iter()
            .map(|c| format!("count(*) FILTER (WHERE {c})"))
            .collect();
        let counts_sql = format!(
            "SELECT a.sdgs, {} FROM agreement a WHERE {aw} GROUP BY a.sdgs",
            counts.join(", ")
        );
        p.extend(ap);
        // One row per party: its first signing and whether it is party to an agreement active
        // at the end of each full quarter.
        let mut q: Params = Vec::new();
        let mut flags = String::new();
        for (quarter, _) in &quarters[..full] {
            flags.push_str(&format!(", bool_or({})", active_at(quarter.end, &mut q)));
        }
        q.extend(agreement_where(filter).1);
        let partners_sql = format!(
            "SELECT x.partner_id, min(a.signed_on){flags} FROM agreement a
               JOIN agreement_party x ON x.agreement_id = a.id
              WHERE {aw} GROUP BY 1"
        );
        self.in_snapshot(|| {
            let mut figures: Vec<QuarterFigures> = (0..quarters.len())
                .map(|i| QuarterFigures {
                    active_by_sdg: vec![0; if i < full { 17 } else { 0 }],
                    ..Default::default()
                })
                .collect();
            for r in self.all_boxed(&counts_sql, &p)? {
                let goals = sdg_bits(&r.get::<_, String>(0));
                for (i, f) in figures.iter_mut().enumerate() {
                    let n = |k: usize| r.get::<_, i64>(1 + i * QUARTER_COUNTS + k);
                    f.signed += n(0);
                    f.effective += n(1);
                    f.expired += n(2);
                    f.terminated += n(3);
                    f.renewed += n(4);
                    f.active_at_end += n(5);
                    f.expiring_next_quarter += n(6);
                    if i < full {
                        for (g, slot) in f.active_by_sdg.iter_mut().enumerate() {
                            if goals & (1 << g) != 0 {
                                *slot += n(5);
                            }
                        }
                    }
                }
            }
            let mut active_partners = vec![Vec::new(); full];
            let mut first_signed = Vec::new();
            for r in self.all_boxed(&partners_sql, &q)? {
                let id: i64 = r.get(0);
                if let Some(d) = r.get::<_, Option<Date>>(1) {
                    first_signed.push((id, d));
                }
                for (i, ids) in active_partners.iter_mut().enumerate() {
                    if r.get::<_, Option<bool>>(2 + i) == Some(true) {
                        ids.push(id);
                    }
                }
            }
            Ok(QuarterAggregate {
                counts: figures,
                active_partners,
                first_signed,
            })
        })
    }
}
