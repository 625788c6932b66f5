//! Engagements: storage, lookup by ref or id, refs and their marks, series, and streaming
//! reads under a filter.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};

use super::agreements::{opt_text_col, text_col};
use super::filter::{
    engagement_order, engagement_status_params, engagement_where, ENGAGEMENT_STATUS_SQL,
};
use super::Store;
use crate::dates::{iso, parse_stored, Date};
use crate::error::{Error, Result};
use crate::model::{
    engagement_ref_mark, ref_key, ref_norm, split_list, Engagement, EngagementKind,
    EngagementStatus, ENGAGEMENT_PREFIX,
};
use crate::query::Filter;
use crate::store::EngagementLinks;

/// Selects engagement rows: the partners' keys, the agreement's and the series' refs by a
/// lookup per row (through their primary keys), and the status as column 21 (its date bound
/// first, twice: see [`engagement_status_params`]).
fn select_sql() -> String {
    format!(
        "SELECT e.id, e.ref, e.kind, e.title, \
           (SELECT group_concat(p.key, ';' ORDER BY ep.position) FROM engagement_partner ep \
              JOIN partner p ON p.id = ep.partner_id WHERE ep.engagement_id = e.id), \
           e.starts_on, e.ends_on, e.place, e.country, \
           (SELECT g.ref FROM agreement g WHERE g.id = e.agreement_id), \
           (SELECT s.ref FROM engagement s WHERE s.id = e.part_of_id), \
           e.sdgs, e.tags, e.participants, e.outcome, e.notes, e.document, e.cancelled, e.public, \
           e.created_at, e.updated_at, {ENGAGEMENT_STATUS_SQL} \
         FROM engagement e"
    )
}

fn date_of(r: &Row, i: usize) -> rusqlite::Result<Date> {
    Ok(r.get_ref(i)?
        .as_str()
        .ok()
        .and_then(|s| parse_stored(s).ok())
        .unwrap_or_default())
}

fn flag(r: &Row, i: usize) -> rusqlite::Result<bool> {
    Ok(r.get_ref(i)?.as_i64().is_ok_and(|n| n != 0))
}

/// An engagement as mou reads it, with the status the SQL rule gave (column 21).
fn engagement_from_row(r: &Row) -> rusqlite::Result<(Engagement, EngagementStatus)> {
    let kind = text_col(r, 2)?.parse().unwrap_or(EngagementKind::Other);
    let sdgs = text_col(r, 11)?;
    let e = Engagement {
        id: r.get(0)?,
        reference: text_col(r, 1)?,
        kind,
        title: text_col(r, 3)?,
        partners: opt_text_col(r, 4)?
            .map(|p| split_list(&p))
            .unwrap_or_default(),
        starts_on: date_of(r, 5)?,
        ends_on: date_of(r, 6)?,
        place: opt_text_col(r, 7)?,
        country: opt_text_col(r, 8)?,
        agreement: opt_text_col(r, 9)?,
        part_of: opt_text_col(r, 10)?,
        sdgs: sdgs.split(';').filter_map(|s| s.parse().ok()).collect(),
        tags: split_list(&text_col(r, 12)?),
        participants: r
            .get_ref(13)?
            .as_i64()
            .ok()
            .and_then(|n| u32::try_from(n).ok()),
        outcome: opt_text_col(r, 14)?,
        notes: opt_text_col(r, 15)?,
        document: opt_text_col(r, 16)?,
        cancelled: flag(r, 17)?,
        public: flag(r, 18)?,
        created_at: text_col(r, 19)?,
        updated_at: text_col(r, 20)?,
    };
    let status = text_col(r, 21)?.parse().unwrap_or(EngagementStatus::Held);
    Ok((e, status))
}

/// Binds an engagement's stored columns as INSERT and UPDATE number them (?1..?21).
pub(super) fn bind_columns(
    st: &mut rusqlite::Statement,
    e: &Engagement,
    links: &EngagementLinks,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(1, &e.reference)?;
    st.raw_bind_parameter(2, ref_norm(&e.reference))?;
    st.raw_bind_parameter(3, e.kind.as_str())?;
    st.raw_bind_parameter(4, &e.title)?;
    st.raw_bind_parameter(5, iso(e.starts_on))?;
    st.raw_bind_parameter(6, iso(e.ends_on))?;
    st.raw_bind_parameter(7, &e.place)?;
    st.raw_bind_parameter(8, &e.country)?;
    st.raw_bind_parameter(9, links.agreement_id)?;
    st.raw_bind_parameter(10, links.part_of_id)?;
    st.raw_bind_parameter(11, crate::model::join_sdgs(&e.sdgs))?;
    st.raw_bind_parameter(12, e.tags.join(";"))?;
    st.raw_bind_parameter(13, e.participants)?;
    st.raw_bind_parameter(14, &e.outcome)?;
    st.raw_bind_parameter(15, &e.notes)?;
    st.raw_bind_parameter(16, &e.document)?;
    st.raw_bind_parameter(17, e.cancelled)?;
    st.raw_bind_parameter(18, e.public)?;
    st.raw_bind_parameter(19, &e.created_at)?;
    st.raw_bind_parameter(20, &e.updated_at)
}

