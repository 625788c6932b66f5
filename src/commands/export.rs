//! `mou export partners|agreements`: CSV by default, streamed, to stdout (or `-o -`) or
//! `-o FILE`.

use super::rows::{apply_shape, write_contacts, write_rows};
use super::{Ctx, Sink};
use crate::cli::{Entity, ExportArgs};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::records::{AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS, PARTNER_TABLE};
use crate::store::Access;

pub fn run(ctx: &Ctx, a: &ExportArgs) -> Result<()> {
    // `-o -` is stdout.
    let output = a.output.as_deref().filter(|p| p.as_os_str() != "-");
    if let Some(out) = output {
        refuse_spreadsheet(out)?;
    }
    let from_path = output.and_then(Format::from_path);
    if let (None, None, Some(out)) = (ctx.format, from_path, output) {
        if let Some(ext) = out.extension() {
            return Err(Error::field(
                "output",
                &out.display().to_string(),
                format!(
                    "mou cannot write .{} files; use .csv, .json, .jsonl or .md, or give --format",
                    ext.to_string_lossy()
                ),
            ));
        }
    }
    let format = ctx.format.or(from_path).unwrap_or(Format::Csv);
    if a.excel && format != Format::Csv {
        return Err(Error::input(
            format!(
                "--excel shapes CSV for spreadsheets; it does not apply to --format {format:?}"
            )
            .to_lowercase(),
        )
        .with_hint("leave out --format, or use --format csv"));
    }
    let file = output.map(|p| ctx.output_file(p)).transpose()?;
    let mut store = ctx.open(Access::Read)?;
    if a.entity == Entity::Contacts {
        // Every contact, former ones too: an export is the whole record, so that importing
        // it gives the same registry back.
        let mut cf = super::contact_filter(ctx, &store, &a.filters, true)?;
        let mut filter = crate::query::Filter::new(ctx.as_of);
        let columns = apply_shape(a.entity, &a.shape, &mut filter)?;
        cf.sort = filter.sort;
        cf.limit = filter.limit;
        let mut sink = Sink::open(file)?;
        let chosen = columns.as_deref();
        write_contacts(&store, &cf, &mut sink, format, a.excel, chosen)?;
        sink.commit()?;
        if output.is_some() && format == Format::Markdown {
            note_columns(a.entity, chosen);
        }
        return Ok(());
    }
    let mut filter = ctx.filter(&store, &a.filters)?;
    let columns = apply_shape(a.entity, &a.shape, &mut filter)?;
    let mut sink = Sink::open(file)?;
    let chosen = columns.as_deref();
    write_rows(
        &mut store, a.entity, &filter, &mut sink, format, a.excel, chosen,
    )?;
    sink.commit()?;
    if output.is_some() && format == Format::Markdown {
        note_columns(a.entity, chosen);
    }
    Ok(())
}

/// Says which columns a markdown file holds when they are fewer than the export's: a file
/// does not show what it left out.
fn note_columns(entity: Entity, chosen: Option<&[&str]>) {
    let (all, table) = match entity {
        Entity::Partners => (PARTNER_COLUMNS, PARTNER_TABLE),
        Entity::Agreements => (AGREEMENT_COLUMNS, AGREEMENT_TABLE),
        Entity::Contacts => (
            crate::records::CONTACT_COLUMNS,
            crate::records::CONTACT_TABLE,
        ),
    };
    let written = chosen.unwrap_or(table);
    if all.iter().all(|c| written.contains(c)) {
        return;
    }
    crate::note!(
        "wrote columns {} (of {}; give --columns to choose)",
        written.join(", "),
        all.len()
    );
}

/// The names of spreadsheet files, which mou does not write yet.
const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// Refuses an output named as a spreadsheet, whatever --format says: CSV in a file named
/// `.xlsx` is a file Excel refuses to open.
fn refuse_spreadsheet(out: &std::path::Path) -> Result<()> {
    let Some(ext) = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
    else {
        return Ok(());
    };
    if !SPREADSHEETS.contains(&ext.as_str()) {
        return Ok(());
    }
    Err(Error::field(
        "output",
        &out.display().to_string(),
        format!("mou does not write .{ext} files yet; nothing was written"),
    )
    .with_hint(format!(
        "give a name ending in .csv, e.g. {}: spreadsheets open it (add --excel to shape it for Excel)",
        out.with_extension("csv").display()
    )))
}
