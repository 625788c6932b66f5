//! What reports read: counts grouped in SQL, and a stream of lean rows that
//! `crate::report` aggregates in one pass, so a million agreements never sit in memory.

use rusqlite::types::Value;
use std::collections::HashMap;

use super::agreements::PartyScan;
use super::filter::{agreement_where, partner_where, status_params, STATUS_SQL};
use super::Store;
use crate::dates::{parse_stored, Date};
use crate::error::Result;
use crate::model::{Category, Kind};
use crate::query::Filter;

pub use crate::report::{CountBy, ReportRow};

impl Store {
    fn counts_by<T>(
        &self,
        sql: &str,
        params: &[Value],
        all: &[T],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<(T, i64)>>
    where
        T: Copy + PartialEq,
    {
        let mut st = self.conn.prepare(sql)?;
        let mut counts: Vec<(T, i64)> = all.iter().map(|v| (*v, 0)).collect();
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let n: i64 = r.get(1)?;
            if let Some(k) = parse(&key) {
                if let Some(slot) = counts.iter_mut().find(|(v, _)| *v == k) {
                    slot.1 += n;
                }
            }
        }
        Ok(counts)
    }

    /// Partner counts per category over partners matching `filter`.
    pub fn partners_by_category(&self, filter: &Filter) -> Result<Vec<(Category, i64)>> {
        let (pw, pp) = partner_where(filter);
        self.counts_by(
            &format!("SELECT p.category, count(*) FROM partner p WHERE {pw} GROUP BY p.category"),
            &pp,
            Category::ALL,
            |s| s.parse().ok(),
        )
    }

    /// Every partner's category, by id.
    pub fn partner_categories(&self) -> Result<HashMap<i64, Category>> {
        let mut st = self.conn.prepare("SELECT id, category FROM partner")?;
        let mut rows = st.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let c: String = r.get(1)?;
            out.insert(r.get(0)?, c.parse().unwrap_or(Category::Other));
        }
        Ok(out)
    }

    /// Streams the agreements matching `filter` as [`ReportRow`]s: one pass over the
    /// agreements and one over their parties, merged, so a million rows cost two scans.
    pub fn for_each_report_row(
        &self,
        filter: &Filter,
        mut f: impl FnMut(&ReportRow) -> Result<()>,
    ) -> Result<()> {
        let (aw, ap) = agreement_where(filter);
        let mut st = self.conn.prepare(&format!(
            "SELECT a.id, a.kind, a.signed_on, a.effective_on, a.expires_on, a.terminated_on,
                    a.renews IS NOT NULL, a.sdgs
               FROM agreement a WHERE {aw} ORDER BY a.id"
        ))?;
        let mut rows = st.query(rusqlite::params_from_iter(ap.iter()))?;
        let mut party_st = self.conn.prepare(PartyScan::SQL)?;
        let mut parties = PartyScan::new(party_st.query([])?);
        let date = |r: &rusqlite::Row, i: usize| -> rusqlite::Result<Option<Date>> {
            Ok(r.get_ref(i)?
                .as_str()
                .ok()
                .and_then(|s| parse_stored(s).ok()))
        };
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
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            row.kind = r
                .get_ref(1)?
                .as_str()
                .ok()
                .and_then(|k| k.parse().ok())
                .unwrap_or(Kind::Other);
            row.signed_on = date(r, 2)?;
            row.effective_on = date(r, 3)?;
            row.expires_on = date(r, 4)?;
            row.terminated_on = date(r, 5)?;
            row.renews = r.get(6)?;
            row.sdgs = r
                .get_ref(7)?
                .as_str()
                .unwrap_or("")
                .split(';')
                .filter_map(|n| n.parse::<u32>().ok())
                .filter(|n| (1..=17).contains(n))
                .fold(0, |m, n| m | 1 << (n - 1));
            parties.ids_of(id, &mut row.parties)?;
            f(&row)?;
        }
        Ok(())
    }

    /// Agreements matching `filter`, counted per value of `by`. An agreement counts once under
    /// each of its SDGs, and once under each category or country among its parties.
    pub fn count_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>> {
        let (aw, ap) = agreement_where(filter);
        let mut params = Vec::new();
        let sql = match by {
            CountBy::Kind => format!("SELECT a.kind, count(*) FROM agreement a WHERE {aw} GROUP BY 1 ORDER BY 1"),
            CountBy::Status => {
                status_params(filter.as_of, &mut params);
                format!("SELECT {STATUS_SQL}, count(*) FROM agreement a WHERE {aw} GROUP BY 1 ORDER BY 1")
            }
            CountBy::Year => format!(
                "SELECT substr(a.signed_on, 1, 4), count(*) FROM agreement a
                  WHERE a.signed_on IS NOT NULL AND {aw} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Quarter => format!(
                "SELECT substr(a.signed_on, 1, 4) || 'Q' || ((CAST(substr(a.signed_on, 6, 2) AS INTEGER) + 2) / 3),
                        count(*) FROM agreement a
                  WHERE a.signed_on IS NOT NULL AND {aw} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Category | CountBy::Country => {
                let col = if by == CountBy::Category { "p.category" } else { "coalesce(p.country, '')" };
                format!(
                    "SELECT {col}, count(DISTINCT a.id) FROM agreement a
                       JOIN agreement_party ap ON ap.agreement_id = a.id
                       JOIN partner p ON p.id = ap.partner_id
                      WHERE {aw} GROUP BY 1 ORDER BY 1"
                )
            }
            CountBy::Sdg => {
                let sums: Vec<String> = (1..=17)
                    .map(|n| format!("sum(instr(';' || a.sdgs || ';', ';{n};') > 0)"))
                    .collect();
                let sql = format!("SELECT {} FROM agreement a WHERE {aw}", sums.join(", "));
                let counts = self.conn.query_row(&sql, rusqlite::params_from_iter(ap.iter()), |r| {
                    (0..17)
                        .map(|i| r.get::<_, Option<i64>>(i).map(Option::unwrap_or_default))
                        .collect::<rusqlite::Result<Vec<i64>>>()
                })?;
                return Ok(counts
                    .into_iter()
                    .enumerate()
                    .filter(|(_, n)| *n > 0)
                    .map(|(i, n)| ((i + 1).to_string(), n))
                    .collect());
            }
        };
        params.extend(ap);
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?);
        }
        Ok(out)
    }
}
