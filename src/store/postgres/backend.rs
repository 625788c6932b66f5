//! The PostgreSQL store as a [`Backend`]: each method is one of its own, called once per
//! operation.

use std::collections::HashMap;
use std::path::Path;

use super::Store;
use crate::dates::{Date, Period};
use crate::error::Result;
use crate::model::{
    Agreement, Category, Contact, Engagement, EngagementStatus, Kind, Partner, RenewalProblem,
    Status, StoredRow,
};
use crate::query::{ContactFilter, Filter};
use crate::report::aggregate::{QuarterAggregate, SummaryAggregate};
use crate::store::dump::RowSource;
use crate::store::{
    Backend, Change, CountBy, DumpRow, EngagementLinks, Entity, HistoryEntry, ImportPlan,
    ImportWriter, PartnerMatch, ReportRow, TextBatch, Verification,
};

/// An import's writer of new agreements: row by row, in the import's transaction.
struct Import<'a> {
    store: &'a Store,
}

impl ImportWriter for Import<'_> {
    fn bulk(&self) -> bool {
        false
    }

    fn find(&mut self, reference: &str) -> Result<Option<i64>> {
        Ok(self
            .store
            .opt(
                "SELECT id FROM agreement WHERE ref_key = $1",
                &[&crate::model::ref_key(reference.trim())],
            )?
            .map(|r| r.get(0)))
    }

    fn insert_new(&mut self, a: &Agreement, party_ids: &[i64]) -> Result<Option<i64>> {
        self.store.insert_new_agreement(a, party_ids)
    }

    fn finish(&mut self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

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

    fn try_find_partner(&self, name: &str) -> Result<std::result::Result<Partner, Vec<String>>> {
        Store::try_find_partner(self, name)
    }

    fn nearest_partners(&self, name: &str, n: usize) -> Result<Vec<String>> {
        Store::nearest_partners(self, name, n)
    }

    fn name_taken(&self, text: &str, except: Option<i64>) -> Result<Option<PartnerMatch>> {
        Store::name_taken(self, text, except)
    }

    fn near_names(&self, text: &str, except: Option<i64>) -> Result<Vec<PartnerMatch>> {
        Store::near_names(self, text, except)
    }

    fn partner_keys(&self) -> Result<Vec<(i64, String)>> {
        Store::partner_keys(self)
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

    fn nearest_refs(&self, name: &str, n: usize) -> Result<Vec<String>> {
        Store::nearest_refs(self, name, n)
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

    fn scan_agreement_text(
        &self,
        filter: &Filter,
        batch: usize,
        f: &mut dyn FnMut(TextBatch) -> Result<()>,
    ) -> Result<()> {
        self.for_each_agreement_text(filter, batch, f)
    }

    fn same_agreement(
        &self,
        kind: Kind,
        signed: Option<Date>,
        title: &str,
        party_ids: &[i64],
        up_to_id: i64,
    ) -> Result<Option<String>> {
        Store::same_agreement(self, kind, signed, title, party_ids, up_to_id)
    }

    fn new_dangling_renewals(
        &self,
        after_id: i64,
        most_are_new: bool,
    ) -> Result<Vec<(String, String)>> {
        let _ = most_are_new;
        Store::new_dangling_renewals(self, after_id)
    }

    fn renewal_problems(&self, after_id: i64, most_are_new: bool) -> Result<Vec<RenewalProblem>> {
        let _ = most_are_new;
        Store::renewal_problems(self, after_id)
    }

    fn dangling_renewals(&self) -> Result<Vec<(String, String)>> {
        Store::dangling_renewals(self)
    }

    fn renewal_links(&self) -> Result<Vec<(String, String)>> {
        Store::renewal_links(self)
    }

    fn max_ids(&self) -> Result<(i64, i64)> {
        Store::max_ids(self)
    }

    fn is_unused(&self) -> Result<bool> {
        Store::is_unused(self)
    }

    fn partners_by_category(&self, filter: &Filter) -> Result<Vec<(Category, i64)>> {
        Store::partners_by_category(self, filter)
    }

    fn partner_categories(&self) -> Result<HashMap<i64, Category>> {
        Store::partner_categories(self)
    }

    fn scan_report_rows(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(&ReportRow) -> Result<()>,
    ) -> Result<()> {
        self.for_each_report_row(filter, f)
    }

    fn summary_aggregate(&self, filter: &Filter) -> Result<Option<SummaryAggregate>> {
        Store::summary_aggregate(self, filter).map(Some)
    }

    fn quarter_aggregate(
        &self,
        filter: &Filter,
        quarters: &[(Period, Period)],
        full: usize,
    ) -> Result<Option<QuarterAggregate>> {
        Store::quarter_aggregate(self, filter, quarters, full).map(Some)
    }

    fn count_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>> {
        Store::count_by(self, by, filter)
    }

    fn scan_engagement_rows(
        &self,
        filter: &Filter,
        starts_in: Option<crate::dates::Period>,
        f: &mut dyn FnMut(&crate::store::EngagementRow) -> Result<()>,
    ) -> Result<()> {
        self.for_each_engagement_row(filter, starts_in, f)
    }

    fn count_engagements_by(&self, by: CountBy, filter: &Filter) -> Result<Vec<(String, i64)>> {
        Store::count_engagements_by(self, by, filter)
    }

    fn scan_due(
        &self,
        filter: &Filter,
        until: Date,
        f: &mut dyn FnMut(Agreement, Status) -> Result<()>,
    ) -> Result<()> {
        crate::store::scan_due(self, filter, until, f)
    }

    fn scan_stored_partners(
        &self,
        f: &mut dyn FnMut(StoredRow, Partner) -> Result<()>,
    ) -> Result<()> {
        self.for_each_stored_partner(f)
    }

    fn scan_stored_agreements(
        &self,
        f: &mut dyn FnMut(StoredRow, Agreement) -> Result<()>,
    ) -> Result<()> {
        self.for_each_stored_agreement(f)
    }

    fn scan_stored_engagements(
        &self,
        f: &mut dyn FnMut(StoredRow, Engagement) -> Result<()>,
    ) -> Result<()> {
        self.for_each_stored_engagement(f)
    }

    fn partner_norms_stale(&self, id: i64) -> Result<bool> {
        Store::partner_norms_stale(self, id)
    }

    fn near_duplicate_pairs(&self) -> Result<Vec<(PartnerMatch, PartnerMatch)>> {
        Store::near_duplicate_pairs(self)
    }

    fn partners_without_agreements(&self) -> Result<Vec<(String, String)>> {
        Store::partners_without_agreements(self)
    }

    fn last_recorded(&self, entity: Entity) -> Result<HashMap<i64, Option<String>>> {
        Store::last_recorded(self, entity)
    }

    fn contact_by_id(&self, id: i64) -> Result<Option<Contact>> {
        Store::contact_by_id(self, id)
    }

    fn contacts_by_email(&self, email: &str) -> Result<Vec<Contact>> {
        Store::contacts_by_email(self, email)
    }

    fn contacts_named(&self, partner_id: i64, name_norm: &str) -> Result<Vec<Contact>> {
        Store::contacts_named(self, partner_id, name_norm)
    }

    fn contacts_of_partner(&self, partner_id: i64) -> Result<Vec<Contact>> {
        Store::contacts_of_partner(self, partner_id)
    }

    fn nearest_contacts(&self, text: &str, n: usize) -> Result<Vec<String>> {
        Store::nearest_contacts(self, text, n)
    }

    fn insert_contact(&self, c: &Contact) -> Result<i64> {
        Store::insert_contact(self, c)
    }

    fn update_contact(&self, c: &Contact) -> Result<()> {
        Store::update_contact(self, c)
    }

    fn delete_contact(&self, id: i64) -> Result<()> {
        Store::delete_contact(self, id)
    }

    fn scan_contacts(
        &self,
        filter: &ContactFilter,
        f: &mut dyn FnMut(Contact) -> Result<()>,
    ) -> Result<()> {
        self.for_each_contact(filter, f)
    }

    fn forget_contact_row(&self, id: i64, at: &str) -> Result<()> {
        Store::forget_contact_row(self, id, at)
    }

    fn contact_forgotten(&self, id: i64) -> Result<Option<String>> {
        Store::contact_forgotten(self, id)
    }

    fn contact_in_history(&self, id: i64) -> Result<bool> {
        Store::contact_in_history(self, id)
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

    fn scan_history_about(
        &self,
        entity: &str,
        id: Option<i64>,
        key: &str,
        f: &mut dyn FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()> {
        self.for_each_history(Some((entity, id, key)), f)
    }

    fn verify_history(&self) -> Result<Verification> {
        Store::verify_history(self)
    }

    fn scan_history_of(
        &self,
        entity: Entity,
        id: i64,
        f: &mut dyn FnMut(HistoryEntry) -> Result<()>,
    ) -> Result<()> {
        self.history_of(entity.as_str(), id, f)
    }

    fn erase_history(&self, entity: Entity, id: i64, fields: &[&str]) -> Result<Vec<i64>> {
        Store::erase_history(self, entity.as_str(), id, fields)
    }

    fn purge_erased(&self) -> Result<Option<String>> {
        Store::purge_erased(self)
    }

    fn import(
        &mut self,
        plan: &ImportPlan,
        f: &mut dyn FnMut(&dyn Backend, &mut dyn ImportWriter) -> Result<bool>,
    ) -> Result<()> {
        let bulk = plan
            .agreements_file_bytes
            .is_some_and(|n| n >= super::import::BULK_BYTES);
        self.transaction(|s| {
            if !bulk {
                return Ok(((), f(s, &mut Import { store: s })?));
            }
            let mut w = super::import::Bulk::new(s)?;
            let commit = f(s, &mut w)?;
            // Never commit rows left in the staging table.
            if commit && !w.finished && !w.finish()?.is_empty() {
                return Err(crate::error::Error::input(
                    "a ref appears more than once among the rows imported; nothing was imported",
                ));
            }
            Ok(((), commit))
        })
    }

    fn integrity_problems(&self) -> Result<Vec<String>> {
        Store::integrity_problems(self)
    }

    fn backup_to(&self, dest: &Path) -> Result<()> {
        Store::backup_to(self, dest)
    }

    fn dump(&self, f: &mut dyn FnMut(DumpRow) -> Result<()>) -> Result<()> {
        Store::dump(self, f)
    }

    fn load(
        &mut self,
        rows: &mut RowSource<'_>,
        check: &mut dyn FnMut(&dyn Backend) -> Result<()>,
    ) -> Result<()> {
        Store::load(self, rows, check)
    }
}
