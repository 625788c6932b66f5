//! The normalized columns on PostgreSQL (src/store/norms.rs): mou fills them beside the text,
//! since PostgreSQL cannot call mou's normalization, so when the rules' version in
//! `meta.norm_version` is not this mou's, opening the registry rebuilds every one of them,
//! in one transaction under the writers' lock, through cursors a thousand rows at a time.

use super::{Params, Store};
use crate::error::Result;
use crate::store::norms;
use crate::text::{loose, normalize};

/// Rows written per statement.
const BATCH: usize = 1_000;

impl Store {
    pub(super) fn rebuild_norms_if_stale(&mut self) -> Result<()> {
        let stored = |s: &Store| -> Result<Option<String>> {
            Ok(
                s.opt("SELECT value FROM meta WHERE key = $1", &[&norms::KEY])?
                    .map(|r| r.get(0)),
            )
        };
        if norms::current(stored(self)?.as_deref()) {
            return Ok(());
        }
        let rebuilt = self.transaction(|s| {
            // Another session may have rebuilt them while we waited for the lock.
            if !norms::current(stored(s)?.as_deref()) {
                s.rebuild_norms()?;
            }
            Ok(((), true))
        });
        match rebuilt {
            // A role that may only read leaves them to the next writer.
            Err(e) if e.is_read_only() => Ok(()),
            r => r,
        }
    }

    fn rebuild_norms(&self) -> Result<()> {
        let names = self
            .all("SELECT id, name FROM partner ORDER BY id", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // Every row first takes a placeholder so that no row meets a stale value.
        self.exec("UPDATE partner SET name_norm = chr(1) || id::text", &[])?;
        for chunk in norms::partner_norms(names, '\u{1}').chunks(BATCH) {
            let ids: Vec<i64> = chunk.iter().map(|c| c.0).collect();
            let norm: Vec<&str> = chunk.iter().map(|c| c.1.as_str()).collect();
            let loose: Vec<&str> = chunk.iter().map(|c| c.2.as_str()).collect();
            self.exec(
                "UPDATE partner p SET name_norm = v.n, name_loose = v.l
                   FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v (id, n, l)
                  WHERE p.id = v.id",
                &[&ids, &norm, &loose],
            )?;
        }
        // An alias is keyed by (partner, position); positions stay far below 100,000.
        self.rebuild_column(
            "SELECT partner_id * 100000 + position, alias FROM partner_alias",
            "UPDATE partner_alias t SET alias_norm = v.a, alias_loose = v.b
               FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v (id, a, b)
              WHERE t.partner_id * 100000 + t.position = v.id",
            |text| (normalize(text), loose(text)),
        )?;
        self.rebuild_column(
            "SELECT id, title FROM agreement",
            "UPDATE agreement t SET title_norm = v.a
               FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v (id, a, b) WHERE t.id = v.id",
            |text| (normalize(text), String::new()),
        )?;
        self.rebuild_column(
            "SELECT id, title || chr(1) || coalesce(place, '') FROM engagement",
            "UPDATE engagement t SET title_norm = v.a, place_norm = v.b
               FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v (id, a, b) WHERE t.id = v.id",
            |text| {
                let (title, place) = text.split_once('\u{1}').unwrap_or((text, ""));
                (normalize(title), normalize(place))
            },
        )?;
        // A forgotten contact keeps no normalized name or email, as `forget` left it.
        self.rebuild_column(
            "SELECT id, CASE WHEN forgotten IS NULL THEN name ELSE '' END FROM contact",
            "UPDATE contact t SET name_norm = v.a
               FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v (id, a, b) WHERE t.id = v.id",
            |text| (normalize(text), String::new()),
        )?;
        self.rebuild_column(
            "SELECT id, coalesce(role, '') || chr(1) || coalesce(email, '') FROM contact",
            "UPDATE contact t SET role_norm = v.a, email_norm = v.b
               FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v (id, a, b) WHERE t.id = v.id",
            |text| {
                let (role, email) = text.split_once('\u{1}').unwrap_or((text, ""));
                (normalize(role), normalize(email))
            },
        )?;
        self.exec(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&norms::KEY, &norms::version()],
        )?;
        Ok(())
    }

    /// Reads `(key, text)` rows through a cursor and writes the two forms `f` makes of each
    /// text with `update` ($1 keys, $2 and $3 the forms), a batch at a time.
    fn rebuild_column(
        &self,
        select: &str,
        update: &str,
        f: impl Fn(&str) -> (String, String),
    ) -> Result<()> {
        let mut batch: (Vec<i64>, Vec<String>, Vec<String>) = Default::default();
        let flush = |b: &mut (Vec<i64>, Vec<String>, Vec<String>)| -> Result<()> {
            if !b.0.is_empty() {
                self.exec(update, &[&b.0, &b.1, &b.2])?;
            }
            *b = Default::default();
            Ok(())
        };
        self.each(select, &Params::new(), |r| {
            let (a, b) = f(&r.get::<_, String>(1));
            batch.0.push(r.get(0));
            batch.1.push(a);
            batch.2.push(b);
            if batch.0.len() >= BATCH {
                flush(&mut batch)?;
            }
            Ok(())
        })?;
        flush(&mut batch)
    }
}
