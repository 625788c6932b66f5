//! Engagement import on SQLite: prepared lookups and inserts, partner rows written many to a
//! statement, ref marks raised once at the end, and on the bulk path the secondary indexes
//! dropped inside the transaction and built once at the end (the unique ref index stays: it
//! finds a ref the registry or an earlier row holds, and the series a later row names).

use std::collections::HashMap;

use rusqlite::{params, CachedStatement, OptionalExtension, Statement};

use super::engagements::bind_columns;
use super::Store;
use crate::error::Result;
use crate::model::{engagement_ref_mark, ref_key, Engagement, ENGAGEMENT_PREFIX};
use crate::store::{EngagementLinks, EngagementWriter};

/// The indexes a bulk engagement import builds once at the end, as migration 0003 creates
/// them (dropped by name, rebuilt by these statements).
const ENGAGEMENT_INDEXES: &[(&str, &str)] = &[
    (
        "engagement_starts",
        "CREATE INDEX IF NOT EXISTS engagement_starts ON engagement (starts_on)",
    ),
    (
        "engagement_agreement",
        "CREATE INDEX IF NOT EXISTS engagement_agreement ON engagement (agreement_id) WHERE agreement_id IS NOT NULL",
    ),
    (
        "engagement_part_of",
        "CREATE INDEX IF NOT EXISTS engagement_part_of ON engagement (part_of_id) WHERE part_of_id IS NOT NULL",
    ),
    (
        "engagement_partner_partner",
        "CREATE INDEX IF NOT EXISTS engagement_partner_partner ON engagement_partner (partner_id, engagement_id)",
    ),
];

/// Partner rows per statement: a statement's fixed cost is then paid once for many rows.
const MANY_PARTNERS: usize = 64;

fn partner_insert_sql(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|r| format!("(?{}, ?{}, ?{})", 3 * r + 1, 3 * r + 2, 3 * r + 3))
        .collect();
    format!(
        "INSERT INTO engagement_partner (engagement_id, position, partner_id) VALUES {}",
        tuples.join(", ")
    )
}

pub struct EngagementImport<'a> {
    store: &'a Store,
    find_agreement: CachedStatement<'a>,
    find_engagement: CachedStatement<'a>,
    insert: CachedStatement<'a>,
    partner: CachedStatement<'a>,
    many: Statement<'a>,
    /// Partner rows held back, written [`MANY_PARTNERS`] at a time.
    pending: Vec<[i64; 3]>,
    /// The highest sequence per year among the generated-shape refs inserted.
    marks: HashMap<u16, u32>,
    bulk: bool,
    pub(super) finished: bool,
}

impl<'a> EngagementImport<'a> {
    /// The writer of an import; on the bulk path (`bulk`) the secondary indexes are dropped
    /// here, inside the caller's transaction, so that a rollback restores them.
    pub fn new(store: &'a Store, bulk: bool) -> Result<Self> {
        let conn = &store.conn;
        if bulk {
            for (name, _) in ENGAGEMENT_INDEXES {
                conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
            }
        }
        Ok(EngagementImport {
            store,
            find_agreement: conn.prepare_cached(
                "SELECT id, ref FROM agreement WHERE coalesce(ref_norm, lower(ref)) = ?1",
            )?,
            find_engagement: conn.prepare_cached(
                "SELECT id, ref FROM engagement WHERE coalesce(ref_norm, lower(ref)) = ?1",
            )?,
            insert: conn.prepare_cached(
                "INSERT INTO engagement (ref, ref_norm, kind, title, starts_on, ends_on, place,
                    country, agreement_id, part_of_id, sdgs, tags, participants, outcome, notes,
                    document, cancelled, public, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20)
                 ON CONFLICT (coalesce(ref_norm, lower(ref))) DO NOTHING",
            )?,
            partner: conn.prepare_cached(
                "INSERT INTO engagement_partner (engagement_id, position, partner_id) VALUES (?1, ?2, ?3)",
            )?,
            many: conn.prepare(&partner_insert_sql(MANY_PARTNERS))?,
            pending: Vec::with_capacity(2 * MANY_PARTNERS),
            marks: HashMap::new(),
            bulk,
            finished: false,
        })
    }

    fn flush_partners(&mut self) -> Result<()> {
        for v in self.pending.drain(..) {
            self.partner.execute(params![v[0], v[1], v[2]])?;
        }
        Ok(())
    }
}

/// (id, ref) by ref through `st`, else by id when the name is a number, through `by_id`.
fn by_ref_or_id(
    st: &mut CachedStatement,
    name: &str,
    by_id: impl FnOnce(i64) -> Result<Option<(i64, String)>>,
) -> Result<Option<(i64, String)>> {
    let found = st
        .query_row([ref_key(name.trim())], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if found.is_some() {
        return Ok(found);
    }
    match name.trim().parse::<i64>() {
        Ok(id) => by_id(id),
        Err(_) => Ok(None),
    }
}

impl EngagementWriter for EngagementImport<'_> {
    fn bulk(&self) -> bool {
        self.bulk
    }

    fn agreement(&mut self, name: &str) -> Result<Option<(i64, String)>> {
        let store = self.store;
        by_ref_or_id(&mut self.find_agreement, name, |id| {
            Ok(store
                .agreement_by_id(id, Default::default())?
                .map(|(a, _)| (a.id, a.reference)))
        })
    }

    fn engagement(&mut self, name: &str) -> Result<Option<(i64, String)>> {
        let store = self.store;
        by_ref_or_id(&mut self.find_engagement, name, |id| {
            Ok(store
                .engagement_by_id(id, Default::default())?
                .map(|(e, _)| (e.id, e.reference)))
        })
    }

    fn insert_new(&mut self, e: &Engagement, links: &EngagementLinks) -> Result<Option<i64>> {
        bind_columns(&mut self.insert, e, links)?;
        if self.insert.raw_execute()? == 0 {
            // The caller reads the engagement the ref names, partners included.
            self.flush_partners()?;
            return Ok(None);
        }
        let id = self.store.conn.last_insert_rowid();
        if let Some((year, seq)) = engagement_ref_mark(&e.reference) {
            let m = self.marks.entry(year).or_insert(0);
            *m = (*m).max(seq);
        }
        self.pending.extend(
            links
                .partner_ids
                .iter()
                .enumerate()
                .map(|(i, p)| [id, i as i64, *p]),
        );
        while self.pending.len() >= MANY_PARTNERS {
            for (i, v) in self.pending.drain(..MANY_PARTNERS).flatten().enumerate() {
                self.many.raw_bind_parameter(i + 1, v)?;
            }
            self.many.raw_execute()?;
        }
        Ok(Some(id))
    }

    fn finish(&mut self) -> Result<()> {
        self.finished = true;
        self.flush_partners()?;
        let conn = &self.store.conn;
        for (year, seq) in self.marks.drain() {
            conn.prepare_cached(
                "INSERT INTO ref_mark (prefix, seq) VALUES (?1, ?2)
                 ON CONFLICT (prefix) DO UPDATE SET seq = max(seq, excluded.seq)",
            )?
            .execute(params![format!("{ENGAGEMENT_PREFIX}-{year:04}"), seq])?;
        }
        if self.bulk {
            for (_, create) in ENGAGEMENT_INDEXES {
                conn.execute_batch(create)?;
            }
        }
        Ok(())
    }
}
