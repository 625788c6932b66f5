//! `mou export partners|agreements|contacts|engagements|all`: CSV by default, streamed, to stdout (or `-o -`) or
//! `-o FILE`; xlsx as a workbook (`export all`: every kind of record in one workbook).

use std::io::IsTerminal;

use super::rows::{apply_shape, write_calendar, write_contacts, write_rows, write_to, Target};
use super::{Ctx, Sink};
use crate::cli::{Entity, ExportArgs, ExportWhat};
use crate::error::{Error, Result};
use crate::output::xlsx::{BookOptions, Workbook};
use crate::output::{choose_format, refuse_binary_on_terminal, Format};
use crate::records::{AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS, PARTNER_TABLE};
use crate::store::{Access, Backend};

pub fn run(ctx: &Ctx, a: &ExportArgs) -> Result<()> {
    // `-o -` is stdout.
    let output = a.output.as_deref().filter(|p| p.as_os_str() != "-");
    if let Some(out) = output {
        refuse_spreadsheet(out)?;
    }
    let (command, can): (&str, &[Format]) = match a.entity {
        ExportWhat::All => ("export all", &[Format::Xlsx]),
        ExportWhat::One(Entity::Agreements) => (
            "export agreements",
            crate::cli::formats_of("export agreements"),
        ),
        ExportWhat::One(Entity::Engagements) => (
            "export engagements",
            crate::cli::formats_of("export engagements"),
        ),
        ExportWhat::One(_) => ("export", crate::cli::formats_of("export")),
    };
    let default = match a.entity {
        ExportWhat::All => Format::Xlsx,
        ExportWhat::One(_) => Format::Csv,
    };
    let format = choose_format(command, can, ctx.format, output, default)?;
    if a.excel && format != Format::Csv {
        return Err(Error::input(format!(
            "--excel shapes CSV for spreadsheets; it does not apply to --format {}",
            format.name()
        ))
        .with_hint("leave out --format, or use --format csv"));
    }
    if a.remind.is_some() && format != Format::Ics {
        return Err(Error::input(format!(
            "--remind sets an alarm in a calendar; it does not apply to --format {}",
            format.name()
        ))
        .with_hint("add --format ics, or -o FILE.ics"));
    }
    if format == Format::Ics && !a.shape.columns.is_empty() {
        return Err(
            Error::input("--columns chooses columns; a calendar has none")
                .with_hint("leave out --columns with --format ics"),
        );
    }
    if a.rtl && format != Format::Xlsx {
        return Err(Error::input(format!(
            "--rtl makes right-to-left sheets; it does not apply to --format {}",
            format.name()
        ))
        .with_hint("write a workbook: -o FILE.xlsx"));
    }
    if a.with_contacts && a.entity != ExportWhat::All {
        return Err(
            Error::input("--with-contacts adds a Contacts sheet to `mou export all`")
                .with_hint("leave it out, or export all"),
        );
    }
    if output.is_none() {
        refuse_binary_on_terminal(format, std::io::stdout().is_terminal())?;
    }
    if a.entity != ExportWhat::One(Entity::Engagements) {
        super::refuse_engagement_filters(&a.engagement_filters, "this export")?;
    }
    let file = output.map(|p| ctx.output_file(p)).transpose()?;
    let mut store = ctx.open(Access::Read)?;
    let entity = match a.entity {
        ExportWhat::One(e) => e,
        ExportWhat::All => return export_all(ctx, a, &mut *store, Sink::open(file)?),
    };
    if entity == Entity::Contacts {
        // Every contact, former ones too: an export is the whole record, so that importing
        // it gives the same registry back.
        let mut cf = super::contact_filter(ctx, &*store, &a.filters, true)?;
        let mut filter = crate::query::Filter::new(ctx.as_of);
        let columns = apply_shape(entity, &a.shape, &mut filter)?;
        cf.sort = filter.sort;
        cf.limit = filter.limit;
        let mut sink = Sink::open(file)?;
        let chosen = columns.as_deref();
        if format == Format::Xlsx {
            let mut book = Workbook::new(book_options(ctx, a));
            write_contacts(&*store, &cf, Target::Sheet(&mut book), chosen)?;
            book.save(&mut sink)?;
        } else {
            let target = Target::Stream {
                out: &mut sink,
                format,
                excel: a.excel,
            };
            write_contacts(&*store, &cf, target, chosen)?;
        }
        sink.commit()?;
        if output.is_some() && format == Format::Markdown {
            note_columns(entity, chosen);
        }
        return Ok(());
    }
    let mut filter = match entity {
        Entity::Engagements => ctx.engagement_filter(&*store, &a.filters, &a.engagement_filters)?,
        _ => ctx.filter(&*store, &a.filters)?,
    };
    let columns = apply_shape(entity, &a.shape, &mut filter)?;
    let mut sink = Sink::open(file)?;
    let chosen = columns.as_deref();
    if format == Format::Ics {
        let remind_days = a.remind.map(|t| t.approx_days());
        write_calendar(
            &mut *store,
            entity,
            &filter,
            &mut sink,
            &ctx.now(),
            remind_days,
        )?;
        return sink.commit();
    }
    if format == Format::Xlsx {
        let mut book = Workbook::new(book_options(ctx, a));
        write_to(
            &mut *store,
            entity,
            &filter,
            Target::Sheet(&mut book),
            chosen,
        )?;
        book.save(&mut sink)?;
    } else {
        write_rows(
            &mut *store,
            entity,
            &filter,
            &mut sink,
            format,
            a.excel,
            chosen,
        )?;
    }
    sink.commit()?;
    if output.is_some() && format == Format::Markdown {
        note_columns(entity, chosen);
    }
    Ok(())
}

