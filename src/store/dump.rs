//! A whole registry as a stream of rows, the same on every store: what `mou copy` and a
//! PostgreSQL `mou backup` move from one store to another. [`Backend::dump`] reads every
//! table in id order from one snapshot and hands each row on as it is read (nothing is
//! collected); [`Backend::load`] writes such a stream into an unused registry in one
//! transaction, keeping every id, and the history's stored hashes, digests and sealed
//! parts, so that the copy's chain is the source's, row for row.
//!
//! The walk over the tables and the order of the load are written once here, over the
//! [`Backend`] reads and a store's [`LoadTarget`]; each store's `dump.rs` holds only its
//! snapshot, its two marks and its inserts that keep ids.

use std::collections::HashMap;

use super::{Backend, EngagementLinks, HistoryEntry};
use crate::error::{Error, Result};
use crate::model::{Agreement, Contact, Engagement, Partner, Stored};
use crate::query::ContactFilter;

/// One row of a registry, with the ids it points to as stored. Rows come table by table, in
/// this order (partners before what names them), each table in id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpRow {
    /// A partner, its aliases in order.
    Partner(Partner),
    /// An agreement and its parties' ids, in order.
    Agreement(Agreement, Vec<i64>),
    /// The highest sequence given out for a prefix of generated refs (`MOU-2026` -> 6).
    RefMark(String, i64),
    /// An engagement and what it points to.
    Engagement(Engagement, EngagementLinks),
    /// A contact, and when it was forgotten if it was.
    Contact(Contact, Option<String>),
    /// The largest contact id ever given (ids are never reused), 0 when none was.
    ContactIdMark(i64),
    /// A history row exactly as stored.
    History(HistoryEntry),
}

/// Where a dump hands its rows, one at a time.
pub type RowSink<'a> = dyn FnMut(DumpRow) -> Result<()> + 'a;

/// What a load reads: a function that hands every row of a registry to the sink it is given
/// (a dump: `&mut |sink| source.dump(sink)`).
pub type RowSource<'a> = dyn for<'r, 's> FnMut(&'r mut RowSink<'s>) -> Result<()> + 'a;

/// What a load writes with: a store's inserts that keep the ids they are given. Called
/// inside the load's one transaction, in the order of [`DumpRow`].
pub(crate) trait LoadTarget {
    fn load_partner(&self, p: &Partner) -> Result<()>;
    fn load_agreement(&self, a: &Agreement, party_ids: &[i64]) -> Result<()>;
    /// Raises the mark of `prefix` to `seq` (the agreements' own refs have raised it already).
    fn load_ref_mark(&self, prefix: &str, seq: i64) -> Result<()>;
    fn load_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()>;
    /// Sets the series an engagement is part of, once that engagement is written.
    fn load_part_of(&self, id: i64, part_of_id: i64) -> Result<()>;
    fn load_contact(&self, c: &Contact, forgotten: Option<&str>) -> Result<()>;
    fn load_contact_id_mark(&self, mark: i64) -> Result<()>;
    fn load_history(&self, e: &HistoryEntry) -> Result<()>;
}

/// Records of each kind and history rows: what a copy must match its source in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub partners: u64,
    pub agreements: u64,
    pub engagements: u64,
    pub history: u64,
}

impl Counts {
    /// Counts `row` in.
    pub fn add(&mut self, row: &DumpRow) {
        match row {
            DumpRow::Partner(_) => self.partners += 1,
            DumpRow::Agreement(..) => self.agreements += 1,
            DumpRow::Engagement(..) => self.engagements += 1,
            DumpRow::History(_) => self.history += 1,
            DumpRow::RefMark(..) | DumpRow::Contact(..) | DumpRow::ContactIdMark(_) => {}
        }
    }
}

