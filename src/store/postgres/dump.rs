//! The registry as rows (src/store/dump.rs) on PostgreSQL: a dump reads every table from one
//! snapshot (REPEATABLE READ READ ONLY, each table through a cursor), so writers go on and
//! the rows read are those of one moment; a load writes in one transaction under the
//! writers' lock, through the store's own inserts given the rows' ids. mou gives ids itself
//! (the largest + 1), so there is no sequence to move past the copied ids.

use super::Store;
use crate::error::{Error, Result};
use crate::model::{Agreement, Contact, Engagement, Partner};
use crate::store::dump::{self, DumpRow, LoadTarget, RowSource};
use crate::store::{Backend, EngagementLinks, HistoryEntry};

impl Store {
    pub fn dump(&self, f: &mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()> {
        self.in_snapshot(|| {
            let marks = self
                .all("SELECT prefix, seq FROM ref_mark ORDER BY prefix", &[])?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let most = self.count("SELECT coalesce(max(id), 0) FROM contact", &[])?;
            let contact_id_mark = self.contact_id_mark()?.max(most);
            dump::walk(self, marks, contact_id_mark, f)
        })
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
        self.insert_partner_as(p.id, p).map(|_| ())
    }

    fn load_agreement(&self, a: &Agreement, party_ids: &[i64]) -> Result<()> {
        match self.insert_agreement_as(a.id, a, party_ids)? {
            Some(_) => Ok(()),
            None => Err(Error::field(
                "ref",
                &a.reference,
                "two agreements of the source have this ref",
            )),
        }
    }

    fn load_ref_mark(&self, prefix: &str, seq: i64) -> Result<()> {
        let seq = u32::try_from(seq)
            .map_err(|_| Error::registry(format!("the mark of {prefix} is {seq}")))?;
        self.raise_mark(prefix, seq)
    }

    fn load_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()> {
        self.insert_engagement_as(e.id, e, links).map(|_| ())
    }

    fn load_part_of(&self, id: i64, part_of_id: i64) -> Result<()> {
        self.exec(
            "UPDATE engagement SET part_of_id = $2 WHERE id = $1",
            &[&id, &part_of_id],
        )?;
        Ok(())
    }

    fn load_contact(&self, c: &Contact, forgotten: Option<&str>) -> Result<()> {
        self.insert_contact(c)?;
        if let Some(at) = forgotten {
            // As `forget` leaves it: nothing erased to find it by.
            self.exec(
                "UPDATE contact SET forgotten = $2, name_norm = '', email_norm = '' WHERE id = $1",
                &[&c.id, &at],
            )?;
        }
        Ok(())
    }

    fn load_contact_id_mark(&self, mark: i64) -> Result<()> {
        if mark > 0 {
            self.raise_contact_id_mark(mark)?;
        }
        Ok(())
    }

    fn load_history(&self, e: &HistoryEntry) -> Result<()> {
        self.insert_history(e.id, e)
    }
}
