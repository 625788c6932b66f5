//! What reports read: counts grouped in SQL, and a stream of lean rows that
//! `crate::report` aggregates in one pass.

use std::collections::HashMap;

use super::filter::{
    agreement_where, engagement_status_params, engagement_where, partner_where, status_params,
    ENGAGEMENT_STATUS_SQL, STATUS_SQL,
};
use super::{Params, Store};
use crate::dates::Period;
use crate::error::Result;
use crate::model::{Category, EngagementKind, Kind};
use crate::query::Filter;
use crate::store::{CountBy, EngagementRow, ReportRow};

/// `;`-joined goals as a bit set (bit n-1 for SDG n).
pub(super) fn sdg_bits(stored: &str) -> u32 {
    stored
        .split(';')
        .filter_map(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=17).contains(n))
        .fold(0, |m, n| m | 1 << (n - 1))
}

impl Store {
    pub fn partners_by_category(&self, filter: &Filter) -> Result<Vec<(Category, i64)>> {
        let (pw, pp) = partner_where(filter);
        let sql =
            format!("SELECT p.category, count(*) FROM partner p WHERE {pw} GROUP BY p.category");
        let mut counts: Vec<(Category, i64)> = Category::ALL.iter().map(|c| (*c, 0)).collect();
        for r in self.all_boxed(&sql, &pp)? {
            if let Ok(c) = r.get::<_, String>(0).parse::<Category>() {
                if let Some(slot) = counts.iter_mut().find(|(v, _)| *v == c) {
                    slot.1 += r.get::<_, i64>(1);
                }
            }
        }
        Ok(counts)
    }

