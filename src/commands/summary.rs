//! The registry's summary as a workbook sheet, for `export all`: the figures of `mou report`
//! (its `section,name,count` rows) and the milestone sentences. A helper, not a command.

use crate::error::Result;
use crate::milestone::{sentence, Lang};
use crate::output::xlsx::Workbook;
use crate::output::{Cell, Format, RowWriter};
use crate::query::Filter;
use crate::report::render::Shape;
use crate::report::values::SummaryReport;
use crate::report::Render;
use crate::store::Backend;

use super::Ctx;

const COLUMNS: &[&str] = &["section", "name", "count"];

/// The figures of `mou report` for the records `filter` matches, with the milestone sentence
/// in each of `langs`: one computation for the report command and the Summary sheet.
pub fn summary_report(
    store: &dyn Backend,
    filter: &Filter,
    langs: &[Lang],
) -> Result<SummaryReport> {
    let mut acc = crate::report::SummaryAcc::new(filter.as_of);
    store.scan_report_rows(filter, &mut |r| {
        acc.add(r);
        Ok(())
    })?;
    let summary = acc.finish(store.partners_by_category(filter)?);
    let n = summary.partners_with_active_mou.max(0) as u64;
    Ok(SummaryReport {
        as_of: crate::dates::iso(filter.as_of),
        summary,
        milestone: langs.iter().map(|l| (l.key(), sentence(n, *l))).collect(),
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
    for (lang, text) in &report.milestone {
        w.row(vec![
            Cell::Word("milestone"),
            Cell::text(lang.to_string()),
            Cell::text(text.clone()),
        ])?;
    }
    w.finish()
}
