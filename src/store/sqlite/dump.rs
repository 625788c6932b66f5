//! The registry as rows (src/store/dump.rs) on SQLite: a dump reads from one read
//! transaction (one snapshot of the file, however others write meanwhile); a load writes in
//! one `BEGIN IMMEDIATE` transaction, through the store's own inserts given the rows' ids.

use rusqlite::params;

use super::agreements::raise_mark;
use super::Store;
use crate::error::{Error, Result};
use crate::model::{Agreement, Contact, Engagement, Partner};
use crate::store::dump::{self, DumpRow, LoadTarget, RowSource};
use crate::store::{Backend, EngagementLinks, HistoryEntry};

impl Store {
    pub fn dump(&self, f: &mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()> {
        self.conn.execute_batch("BEGIN")?;
        let result = (|| {
            let marks = self
                .conn
                .prepare("SELECT prefix, seq FROM ref_mark ORDER BY prefix")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, i64)>>>()?;
            // AUTOINCREMENT keeps the largest contact id ever given in sqlite_sequence.
            let contact_id_mark: i64 = self.conn.query_row(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contact'), 0),
                            coalesce((SELECT max(id) FROM contact), 0))",
                [],
                |r| r.get(0),
            )?;
            dump::walk(self, marks, contact_id_mark, f)
        })();
        let ended = self.conn.execute_batch("COMMIT");
        result?;
        Ok(ended?)
    }

    pub fn load(
        &mut self,
        rows: &mut RowSource<'_>,
        check: &mut dyn FnMut(&dyn Backend) -> Result<()>,
    ) -> Result<()> {
        self.transaction(|s| {
            dump::refuse_unless_unused(s)?;
            dump::load_rows(s, rows)?;
            check(s)?;
            Ok(((), true))
        })
    }
}

impl LoadTarget for Store {
    fn load_partner(&self, p: &Partner) -> Result<()> {
        self.insert_partner_as(Some(p.id), p).map(|_| ())
    }

    fn load_agreement(&self, a: &Agreement, party_ids: &[i64]) -> Result<()> {
        let mut w = self.agreement_writer(false)?;
        if w.insert_new_as(Some(a.id), a, party_ids)?.is_none() {
            return Err(Error::field(
                "ref",
                &a.reference,
                "two agreements of the source have this ref",
            ));
        }
        w.flush()
    }

    fn load_ref_mark(&self, prefix: &str, seq: i64) -> Result<()> {
        let seq = u32::try_from(seq)
            .map_err(|_| Error::registry(format!("the mark of {prefix} is {seq}")))?;
        raise_mark(&self.conn, prefix, seq)
    }

    fn load_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()> {
        self.insert_engagement_as(Some(e.id), e, links).map(|_| ())
    }

    fn load_part_of(&self, id: i64, part_of_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE engagement SET part_of_id = ?2 WHERE id = ?1",
            params![id, part_of_id],
        )?;
        Ok(())
    }

    fn load_contact(&self, c: &Contact, forgotten: Option<&str>) -> Result<()> {
        self.insert_contact(c)?;
        if let Some(at) = forgotten {
            // As `forget` leaves it: no normalized name to find it by.
            self.conn.execute(
                "UPDATE contact SET forgotten = ?2, name_norm = '' WHERE id = ?1",
                params![c.id, at],
            )?;
        }
        Ok(())
    }

    fn load_contact_id_mark(&self, mark: i64) -> Result<()> {
        if mark <= 0 {
            return Ok(());
        }
        let raised = self.conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'contact'",
            [mark],
        )?;
        if raised == 0 {
            self.conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('contact', ?1)",
                [mark],
            )?;
        }
        Ok(())
    }

    fn load_history(&self, e: &HistoryEntry) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO history (id, at, actor, action, entity, entity_id, entity_key,
                    before, after, hash, digest, sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                e.id,
                e.at,
                e.actor,
                e.action,
                e.entity,
                e.entity_id,
                e.entity_key,
                e.before,
                e.after,
                e.hash,
                e.digest,
                e.sealed
            ])?;
        Ok(())
    }
}
