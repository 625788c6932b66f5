//! The interface every store offers: whole operations on records, history and the file as a
//! whole, object-safe so that the registry can hold any store as `&dyn Backend` (jj's
//! facade over a `dyn Backend`). A method is called once per operation, never per row: scans
//! take a callback (`&mut dyn FnMut`), so rows are not boxed.

use std::path::Path;

use super::{Change, EngagementLinks, HistoryEntry, Verification};
use crate::dates::Date;
use crate::error::Result;
use crate::model::{
    Agreement, Engagement, EngagementStatus, Kind, Partner, RenewalProblem, Status,
};
use crate::query::Filter;

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
    fn verify_history(&self) -> Result<Verification>;

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
