//! Records streamed to a format: what `list`, `query`, `export` and `demo` print.

use std::io::Write;

use std::collections::HashMap;

use crate::cli::{Entity, ShapeArgs};
use crate::error::{Error, Result};
use crate::model::{Agreement, Status};
use crate::output::xlsx::Workbook;
use crate::output::{Cell, Format, RowWriter};
use crate::query::{Filter, SortKey};
use crate::records::{
    agreement_cells, engagement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE,
    ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE, PARTNER_COLUMNS, PARTNER_TABLE,
};
use crate::store::{Backend, TextBatch};

/// The agreements' extra column: the parties' display names.
pub const PARTY_NAMES: &str = "party_names";

/// The columns `entity` can be asked for, in export order.
pub fn valid_columns(entity: Entity) -> Vec<&'static str> {
    match entity {
        Entity::Partners => PARTNER_COLUMNS.to_vec(),
        Entity::Contacts => crate::records::CONTACT_COLUMNS.to_vec(),
        Entity::Engagements => ENGAGEMENT_COLUMNS.to_vec(),
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

pub fn entity_name(entity: Entity) -> &'static str {
    match entity {
        Entity::Partners => "partners",
        Entity::Agreements => "agreements",
        Entity::Contacts => "contacts",
        Entity::Engagements => "engagements",
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

    /// Moves the chosen cells out (a column is chosen once: [`apply_shape`] refuses twice).
    fn pick(&self, mut cells: Vec<Cell>) -> Vec<Cell> {
        self.index
            .iter()
            .map(|i| std::mem::replace(&mut cells[*i], Cell::Null))
            .collect()
    }
}

/// The columns written (`chosen`, or all of `all`) and, without a choice, a table's subset.
fn layout<'a>(
    chosen: Option<&'a [&'static str]>,
    all: &'a [&'static str],
    table: &'a [&'static str],
) -> (&'a [&'static str], Option<&'a [&'static str]>) {
    match chosen {
        Some(c) => (c, None),
        None => (all, Some(table)),
    }
}

/// Where rows go: a stream in a text format, or a sheet of a workbook.
pub enum Target<'a> {
    Stream {
        out: &'a mut dyn Write,
        format: Format,
        excel: bool,
    },
    Sheet(&'a mut Workbook),
}

impl<'a> Target<'a> {
    /// The writer of `entity`'s rows of `columns` (`shown`: what a table shows people).
    fn writer(
        self,
        entity: Entity,
        columns: &'a [&'a str],
        shown: Option<&[&str]>,
    ) -> Result<RowWriter<'a, &'a mut dyn Write>> {
        match self {
            Target::Stream { out, format, excel } => {
                RowWriter::new(out, format, excel, columns, shown)
            }
            Target::Sheet(book) => Ok(RowWriter::sheet(book, sheet_name(entity), columns)),
        }
    }
}

/// The sheet that holds `entity` in a workbook.
pub fn sheet_name(entity: Entity) -> &'static str {
    match entity {
        Entity::Partners => "Partners",
        Entity::Agreements => "Agreements",
        Entity::Contacts => "Contacts",
        Entity::Engagements => "Engagements",
    }
}