    pub fn partner_categories(&self) -> Result<HashMap<i64, Category>> {
        Ok(self
            .all("SELECT id, category FROM partner", &[])?
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    r.get::<_, String>(1).parse().unwrap_or(Category::Other),
                )
            })
            .collect())
    }

    /// The agreements in id order, each with its parties' ids from one ordered pass over
    /// `agreement_party` merged on the id (not a lookup per agreement: 2.5x slower at 100,000).
    pub fn for_each_report_row(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(&ReportRow) -> Result<()>,
    ) -> Result<()> {
        let (aw, ap) = agreement_where(filter);
        let sql = format!(
            "SELECT a.kind, a.signed_on, a.effective_on, a.expires_on, a.terminated_on,
                    a.renews IS NOT NULL, a.sdgs,
                    coalesce(ap.parties, '{{}}')
               FROM agreement a LEFT JOIN
                    (SELECT agreement_id, array_agg(partner_id ORDER BY position) AS parties
                       FROM agreement_party GROUP BY agreement_id) ap ON ap.agreement_id = a.id
              WHERE {aw} ORDER BY a.id"
        );
        let mut row = ReportRow {
            kind: Kind::Other,
            signed_on: None,
            effective_on: None,
            expires_on: None,
            terminated_on: None,
            renews: false,
            sdgs: 0,
            parties: Vec::new(),
        };
        self.each(&sql, &ap, |r| {
            row.kind = r.get::<_, String>(0).parse().unwrap_or(Kind::Other);
            row.signed_on = r.get(1);
            row.effective_on = r.get(2);
            row.expires_on = r.get(3);
            row.terminated_on = r.get(4);
            row.renews = r.get(5);
            row.sdgs = sdg_bits(&r.get::<_, String>(6));
            row.parties = r.get(7);
            f(&row)
        })
    }

    pub fn count_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>> {
        let (aw, ap) = agreement_where(filter);
        let mut params: Params = Vec::new();
        let sql = match by {
            CountBy::Kind => {
                format!("SELECT a.kind, count(*) FROM agreement a WHERE {aw} GROUP BY 1 ORDER BY 1")
            }
            CountBy::Status => {
                status_params(filter.as_of, &mut params);
                format!("SELECT {STATUS_SQL}, count(*) FROM agreement a WHERE {aw} GROUP BY 1 ORDER BY 1")
            }
            CountBy::Year => format!(
                "SELECT to_char(a.signed_on, 'YYYY'), count(*) FROM agreement a
                  WHERE a.signed_on IS NOT NULL AND {aw} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Quarter => format!(
                "SELECT to_char(a.signed_on, 'YYYY\"Q\"Q'), count(*) FROM agreement a
                  WHERE a.signed_on IS NOT NULL AND {aw} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Category | CountBy::Country | CountBy::Partner => {
                let col = match by {
                    CountBy::Category => "p.category",
                    CountBy::Partner => "p.key",
                    _ => "coalesce(p.country, '')",
                };
                format!(
                    "SELECT {col}, count(DISTINCT a.id) FROM agreement a
                       JOIN agreement_party ap ON ap.agreement_id = a.id
                       JOIN partner p ON p.id = ap.partner_id
                      WHERE {aw} GROUP BY 1 ORDER BY 1"
                )
            }
            CountBy::Sdg => return self.sdg_counts("agreement a", "a", &aw, &ap),
        };
        params.extend(ap);
        Ok(self
            .all_boxed(&sql, &params)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    /// Counts per goal 1..17 of the rows of `from` matching `clause` (its `alias.sdgs`).
    fn sdg_counts(
        &self,
        from: &str,
        alias: &str,
        clause: &str,
        params: &Params,
    ) -> Result<Vec<(String, i64)>> {
        let sums: Vec<String> = (1..=17)
            .map(|n| {
                format!("count(*) FILTER (WHERE strpos(';' || {alias}.sdgs || ';', ';{n};') > 0)")
            })
            .collect();
        let sql = format!("SELECT {} FROM {from} WHERE {clause}", sums.join(", "));
        let r = self.one_boxed(&sql, params)?;
        Ok((0..17)
            .map(|i| r.get::<_, i64>(i))
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(i, n)| ((i + 1).to_string(), n))
            .collect())
    }

    pub fn for_each_engagement_row(
        &self,
        filter: &Filter,
        starts_in: Option<Period>,
        f: &mut dyn FnMut(&EngagementRow) -> Result<()>,
    ) -> Result<()> {
        let (mut clause, mut params) = engagement_where(filter);
        if let Some(p) = starts_in {
            clause.push_str(" AND e.starts_on BETWEEN ? AND ?");
            params.push(Box::new(p.start));
            params.push(Box::new(p.end));
        }
        let sql = format!(
            "SELECT e.kind, e.starts_on, e.cancelled, e.participants, e.sdgs,
                    ARRAY(SELECT partner_id FROM engagement_partner WHERE engagement_id = e.id
                          ORDER BY position)
               FROM engagement e WHERE {clause} ORDER BY e.id"
        );
        let mut row = EngagementRow {
            kind: EngagementKind::Other,
            starts_on: Default::default(),
            cancelled: false,
            participants: None,
            sdgs: 0,
            partners: Vec::new(),
        };
        self.each(&sql, &params, |r| {
            row.kind = r
                .get::<_, String>(0)
                .parse()
                .unwrap_or(EngagementKind::Other);
            row.starts_on = r.get(1);
            row.cancelled = r.get(2);
            row.participants = r
                .get::<_, Option<i32>>(3)
                .and_then(|n| u32::try_from(n).ok());
            row.sdgs = sdg_bits(&r.get::<_, String>(4));
            row.partners = r.get(5);
            f(&row)
        })
    }

    pub fn count_engagements_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>> {
        let (ew, ep) = engagement_where(filter);
        let mut params: Params = Vec::new();
        let sql = match by {
            CountBy::Kind => {
                format!("SELECT e.kind, count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1")
            }
            CountBy::Status => {
                engagement_status_params(filter.as_of, &mut params);
                format!("SELECT {ENGAGEMENT_STATUS_SQL}, count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1")
            }
            CountBy::Country => format!(
                "SELECT coalesce(e.country, ''), count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Year => format!(
                "SELECT to_char(e.starts_on, 'YYYY'), count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Quarter => format!(
                "SELECT to_char(e.starts_on, 'YYYY\"Q\"Q'), count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Category | CountBy::Partner => {
                let col = if by == CountBy::Category { "p.category" } else { "p.key" };
                format!(
                    "SELECT {col}, count(DISTINCT e.id) FROM engagement e
                       JOIN engagement_partner ep ON ep.engagement_id = e.id
                       JOIN partner p ON p.id = ep.partner_id
                      WHERE {ew} GROUP BY 1 ORDER BY 1"
                )
            }
            CountBy::Sdg => return self.sdg_counts("engagement e", "e", &ew, &ep),
        };
        params.extend(ep);
        Ok(self
            .all_boxed(&sql, &params)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
}