impl Store {
    fn engagement_where_sql(
        &self,
        clause: &str,
        as_of: Date,
        value: Value,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        let sql = format!("{} WHERE {clause}", select_sql());
        let mut params = Vec::new();
        engagement_status_params(as_of, &mut params);
        params.push(value);
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(
                rusqlite::params_from_iter(params.iter()),
                engagement_from_row,
            )
            .optional()?)
    }

    pub fn engagement_by_ref(
        &self,
        reference: &str,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        self.engagement_where_sql(
            "coalesce(e.ref_norm, lower(e.ref)) = ?",
            as_of,
            Value::Text(ref_key(reference.trim())),
        )
    }

    pub fn engagement_by_id(
        &self,
        id: i64,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        self.engagement_where_sql("e.id = ?", as_of, Value::Integer(id))
    }

    /// An engagement by ref (any case) or id, or None.
    pub fn try_find_engagement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        if let Some(found) = self.engagement_by_ref(name, as_of)? {
            return Ok(Some(found));
        }
        match name.trim().parse::<i64>() {
            Ok(id) => self.engagement_by_id(id, as_of),
            Err(_) => Ok(None),
        }
    }

    /// An engagement by ref or id; an unknown one is an error listing the nearest refs.
    pub fn find_engagement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<(Engagement, EngagementStatus)> {
        if let Some(found) = self.try_find_engagement(name, as_of)? {
            return Ok(found);
        }
        let target = name.trim().to_ascii_uppercase();
        let mut st = self.conn.prepare("SELECT ref FROM engagement")?;
        let mut scored: Vec<(f64, String)> = Vec::new();
        for r in st.query_map([], |r| text_col(r, 0))? {
            let r = r?;
            let score = strsim::normalized_levenshtein(&target, &r.to_ascii_uppercase());
            if score >= 0.5 {
                scored.push((score, r));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let near: Vec<String> = scored.into_iter().take(3).map(|(_, r)| r).collect();
        let e = Error::input(format!("unknown engagement '{name}'"));
        Err(if near.is_empty() {
            e.with_hint("list engagements with `mou list engagements`")
        } else {
            e.with_hint(format!("did you mean {}?", near.join(", ")))
        })
    }

    /// The next generated engagement ref of `year`: after every `ENG-<year>-<seq>` ever
    /// written (the mark in `ref_mark`) and every one in the table.
    pub fn next_engagement_ref(&self, year: i32) -> Result<String> {
        let prefix = format!("{ENGAGEMENT_PREFIX}-{year:04}");
        let mark: i64 = self
            .conn
            .prepare_cached("SELECT seq FROM ref_mark WHERE prefix = ?1")?
            .query_row([&prefix], |r| Ok(r.get_ref(0)?.as_i64().unwrap_or(0)))
            .optional()?
            .unwrap_or(0);
        let mut max = u32::try_from(mark.max(0)).unwrap_or(u32::MAX);
        let key = format!("{}-", prefix.to_ascii_lowercase());
        let mut st = self.conn.prepare_cached(
            "SELECT ref FROM engagement WHERE coalesce(ref_norm, lower(ref)) >= ?1
               AND coalesce(ref_norm, lower(ref)) < ?2",
        )?;
        let mut rows = st.query([&key, &format!("{}.", &key[..key.len() - 1])])?;
        while let Some(r) = rows.next()? {
            if let Some((_, seq)) = r.get_ref(0)?.as_str().ok().and_then(engagement_ref_mark) {
                max = max.max(seq);
            }
        }
        if max >= crate::model::MAX_REF_SEQ {
            return Err(Error::input(format!(
                "no generated ref is left for {prefix}-: the last sequence number, {}, is taken",
                crate::model::MAX_REF_SEQ
            ))
            .with_hint("give the engagement a ref of its own with --ref (or a ref column)"));
        }
        Ok(format!("{prefix}-{:03}", max + 1))
    }

    fn raise_engagement_mark(&self, reference: &str) -> Result<()> {
        if let Some((year, seq)) = engagement_ref_mark(reference) {
            self.conn
                .prepare_cached(
                    "INSERT INTO ref_mark (prefix, seq) VALUES (?1, ?2)
                     ON CONFLICT (prefix) DO UPDATE SET seq = max(seq, excluded.seq)",
                )?
                .execute(params![format!("{ENGAGEMENT_PREFIX}-{year:04}"), seq])?;
        }
        Ok(())
    }

    pub fn engagement_ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM engagement WHERE coalesce(ref_norm, lower(ref)) = ?1 AND id IS NOT ?2",
            )?
            .query_row(params![ref_key(reference.trim()), except], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Inserts an engagement (its `id` is ignored) with its links; returns the new id.
    pub fn insert_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<i64> {
        self.insert_engagement_as(None, e, links)
    }

    /// Inserts an engagement with id `id` (None: the next free one).
    pub(super) fn insert_engagement_as(
        &self,
        id: Option<i64>,
        e: &Engagement,
        links: &EngagementLinks,
    ) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO engagement (ref, ref_norm, kind, title, starts_on, ends_on, place, country,
                agreement_id, part_of_id, sdgs, tags, participants, outcome, notes, document,
                cancelled, public, created_at, updated_at, id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21)
             ON CONFLICT (coalesce(ref_norm, lower(ref))) DO NOTHING",
        )?;
        bind_columns(&mut st, e, links)?;
        st.raw_bind_parameter(21, id)?;
        if st.raw_execute()? == 0 {
            return Err(Error::field(
                "ref",
                &e.reference,
                "another engagement has this ref; choose another",
            ));
        }
        let id = self.conn.last_insert_rowid();
        self.write_engagement_partners(id, &links.partner_ids)?;
        self.raise_engagement_mark(&e.reference)?;
        Ok(id)
    }

    /// Rewrites every field of engagement `e.id` and its links (`created_at` is kept).
    pub fn update_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "UPDATE engagement SET ref = ?1, ref_norm = ?2, kind = ?3, title = ?4, starts_on = ?5,
                ends_on = ?6, place = ?7, country = ?8, agreement_id = ?9, part_of_id = ?10,
                sdgs = ?11, tags = ?12, participants = ?13, outcome = ?14, notes = ?15,
                document = ?16, cancelled = ?17, public = ?18, updated_at = ?20
             WHERE id = ?21 AND ?19 IS NOT NULL",
        )?;
        bind_columns(&mut st, e, links)?;
        st.raw_bind_parameter(21, e.id)?;
        st.raw_execute()?;
        self.write_engagement_partners(e.id, &links.partner_ids)?;
        self.raise_engagement_mark(&e.reference)
    }

    fn write_engagement_partners(&self, id: i64, partner_ids: &[i64]) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM engagement_partner WHERE engagement_id = ?1")?
            .execute([id])?;
        let mut st = self.conn.prepare_cached(
            "INSERT INTO engagement_partner (engagement_id, position, partner_id) VALUES (?1, ?2, ?3)",
        )?;
        for (i, p) in partner_ids.iter().enumerate() {
            st.execute(params![id, i as i64, p])?;
        }
        Ok(())
    }

    pub fn delete_engagement(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM engagement WHERE id = ?1", [id])?;
        Ok(())
    }

    /// The partner ids of an engagement, agreement id and series id as stored.
    pub fn engagement_links(&self, id: i64) -> Result<EngagementLinks> {
        let (agreement_id, part_of_id) = self
            .conn
            .query_row(
                "SELECT agreement_id, part_of_id FROM engagement WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, None));
        let partner_ids = self
            .conn
            .prepare_cached(
                "SELECT partner_id FROM engagement_partner WHERE engagement_id = ?1 ORDER BY position",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(EngagementLinks {
            partner_ids,
            agreement_id,
            part_of_id,
        })
    }

    /// Refs of the engagements whose column `column` (a fixed name) holds `id`, in the
    /// order recorded.
    fn engagement_refs_where(&self, sql: &str, id: i64) -> Result<Vec<String>> {
        let v = self
            .conn
            .prepare_cached(sql)?
            .query_map([id], |r| text_col(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// The engagements that belong to engagement `id` (its series).
    pub fn engagement_parts(&self, id: i64) -> Result<Vec<String>> {
        self.engagement_refs_where(
            "SELECT ref FROM engagement WHERE part_of_id = ?1 ORDER BY starts_on, id",
            id,
        )
    }

    /// The engagements held under agreement `id`.
    pub fn engagements_under(&self, agreement_id: i64) -> Result<Vec<String>> {
        self.engagement_refs_where(
            "SELECT ref FROM engagement WHERE agreement_id = ?1 ORDER BY starts_on, id",
            agreement_id,
        )
    }

    /// Engagement ids a partner takes part in.
    pub fn engagement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>> {
        let v = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT engagement_id FROM engagement_partner WHERE partner_id = ?1
                 ORDER BY engagement_id",
            )?
            .query_map([partner_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    }

    /// The series `part_of_id` belongs to, upwards: (id, ref) of it, the one it is part of,
    /// and so on, stopping at the first id seen twice (a loop written behind mou's back).
    pub fn engagement_series(&self, part_of_id: i64) -> Result<Vec<(i64, String)>> {
        let mut out: Vec<(i64, String)> = Vec::new();
        let mut next = Some(part_of_id);
        let mut st = self
            .conn
            .prepare_cached("SELECT ref, part_of_id FROM engagement WHERE id = ?1")?;
        while let Some(id) = next {
            if out.iter().any(|(seen, _)| *seen == id) {
                break;
            }
            let row: Option<(String, Option<i64>)> = st
                .query_row([id], |r| Ok((text_col(r, 0)?, r.get(1)?)))
                .optional()?;
            let Some((reference, up)) = row else { break };
            out.push((id, reference));
            next = up;
        }
        Ok(out)
    }

    pub fn engagement_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM engagement", [], |r| {
                r.get::<_, i64>(0)
            })?
            .max(0) as u64)
    }

    pub fn count_engagements(&self, filter: &Filter) -> Result<i64> {
        let (clause, params) = engagement_where(filter);
        Ok(self.conn.query_row(
            &format!("SELECT count(*) FROM engagement e WHERE {clause}"),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?)
    }

    /// Calls `f` with each engagement matching `filter` and its status at the filter's date,
    /// in the filter's order (starting date, then as recorded, by default).
    pub fn for_each_engagement(
        &self,
        filter: &Filter,
        mut f: impl FnMut(Engagement, EngagementStatus) -> Result<()>,
    ) -> Result<()> {
        let mut params = Vec::new();
        engagement_status_params(filter.as_of, &mut params);
        let (clause, where_params) = engagement_where(filter);
        params.extend(where_params);
        let order = engagement_order(filter, &mut params)?;
        let sql = format!("{} WHERE {clause}{order}", select_sql());
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let (e, s) = engagement_from_row(r)?;
            f(e, s)?;
        }
        Ok(())
    }
}

/// The stored columns `mou check` reads, by their place in [`stored_sql`].
const STORED_COLUMNS: &[(usize, &str)] = &[
    (1, "ref"),
    (22, "ref_norm"),
    (2, "kind"),
    (3, "title"),
    (5, "starts_on"),
    (6, "ends_on"),
    (7, "place"),
    (8, "country"),
    (23, "agreement_id"),
    (24, "part_of_id"),
    (11, "sdgs"),
    (12, "tags"),
    (13, "participants"),
    (14, "outcome"),
    (15, "notes"),
    (16, "document"),
    (17, "cancelled"),
    (18, "public"),
    (19, "created_at"),
    (20, "updated_at"),
];

impl Store {
    /// Every engagement as stored (its link ids included) and as mou reads it, in id order.
    pub fn for_each_stored_engagement(
        &self,
        f: &mut dyn FnMut(crate::model::StoredRow, Engagement) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "{}, e.ref_norm, e.agreement_id, e.part_of_id FROM engagement e ORDER BY e.id",
            select_sql()
                .strip_suffix(" FROM engagement e")
                .unwrap_or_default()
        );
        let mut params = Vec::new();
        engagement_status_params(crate::dates::Date::default(), &mut params);
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let values = STORED_COLUMNS
                .iter()
                .map(|(i, c)| Ok((*c, super::agreements::stored(r.get_ref(*i)?))))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let row = crate::model::StoredRow {
                id: r.get(0)?,
                values,
                aliases: Vec::new(),
            };
            f(row, engagement_from_row(r)?.0)?;
        }
        Ok(())
    }
}
