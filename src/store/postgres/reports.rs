//! What reports read: counts grouped in SQL, and a stream of lean rows that
//! `crate::report` aggregates in one pass.

use std::collections::HashMap;

use super::filter::{agreement_where, partner_where, status_params, STATUS_SQL};
use super::{Params, Store};
use crate::error::Result;
use crate::model::{Category, Kind};
use crate::query::Filter;
use crate::store::{CountBy, ReportRow};

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

    pub fn for_each_report_row(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(&ReportRow) -> Result<()>,
    ) -> Result<()> {
        let (aw, ap) = agreement_where(filter);
        let sql = format!(
            "SELECT a.kind, a.signed_on, a.effective_on, a.expires_on, a.terminated_on,
                    a.renews IS NOT NULL, a.sdgs,
                    ARRAY(SELECT partner_id FROM agreement_party WHERE agreement_id = a.id ORDER BY position)
               FROM agreement a WHERE {aw} ORDER BY a.id"
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
            row.sdgs = r
                .get::<_, String>(6)
                .split(';')
                .filter_map(|n| n.parse::<u32>().ok())
                .filter(|n| (1..=17).contains(n))
                .fold(0, |m, n| m | 1 << (n - 1));
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
            CountBy::Category | CountBy::Country => {
                let col = if by == CountBy::Category {
                    "p.category"
                } else {
                    "coalesce(p.country, '')"
                };
                format!(
                    "SELECT {col}, count(DISTINCT a.id) FROM agreement a
                       JOIN agreement_party ap ON ap.agreement_id = a.id
                       JOIN partner p ON p.id = ap.partner_id
                      WHERE {aw} GROUP BY 1 ORDER BY 1"
                )
            }
            CountBy::Sdg => {
                let sums: Vec<String> = (1..=17)
                    .map(|n| {
                        format!("count(*) FILTER (WHERE strpos(';' || a.sdgs || ';', ';{n};') > 0)")
                    })
                    .collect();
                let sql = format!("SELECT {} FROM agreement a WHERE {aw}", sums.join(", "));
                let r = self.one_boxed(&sql, &ap)?;
                return Ok((0..17)
                    .map(|i| r.get::<_, i64>(i))
                    .enumerate()
                    .filter(|(_, n)| *n > 0)
                    .map(|(i, n)| ((i + 1).to_string(), n))
                    .collect());
            }
        };
        params.extend(ap);
        Ok(self
            .all_boxed(&sql, &params)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
}
