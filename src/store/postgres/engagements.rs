//! Engagements: storage, lookup by ref or id, refs and their marks, series, and streaming
//! reads under a filter.

use postgres::types::ToSql;
use postgres::Row;

use super::filter::{
    engagement_order, engagement_status_params, engagement_where, ENGAGEMENT_STATUS_SQL,
};
use super::{Params, Store};
use crate::dates::{iso, Date};
use crate::error::{Error, Result};
use crate::model::{
    engagement_ref_mark, ref_key, split_list, Engagement, EngagementKind, EngagementStatus, Stored,
    StoredRow, ENGAGEMENT_PREFIX,
};
use crate::query::Filter;
use crate::store::EngagementLinks;

/// Engagement rows, with the status (column 21) at the date bound first, twice.
fn select_sql() -> String {
    select_sql_with("")
}

/// [`select_sql`] with `extra` columns after the status (`, e.x, e.y`).
fn select_sql_with(extra: &str) -> String {
    format!(
        "SELECT e.id, e.ref, e.kind, e.title, \
           (SELECT string_agg(p.key, ';' ORDER BY ep.position) FROM engagement_partner ep \
              JOIN partner p ON p.id = ep.partner_id WHERE ep.engagement_id = e.id), \
           e.starts_on, e.ends_on, e.place, e.country, \
           (SELECT g.ref FROM agreement g WHERE g.id = e.agreement_id), \
           (SELECT s.ref FROM engagement s WHERE s.id = e.part_of_id), \
           e.sdgs, e.tags, e.participants, e.outcome, e.notes, e.document, e.cancelled, e.public, \
           e.created_at, e.updated_at, {ENGAGEMENT_STATUS_SQL}{extra} \
         FROM engagement e"
    )
}

fn engagement_from_row(r: &Row) -> (Engagement, EngagementStatus) {
    let sdgs: String = r.get(11);
    let e = Engagement {
        id: r.get(0),
        reference: r.get(1),
        kind: r
            .get::<_, String>(2)
            .parse()
            .unwrap_or(EngagementKind::Other),
        title: r.get(3),
        partners: r
            .get::<_, Option<String>>(4)
            .map(|p| split_list(&p))
            .unwrap_or_default(),
        starts_on: r.get(5),
        ends_on: r.get(6),
        place: r.get(7),
        country: r.get(8),
        agreement: r.get(9),
        part_of: r.get(10),
        sdgs: sdgs.split(';').filter_map(|s| s.parse().ok()).collect(),
        tags: split_list(&r.get::<_, String>(12)),
        participants: r
            .get::<_, Option<i32>>(13)
            .and_then(|n| u32::try_from(n).ok()),
        outcome: r.get(14),
        notes: r.get(15),
        document: r.get(16),
        cancelled: r.get(17),
        public: r.get(18),
        created_at: r.get(19),
        updated_at: r.get(20),
    };
    let status = r
        .get::<_, String>(21)
        .parse()
        .unwrap_or(EngagementStatus::Held);
    (e, status)
}

/// An engagement's stored columns as INSERT and UPDATE number them ($1..$22).
fn columns(e: &Engagement, links: &EngagementLinks) -> Params {
    let norm = crate::text::normalize;
    vec![
        Box::new(e.reference.clone()),
        Box::new(ref_key(e.reference.trim())),
        Box::new(e.kind.as_str()),
        Box::new(e.title.clone()),
        Box::new(norm(&e.title)),
        Box::new(e.starts_on),
        Box::new(e.ends_on),
        Box::new(e.place.clone()),
        Box::new(norm(e.place.as_deref().unwrap_or(""))),
        Box::new(e.country.clone()),
        Box::new(links.agreement_id),
        Box::new(links.part_of_id),
        Box::new(crate::model::join_sdgs(&e.sdgs)),
        Box::new(e.tags.join(";")),
        Box::new(e.participants.map(|n| i32::try_from(n).unwrap_or(i32::MAX))),
        Box::new(e.outcome.clone()),
        Box::new(e.notes.clone()),
        Box::new(e.document.clone()),
        Box::new(e.cancelled),
        Box::new(e.public),
        Box::new(e.created_at.clone()),
        Box::new(e.updated_at.clone()),
    ]
}

impl Store {
    fn engagement_one(
        &self,
        clause: &str,
        as_of: Date,
        value: &(dyn ToSql + Sync),
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        let sql = format!("{} WHERE {clause}", select_sql());
        Ok(self
            .opt(&super::numbered(&sql), &[&as_of, &as_of, value])?
            .map(|r| engagement_from_row(&r)))
    }

    pub fn engagement_by_id(
        &self,
        id: i64,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        self.engagement_one("e.id = ?", as_of, &id)
    }

