//! The SQLite store as a [`Backend`]: each method is one of its own, called once per
//! operation.

use std::path::Path;

use super::Store;
use crate::dates::Date;
use crate::error::Result;
use crate::model::{
    Agreement, Engagement, EngagementStatus, Kind, Partner, RenewalProblem, Status,
};
use crate::query::Filter;
use crate::store::{Backend, Change, EngagementLinks, HistoryEntry, Verification};

impl Backend for Store {
    fn transact(&mut self, f: &mut dyn FnMut(&dyn Backend) -> Result<bool>) -> Result<()> {
        self.transaction(|s| Ok(((), f(s)?)))
    }

    fn partner_by_id(&self, id: i64) -> Result<Option<Partner>> {
        Store::partner_by_id(self, id)
    }

    fn find_partner(&self, name: &str) -> Result<Partner> {
        Store::find_partner(self, name)
    }

    fn key_taken(&self, key: &str, except: Option<i64>) -> Result<bool> {
        Store::key_taken(self, key, except)
    }

    fn insert_partner(&self, p: &Partner) -> Result<Partner> {
        Store::insert_partner(self, p)
    }

    fn update_partner(&self, p: &Partner) -> Result<()> {
        Store::update_partner(self, p)
    }

    fn delete_partner(&self, id: i64) -> Result<()> {
        Store::delete_partner(self, id)
    }

    fn partner_count(&self) -> Result<i64> {
        Store::partner_count(self)
    }

    fn scan_partners(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Partner) -> Result<()>,
    ) -> Result<()> {
        self.for_each_partner(filter, f)
    }

    fn agreement_by_ref(
        &self,
        reference: &str,
        as_of: Date,
    ) -> Result<Option<(Agreement, Status)>> {
        Store::agreement_by_ref(self, reference, as_of)
    }

    fn agreement_by_id(&self, id: i64, as_of: Date) -> Result<Option<(Agreement, Status)>> {
        Store::agreement_by_id(self, id, as_of)
    }

    fn find_agreement(&self, name: &str, as_of: Date) -> Result<(Agreement, Status)> {
        Store::find_agreement(self, name, as_of)
    }

    fn try_find_agreement(&self, name: &str, as_of: Date) -> Result<Option<(Agreement, Status)>> {
        Store::try_find_agreement(self, name, as_of)
    }

    fn next_ref(&self, kind: Kind, year: i32) -> Result<String> {
        Store::next_ref(self, kind, year)
    }

    fn ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool> {
        Store::ref_taken(self, reference, except)
    }

    fn insert_agreement(&self, a: &Agreement, party_ids: &[i64]) -> Result<i64> {
        Store::insert_agreement(self, a, party_ids)
    }

    fn update_agreement(&self, a: &Agreement, old_ref: &str, party_ids: &[i64]) -> Result<()> {
        Store::update_agreement(self, a, old_ref, party_ids)
    }

    fn delete_agreement(&self, id: i64) -> Result<()> {
        Store::delete_agreement(self, id)
    }

    fn party_ids(&self, agreement_id: i64) -> Result<Vec<i64>> {
        Store::party_ids(self, agreement_id)
    }

    fn agreement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>> {
        Store::agreement_ids_of_partner(self, partner_id)
    }

    fn detach_party(&self, agreement_id: i64, partner_id: i64) -> Result<()> {
        Store::detach_party(self, agreement_id, partner_id)
    }

    fn renewed_by(&self, reference: &str) -> Result<Vec<String>> {
        Store::renewed_by(self, reference)
    }

    fn renewal_problem(
        &self,
        id: Option<i64>,
        reference: &str,
        renews: &str,
    ) -> Result<Option<RenewalProblem>> {
        Store::renewal_problem(self, id, reference, renews)
    }

    fn agreement_count(&self) -> Result<u64> {
        Store::agreement_count(self)
    }

    fn count_agreements(&self, filter: &Filter) -> Result<i64> {
        Store::count_agreements(self, filter)
    }

    fn count_partners_with_agreements(&self, filter: &Filter) -> Result<i64> {
        Store::count_partners_with_agreements(self, filter)
    }

    fn scan_agreements(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Agreement, Status) -> Result<()>,
    ) -> Result<()> {
        self.for_each_agreement(filter, f)
    }

    fn engagement_by_id(
        &self,
        id: i64,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        Store::engagement_by_id(self, id, as_of)
    }

    fn find_engagement(&self, name: &str, as_of: Date) -> Result<(Engagement, EngagementStatus)> {
        Store::find_engagement(self, name, as_of)
    }

    fn try_find_engagement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<Option<(Engagement, EngagementStatus)>> {
        Store::try_find_engagement(self, name, as_of)
    }

    fn next_engagement_ref(&self, year: i32) -> Result<String> {
        Store::next_engagement_ref(self, year)
    }

    fn engagement_ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool> {
        Store::engagement_ref_taken(self, reference, except)
    }

    fn insert_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<i64> {
        Store::insert_engagement(self, e, links)
    }

    fn update_engagement(&self, e: &Engagement, links: &EngagementLinks) -> Result<()> {
        Store::update_engagement(self, e, links)
    }

    fn delete_engagement(&self, id: i64) -> Result<()> {
        Store::delete_engagement(self, id)
    }

    fn engagement_links(&self, id: i64) -> Result<EngagementLinks> {
        Store::engagement_links(self, id)
    }

    fn engagement_parts(&self, id: i64) -> Result<Vec<String>> {
        Store::engagement_parts(self, id)
    }

    fn engagements_under(&self, agreement_id: i64) -> Result<Vec<String>> {
        Store::engagements_under(self, agreement_id)
    }

    fn engagement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>> {
        Store::engagement_ids_of_partner(self, partner_id)
    }

    fn engagement_series(&self, part_of_id: i64) -> Result<Vec<(i64, String)>> {
        Store::engagement_series(self, part_of_id)
    }

    fn engagement_count(&self) -> Result<u64> {
        Store::engagement_count(self)
    }

    fn count_engagements(&self, filter: &Filter) -> Result<i64> {
        Store::count_engagements(self, filter)
    }

    fn scan_engagements(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Engagement, EngagementStatus) -> Result<()>,
    ) -> Result<()> {
        self.for_each_engagement(filter, f)
    }

    fn record(&self, c: Change) -> Result<()> {
        Store::record(self, c)
    }

    fn scan_history(&self, f: &mut dyn FnMut(HistoryEntry) -> Result<()>) -> Result<()> {
        self.for_each_history(None, f)
    }

    fn verify_history(&self) -> Result<Verification> {
        Store::verify_history(self)
    }

    fn bulk_insert_agreements(
        &mut self,
        rows: &mut dyn Iterator<Item = (Agreement, Vec<i64>)>,
    ) -> Result<Vec<String>> {
        self.bulk_transaction(false, |s| {
            let unindexed = s.drop_bulk_indexes()?;
            let mut repeated = Vec::new();
            {
                let mut writer = s.agreement_writer(unindexed)?;
                for (a, party_ids) in rows {
                    if writer.insert_new(&a, &party_ids)?.is_none() {
                        repeated.push(a.reference);
                    }
                }
                writer.flush()?;
            }
            repeated.extend(s.rebuild_bulk_indexes()?);
            let commit = repeated.is_empty();
            Ok((repeated, commit))
        })
    }

    fn integrity_problems(&self) -> Result<Vec<String>> {
        Store::integrity_problems(self)
    }

    fn backup_to(&self, dest: &Path) -> Result<()> {
        Store::backup_to(self, dest)
    }
}
