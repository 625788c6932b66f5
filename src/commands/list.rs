//! `mou list partners|agreements` and `mou query 'EXPR'`: rows streamed to stdout.

use std::io::Write;

use super::{Ctx, Sink};
use crate::cli::{Entity, ListArgs, QueryArgs};
use crate::db::{Access, Store, TextBatch};
use crate::error::{Error, Result};
use crate::output::{Cell, Format, RowWriter};
use crate::query::{parse_expression, Filter};
use crate::records::{
    agreement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS,
    PARTNER_TABLE,
};

pub fn run(ctx: &Ctx, a: &ListArgs) -> Result<()> {
    let mut store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, &a.filters)?;
    let mut sink = Sink::open(None)?;
    write_rows(
        &mut store,
        a.entity,
        &filter,
        &mut sink,
        ctx.format(),
        false,
    )?;
    sink.commit()
}

pub fn query(ctx: &Ctx, a: &QueryArgs) -> Result<()> {
    let mut store = ctx.open(Access::Read)?;
    let filter = parse_expression(&a.expression, ctx.as_of, &mut |name| {
        store.find_partner(name).map(|p| p.id)
    })?;
    let entity = if a.partners {
        Entity::Partners
    } else {
        Entity::Agreements
    };
    let mut sink = Sink::open(None)?;
    write_rows(&mut store, entity, &filter, &mut sink, ctx.format(), false)?;
    sink.commit()
}

/// Streams the partners or agreements matching `filter` in `format`; says on stderr when
/// nothing matched (an empty table would otherwise print nothing at all).
pub fn write_rows(
    store: &mut Store,
    entity: Entity,
    filter: &Filter,
    out: &mut impl Write,
    format: Format,
    excel: bool,
) -> Result<()> {
    let mut n = 0u64;
    match entity {
        Entity::Partners => {
            let mut w = RowWriter::new(out, format, excel, PARTNER_COLUMNS, Some(PARTNER_TABLE))?;
            store.for_each_partner(filter, |p| {
                n += 1;
                w.row(partner_cells(p))
            })?;
            w.finish()?;
        }
        Entity::Agreements => {
            let mut w =
                RowWriter::new(out, format, excel, AGREEMENT_COLUMNS, Some(AGREEMENT_TABLE))?;
            if format == Format::Csv {
                pipelined_text(store, filter, |batch| {
                    for r in 0..batch.rows() {
                        n += 1;
                        w.row_text(batch.row(r))?;
                    }
                    Ok(())
                })?;
            } else {
                pipelined(store, filter, |cells| {
                    n += 1;
                    w.row(cells)
                })?;
            }
            w.finish()?;
        }
    }
    if n == 0 {
        let what = if entity == Entity::Partners {
            "partners"
        } else {
            "agreements"
        };
        eprintln!("no {what} match");
    }
    Ok(())
}

/// Like [`pipelined`] for CSV: the reading thread copies stored text into batches, with no
/// record built per row.
fn pipelined_text(
    store: &mut Store,
    filter: &Filter,
    mut write: impl FnMut(TextBatch) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<TextBatch>(8);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let stopped = || Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
            store.for_each_agreement_text(filter, BATCH, |b| tx.send(b).map_err(|_| stopped()))
        });
        let mut written = Ok(());
        for batch in &rx {
            if let Err(e) = write(batch) {
                written = Err(e);
                break;
            }
        }
        drop(rx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(Error::registry("the reading thread failed")));
        written?;
        read
    })
}

/// Rows handed over at a time between the two threads of [`pipelined`].
const BATCH: usize = 256;

/// Reads agreements on one thread while `write` formats them on this one: on a million
/// rows, reading and formatting take about as long as each other, and there are two cores.
/// The channel is bounded, so memory stays flat; when the writer stops (a closed pipe),
/// the reader stops too.
fn pipelined(
    store: &mut Store,
    filter: &Filter,
    mut write: impl FnMut(Vec<Cell>) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<Cell>>>(8);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let stopped = || Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
            store.for_each_agreement(filter, |a, s| {
                batch.push(agreement_cells(a, s));
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    tx.send(full).map_err(|_| stopped())?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                tx.send(batch).map_err(|_| stopped())?;
            }
            Ok::<(), Error>(())
        });
        let mut written = Ok(());
        'batches: for batch in &rx {
            for cells in batch {
                if let Err(e) = write(cells) {
                    written = Err(e);
                    break 'batches;
                }
            }
        }
        drop(rx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(Error::registry("the reading thread failed")));
        written?;
        read
    })
}
