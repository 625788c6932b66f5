//! Import on PostgreSQL. A large file of agreements takes the bulk path: its rows go through
//! COPY into staging tables of the session (a few thousand rows per COPY), and at the end one
//! INSERT ... SELECT moves them into the registry, where the CHECK constraints and foreign
//! keys check every row as they do a single insert. Refs repeated among the rows are found
//! in the staging table before anything is moved. It is all one transaction: an import
//! stopped anywhere (an error, a lost connection) leaves the registry as it was.
//!
//! The move does not sort the staging rows by id (they carry their ids, and an external sort
//! of a million rows cost seconds), and ends with ANALYZE of the two tables, so that the
//! scans that follow are planned on their real sizes (without it the planner took a million
//! rows for sixty thousand and compiled the report's scan with JIT).

use std::io::Write;

use super::Store;
use crate::dates::iso;
use crate::error::Result;
use crate::model::{ref_key, ref_mark, Agreement, Kind};
use crate::store::ImportWriter;

/// Files of agreements from this size on take the bulk path (as on a file).
pub const BULK_BYTES: u64 = 4 << 20;

/// Rows held before they are sent with one COPY.
const COPY_ROWS: usize = 4_096;

const STAGING: &str =
    "CREATE TEMP TABLE mou_staging (LIKE mou.agreement INCLUDING DEFAULTS) ON COMMIT DROP;
     CREATE TEMP TABLE mou_staging_party (LIKE mou.agreement_party) ON COMMIT DROP";

const COLUMNS: &str = "id, ref, ref_key, kind, title, title_norm, signed_on, effective_on, \
     expires_on, terminated_on, termination_reason, notice_days, renews, renews_key, sdgs, tags, \
     notes, document, created_at, updated_at";

/// One field in COPY's text format.
fn field(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        None => out.extend_from_slice(b"\\N"),
        Some(s) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b => out.push(b),
                }
            }
        }
    }
}

fn row(out: &mut Vec<u8>, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        field(out, *f);
    }
    out.push(b'\n');
}

/// The writer of the bulk path.
pub struct Bulk<'a> {
    store: &'a Store,
    next_id: i64,
    /// Whether the registry held agreements when the import began (then each row's ref is
    /// looked up there first).
    checks_existing: bool,
    agreements: Vec<u8>,
    parties: Vec<u8>,
    held: usize,
    marks: std::collections::HashMap<(Kind, u16), u32>,
    /// Whether [`ImportWriter::finish`] ran.
    pub finished: bool,
}

impl<'a> Bulk<'a> {
    pub fn new(store: &'a Store) -> Result<Bulk<'a>> {
        store.client.borrow_mut().batch_execute(STAGING)?;
        Ok(Bulk {
            store,
            next_id: store.next_id("agreement")?,
            checks_existing: store.agreement_count()? > 0,
            agreements: Vec::new(),
            parties: Vec::new(),
            held: 0,
            marks: Default::default(),
            finished: false,
        })
    }

    fn flush(&mut self) -> Result<()> {
        if self.held == 0 {
            return Ok(());
        }
        let mut c = self.store.client.borrow_mut();
        let mut w = c.copy_in(&format!("COPY mou_staging ({COLUMNS}) FROM STDIN"))?;
        w.write_all(&self.agreements)?;
        w.finish()?;
        let mut w =
            c.copy_in("COPY mou_staging_party (agreement_id, position, partner_id) FROM STDIN")?;
        w.write_all(&self.parties)?;
        w.finish()?;
        self.agreements.clear();
        self.parties.clear();
        self.held = 0;
        Ok(())
    }
}

impl ImportWriter for Bulk<'_> {
    fn bulk(&self) -> bool {
        true
    }

    fn find(&mut self, reference: &str) -> Result<Option<i64>> {
        self.flush()?;
        Ok(self
            .store
            .opt(
                "SELECT id FROM agreement WHERE ref_key = $1
                 UNION ALL SELECT id FROM mou_staging WHERE ref_key = $1 LIMIT 1",
                &[&ref_key(reference.trim())],
            )?
            .map(|r| r.get(0)))
    }

    fn insert_new(&mut self, a: &Agreement, party_ids: &[i64]) -> Result<Option<i64>> {
        let key = ref_key(a.reference.trim());
        if self.checks_existing
            && self
                .store
                .opt("SELECT 1 FROM agreement WHERE ref_key = $1", &[&key])?
                .is_some()
        {
            return Ok(None);
        }
        let id = self.next_id;
        self.next_id += 1;
        let id_text = id.to_string();
        let date = |d: Option<crate::dates::Date>| d.map(iso);
        let (signed, effective, expires, terminated) = (
            date(a.signed_on),
            date(a.effective_on),
            date(a.expires_on),
            date(a.terminated_on),
        );
        let notice = a.notice_days.map(|n| n.to_string());
        let renews_key = a.renews.as_deref().map(|r| ref_key(r.trim()));
        let (sdgs, tags) = (crate::model::join_sdgs(&a.sdgs), a.tags.join(";"));
        row(
            &mut self.agreements,
            &[
                Some(&id_text),
                Some(&a.reference),
                Some(&key),
                Some(a.kind.as_str()),
                Some(&a.title),
                Some(&crate::text::normalize(&a.title)),
                signed.as_deref(),
                effective.as_deref(),
                expires.as_deref(),
                terminated.as_deref(),
                a.termination_reason.as_deref(),
                notice.as_deref(),
                a.renews.as_deref(),
                renews_key.as_deref(),
                Some(&sdgs),
                Some(&tags),
                a.notes.as_deref(),
                a.document.as_deref(),
                Some(&a.created_at),
                Some(&a.updated_at),
            ],
        );
        for (i, p) in party_ids.iter().enumerate() {
            let (pos, p) = (i.to_string(), p.to_string());
            row(&mut self.parties, &[Some(&id_text), Some(&pos), Some(&p)]);
        }
        if let Some(m) = ref_mark(&a.reference) {
            let seq = self.marks.entry((m.kind, m.year)).or_insert(0);
            *seq = (*seq).max(m.seq);
        }
        self.held += 1;
        if self.held >= COPY_ROWS {
            self.flush()?;
        }
        Ok(Some(id))
    }

    fn finish(&mut self) -> Result<Vec<String>> {
        self.finished = true;
        self.flush()?;
        let repeated: Vec<String> = self
            .store
            .all(
                "SELECT min(ref) FROM mou_staging GROUP BY ref_key HAVING count(*) > 1
                  ORDER BY 1 LIMIT 1000",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if !repeated.is_empty() {
            return Ok(repeated);
        }
        self.store.client.borrow_mut().batch_execute(&format!(
            "INSERT INTO mou.agreement ({COLUMNS}) SELECT {COLUMNS} FROM mou_staging;
             INSERT INTO mou.agreement_party SELECT * FROM mou_staging_party;
             TRUNCATE mou_staging, mou_staging_party;
             ANALYZE mou.agreement, mou.agreement_party"
        ))?;
        for ((kind, year), seq) in self.marks.drain() {
            self.store
                .raise_mark(&format!("{}-{year:04}", kind.ref_prefix()), seq)?;
        }
        Ok(Vec::new())
    }
}
