//! The interface every store offers: whole operations on records, history and the file as a
//! whole, object-safe so that the registry can hold any store as `&dyn Backend` (jj's
//! facade over a `dyn Backend`). A method is called once per operation, never per row: scans
//! take a callback (`&mut dyn FnMut`), so rows are not boxed.

use std::path::Path;

use super::{Change, Entity, HistoryEntry, Verification};
use crate::dates::Date;
use crate::error::Result;
use crate::model::{Agreement, Contact, Kind, Partner, RenewalProblem, Status};
use crate::query::{ContactFilter, Filter};

pub trait Backend {
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

    // Agreements.
    fn agreement_by_ref(&self, reference: &str, as_of: Date)
        -> Result<Option<(Agreement, Status)>>;
    fn agreement_by_id(&self, id: i64, as_of: Date) -> Result<Option<(Agreement, Status)>>;
    /// The agreement a ref names (any case); an unknown one is an error with the nearest
    /// refs as its hint.
    fn find_agreement(&self, name: &str, as_of: Date) -> Result<(Agreement, Status)>;
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

    // History.
    /// Appends one history row; call inside the change's transaction.
    fn record(&self, c: Change) -> Result<()>;
    fn scan_history(&self, f: &mut dyn FnMut(HistoryEntry) -> Result<()>) -> Result<()>;
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
    /// A bulk write of agreements: rows written by `f` through [`Backend::insert_agreement`]
    /// with the store's own tactics for a large load (indexes rebuilt once at the end).
    /// Returns the refs repeated among them (then nothing is written), or writes all of it.
    fn bulk_insert_agreements(
        &mut self,
        rows: &mut dyn Iterator<Item = (Agreement, Vec<i64>)>,
    ) -> Result<Vec<String>>;
    /// What is wrong with the store's files, empty when they are sound.
    fn integrity_problems(&self) -> Result<Vec<String>>;
    /// A consistent copy of the registry into the file `dest`, checked.
    fn backup_to(&self, dest: &Path) -> Result<()>;
}
