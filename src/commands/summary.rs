//! The registry's summary as a workbook sheet, for `export all`: the figures of `mou report`
//! (its `section,name,count` rows) and the milestone sentences. A helper, not a command.

use crate::error::{Error, Result};
use crate::milestone::{engagement_sentence, sentence, Lang};
use crate::output::xlsx::Workbook;
use crate::output::{Cell, Format, RowWriter};
use crate::query::Filter;
use crate::report::engagements::{months_up_to, shared_with_engagements, EngagementTally};
use crate::report::render::Shape;
use crate::report::values::SummaryReport;
use crate::report::Render;
use crate::store::Backend;

use super::Ctx;

const COLUMNS: &[&str] = &["section", "name", "count"];

/// The figures of `mou report` for the records `filter` matches, with the milestone
/// sentences in each of `langs`: one computation for the report command and the Summary sheet.
/// Engagements are those of the twelve months up to the as-of date, under the terms of
/// `filter` that mean the same for them (see [`shared_with_engagements`]).
pub fn summary_report(
    store: &dyn Backend,
    filter: &Filter,
    langs: &[Lang],
) -> Result<SummaryReport> {
    let acc = match store.summary_aggregate(filter)? {
        Some(agg) => crate::report::SummaryAcc::from_aggregate(filter.as_of, &agg),
        None => {
            let mut acc = crate::report::SummaryAcc::new(filter.as_of);
            store.scan_report_rows(filter, &mut |r| {
                acc.add(r);
                Ok(())
            })?;
            acc
        }
    };
    let window = months_up_to(filter.as_of, 12).ok_or_else(|| {
        Error::field(
            "as-of",
            &crate::dates::iso(filter.as_of),
            "give a date at least a year after 0001-01-01",
        )
    })?;
    let mut engaged = EngagementTally::new(window);
    store.scan_engagement_rows(&shared_with_engagements(filter), Some(window), &mut |r| {
        engaged.add(r);
        Ok(())
    })?;
    let summary = acc.finish(store.partners_by_category(filter)?, engaged);
    let n = summary.partners_with_active_mou.max(0) as u64;
    let e = summary.partners_engaged.max(0) as u64;
    Ok(SummaryReport {
        as_of: crate::dates::iso(filter.as_of),
        summary,
        milestone: langs.iter().map(|l| (l.key(), sentence(n, *l))).collect(),
        engagement_milestone: langs
            .iter()
            .map(|l| (l.key(), engagement_sentence(e, *l)))
            .collect(),
    })
}

/// Writes the Summary sheet of the whole registry at the as-of date.
pub fn write_summary_sheet(ctx: &Ctx, store: &dyn Backend, book: &mut Workbook) -> Result<()> {
    let report = summary_report(store, &Filter::new(ctx.as_of), &[Lang::En, Lang::Ar])?;
    let mut w: RowWriter<'_, std::io::Sink> = RowWriter::sheet(book, "Summary", COLUMNS);
    w.row(vec![
        Cell::Word("as_of"),
        Cell::Word("as_of"),
        Cell::Date(ctx.as_of),
    ])?;
    if let Shape::Sections { sections, .. } = report.shape(Format::Csv) {
        for s in sections {
            for (name, figures) in s.rows {
                let count = figures.first().map_or(Cell::Null, |n| Cell::Int(*n));
                w.row(vec![Cell::Word(s.key), Cell::Text(name), count])?;
            }
        }
    }
    let sentences = [
        ("milestone", &report.milestone),
        ("engagement_milestone", &report.engagement_milestone),
    ];
    for (section, said) in sentences {
        for (lang, text) in said {
            w.row(vec![
                Cell::Word(section),
                Cell::text(lang.to_string()),
                Cell::text(text.clone()),
            ])?;
        }
    }
    w.finish()
}