    pub fn try_find_engagement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        let key = ref_key(name.trim());
        if let Some(found) = self.engagement_one("e.ref_key = ?", as_of, &key)? {
            return Ok(Some(found));
        }
        match name.trim().parse::<i64>() {
            Ok(id) => self.engagement_by_id(id, as_of),
            Err(_) => Ok(None),
        }
    }

    pub fn find_engagement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<(Engagement, EngagementStatus)> {
        if let Some(found) = self.try_find_engagement(name, as_of)? {
            return Ok(found);
        }
        let near = self.nearest_in("engagement", name, 3)?;
        let e = Error::input(format!("unknown engagement '{name}'"));
        Err(if near.is_empty() {
            e.with_hint("list engagements with `mou list engagements`")
        } else {
            e.with_hint(format!("did you mean {}?", near.join(", ")))
        })
    }

    pub fn next_engagement_ref(&self, year: i32) -> Result<String> {
        let prefix = format!("{ENGAGEMENT_PREFIX}-{year:04}");
        let max = self.highest_seq(
            "engagement",
            &prefix,
            &format!("{}-", prefix.to_ascii_lowercase()),
            |r| engagement_ref_mark(r).map(|(_, seq)| seq),
        )?;
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
            self.raise_mark(&format!("{ENGAGEMENT_PREFIX}-{year:04}"), seq)?;
        }
        Ok(())
    }

    pub fn engagement_ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT 1 FROM engagement WHERE ref_key = $1 AND id IS DISTINCT FROM $2",
                &[&ref_key(reference.trim()), &except],
            )?
            .is_some())
    }

    pub fn insert_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<i64> {
        let id = self.next_id("engagement")?;
        self.insert_engagement_as(id, e, links)
    }

    /// Inserts an engagement with id `id`.
    pub(super) fn insert_engagement_as(
        &self,
        id: i64,
        e: &Engagement,
        links: &EngagementLinks,
    ) -> Result<i64> {
        let mut p = columns(e, links);
        p.push(Box::new(id));
        let st = self.prepared(
            "INSERT INTO engagement (ref, ref_key, kind, title, title_norm, starts_on, ends_on,
                place, place_norm, country, agreement_id, part_of_id, sdgs, tags, participants,
                outcome, notes, document, cancelled, public, created_at, updated_at, id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                $18, $19, $20, $21, $22, $23)
             ON CONFLICT (ref_key) DO NOTHING",
        )?;
        if self.client.borrow_mut().execute(&st, &super::refs(&p))? == 0 {
            return Err(Error::field(
                "ref",
                &e.reference,
                "another engagement has this ref; choose another",
            ));
        }
        self.write_engagement_partners(id, &links.partner_ids)?;
        self.raise_engagement_mark(&e.reference)?;
        Ok(id)
    }

    pub fn update_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()> {
        let mut p = columns(e, links);
        p.push(Box::new(e.id));
        let st = self.prepared(
            "UPDATE engagement SET ref = $1, ref_key = $2, kind = $3, title = $4, title_norm = $5,
                starts_on = $6, ends_on = $7, place = $8, place_norm = $9, country = $10,
                agreement_id = $11, part_of_id = $12, sdgs = $13, tags = $14, participants = $15,
                outcome = $16, notes = $17, document = $18, cancelled = $19, public = $20,
                updated_at = $22
              WHERE id = $23 AND $21::text IS NOT NULL",
        )?;
        self.client.borrow_mut().execute(&st, &super::refs(&p))?;
        self.write_engagement_partners(e.id, &links.partner_ids)?;
        self.raise_engagement_mark(&e.reference)
    }

    fn write_engagement_partners(&self, id: i64, partner_ids: &[i64]) -> Result<()> {
        self.exec(
            "DELETE FROM engagement_partner WHERE engagement_id = $1",
            &[&id],
        )?;
        self.exec(
            "INSERT INTO engagement_partner (engagement_id, position, partner_id)
             SELECT $1, (p.n - 1)::int, p.id FROM unnest($2::bigint[]) WITH ORDINALITY AS p (id, n)",
            &[&id, &partner_ids],
        )?;
        Ok(())
    }

    pub fn delete_engagement(&self, id: i64) -> Result<()> {
        self.exec("DELETE FROM engagement WHERE id = $1", &[&id])?;
        Ok(())
    }

    pub fn engagement_links(&self, id: i64) -> Result<EngagementLinks> {
        let (agreement_id, part_of_id) = self
            .opt(
                "SELECT agreement_id, part_of_id FROM engagement WHERE id = $1",
                &[&id],
            )?
            .map(|r| (r.get(0), r.get(1)))
            .unwrap_or((None, None));
        let partner_ids = self
            .all(
                "SELECT partner_id FROM engagement_partner WHERE engagement_id = $1 ORDER BY position",
                &[&id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(EngagementLinks {
            partner_ids,
            agreement_id,
            part_of_id,
        })
    }

    fn strings(&self, sql: &str, id: i64) -> Result<Vec<String>> {
        Ok(self.all(sql, &[&id])?.iter().map(|r| r.get(0)).collect())
    }

    pub fn engagement_parts(&self, id: i64) -> Result<Vec<String>> {
        self.strings(
            "SELECT ref FROM engagement WHERE part_of_id = $1 ORDER BY starts_on, id",
            id,
        )
    }

    pub fn engagements_under(&self, agreement_id: i64) -> Result<Vec<String>> {
        self.strings(
            "SELECT ref FROM engagement WHERE agreement_id = $1 ORDER BY starts_on, id",
            agreement_id,
        )
    }

    pub fn engagement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>> {
        Ok(self
            .all(
                "SELECT DISTINCT engagement_id FROM engagement_partner WHERE partner_id = $1
                 ORDER BY engagement_id",
                &[&partner_id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    pub fn engagement_series(&self, part_of_id: i64) -> Result<Vec<(i64, String)>> {
        let mut out: Vec<(i64, String)> = Vec::new();
        let mut next = Some(part_of_id);
        while let Some(id) = next {
            if out.iter().any(|(seen, _)| *seen == id) {
                break;
            }
            let Some(r) = self.opt(
                "SELECT ref, part_of_id FROM engagement WHERE id = $1",
                &[&id],
            )?
            else {
                break;
            };
            out.push((id, r.get(0)));
            next = r.get(1);
        }
        Ok(out)
    }

    pub fn engagement_count(&self) -> Result<u64> {
        Ok(self.count("SELECT count(*) FROM engagement", &[])?.max(0) as u64)
    }

    pub fn count_engagements(&self, filter: &Filter) -> Result<i64> {
        let (clause, params) = engagement_where(filter);
        let sql = format!("SELECT count(*) FROM engagement e WHERE {clause}");
        Ok(self.one_boxed(&sql, &params)?.get(0))
    }

    pub fn for_each_engagement(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Engagement, EngagementStatus) -> Result<()>,
    ) -> Result<()> {
        let mut params: Params = Vec::new();
        engagement_status_params(filter.as_of, &mut params);
        let (clause, where_params) = engagement_where(filter);
        params.extend(where_params);
        let order = engagement_order(filter, &mut params)?;
        let sql = format!("{} WHERE {clause}{order}", select_sql());
        self.each(&sql, &params, |r| {
            let (e, s) = engagement_from_row(r);
            f(e, s)
        })
    }

    /// Every engagement as stored, its link ids among the values, and as mou reads it, in
    /// id order: one scan through a cursor (what `mou check` and a dump read).
    pub fn for_each_stored_engagement(
        &self,
        f: &mut dyn FnMut(StoredRow, Engagement) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "{} ORDER BY e.id",
            select_sql_with(", e.agreement_id, e.part_of_id")
        );
        let mut params = Params::new();
        engagement_status_params(Date::default(), &mut params);
        self.each(&sql, &params, |r| {
            let text = |i: usize| Stored::Text(r.get(i));
            let opt = |i: usize| {
                r.get::<_, Option<String>>(i)
                    .map_or(Stored::Null, Stored::Text)
            };
            let int = |n: Option<i64>| n.map_or(Stored::Null, Stored::Integer);
            let (e, _) = engagement_from_row(r);
            let values = vec![
                ("ref", text(1)),
                ("kind", text(2)),
                ("title", text(3)),
                ("starts_on", Stored::Text(iso(e.starts_on))),
                ("ends_on", Stored::Text(iso(e.ends_on))),
                ("place", opt(7)),
                ("country", opt(8)),
                ("agreement_id", int(r.get(22))),
                ("part_of_id", int(r.get(23))),
                ("sdgs", text(11)),
                ("tags", text(12)),
                (
                    "participants",
                    int(r.get::<_, Option<i32>>(13).map(i64::from)),
                ),
                ("outcome", opt(14)),
                ("notes", opt(15)),
                ("document", opt(16)),
                ("cancelled", Stored::Integer(i64::from(e.cancelled))),
                ("public", Stored::Integer(i64::from(e.public))),
                ("created_at", text(19)),
                ("updated_at", text(20)),
            ];
            let row = StoredRow {
                id: e.id,
                values,
                aliases: Vec::new(),
            };
            f(row, e)
        })
    }
}
