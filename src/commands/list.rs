//! `mou list partners|agreements` and `mou query 'EXPR'`: rows streamed to stdout.

use std::io::Write;

use super::{Ctx, Sink};
use crate::cli::{Entity, ListArgs, QueryArgs};
use crate::error::{Error, Result};
use crate::output::{Cell, Format, RowWriter};
use crate::query::{parse_expression, Filter};
use crate::records::{
    agreement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS,
    PARTNER_TABLE,
};
use crate::store::{Access, Store, TextBatch};

pub fn run(ctx: &Ctx, a: &ListArgs) -> Result<()> {
    let entity = a.entity.ok_or_else(|| {
        Error::input("list needs what to list: partners or agreements")
            .with_hint("e.g. mou list agreements, or mou list partners --category ngo")
    })?;
    let mut store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, &a.filters)?;
    let mut sink = Sink::open(None)?;
    write_rows(&mut store, entity, &filter, &mut sink, ctx.format(), false)?;
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
                // CSV copies stored text: no record is built per row.
                pipelined(
                    move |send| store.for_each_agreement_text(filter, BATCH, send),
                    |batch: TextBatch| {
                        for r in 0..batch.rows() {
                            n += 1;
                            w.row_text(batch.row(r))?;
                        }
                        Ok(())
                    },
                )?;
            } else {
                pipelined(
                    move |send| {
                        let mut batch = Vec::with_capacity(BATCH);
                        store.for_each_agreement(filter, |a, s| {
                            batch.push(agreement_cells(a, s));
                            if batch.len() == BATCH {
                                send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))?;
                            }
                            Ok(())
                        })?;
                        if batch.is_empty() {
                            Ok(())
                        } else {
                            send(batch)
                        }
                    },
                    |batch: Vec<Vec<Cell>>| {
                        for cells in batch {
                            n += 1;
                            w.row(cells)?;
                        }
                        Ok(())
                    },
                )?;
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
        crate::note!("no {what} match");
    }
    Ok(())
}

/// Rows handed over at a time between the two threads of [`pipelined`].
const BATCH: usize = 256;

/// Runs `read` on a second thread, handing what it sends to `write` on this one: on a
/// million rows, reading and formatting take about as long as each other, and there are two
/// cores. The channel is bounded, so memory stays flat; when the writer stops (a closed
/// pipe), the reader's next send fails and it stops too.
fn pipelined<T: Send>(
    read: impl FnOnce(&mut dyn FnMut(T) -> Result<()>) -> Result<()> + Send,
    mut write: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<T>(8);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            read(&mut |item| {
                tx.send(item)
                    .map_err(|_| Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe)))
            })
        });
        let mut written = Ok(());
        for item in &rx {
            if let Err(e) = write(item) {
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