/// The walk of [`Backend::dump`] over `store`, which the store has put in one snapshot:
/// `marks` and `contact_id_mark` are read by the store in that snapshot.
pub(crate) fn walk(
    store: &dyn Backend,
    marks: Vec<(String, i64)>,
    contact_id_mark: i64,
    f: &mut dyn FnMut(DumpRow) -> Result<()>,
) -> Result<()> {
    let keys: HashMap<String, i64> = store
        .partner_keys()?
        .into_iter()
        .map(|(id, key)| (key, id))
        .collect();
    let ids_of = |keys_of: &[String], what: &str, id: i64| -> Result<Vec<i64>> {
        keys_of
            .iter()
            .map(|k| {
                keys.get(k).copied().ok_or_else(|| {
                    Error::registry(format!(
                        "{what} {id} names partner {k}, which is not stored"
                    ))
                })
            })
            .collect()
    };
    store.scan_stored_partners(&mut |_, p| f(DumpRow::Partner(p)))?;
    store.scan_stored_agreements(&mut |_, a| {
        let ids = ids_of(&a.parties, "agreement", a.id)?;
        f(DumpRow::Agreement(a, ids))
    })?;
    for (prefix, seq) in marks {
        f(DumpRow::RefMark(prefix, seq))?;
    }
    store.scan_stored_engagements(&mut |row, e| {
        let id = |column: &str| match row.get(column) {
            Stored::Integer(n) => Some(*n),
            _ => None,
        };
        let links = EngagementLinks {
            partner_ids: ids_of(&e.partners, "engagement", e.id)?,
            agreement_id: id("agreement_id"),
            part_of_id: id("part_of_id"),
        };
        f(DumpRow::Engagement(e, links))
    })?;
    store.scan_contacts(
        &ContactFilter::all(crate::dates::Date::default()),
        &mut |c| {
            let forgotten = store.contact_forgotten(c.id)?;
            f(DumpRow::Contact(c, forgotten))
        },
    )?;
    f(DumpRow::ContactIdMark(contact_id_mark))?;
    store.scan_history(&mut |e| f(DumpRow::History(e)))
}

/// The load of [`Backend::load`] into `target`, inside its transaction: each row as it
/// comes, an engagement's series set once the series is written (a series may have been
/// made after its parts).
pub(crate) fn load_rows(target: &dyn LoadTarget, rows: &mut RowSource<'_>) -> Result<()> {
    let mut later = Vec::new();
    rows(&mut |row| match row {
        DumpRow::Partner(p) => target.load_partner(&p),
        DumpRow::Agreement(a, ids) => target.load_agreement(&a, &ids),
        DumpRow::RefMark(prefix, seq) => target.load_ref_mark(&prefix, seq),
        DumpRow::Engagement(e, mut links) => {
            if let Some(p) = links.part_of_id.filter(|p| *p >= e.id) {
                later.push((e.id, p));
                links.part_of_id = None;
            }
            target.load_engagement(&e, &links)
        }
        DumpRow::Contact(c, forgotten) => target.load_contact(&c, forgotten.as_deref()),
        DumpRow::ContactIdMark(mark) => target.load_contact_id_mark(mark),
        DumpRow::History(e) => target.load_history(&e),
    })?;
    for (id, part_of) in later {
        target.load_part_of(id, part_of)?;
    }
    Ok(())
}

/// The refusal of a load into a registry that holds something.
pub(crate) fn refuse_unless_unused(store: &dyn Backend) -> Result<()> {
    if store.is_unused()? {
        return Ok(());
    }
    Err(Error::input(
        "the destination holds a registry already; a copy goes only where no registry is yet; nothing was written",
    ))
}

impl Counts {
    /// The counts of `store` as it is, and where its history chain breaks, if it does.
    pub fn of(store: &dyn Backend) -> Result<(Counts, Option<(i64, String)>)> {
        let v = store.verify_history()?;
        let counts = Counts {
            partners: u64::try_from(store.partner_count()?).unwrap_or(0),
            agreements: store.agreement_count()?,
            engagements: store.engagement_count()?,
            history: v.rows,
        };
        Ok((counts, v.first_broken))
    }
}

/// What makes a copy sound: its history chain verifies, and it holds as many records of each
/// kind and history rows as its source (`want`).
pub fn check_copy(copy: &dyn Backend, want: &Counts) -> Result<()> {
    let (got, broken) = Counts::of(copy)?;
    if let Some((id, why)) = broken {
        return Err(Error::no(format!(
            "the copy's history is broken at row {id}: {why}"
        )));
    }
    if got != *want {
        return Err(Error::no(format!(
            "the copy does not match its source ({got:?} beside {want:?})"
        )));
    }
    Ok(())
}

/// Copies `source` into `dest`, an unused registry: the rows of one snapshot of the source,
/// written in one transaction of `dest` and checked ([`check_copy`], against the rows read)
/// before it commits, so that a failed check writes nothing. Returns what was copied.
pub fn copy(source: &dyn Backend, dest: &mut dyn Backend) -> Result<Counts> {
    let read = std::cell::Cell::new(Counts::default());
    dest.load(
        &mut |sink| {
            source.dump(&mut |row| {
                let mut n = read.get();
                n.add(&row);
                read.set(n);
                sink(row)
            })
        },
        &mut |copy| check_copy(copy, &read.get()),
    )?;
    Ok(read.get())
}

/// [`copy`] into a new registry file at `file` (which must not exist).
pub fn copy_to_new_file(
    source: &dyn Backend,
    file: &std::path::Path,
    options: &super::Options,
) -> Result<Counts> {
    let mut dest = super::sqlite::Store::open(file, super::Access::Write, options)?;
    copy(source, &mut dest)
}
