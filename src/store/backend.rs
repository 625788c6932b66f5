//! The interface every store offers: whole operations on records, history and the file as a
//! whole, object-safe so that the registry can hold any store as `&dyn Backend` (jj's
//! facade over a `dyn Backend`). A method is called once per operation, never per row: scans
//! take a callback (`&mut dyn FnMut`), so rows are not boxed.

use std::path::Path;

use std::collections::HashMap;

use super::dump::RowSource;
use super::{
    Change, CountBy, DumpRow, EngagementLinks, EngagementRow, Entity, HistoryEntry, PartnerMatch,
    ReportRow, TextBatch, Verification,
};
use crate::dates::{Date, Period};
use crate::error::Result;
use crate::model::{
    Agreement, Category, Contact, Engagement, EngagementStatus, Kind, Partner, RenewalProblem,
    Status, StoredRow,
};
use crate::query::{ContactFilter, Filter};
use crate::report::aggregate::{QuarterAggregate, SummaryAggregate};

/// What an import asks of the store before it writes: the store decides from it how to
/// write (a large file of agreements into a registry smaller than it takes the store's bulk
/// path), so the tactics of a large load stay the store's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportPlan {
    /// The size in bytes of a regular file of agreements; `None` for partners, or for a
    /// stream (stdin, a pipe), which cannot be read twice.
    pub agreements_file_bytes: Option<u64>,
    /// Nothing is to be written: the store keeps its usual mode.
    pub dry_run: bool,
}

/// Where an import writes new agreements, inside its transaction (see [`Backend::import`]).
/// Other writes (partners, updates, history) go through the store as usual.
pub trait ImportWriter {
    /// Whether the store writes these rows on its bulk path: refs repeated among the rows
    /// are then found only by [`ImportWriter::finish`].
    fn bulk(&self) -> bool;
    /// The id of the agreement with this ref (any case), among those in the registry and
    /// those written so far.
    fn find(&mut self, reference: &str) -> Result<Option<i64>>;
    /// Writes a new agreement (its `id` is ignored) and its parties; returns its id, or
    /// `None` when an agreement with its ref exists already (then nothing is written). On
    /// the bulk path, a ref repeated among the rows may be written and found at the end.
    fn insert_new(&mut self, a: &Agreement, party_ids: &[i64]) -> Result<Option<i64>>;
    /// Writes what is held back and restores what the bulk path set aside; returns the refs
    /// that were written more than once (then the import must not commit). Call once, when
    /// the rows are done.
    fn finish(&mut self) -> Result<Vec<String>>;
}

/// Where an engagement import writes new engagements, inside its transaction (see
/// [`Backend::import_engagements`]); lookups by ref go through its prepared statements.
/// Updates and history go through the store as usual.
pub trait EngagementWriter {
    /// Whether the store writes these rows on its bulk path.
    fn bulk(&self) -> bool;
    /// The (id, ref) of the agreement this ref or id names (any case).
    fn agreement(&mut self, name: &str) -> Result<Option<(i64, String)>>;
    /// The (id, ref) of the engagement this ref or id names (any case), among those in the
    /// registry and those written so far.
    fn engagement(&mut self, name: &str) -> Result<Option<(i64, String)>>;
    /// Writes a new engagement (its `id` is ignored) and its partners; returns its id, or
    /// `None` when an engagement with its ref exists already (then nothing is written).
    fn insert_new(&mut self, e: &Engagement, links: &EngagementLinks) -> Result<Option<i64>>;
    /// Writes what is held back and restores what the bulk path set aside. Call once, when
    /// the rows are done.
    fn finish(&mut self) -> Result<()>;
}

/// The engagement writer of a store without a bulk path: each call one of the store's own.
struct PlainEngagementWriter<'a> {
    store: &'a dyn Backend,
}

impl EngagementWriter for PlainEngagementWriter<'_> {
    fn bulk(&self) -> bool {
        false
    }

    fn agreement(&mut self, name: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .store
            .try_find_agreement(name, Date::default())?
            .map(|(a, _)| (a.id, a.reference)))
    }

    fn engagement(&mut self, name: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .store
            .try_find_engagement(name, Date::default())?
            .map(|(e, _)| (e.id, e.reference)))
    }

    fn insert_new(&mut self, e: &Engagement, links: &EngagementLinks) -> Result<Option<i64>> {
        if self.store.engagement_ref_taken(&e.reference, None)? {
            return Ok(None);
        }
        self.store.insert_engagement(e, links).map(Some)
    }

    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

