//! Records streamed to a format: what `list`, `query`, `export` and `demo` print.

use std::io::Write;

use crate::cli::Entity;
use crate::error::{Error, Result};
use crate::output::{Cell, Format, RowWriter};
use crate::query::Filter;
use crate::records::{
    agreement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS,
    PARTNER_TABLE,
};
use crate::store::{Store, TextBatch};

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
