//! Aggregates for reports. Each figure is computed in SQL over ISO-text dates so that a
//! million agreements are counted in a few passes, without loading rows into memory.

use rusqlite::types::Value;

use super::filter::{
    active_params, agreement_where, partner_where, status_params, ACTIVE_ON_SQL, STATUS_SQL,
};
use super::Store;
use crate::dates::{iso, Date, Period};
use crate::error::{Error, Result};
use crate::model::{Category, Kind, Status};
use crate::query::Filter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBy {
    Category,
    Country,
    Kind,
    Status,
    Sdg,
    Year,
    Quarter,
}

impl CountBy {
    pub const NAMES: &'static str = "category, country, kind, status, sdg, year, quarter";

    pub fn parse(s: &str) -> std::result::Result<CountBy, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "category" => CountBy::Category,
            "country" => CountBy::Country,
            "kind" => CountBy::Kind,
            "status" => CountBy::Status,
            "sdg" => CountBy::Sdg,
            "year" => CountBy::Year,
            "quarter" => CountBy::Quarter,
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
        }
    }
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

/// One quarter's figures; see the README for each one's exact definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterFigures {
    pub period: Period,
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

fn day_before(d: Date) -> Result<Date> {
    d.pred_opt()
        .ok_or_else(|| Error::input("date out of range"))
}

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

    pub fn summary(&self, filter: &Filter) -> Result<Summary> {
        let (pw, pp) = partner_where(filter);
        let partners_by_category = self.counts_by(
            &format!("SELECT p.category, count(*) FROM partner p WHERE {pw} GROUP BY p.category"),
            &pp,
            Category::ALL,
            |s| s.parse().ok(),
        )?;
        let (aw, ap) = agreement_where(filter);
        let mut params = Vec::new();
        status_params(filter.as_of, &mut params);
        params.extend(ap.iter().cloned());
        let mut st = self.conn.prepare(&format!(
            "SELECT a.kind, {STATUS_SQL}, count(*) FROM agreement a WHERE {aw} GROUP BY 1, 2"
        ))?;
        let mut by_kind: Vec<(Kind, i64)> = Kind::ALL.iter().map(|k| (*k, 0)).collect();
        let mut by_status: Vec<(Status, i64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let status: String = r.get(1)?;
            let n: i64 = r.get(2)?;
            if let Some(slot) = by_kind.iter_mut().find(|(k, _)| k.as_str() == kind) {
                slot.1 += n;
            }
            if let Some(slot) = by_status.iter_mut().find(|(s, _)| s.as_str() == status) {
                slot.1 += n;
            }
        }
        let mut params = Vec::new();
        active_params(filter.as_of, &mut params);
        params.extend(ap);
        let partners_with_active_mou: i64 = self.conn.query_row(
            &format!(
                "SELECT count(DISTINCT ap.partner_id) FROM agreement a
                   JOIN agreement_party ap ON ap.agreement_id = a.id
                  WHERE a.kind = 'mou' AND {ACTIVE_ON_SQL} AND {aw}"
            ),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?;
        Ok(Summary {
            partners: partners_by_category.iter().map(|(_, n)| n).sum(),
            partners_by_category,
            agreements: by_kind.iter().map(|(_, n)| n).sum(),
            agreements_by_kind: by_kind,
            agreements_by_status: by_status,
            partners_with_active_mou,
        })
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

    /// The quarterly figures for `q`, over agreements matching `filter`.
    pub fn quarter_figures(&self, q: Period, filter: &Filter) -> Result<QuarterFigures> {
        let next = q
            .shifted_quarters(1)
            .ok_or_else(|| Error::input("quarter out of range"))?;
        let (aw, ap) = agreement_where(filter);
        let t = |d: Date| Value::Text(iso(d));
        let mut params: Vec<Value> = Vec::new();
        let mut exprs: Vec<String> = Vec::new();
        let between =
            |exprs: &mut Vec<String>, params: &mut Vec<Value>, col: &str, a: Date, b: Date| {
                params.push(t(a));
                params.push(t(b));
                exprs.push(format!("sum({col} BETWEEN ? AND ?)"));
            };
        between(&mut exprs, &mut params, "a.signed_on", q.start, q.end);
        between(&mut exprs, &mut params, "a.effective_on", q.start, q.end);
        // Expired within the quarter: its first day of being expired (the day after
        // expires_on) falls in it, and it was not terminated before that.
        params.extend([t(day_before(q.start)?), t(day_before(q.end)?)]);
        exprs.push(
            "sum(a.signed_on IS NOT NULL AND a.expires_on BETWEEN ? AND ? \
             AND (a.terminated_on IS NULL OR a.terminated_on > a.expires_on))"
                .into(),
        );
        between(&mut exprs, &mut params, "a.terminated_on", q.start, q.end);
        params.extend([t(q.start), t(q.end)]);
        exprs.push("sum(a.renews IS NOT NULL AND a.signed_on BETWEEN ? AND ?)".into());
        active_params(q.end, &mut params);
        exprs.push(format!("sum({ACTIVE_ON_SQL})"));
        active_params(q.end, &mut params);
        params.extend([t(next.start), t(next.end)]);
        exprs.push(format!(
            "sum({ACTIVE_ON_SQL} AND a.expires_on BETWEEN ? AND ?)"
        ));
        for n in 1..=17 {
            active_params(q.end, &mut params);
            exprs.push(format!(
                "sum({ACTIVE_ON_SQL} AND instr(';' || a.sdgs || ';', ';{n};') > 0)"
            ));
        }
        params.extend(ap.iter().cloned());
        let sql = format!("SELECT {} FROM agreement a WHERE {aw}", exprs.join(", "));
        let v: Vec<i64> =
            self.conn
                .query_row(&sql, rusqlite::params_from_iter(params.iter()), |r| {
                    (0..exprs.len())
                        .map(|i| r.get::<_, Option<i64>>(i).map(Option::unwrap_or_default))
                        .collect()
                })?;

        let mut params = Vec::new();
        active_params(q.end, &mut params);
        params.extend(ap.iter().cloned());
        let active_partners_by_category = self.counts_by(
            &format!(
                "SELECT p.category, count(*) FROM partner p WHERE EXISTS (
                   SELECT 1 FROM agreement_party ap JOIN agreement a ON a.id = ap.agreement_id
                    WHERE ap.partner_id = p.id AND {ACTIVE_ON_SQL} AND {aw}) GROUP BY 1"
            ),
            &params,
            Category::ALL,
            |s| s.parse().ok(),
        )?;
        let mut params = ap;
        params.extend([t(q.start), t(q.end)]);
        let new_partners: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM (SELECT ap.partner_id FROM agreement_party ap
                   JOIN agreement a ON a.id = ap.agreement_id
                  WHERE a.signed_on IS NOT NULL AND {aw}
                  GROUP BY ap.partner_id HAVING min(a.signed_on) BETWEEN ? AND ?)"
            ),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?;
        Ok(QuarterFigures {
            period: q,
            signed: v[0],
            effective: v[1],
            expired: v[2],
            terminated: v[3],
            renewed: v[4],
            active_at_end: v[5],
            expiring_next_quarter: v[6],
            new_partners,
            active_partners_by_category,
            active_by_sdg: v[7..].to_vec(),
        })
    }

    /// Agreements that are due at `as_of` within `days`: active or pending, and expiring or
    /// past their notice date by `as_of + days`. Calls `f` in order of the earlier date.
    pub fn for_each_due(
        &self,
        filter: &Filter,
        until: Date,
        mut f: impl FnMut(crate::model::Agreement, Status) -> Result<()>,
    ) -> Result<()> {
        let mut due = Filter::new(filter.as_of);
        due.terms = filter.terms.clone();
        due.push(crate::query::Cond::Status(vec![
            Status::Active,
            Status::Pending,
        ]));
        let mut rows = Vec::new();
        self.for_each_agreement(&due, |a, s| {
            let reason_date = [a.notice_on(), a.expires_on]
                .into_iter()
                .flatten()
                .filter(|d| *d <= until)
                .min();
            if let Some(d) = reason_date {
                rows.push((d, a, s));
            }
            Ok(())
        })?;
        rows.sort_by(|x, y| {
            x.0.cmp(&y.0)
                .then_with(|| x.1.reference.cmp(&y.1.reference))
        });
        for (_, a, s) in rows {
            f(a, s)?;
        }
        Ok(())
    }
}