pub trait Backend: Send {
    /// Runs `f` in one transaction: all of it is written when it returns `Ok(true)`, none of
    /// it when it returns `Ok(false)` (a dry run) or an error.
    fn transact(&mut self, f: &mut dyn FnMut(&dyn Backend) -> Result<bool>) -> Result<()>;

    // Partners.
    fn partner_by_id(&self, id: i64) -> Result<Option<Partner>>;
    /// The partner a name, key or alias names; an unknown one is an error with the nearest
    /// names as its hint.
    fn find_partner(&self, name: &str) -> Result<Partner>;
    fn key_taken(&self, key: &str, except: Option<i64>) -> Result<bool>;
    fn insert_partner(&self, p: &Partner) -> Result<Partner>;
    fn update_partner(&self, p: &Partner) -> Result<()>;
    fn delete_partner(&self, id: i64) -> Result<()>;
    fn partner_count(&self) -> Result<i64>;
    fn scan_partners(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Partner) -> Result<()>,
    ) -> Result<()>;
    /// The partner a key, id, name or alias names; else the partners it could mean, as
    /// `key (name)`, when it names more than one, and none when it names nobody.
    fn try_find_partner(&self, name: &str) -> Result<std::result::Result<Partner, Vec<String>>>;
    /// Up to `n` partner keys nearest to `name`, for hints.
    fn nearest_partners(&self, name: &str, n: usize) -> Result<Vec<String>>;
    /// The partner (other than `except`) whose name or an alias normalizes as `text` does.
    fn name_taken(&self, text: &str, except: Option<i64>) -> Result<Option<PartnerMatch>>;
    /// The names and aliases (of partners other than `except`) equal to `text` once
    /// punctuation and spaces are gone.
    fn near_names(&self, text: &str, except: Option<i64>) -> Result<Vec<PartnerMatch>>;
    /// Every partner's id and key.
    fn partner_keys(&self) -> Result<Vec<(i64, String)>>;

    // Agreements.
    fn agreement_by_ref(&self, reference: &str, as_of: Date)
        -> Result<Option<(Agreement, Status)>>;
    fn agreement_by_id(&self, id: i64, as_of: Date) -> Result<Option<(Agreement, Status)>>;
    /// The agreement a ref names (any case); an unknown one is an error with the nearest
    /// refs as its hint.
    fn find_agreement(&self, name: &str, as_of: Date) -> Result<(Agreement, Status)>;
    /// Up to `n` refs nearest to `name`, for hints.
    fn nearest_refs(&self, name: &str, n: usize) -> Result<Vec<String>>;
    fn try_find_agreement(&self, name: &str, as_of: Date) -> Result<Option<(Agreement, Status)>>;
    /// The next free generated ref of a kind and year (`MOU-2026-004`).
    fn next_ref(&self, kind: Kind, year: i32) -> Result<String>;
    fn ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool>;
    fn insert_agreement(&self, a: &Agreement, party_ids: &[i64]) -> Result<i64>;
    fn update_agreement(&self, a: &Agreement, old_ref: &str, party_ids: &[i64]) -> Result<()>;
    fn delete_agreement(&self, id: i64) -> Result<()>;
    fn party_ids(&self, agreement_id: i64) -> Result<Vec<i64>>;
    fn agreement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>>;
    fn detach_party(&self, agreement_id: i64, partner_id: i64) -> Result<()>;
    fn renewed_by(&self, reference: &str) -> Result<Vec<String>>;
    fn renewal_problem(
        &self,
        id: Option<i64>,
        reference: &str,
        renews: &str,
    ) -> Result<Option<RenewalProblem>>;
    fn agreement_count(&self) -> Result<u64>;
    fn count_agreements(&self, filter: &Filter) -> Result<i64>;
    fn count_partners_with_agreements(&self, filter: &Filter) -> Result<i64>;
    fn scan_agreements(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Agreement, Status) -> Result<()>,
    ) -> Result<()>;
    /// The agreements matching `filter` as the text of their export columns
    /// ([`crate::records::AGREEMENT_COLUMNS`], lists `;`-joined, status derived), `batch`
    /// rows at a time, in the order of [`Backend::scan_agreements`].
    fn scan_agreement_text(
        &self,
        filter: &Filter,
        batch: usize,
        f: &mut dyn FnMut(TextBatch) -> Result<()>,
    ) -> Result<()>;
    /// The ref of an agreement with id up to `up_to_id` with this kind, signing date, title
    /// and parties (in order): what an import row without a ref is.
    fn same_agreement(
        &self,
        kind: Kind,
        signed: Option<Date>,
        title: &str,
        party_ids: &[i64],
        up_to_id: i64,
    ) -> Result<Option<String>>;
    /// Agreements after `after_id` whose `renews` names no agreement, as (ref, renews), in
    /// id order. `most_are_new`: those rows are most of the registry (a large import).
    fn new_dangling_renewals(
        &self,
        after_id: i64,
        most_are_new: bool,
    ) -> Result<Vec<(String, String)>>;
    /// Renewal chains that branch or loop through the agreements after `after_id` (0: all).
    fn renewal_problems(&self, after_id: i64, most_are_new: bool) -> Result<Vec<RenewalProblem>>;
    /// Every agreement whose `renews` names no agreement, as (ref, renews), by ref.
    fn dangling_renewals(&self) -> Result<Vec<(String, String)>>;
    /// Every (ref, renews) link, by ref.
    fn renewal_links(&self) -> Result<Vec<(String, String)>>;
    /// The largest (partner, agreement) ids in use (0 when none).
    fn max_ids(&self) -> Result<(i64, i64)>;
    /// Whether the registry holds no partner, agreement or history row.
    fn is_unused(&self) -> Result<bool>;

    // Reports.
    /// Partners matching `filter` counted per category, every category in vocabulary order.
    fn partners_by_category(&self, filter: &Filter) -> Result<Vec<(Category, i64)>>;
    /// Every partner's category, by id.
    fn partner_categories(&self) -> Result<HashMap<i64, Category>>;
    /// The agreements matching `filter` as lean [`ReportRow`]s, in id order.
    fn scan_report_rows(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(&ReportRow) -> Result<()>,
    ) -> Result<()>;
    /// The summary's counts and partner ids for the agreements matching `filter`, when the
    /// store aggregates them itself; None (the default): the caller scans the rows.
    fn summary_aggregate(&self, _filter: &Filter) -> Result<Option<SummaryAggregate>> {
        Ok(None)
    }
    /// The figures of `quarters` (each with the one after it) for the agreements matching
    /// `filter`, the first `full` with their goals and partners, when the store aggregates them
    /// itself; None (the default): the caller scans the rows.
    fn quarter_aggregate(
        &self,
        _filter: &Filter,
        _quarters: &[(Period, Period)],
        _full: usize,
    ) -> Result<Option<QuarterAggregate>> {
        Ok(None)
    }
    /// Agreements matching `filter` counted per value of `by`, by value (see
    /// [`CountBy`]); an agreement counts once under each of its goals, categories, countries.
    fn count_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>>;
    /// The engagements matching `filter`, and starting within `starts_in` when given, as
    /// lean [`EngagementRow`]s (in id order for a whole scan).
    fn scan_engagement_rows(
        &self,
        filter: &Filter,
        starts_in: Option<Period>,
        f: &mut dyn FnMut(&EngagementRow) -> Result<()>,
    ) -> Result<()>;
    /// Engagements matching `filter` counted per value of `by`: once under each of their
    /// goals, partners and partners' categories; the country is where it was held, year and
    /// quarter those of its start.
    fn count_engagements_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>>;
    /// Agreements active or pending at the filter's as-of date, not renewed, whose expiry or
    /// notice date comes by `until`: in order of the earlier of those dates, then ref.
    fn scan_due(
        &self,
        filter: &Filter,
        until: Date,
        f: &mut dyn FnMut(Agreement, Status) -> Result<()>,
    ) -> Result<()>;

    // What `mou check` reads: records as stored, whoever wrote them.
    /// Every partner as stored (aliases included) and as mou reads it, in id order.
    fn scan_stored_partners(
        &self,
        f: &mut dyn FnMut(StoredRow, Partner) -> Result<()>,
    ) -> Result<()>;
    /// Every agreement as stored and as mou reads it, in id order.
    fn scan_stored_agreements(
        &self,
        f: &mut dyn FnMut(StoredRow, Agreement) -> Result<()>,
    ) -> Result<()>;
    /// Every engagement as stored (its `agreement_id` and `part_of_id` among the values) and
    /// as mou reads it, in id order.
    fn scan_stored_engagements(
        &self,
        f: &mut dyn FnMut(StoredRow, Engagement) -> Result<()>,
    ) -> Result<()>;
    /// Whether a partner's stored normalized forms differ from what its names give.
    fn partner_norms_stale(&self, id: i64) -> Result<bool>;
    /// Pairs of partners whose names or aliases are equal once punctuation and spaces go.
    fn near_duplicate_pairs(&self) -> Result<Vec<(PartnerMatch, PartnerMatch)>>;
    /// Partners party to no agreement, as (key, name), by key.
    fn partners_without_agreements(&self) -> Result<Vec<(String, String)>>;
    /// The `after` of the last history row of each record of `entity`, by id.
    fn last_recorded(&self, entity: Entity) -> Result<HashMap<i64, Option<String>>>;

    // Contacts.
    fn contact_by_id(&self, id: i64) -> Result<Option<Contact>>;
    /// Contacts with this email (compared without case).
    fn contacts_by_email(&self, email: &str) -> Result<Vec<Contact>>;
    /// Contacts of one partner with this normalized name.
    fn contacts_named(&self, partner_id: i64, name_norm: &str) -> Result<Vec<Contact>>;
    fn contacts_of_partner(&self, partner_id: i64) -> Result<Vec<Contact>>;
    /// Up to `n` contacts nearest a name, email or `partner:name`, for a hint.
    fn nearest_contacts(&self, text: &str, n: usize) -> Result<Vec<String>>;
    /// Inserts a contact (id 0: the next free id; ids are never reused); returns its id.
    fn insert_contact(&self, c: &Contact) -> Result<i64>;
    fn update_contact(&self, c: &Contact) -> Result<()>;
    fn delete_contact(&self, id: i64) -> Result<()>;
    fn scan_contacts(
        &self,
        filter: &ContactFilter,
        f: &mut dyn FnMut(Contact) -> Result<()>,
    ) -> Result<()>;
    /// Erases a contact's name, email, phone and notes from its row, at time `at`.
    fn forget_contact_row(&self, id: i64, at: &str) -> Result<()>;
    /// When the contact was forgotten, if it was.
    fn contact_forgotten(&self, id: i64) -> Result<Option<String>>;
    /// Whether history holds rows of contact `id` (also once it is removed).
    fn contact_in_history(&self, id: i64) -> Result<bool>;

    // Engagements.
    fn engagement_by_id(
        &self,
        id: i64,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>>;
    /// The engagement a ref (any case) or id names; an unknown one is an error with the
    /// nearest refs as its hint.
    fn find_engagement(&self, name: &str, as_of: Date) -> Result<(Engagement, EngagementStatus)>;
    fn try_find_engagement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>>;
    /// The next free generated ref of a year (`ENG-2016-004`), after every one ever given.
    fn next_engagement_ref(&self, year: i32) -> Result<String>;
    fn engagement_ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool>;
    fn insert_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<i64>;
    fn update_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()>;
    fn delete_engagement(&self, id: i64) -> Result<()>;
    /// Its partners', agreement's and series' ids as stored.
    fn engagement_links(&self, id: i64) -> Result<EngagementLinks>;
    /// Refs of the engagements that are part of engagement `id`.
    fn engagement_parts(&self, id: i64) -> Result<Vec<String>>;
    /// Refs of the engagements held under agreement `agreement_id`.
    fn engagements_under(&self, agreement_id: i64) -> Result<Vec<String>>;
    fn engagement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>>;
    /// (id, ref) of engagement `part_of_id` and each series above it, in turn.
    fn engagement_series(&self, part_of_id: i64) -> Result<Vec<(i64, String)>>;
    fn engagement_count(&self) -> Result<u64>;
    fn count_engagements(&self, filter: &Filter) -> Result<i64>;
    fn scan_engagements(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Engagement, EngagementStatus) -> Result<()>,
    ) -> Result<()>;

    // History.
    /// Appends one history row; call inside the change's transaction.
    fn record(&self, c: Change) -> Result<()>;
    fn scan_history(&self, f: &mut dyn FnMut(HistoryEntry) -> Result<()>) -> Result<()>;
    /// The history rows of one record, oldest first: by `entity` (`partner`, `agreement`),
    /// its id when it still exists, and its key or ref (which a removed record is known by).
    fn scan_history_about(
        &self,
        entity: &str,
        id: Option<i64>,
        key: &str,
        f: &mut dyn FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()>;
    fn verify_history(&self) -> Result<Verification>;
    /// The history rows of one record by id (also once it is removed), oldest first.
    fn scan_history_of(
        &self,
        entity: Entity,
        id: i64,
        f: &mut dyn FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()>;
    /// Sets `fields` to null in the before/after of every history row of one record, so
    /// that the chain still verifies (see the store's history module); call inside the
    /// forget's transaction. Returns the ids of the rows changed, which the forget row lists
    /// under `erased_rows`.
    fn erase_history(&self, entity: Entity, id: i64, fields: &[&str]) -> Result<Vec<i64>>;
    /// After an erasure is committed: removes earlier copies of the erased data from the
    /// store's files (logs, freed pages). Returns what could not be done, for a warning.
    fn purge_erased(&self) -> Result<Option<String>>;

    // The store as a whole.
    /// An import in one transaction: `f` writes through the store and the [`ImportWriter`]
    /// it is given, and returns whether to commit. The store chooses how to write from
    /// `plan` (for SQLite, a large first load drops and rebuilds indexes and writes through a
    /// rollback journal); the result is the same either way.
    fn import(
        &mut self,
        plan: &ImportPlan,
        f: &mut dyn FnMut(&dyn Backend, &mut dyn ImportWriter) -> Result<bool>,
    ) -> Result<()>;
    /// An import of engagements in one transaction: `f` writes through the store and the
    /// [`EngagementWriter`] it is given, and returns whether to commit. `file_bytes` is the
    /// size of a regular file (`None` for a stream); the store chooses from it how to write
    /// (for SQLite, a large file drops and rebuilds indexes, and a first load writes through
    /// a rollback journal); the result is the same either way.
    fn import_engagements(
        &mut self,
        file_bytes: Option<u64>,
        dry_run: bool,
        f: &mut dyn FnMut(&dyn Backend, &mut dyn EngagementWriter) -> Result<bool>,
    ) -> Result<()> {
        let _ = (file_bytes, dry_run);
        self.transact(&mut |s| f(s, &mut PlainEngagementWriter { store: s }))
    }
    /// What is wrong with the store's files, empty when they are sound.
    fn integrity_problems(&self) -> Result<Vec<String>>;
    /// A consistent copy of the registry into the file `dest`, checked.
    fn backup_to(&self, dest: &Path) -> Result<()>;
    /// Every row of the registry, read from one snapshot, table by table in id order (see
    /// [`DumpRow`]): each is handed to `f` as it is read, none is kept.
    fn dump(&self, f: &mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()>;
    /// Writes the rows that `rows` hands to its sink into this registry, ids, hashes and
    /// sealed parts kept, in one transaction; refused (exit 2) unless the registry is unused.
    /// `check` reads the loaded registry before the commit: its error writes nothing.
    fn load(
        &mut self,
        rows: &mut RowSource<'_>,
        check: &mut dyn FnMut(&dyn Backend) -> Result<()>,
    ) -> Result<()>;
}

impl dyn Backend + '_ {
    /// Runs `f` in one transaction, all of it written or (on an error) none of it, and
    /// returns its value.
    pub fn write<T>(&mut self, f: impl FnOnce(&dyn Backend) -> Result<T>) -> Result<T> {
        self.transaction(|s| f(s).map(|v| (v, true)))
    }

    /// Like [`write`](#method.write), but `f` also says whether to commit (false rolls
    /// back, as for a dry run); its value is returned either way.
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&dyn Backend) -> Result<(T, bool)>,
    ) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.transact(&mut |s| {
            let f = f
                .take()
                .ok_or_else(|| crate::error::Error::registry("a transaction ran twice"))?;
            let (v, commit) = f(s)?;
            out = Some(v);
            Ok(commit)
        })?;
        out.ok_or_else(|| crate::error::Error::registry("a transaction returned nothing"))
    }
}
