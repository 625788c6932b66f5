//! The comma rule on the free-text list flags (partners, tags).

use super::values::tag;
use super::{
    AddCommand, AgreementArgs, Command, EditCommand, EngagementFilterArgs, FilterArgs,
    ReportCommand,
};
use crate::query::split_values;

impl Command {
    /// Applies the comma rule ([`split_values`]) to the free-text list flags; clap splits the
    /// closed vocabularies, whose values hold no commas.
    pub(super) fn split_lists(&mut self) -> Result<(), String> {
        match self {
            Command::Add(AddCommand::Agreement(a)) => a.agreement.split_lists(),
            Command::Add(AddCommand::Mou(a)) => a.split_lists(),
            Command::Edit(EditCommand::Agreement(a)) => {
                split(&mut a.partners, "--partner")?;
                split(&mut a.add_partners, "--add-partner")?;
                split(&mut a.remove_partners, "--remove-partner")?;
                split_tags(&mut a.tags, "--tag")?;
                split_tags(&mut a.add_tags, "--add-tag")?;
                split_tags(&mut a.remove_tags, "--remove-tag")
            }
            Command::Add(AddCommand::Engagement(a)) => {
                split(&mut a.partners, "--partner")?;
                split_tags(&mut a.fields.tags, "--tag")
            }
            Command::Edit(EditCommand::Engagement(a)) => {
                split(&mut a.partners, "--partner")?;
                split(&mut a.add_partners, "--add-partner")?;
                split(&mut a.remove_partners, "--remove-partner")?;
                split_tags(&mut a.fields.tags, "--tag")?;
                split_tags(&mut a.add_tags, "--add-tag")?;
                split_tags(&mut a.remove_tags, "--remove-tag")
            }
            Command::List(a) => {
                a.engagement_filters.split_lists()?;
                a.filters.split_lists()
            }
            Command::Export(a) => {
                a.engagement_filters.split_lists()?;
                a.filters.split_lists()
            }
            Command::Due(a) => a.filters.split_lists(),
            Command::Report(r) => {
                r.filters.split_lists()?;
                match &mut r.which {
                    Some(ReportCommand::Summary(s)) => s.filters.split_lists(),
                    Some(ReportCommand::Quarterly(q)) => q.filters.split_lists(),
                    Some(ReportCommand::By(b)) => {
                        b.engagement_filters.split_lists()?;
                        b.filters.split_lists()
                    }
                    Some(ReportCommand::Count(c)) => {
                        c.engagement_filters.split_lists()?;
                        c.filters.split_lists()
                    }
                    Some(ReportCommand::Dormant(d)) => d.filters.split_lists(),
                    Some(ReportCommand::Page(_)) | None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

impl AgreementArgs {
    pub(super) fn split_lists(&mut self) -> Result<(), String> {
        split(&mut self.partners, "--partner")?;
        split_tags(&mut self.tags, "--tag")
    }
}

impl FilterArgs {
    pub(super) fn split_lists(&mut self) -> Result<(), String> {
        split(&mut self.partners, "--partner")?;
        split_tags(&mut self.tags, "--tag")
    }
}

impl EngagementFilterArgs {
    pub(super) fn split_lists(&mut self) -> Result<(), String> {
        split(&mut self.agreements, "--agreement")
    }
}

fn split(values: &mut Vec<String>, flag: &str) -> Result<(), String> {
    let mut out = Vec::new();
    for v in values.iter() {
        let parts = split_values(v).map_err(|e| format!("invalid {flag} value: {e}"))?;
        if parts.is_empty() {
            return Err(format!(
                "invalid {flag} '{v}': give a value, or leave the flag out"
            ));
        }
        out.extend(parts);
    }
    *values = out;
    Ok(())
}

fn split_tags(values: &mut Vec<String>, flag: &str) -> Result<(), String> {
    split(values, flag)?;
    for t in values.iter_mut() {
        *t = tag(t)?;
    }
    Ok(())
}
