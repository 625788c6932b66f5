//! Renewal chains: which agreement renews which, and the chains that dangle or loop.

use crate::store::renewals::{renewal_loops, renewal_walk};
use rusqlite::OptionalExtension;

use super::agreements::{opt_text_col, text_col};
use super::Store;
use crate::error::Result;
use crate::model::{ref_key, RenewalProblem};

impl Store {
    /// Agreements added after `after_id` whose `renews` names no agreement, as (ref, renews).
    /// `most_are_new`: the rows after `after_id` are most of the table (a bulk import), so
    /// the renewals are found through their index rather than by reading every new row.
    pub fn new_dangling_renewals(
        &self,
        after_id: i64,
        most_are_new: bool,
    ) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT a.ref, a.renews FROM agreement a {} WHERE a.id > ?1 AND a.renews IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM agreement b
                                WHERE coalesce(b.ref_norm, lower(b.ref)) = mou_ref_key(a.renews))
             ORDER BY a.id",
            if most_are_new {
                "INDEXED BY agreement_renews"
            } else {
                ""
            }
        ))?;
        let v = st
            .query_map([after_id], |r| Ok((text_col(r, 0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// The refs of agreements that renew `reference` (compared normalized).
    pub fn renewed_by(&self, reference: &str) -> Result<Vec<String>> {
        Ok(self
            .renewers(reference)?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    /// (id, ref) of the agreements that renew `reference`, in the order they were recorded.
    fn renewers(&self, reference: &str) -> Result<Vec<(i64, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, ref FROM agreement WHERE renews IS NOT NULL AND mou_ref_key(renews) = ?1
             ORDER BY id",
        )?;
        let v = st
            .query_map([ref_key(reference)], |r| Ok((r.get(0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// What making agreement `id` (ref `reference`; None for one not written yet) renew
    /// `renews` would break: `renews` is renewed by another already, or its chain leads back
    /// to `reference`.
    pub fn renewal_problem(
        &self,
        id: Option<i64>,
        reference: &str,
        renews: &str,
    ) -> Result<Option<RenewalProblem>> {
        renewal_walk(
            id,
            reference,
            renews,
            |r| self.renewal_link(r),
            |r| self.renewers(r),
        )
    }

    /// The id, stored ref and `renews` of the agreement that `reference` names.
    fn renewal_link(&self, reference: &str) -> Result<Option<(i64, String, Option<String>)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, ref, renews FROM agreement WHERE coalesce(ref_norm, lower(ref)) = ?1",
            )?
            .query_row([ref_key(reference)], |r| {
                Ok((r.get(0)?, text_col(r, 1)?, opt_text_col(r, 2)?))
            })
            .optional()?)
    }

    /// Renewal chains that branch or loop through the agreements after `after_id` (0: all of
    /// them): one grouped pass over the renewals' index, and a walk over the renewing rows.
    /// `most_are_new` as for [`Store::new_dangling_renewals`].
    pub fn renewal_problems(
        &self,
        after_id: i64,
        most_are_new: bool,
    ) -> Result<Vec<RenewalProblem>> {
        let mut problems = Vec::new();
        let mut st = self.conn.prepare(
            "SELECT coalesce((SELECT b.ref FROM agreement b
                               WHERE coalesce(b.ref_norm, lower(b.ref)) = k), min(renews)),
                    group_concat(ref, char(31))
               FROM (SELECT mou_ref_key(renews) AS k, renews, ref, id
                       FROM agreement INDEXED BY agreement_renews
                      WHERE renews IS NOT NULL ORDER BY id)
              GROUP BY k HAVING count(*) > 1 AND max(id) > ?1 ORDER BY min(id)",
        )?;
        let mut rows = st.query([after_id])?;
        while let Some(r) = rows.next()? {
            let by = text_col(r, 1)?;
            problems.push(RenewalProblem::Twice {
                target: text_col(r, 0)?,
                by: by.split('\u{1f}').map(str::to_string).collect(),
            });
        }
        let mut st = self.conn.prepare(&format!(
            "SELECT ref, renews FROM agreement {} WHERE id > ?1 AND renews IS NOT NULL ORDER BY id",
            if most_are_new {
                "INDEXED BY agreement_renews"
            } else {
                ""
            }
        ))?;
        let links = st
            .query_map([after_id], |r| Ok((text_col(r, 0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        problems.extend(renewal_loops(&links));
        Ok(problems)
    }

    /// Agreements whose `renews` names no agreement, as (ref, renews).
    pub fn dangling_renewals(&self) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare(
            "SELECT a.ref, a.renews FROM agreement a WHERE a.renews IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM agreement b
                                WHERE coalesce(b.ref_norm, lower(b.ref)) = mou_ref_key(a.renews))
             ORDER BY a.ref",
        )?;
        let v = st
            .query_map([], |r| Ok((text_col(r, 0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// All (ref, renews) links, for walking chains.
    pub fn renewal_links(&self) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT ref, renews FROM agreement WHERE renews IS NOT NULL ORDER BY ref")?;
        let v = st
            .query_map([], |r| Ok((text_col(r, 0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}