/// Streams the partners or agreements matching `filter` in `format` (all the columns, or the
/// `chosen` ones in their order); says on stderr when nothing matched (an empty table would
/// otherwise print nothing at all).
pub fn write_rows(
    store: &mut dyn Backend,
    entity: Entity,
    filter: &Filter,
    out: &mut impl Write,
    format: Format,
    excel: bool,
    chosen: Option<&[&'static str]>,
) -> Result<()> {
    let target = Target::Stream { out, format, excel };
    write_to(store, entity, filter, target, chosen)
}

/// Writes the matching rows to `target`: a stream or a workbook's sheet. A new kind of record
/// is one arm here: its columns and table subset, and its rows' writer.
pub fn write_to<'a>(
    store: &mut dyn Backend,
    entity: Entity,
    filter: &Filter,
    target: Target<'a>,
    chosen: Option<&'a [&'static str]>,
) -> Result<()> {
    let n = match entity {
        Entity::Contacts => {
            return Err(Error::input("contacts are written with their own filter"));
        }
        Entity::Partners => {
            let (columns, shown) = layout(chosen, PARTNER_COLUMNS, PARTNER_TABLE);
            let w = target.writer(entity, columns, shown)?;
            write_partners(store, filter, w, chosen)?
        }
        Entity::Engagements => {
            let (columns, shown) = layout(chosen, ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE);
            let w = target.writer(entity, columns, shown)?;
            write_engagements(store, filter, w, chosen)?
        }
        Entity::Agreements => {
            let (columns, shown) = layout(chosen, AGREEMENT_COLUMNS, AGREEMENT_TABLE);
            let w = target.writer(entity, columns, shown)?;
            if w.format() == Format::Csv && chosen.is_none() {
                write_agreement_text(store, filter, w)?
            } else {
                let cells = AgreementCells::new(store, chosen)?;
                write_agreements(store, filter, w, cells)?
            }
        }
    };
    if n == 0 {
        crate::note!("no {} match", entity_name(entity));
    }
    Ok(())
}

/// Writes a calendar (`now` stamps it), streamed one record at a time: of the agreements
/// matching `filter` that are active or pending at its as-of date, their notice and expiry
/// dates; of the engagements matching it, each engagement (cancelled ones marked so).
pub fn write_calendar(
    store: &mut dyn Backend,
    entity: Entity,
    filter: &Filter,
    out: &mut impl Write,
    now: &str,
    remind_days: Option<u32>,
) -> Result<()> {
    let names = party_names(store)?;
    let options = crate::calendar::CalendarOptions {
        names: &names,
        remind_days,
    };
    let mut n = 0u64;
    if entity == Entity::Engagements {
        let mut w = crate::output::ics::IcsWriter::new(out, now, "mou: engagements")?;
        store.scan_engagements(filter, &mut |e, _| {
            n += 1;
            w.event(&crate::calendar::engagement_event(&e, &options))
        })?;
        w.finish()?;
        if n == 0 {
            crate::note!("no engagements match");
        }
        return Ok(());
    }
    let mut w = crate::output::ics::IcsWriter::new(out, now, "mou: agreements")?;
    store.scan_agreements(filter, &mut |a, status| {
        if !crate::calendar::in_calendar(status) {
            return Ok(());
        }
        for e in crate::calendar::agreement_events(&a, &options) {
            n += 1;
            w.event(&e)?;
        }
        Ok(())
    })?;
    w.finish()?;
    if n == 0 {
        crate::note!("no active or pending agreement with an expiry date matches");
    }
    Ok(())
}

