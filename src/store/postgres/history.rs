//! The audit trail on PostgreSQL: the same digest chain as on a file (src/store/chain.rs),
//! appended under the writers' lock, so that the chain stays linear however many sessions
//! write. Each row also records `db_user`, the role that wrote it (set by a trigger).

use postgres::Row;

use super::{Params, Store};
use crate::error::{Error, Result};
use crate::store::chain::{erased, erased_ids, new_entry, Verifier, BROKEN_KEY};
use crate::store::{Change, HistoryEntry, Verification};

const COLUMNS: &str =
    "id, at, actor, action, entity, entity_id, entity_key, before, after, hash, digest, sealed";

fn entry_from_row(r: &Row) -> HistoryEntry {
    HistoryEntry {
        id: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        entity: r.get(4),
        entity_id: r.get(5),
        entity_key: r.get(6),
        before: r.get(7),
        after: r.get(8),
        hash: r.get(9),
        digest: r.get(10),
        sealed: r.get(11),
    }
}

impl Store {
    /// Appends one history row; call inside the write's transaction (which holds the lock).
    pub fn record(&self, c: Change) -> Result<()> {
        let last = self.opt("SELECT id, hash FROM history ORDER BY id DESC LIMIT 1", &[])?;
        let (id, prev) = match last {
            Some(r) => (r.get::<_, i64>(0) + 1, r.get::<_, String>(1)),
            None => (1, String::new()),
        };
        let e = new_entry(c, &prev);
        self.insert_history(id, &e)
    }

    /// Writes row `e` with id `id` as it is (a copy keeps every row's id, hash and digest).
    pub(super) fn insert_history(&self, id: i64, e: &HistoryEntry) -> Result<()> {
        self.exec(
            "INSERT INTO history (id, at, actor, action, entity, entity_id, entity_key, before,
                after, hash, digest, sealed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                &id,
                &e.at,
                &e.actor,
                &e.action,
                &e.entity,
                &e.entity_id,
                &e.entity_key,
                &e.before,
                &e.after,
                &e.hash,
                &e.digest,
                &e.sealed,
            ],
        )?;
        Ok(())
    }

    pub fn for_each_history(
        &self,
        about: Option<(&str, Option<i64>, &str)>,
        f: &mut dyn FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()> {
        let mut p: Params = Vec::new();
        let sql = match about {
            None => format!("SELECT {COLUMNS} FROM history ORDER BY id"),
            Some((entity, id, key)) => {
                p.push(Box::new(entity.to_string()));
                p.push(Box::new(id));
                p.push(Box::new(key.to_string()));
                format!(
                    "SELECT {COLUMNS} FROM history WHERE entity = ? AND (entity_id = ? OR entity_key = ?)
                     ORDER BY id"
                )
            }
        };
        self.each(&sql, &p, |r| f(entry_from_row(r)))
    }

    pub fn history_of(
        &self,
        entity: &str,
        id: i64,
        f: &mut dyn FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()> {
        let sql =
            format!("SELECT {COLUMNS} FROM history WHERE entity = ? AND entity_id = ? ORDER BY id");
        let p: Params = vec![Box::new(entity.to_string()), Box::new(id)];
        self.each(&sql, &p, |r| f(entry_from_row(r)))
    }

    pub fn verify_history(&self) -> Result<Verification> {
        let kept: Option<String> = self
            .opt("SELECT value FROM meta WHERE key = $1", &[&BROKEN_KEY])?
            .map(|r| r.get(0));
        let mut ids = std::collections::HashSet::new();
        for r in self.all(
            "SELECT after FROM history WHERE action = 'forget' AND after IS NOT NULL",
            &[],
        )? {
            erased_ids(&r.get::<_, String>(0), &mut ids);
        }
        let mut verifier = Verifier::new(ids);
        self.for_each_history(None, &mut |e| {
            verifier.row(e.id, Ok(&e));
            Ok(())
        })?;
        Ok(verifier.finish(kept))
    }

    pub fn erase_history(&self, entity: &str, id: i64, fields: &[&str]) -> Result<Vec<i64>> {
        let mut rows = Vec::new();
        self.history_of(entity, id, &mut |e| {
            rows.push(e);
            Ok(())
        })?;
        let mut changed = Vec::new();
        for e in rows {
            if let Some((before, after, sealed)) = erased(&e, fields) {
                self.exec(
                    "UPDATE history SET before = $2, after = $3, sealed = $4 WHERE id = $1",
                    &[&e.id, &before, &after, &sealed],
                )?;
                changed.push(e.id);
            }
        }
        Ok(changed)
    }

    /// PostgreSQL keeps old row versions until VACUUM reclaims them: a VACUUM of the tables
    /// that held the erased data, when this role may run it.
    pub fn purge_erased(&self) -> Result<Option<String>> {
        match self
            .client
            .borrow_mut()
            .batch_execute("VACUUM mou.history, mou.contact")
        {
            Ok(()) => Ok(None),
            Err(e) => Ok(Some(format!(
                "earlier versions of the erased rows stay in the database until it is vacuumed ({}); ask the administrator to run VACUUM on mou.history and mou.contact",
                Error::from(e).message
            ))),
        }
    }
}
