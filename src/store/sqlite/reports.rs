//! What reports read: counts grouped in SQL, and a stream of lean rows that
//! `crate::report` aggregates in one pass, so a million agreements never sit in memory.

use rusqlite::types::Value;
use std::collections::HashMap;

use super::agreements::PartyScan;
use super::filter::{
    agreement_where, engagement_status_params, engagement_where, partner_where, status_params,
    ENGAGEMENT_STATUS_SQL, STATUS_SQL,
};
use super::Store;
use crate::dates::{iso, parse_stored, Date, Period};
use crate::error::Result;
use crate::model::{Category, EngagementKind, Kind};
use crate::query::Filter;

pub use crate::report::engagements::EngagementRow;
pub use crate::report::{CountBy, ReportRow};

/// The partners of every engagement, in engagement order: merged with a scan of engagements
/// in id order (see [`PartyScan`]).
const ENGAGEMENT_PARTNERS_SQL: &str =
    "SELECT engagement_id, partner_id FROM engagement_partner ORDER BY engagement_id, position";

/// `;`-joined goals as a bit set (bit n-1 for SDG n); anything else is left out.
fn sdg_bits(stored: &str) -> u32 {
    stored
        .split(';')
        .filter_map(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=17).contains(n))
        .fold(0, |m, n| m | 1 << (n - 1))
}

/// `SELECT key, count FROM ...` rows, as the grouped counts of `report by` read them.
fn key_counts(st: &mut rusqlite::Statement, params: &[Value]) -> Result<Vec<(String, i64)>> {
    let rows = st.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        Ok((
            r.get_ref(0)?.as_str().unwrap_or("").to_string(),
            r.get::<_, i64>(1)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r?);
    }
    Ok(out)
}

/// Counts per goal 1..17 of the rows of `table alias` matching `clause` (its column `sdgs`).
fn sdg_counts(
    conn: &rusqlite::Connection,
    from: &str,
    alias: &str,
    clause: &str,
    params: &[Value],
) -> Result<Vec<(String, i64)>> {
    let sums: Vec<String> = (1..=17)
        .map(|n| format!("sum(instr(';' || {alias}.sdgs || ';', ';{n};') > 0)"))
        .collect();
    let sql = format!("SELECT {} FROM {from} WHERE {clause}", sums.join(", "));
    let counts = conn.query_row(&sql, rusqlite::params_from_iter(params.iter()), |r| {
        (0..17)
            .map(|i| r.get::<_, Option<i64>>(i).map(Option::unwrap_or_default))
            .collect::<rusqlite::Result<Vec<i64>>>()
    })?;
    Ok(counts
        .into_iter()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .map(|(i, n)| ((i + 1).to_string(), n))
        .collect())
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
            row.sdgs = sdg_bits(r.get_ref(7)?.as_str().unwrap_or(""));
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
            CountBy::Sdg => return sdg_counts(&self.conn, "agreement a", "a", &aw, &ap),
        };
        params.extend(ap);
        key_counts(&mut self.conn.prepare(&sql)?, &params)
    }

    /// Streams the engagements matching `filter` (and starting within `starts_in`, when
    /// given) as [`EngagementRow`]s. A whole scan merges one ordered pass over their partners;
    /// a stretch of time reads the starting dates' index and each engagement's partners by
    /// its key, so a year of a million engagements costs what the year holds.
    pub fn for_each_engagement_row(
        &self,
        filter: &Filter,
        starts_in: Option<Period>,
        mut f: impl FnMut(&EngagementRow) -> Result<()>,
    ) -> Result<()> {
        let (mut clause, mut params) = engagement_where(filter);
        if let Some(p) = starts_in {
            clause.push_str(" AND e.starts_on BETWEEN ? AND ?");
            params.push(Value::Text(iso(p.start)));
            params.push(Value::Text(iso(p.end)));
        }
        let order = if starts_in.is_some() {
            ""
        } else {
            " ORDER BY e.id"
        };
        let mut st = self.conn.prepare(&format!(
            "SELECT e.id, e.kind, e.starts_on, e.cancelled, e.participants, e.sdgs
               FROM engagement e WHERE {clause}{order}"
        ))?;
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        let mut merged_st = self.conn.prepare(ENGAGEMENT_PARTNERS_SQL)?;
        let mut merged = match starts_in {
            None => Some(PartyScan::new(merged_st.query([])?)),
            Some(_) => None,
        };
        let mut one_st = self.conn.prepare(
            "SELECT partner_id FROM engagement_partner WHERE engagement_id = ?1 ORDER BY position",
        )?;
        let mut row = EngagementRow {
            kind: EngagementKind::Other,
            starts_on: Date::default(),
            cancelled: false,
            participants: None,
            sdgs: 0,
            partners: Vec::new(),
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let text =
                |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str().unwrap_or("")) };
            row.kind = text(1)?.parse().unwrap_or(EngagementKind::Other);
            row.starts_on = parse_stored(text(2)?).unwrap_or_default();
            row.cancelled = r.get_ref(3)?.as_i64().is_ok_and(|n| n != 0);
            row.participants = r
                .get_ref(4)?
                .as_i64()
                .ok()
                .and_then(|n| u32::try_from(n).ok());
            row.sdgs = sdg_bits(text(5)?);
            match merged.as_mut() {
                Some(scan) => scan.ids_of(id, &mut row.partners)?,
                None => {
                    row.partners.clear();
                    let mut ps = one_st.query([id])?;
                    while let Some(p) = ps.next()? {
                        row.partners.push(p.get(0)?);
                    }
                }
            }
            f(&row)?;
        }
        Ok(())
    }

    /// Engagements matching `filter`, counted per value of `by`: an engagement counts once
    /// under each of its goals, and once under each category or partner among its partners;
    /// the country is where it was held; year and quarter are of its start.
    pub fn count_engagements_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>> {
        let (ew, ep) = engagement_where(filter);
        let mut params = Vec::new();
        let sql = match by {
            CountBy::Kind => format!("SELECT e.kind, count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"),
            CountBy::Status => {
                engagement_status_params(filter.as_of, &mut params);
                format!("SELECT {ENGAGEMENT_STATUS_SQL}, count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1")
            }
            CountBy::Country => format!(
                "SELECT coalesce(e.country, ''), count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Year => format!(
                "SELECT substr(e.starts_on, 1, 4), count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"
            ),
            CountBy::Quarter => format!(
                "SELECT substr(e.starts_on, 1, 4) || 'Q' || ((CAST(substr(e.starts_on, 6, 2) AS INTEGER) + 2) / 3),
                        count(*) FROM engagement e WHERE {ew} GROUP BY 1 ORDER BY 1"
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
            CountBy::Sdg => return sdg_counts(&self.conn, "engagement e", "e", &ew, &ep),
        };
        params.extend(ep);
        key_counts(&mut self.conn.prepare(&sql)?, &params)
    }
}