/// Writes the partners; returns how many.
fn write_partners<W: Write>(
    store: &mut dyn Backend,
    filter: &Filter,
    mut w: RowWriter<W>,
    chosen: Option<&[&'static str]>,
) -> Result<u64> {
    let mut n = 0u64;
    let pick = chosen.map(|c| Projection::new(PARTNER_COLUMNS, c));
    store.scan_partners(filter, &mut |p| {
        n += 1;
        let cells = partner_cells(p);
        w.row(match &pick {
            Some(pick) => pick.pick(cells),
            None => cells,
        })
    })?;
    w.finish()?;
    Ok(n)
}

/// Writes the engagements; returns how many.
fn write_engagements<W: Write>(
    store: &mut dyn Backend,
    filter: &Filter,
    mut w: RowWriter<W>,
    chosen: Option<&[&'static str]>,
) -> Result<u64> {
    let mut n = 0u64;
    let pick = chosen.map(|c| Projection::new(ENGAGEMENT_COLUMNS, c));
    store.scan_engagements(filter, &mut |e, status| {
        n += 1;
        let cells = engagement_cells(e, status);
        w.row(match &pick {
            Some(pick) => pick.pick(cells),
            None => cells,
        })
    })?;
    w.finish()?;
    Ok(n)
}

/// Writes every column of the agreements as CSV, copying stored text: no record is built per
/// row. Returns how many.
fn write_agreement_text<W: Write>(
    store: &mut dyn Backend,
    filter: &Filter,
    mut w: RowWriter<W>,
) -> Result<u64> {
    let mut n = 0u64;
    pipelined(
        move |send| store.scan_agreement_text(filter, BATCH, send),
        |batch: TextBatch| {
            for r in 0..batch.rows() {
                n += 1;
                w.row_text(batch.row(r))?;
            }
            Ok(())
        },
    )?;
    w.finish()?;
    Ok(n)
}

/// An agreement's cells: every export column, or the chosen ones (`party_names` among them).
struct AgreementCells {
    pick: Option<Projection>,
    /// Display names by key, when `party_names` is chosen.
    names: Option<HashMap<String, String>>,
}

impl AgreementCells {
    fn new(store: &mut dyn Backend, chosen: Option<&[&'static str]>) -> Result<AgreementCells> {
        let names = match chosen {
            Some(c) if c.contains(&PARTY_NAMES) => Some(party_names(store)?),
            _ => None,
        };
        let all = valid_columns(Entity::Agreements);
        Ok(AgreementCells {
            pick: chosen.map(|c| Projection::new(&all, c)),
            names,
        })
    }

    fn of(&self, a: Agreement, s: Status) -> Vec<Cell> {
        let Some(pick) = &self.pick else {
            return agreement_cells(a, s);
        };
        let named = self.names.as_ref().map_or(Cell::Null, |names| {
            let name = |k: &String| names.get(k).cloned().unwrap_or_else(|| k.clone());
            Cell::List(a.parties.iter().map(name).collect())
        });
        let mut cells = agreement_cells(a, s);
        cells.push(named);
        pick.pick(cells)
    }
}

/// Every partner's display name by key, for the `party_names` column (one map of the
/// partners, however many agreements are written).
fn party_names(store: &mut dyn Backend) -> Result<HashMap<String, String>> {
    let mut names = HashMap::new();
    store.scan_partners(&Filter::new(crate::dates::Date::default()), &mut |p| {
        names.insert(p.key, p.name);
        Ok(())
    })?;
    Ok(names)
}

/// Writes the agreements from their records (reading and formatting on two threads);
/// returns how many.
fn write_agreements<W: Write>(
    store: &mut dyn Backend,
    filter: &Filter,
    mut w: RowWriter<W>,
    cells: AgreementCells,
) -> Result<u64> {
    let mut n = 0u64;
    pipelined(
        move |send| {
            let mut batch = Vec::with_capacity(BATCH);
            store.scan_agreements(filter, &mut |a, s| {
                batch.push(cells.of(a, s));
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
    w.finish()?;
    Ok(n)
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

/// Writes the contacts matching `filter` (sorted and cut by `--sort` and `--limit`, already
/// checked into it) to `target`: a stream or a workbook's sheet; says on stderr when none
/// matched.
pub fn write_contacts<'a>(
    store: &dyn Backend,
    filter: &crate::query::ContactFilter,
    target: Target<'a>,
    chosen: Option<&'a [&'static str]>,
) -> Result<()> {
    use crate::records::{contact_cells, CONTACT_COLUMNS, CONTACT_TABLE};
    let (columns, shown) = layout(chosen, CONTACT_COLUMNS, CONTACT_TABLE);
    let mut w = target.writer(Entity::Contacts, columns, shown)?;
    let pick = chosen.map(|c| Projection::new(CONTACT_COLUMNS, c));
    let mut n = 0u64;
    store.scan_contacts(filter, &mut |c| {
        n += 1;
        let cells = contact_cells(c);
        w.row(match &pick {
            Some(pick) => pick.pick(cells),
            None => cells,
        })
    })?;
    w.finish()?;
    if n == 0 {
        crate::note!("no contacts match");
    }
    Ok(())
}
