//! `mou due`'s rows, the same on every store: read through the [`Backend`] alone.

use super::Backend;
use crate::dates::Date;
use crate::error::Result;
use crate::model::{Agreement, Status};
use crate::query::Filter;

/// Agreements active or pending at the filter's date, not renewed, whose expiry or notice
/// date comes by `until`: in order of the earlier of those dates, then ref.
pub fn scan_due(
    store: &dyn Backend,
    filter: &Filter,
    until: Date,
    f: &mut dyn FnMut(Agreement, Status) -> Result<()>,
) -> Result<()> {
    let mut due = Filter::new(filter.as_of);
    due.terms = filter.terms.clone();
    due.push(crate::query::Cond::Status(vec![
        Status::Active,
        Status::Pending,
    ]));
    let renewed: std::collections::HashSet<String> = store
        .renewal_links()?
        .into_iter()
        .map(|(_, old)| old.to_ascii_uppercase())
        .collect();
    let mut rows = Vec::new();
    store.scan_agreements(&due, &mut |a, s| {
        if renewed.contains(&a.reference.to_ascii_uppercase()) {
            return Ok(());
        }
        let reason_date = [a.notice_on(), a.expires_on]
            .into_iter()
            .flatten()
            .filter(|d| *d <= until)
            .min();
        if let Some(d) = reason_date {
            rows.push((d, a, s));
        }
        Ok(())
    })?;
    rows.sort_by(|x, y| {
        x.0.cmp(&y.0)
            .then_with(|| x.1.reference.cmp(&y.1.reference))
    });
    for (_, a, s) in rows {
        f(a, s)?;
    }
    Ok(())
}