fn book_options(ctx: &Ctx, a: &ExportArgs) -> BookOptions {
    BookOptions {
        rtl: a.rtl,
        sheet_rows: ctx.xlsx_sheet_rows,
    }
}

/// The kinds of record `export all` writes, each in its own sheet after the Summary (and
/// the contacts after them, with `--with-contacts`).
const ALL: &[Entity] = &[Entity::Partners, Entity::Agreements, Entity::Engagements];

/// `mou export all`: one workbook of the whole registry, a sheet each for the summary and
/// every kind of record. Filters and columns belong to the export of one kind.
fn export_all(ctx: &Ctx, a: &ExportArgs, store: &mut dyn Backend, mut sink: Sink) -> Result<()> {
    let given_filter = crate::query::Filter::new(ctx.as_of);
    let mut probe = crate::query::Filter::new(ctx.as_of);
    if !ctx.filter(store, &a.filters)?.terms.is_empty()
        || a.engagement_filters.held_in.is_some()
        || !a.engagement_filters.agreements.is_empty()
        || apply_shape(Entity::Partners, &a.shape, &mut probe)?.is_some()
        || !probe.sort.is_empty()
        || probe.limit.is_some()
    {
        return Err(Error::input(
            "`mou export all` writes the whole registry; filters, --columns, --sort and --limit \
             apply to the export of one kind",
        )
        .with_hint("leave them out, or export partners or agreements with them"));
    }
    let mut book = Workbook::new(book_options(ctx, a));
    super::summary::write_summary_sheet(ctx, store, &mut book)?;
    for entity in ALL {
        write_to(
            store,
            *entity,
            &given_filter,
            Target::Sheet(&mut book),
            None,
        )?;
    }
    if a.with_contacts {
        let every = crate::query::ContactFilter::all(ctx.as_of);
        write_contacts(store, &every, Target::Sheet(&mut book), None)?;
    }
    book.save(&mut sink)?;
    sink.commit()
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
        Entity::Engagements => (
            crate::records::ENGAGEMENT_COLUMNS,
            crate::records::ENGAGEMENT_TABLE,
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

/// The names of spreadsheet files that mou does not write (it writes .xlsx).
const SPREADSHEETS: &[&str] = &["xlsm", "xls", "ods"];

/// Refuses an output named as a spreadsheet mou does not write, whatever --format says: CSV
/// in a file named `.xls` is a file Excel refuses to open.
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
        format!("mou does not write .{ext} files; nothing was written"),
    )
    .with_hint(format!(
        "give a name ending in .xlsx, e.g. {}",
        out.with_extension("xlsx").display()
    )))
}
