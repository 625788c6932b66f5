//! Records streamed to a format: what `list`, `query`, `export` and `demo` print.

use std::io::Write;

use std::collections::HashMap;

use crate::cli::{Entity, ShapeArgs};
use crate::error::{Error, Result};
use crate::model::{Agreement, Status};
use crate::output::{Cell, Format, RowWriter};
use crate::query::{Filter, SortKey};
use crate::records::{
    agreement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS,
    PARTNER_TABLE,
};
use crate::store::{Store, TextBatch};

/// The agreements' extra column: the parties' display names.
pub const PARTY_NAMES: &str = "party_names";

/// The columns `entity` can be asked for, in export order.
pub fn valid_columns(entity: Entity) -> Vec<&'static str> {
    match entity {
        Entity::Partners => PARTNER_COLUMNS.to_vec(),
        Entity::Agreements => {
            let mut v = AGREEMENT_COLUMNS.to_vec();
            v.push(PARTY_NAMES);
            v
        }
    }
}

/// The name of one of `entity`'s columns, or exit 2 naming it and the valid ones.
fn column(entity: Entity, flag: &str, name: &str) -> Result<&'static str> {
    let valid = valid_columns(entity);
    valid.iter().find(|c| **c == name).copied().ok_or_else(|| {
        Error::field(
            flag,
            name,
            format!(
                "{} have no such column; give one of {}",
                entity_name(entity),
                valid.join(", ")
            ),
        )
    })
}

fn entity_name(entity: Entity) -> &'static str {
    if entity == Entity::Partners {
        "partners"
    } else {
        "agreements"
    }
}

/// Checks `--columns`, `--sort` and `--limit` for `entity`: the sort and limit go into
/// `filter` (the store orders and cuts in its query); returns the chosen columns, if any.
pub fn apply_shape(
    entity: Entity,
    shape: &ShapeArgs,
    filter: &mut Filter,
) -> Result<Option<Vec<&'static str>>> {
    for s in &shape.sort {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        filter.sort.push(SortKey {
            column: column(entity, "--sort", name)?,
            descending,
        });
    }
    filter.limit = shape.limit;
    if shape.columns.is_empty() {
        return Ok(None);
    }
    let chosen = shape
        .columns
        .iter()
        .map(|c| column(entity, "--columns", c))
        .collect::<Result<Vec<_>>>()?;
    let twice = (1..chosen.len()).find(|i| chosen[..*i].contains(&chosen[*i]));
    if let Some(i) = twice {
        let fix = "a column is given twice; name it once";
        return Err(Error::field("--columns", chosen[i], fix));
    }
    Ok(Some(chosen))
}

/// Picks the `chosen` columns out of a row of `all` columns' cells.
struct Projection {
    index: Vec<usize>,
}

impl Projection {
    fn new(all: &[&str], chosen: &[&str]) -> Projection {
        Projection {
            index: chosen
                .iter()
                .map(|c| all.iter().position(|a| a == c).unwrap_or(0))
                .collect(),
        }
    }

    fn pick(&self, cells: Vec<Cell>) -> Vec<Cell> {
        self.index.iter().map(|i| cells[*i].clone()).collect()
    }
}

/// Every partner's display name by key, for the `party_names` column.
fn party_names(store: &mut Store) -> Result<HashMap<String, String>> {
    let mut names = HashMap::new();
    store.for_each_partner(&Filter::new(crate::dates::Date::default()), |p| {
        names.insert(p.key, p.name);
        Ok(())
    })?;
    Ok(names)
}

/// Streams the partners or agreements matching `filter` in `format` (all the columns, or the
/// `chosen` ones in their order); says on stderr when nothing matched (an empty table would
/// otherwise print nothing at all).
pub fn write_rows(
    store: &mut Store,
    entity: Entity,
    filter: &Filter,
    out: &mut impl Write,
    format: Format,
    excel: bool,
    chosen: Option<&[&'static str]>,
) -> Result<()> {
    let mut n = 0u64;
    match entity {
        Entity::Partners => {
            let (columns, shown) = match chosen {
                Some(c) => (c, None),
                None => (PARTNER_COLUMNS, Some(PARTNER_TABLE)),
            };
            let pick = chosen.map(|c| Projection::new(PARTNER_COLUMNS, c));
            let mut w = RowWriter::new(out, format, excel, columns, shown)?;
            store.for_each_partner(filter, |p| {
                n += 1;
                let cells = partner_cells(p);
                w.row(match &pick {
                    Some(pick) => pick.pick(cells),
                    None => cells,
                })
            })?;
            w.finish()?;
        }
        Entity::Agreements => {
            let (columns, shown) = match chosen {
                Some(c) => (c, None),
                None => (AGREEMENT_COLUMNS, Some(AGREEMENT_TABLE)),
            };
            let mut w = RowWriter::new(out, format, excel, columns, shown)?;
            if format == Format::Csv && chosen.is_none() {
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
                let names = match chosen {
                    Some(c) if c.contains(&PARTY_NAMES) => Some(party_names(store)?),
                    _ => None,
                };
                let all = valid_columns(Entity::Agreements);
                let pick = chosen.map(|c| Projection::new(&all, c));
                let cells_of = move |a: Agreement, s: Status| {
                    let named = names.as_ref().map(|names| {
                        Cell::List(
                            a.parties
                                .iter()
                                .map(|k| names.get(k).cloned().unwrap_or_else(|| k.clone()))
                                .collect(),
                        )
                    });
                    let mut cells = agreement_cells(a, s);
                    match &pick {
                        Some(pick) => {
                            cells.push(named.unwrap_or(Cell::Null));
                            pick.pick(cells)
                        }
                        None => cells,
                    }
                };
                pipelined(
                    move |send| {
                        let mut batch = Vec::with_capacity(BATCH);
                        store.for_each_agreement(filter, |a, s| {
                            batch.push(cells_of(a, s));
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
        crate::note!("no {} match", entity_name(entity));
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
