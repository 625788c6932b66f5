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
        let partners_sql = if per_partner(filter) {
            partners_party_to(&[format!("a.kind = 'mou' AND {active} AND {aw}")])
        } else {
            format!(
                "SELECT DISTINCT x.partner_id, true FROM agreement a
                   JOIN agreement_party x ON x.agreement_id = a.id
                  WHERE a.kind = 'mou' AND {active} AND {aw}"
            )
        };
        self.in_snapshot(|| {
            self.no_jit()?;
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
                .filter(|r| r.get::<_, bool>(1))
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
        let partners = self.quarter_partners(filter, quarters, full);
        self.in_snapshot(|| {
            self.no_jit()?;
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
            let (active_partners, first_signed) = match &partners {
                QuarterPartners::Joined(sql, q) => {
                    let mut active = vec![Vec::new(); full];
                    let mut first = Vec::new();
                    for r in self.all_boxed(sql, q)? {
                        let id: i64 = r.get(0);
                        if let Some(d) = r.get::<_, Option<Date>>(1) {
                            first.push((id, d));
                        }
                        for (i, ids) in active.iter_mut().enumerate() {
                            if r.get::<_, Option<bool>>(2 + i) == Some(true) {
                                ids.push(id);
                            }
                        }
                    }
                    (active, first)
                }
                QuarterPartners::PerPartner {
                    active: (sql, q),
                    first: (first_sql, fq),
                } => {
                    let mut active = vec![Vec::new(); full];
                    for r in self.all_boxed(sql, q)? {
                        for (i, ids) in active.iter_mut().enumerate() {
                            if r.get::<_, bool>(1 + i) {
                                ids.push(r.get(0));
                            }
                        }
                    }
                    let first = self
                        .all_boxed(first_sql, fq)?
                        .iter()
                        .filter(|r| !r.get::<_, bool>(2))
                        .map(|r| (r.get(0), r.get(1)))
                        .collect();
                    (active, first)
                }
            };
            Ok(QuarterAggregate {
                counts: figures,
                active_partners,
                first_signed,
            })
        })
    }
}

/// Whether the partners' figures are better asked partner by partner (a lookup per partner,
/// which stops at the first agreement that qualifies: 2,000 partners against a million
/// agreements) than by joining every agreement to its parties. Only without filter terms: a
/// selective filter would make each EXISTS read all of a partner's agreements.
fn per_partner(filter: &Filter) -> bool {
    filter.terms.is_empty()
}

/// `SELECT p.id, <one boolean per condition> FROM partner p`: whether each partner is party
/// to an agreement `a` meeting each of `conds`. Each is a LATERAL subquery with LIMIT 1, which
/// the planner keeps as an index lookup per partner that stops at the first agreement found
/// (an EXISTS it turns into one hashed join over every agreement: 0.85 s at 1M).
fn partners_party_to(conds: &[String]) -> String {
    let mut cols = String::new();
    let mut joins = String::new();
    for (i, cond) in conds.iter().enumerate() {
        cols.push_str(&format!(", h{i}.hit IS NOT NULL"));
        joins.push_str(&format!(
            " LEFT JOIN LATERAL (SELECT true AS hit FROM agreement_party x
                 JOIN agreement a ON a.id = x.agreement_id
                WHERE x.partner_id = p.id AND {cond} LIMIT 1) h{i} ON true"
        ));
    }
    format!("SELECT p.id{cols} FROM partner p{joins}")
}

/// The queries of the quarterly report's partner figures (SQL and its parameters).
enum QuarterPartners {
    /// One row per party: its first signing and, per full quarter, whether it is party to
    /// an agreement active at the quarter's end.
    Joined(String, Params),
    PerPartner {
        /// One row per partner: per full quarter, whether it is party to an agreement active
        /// at the quarter's end.
        active: (String, Params),
        /// The partners that first signed within the quarters' span, as candidates: their
        /// first signing in the span and whether they signed before it (then it is not theirs
        /// first; the accumulator counts only first signings within a quarter).
        first: (String, Params),
    },
}

impl Store {
    fn quarter_partners(
        &self,
        filter: &Filter,
        quarters: &[(Period, Period)],
        full: usize,
    ) -> QuarterPartners {
        let aw = agreement_where(filter).0;
        if !per_partner(filter) {
            let mut q: Params = Vec::new();
            let mut flags = String::new();
            for (quarter, _) in &quarters[..full] {
                flags.push_str(&format!(", bool_or({})", active_at(quarter.end, &mut q)));
            }
            q.extend(agreement_where(filter).1);
            return QuarterPartners::Joined(
                format!(
                    "SELECT x.partner_id, min(a.signed_on){flags} FROM agreement a
                       JOIN agreement_party x ON x.agreement_id = a.id
                      WHERE {aw} GROUP BY 1"
                ),
                q,
            );
        }
        let mut q: Params = Vec::new();
        let mut flags = Vec::new();
        for (quarter, _) in &quarters[..full] {
            let active = active_at(quarter.end, &mut q);
            flags.push(format!("{active} AND {aw}"));
            q.extend(agreement_where(filter).1);
        }
        let active_sql = partners_party_to(&flags);
        let span = Period {
            start: quarters
                .iter()
                .map(|(q, _)| q.start)
                .min()
                .unwrap_or_default(),
            end: quarters
                .iter()
                .map(|(q, _)| q.end)
                .max()
                .unwrap_or_default(),
        };
        // In the order of the placeholders: the EXISTS's filter, the span, the candidates'.
        let mut f: Params = agreement_where(filter).1;
        let signed = within("a.signed_on", span, &mut f);
        f.extend(agreement_where(filter).1);
        let first_sql = format!(
            "SELECT c.partner_id, c.first,
                    EXISTS (SELECT 1 FROM agreement_party x JOIN agreement a ON a.id = x.agreement_id
                             WHERE x.partner_id = c.partner_id AND a.signed_on < c.first AND {aw})
               FROM (SELECT x.partner_id, min(a.signed_on) AS first FROM agreement a
                       JOIN agreement_party x ON x.agreement_id = a.id
                      WHERE {signed} AND {aw} GROUP BY 1) c"
        );
        QuarterPartners::PerPartner {
            active: (active_sql, q),
            first: (first_sql, f),
        }
    }

    /// No JIT compilation for the statements of this transaction: the aggregates' costs at a
    /// million agreements pass jit_above_cost, and compiling their many expressions took
    /// longer than it saved (the quarterly counts: 0.51 s with JIT, 0.37 s without).
    fn no_jit(&self) -> Result<()> {
        Ok(self
            .client
            .borrow_mut()
            .batch_execute("SET LOCAL jit = off")?)
    }
}
