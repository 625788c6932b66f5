//! Reading an import file: the header checked against the known columns, then rows read,
//! checked to be UTF-8 and parsed on their own thread, handed on in small batches.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

use super::parse::{Bad, ParseResult, Row};
use super::RowError;
use crate::cli::{Entity, ImportArgs};
use crate::error::{Error, Result};
use crate::records::{AGREEMENT_COLUMNS, PARTNER_COLUMNS};

/// The longest row an import reads. The CSV reader holds a whole row in memory, so without
/// a limit one endless field would take all of it; a row of legal fields (each at most
/// [`MAX_TEXT`](crate::commands::MAX_TEXT), 1 MiB) is far shorter.
const MAX_ROW_BYTES: u64 = 4 << 20;
const MAX_ROW_TEXT: &str = "4 MiB";

/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 256;

/// Files from this size on show a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 8 << 20;

/// What the reading thread hands on: a parsed row with the line it starts on, or a bad row.
pub enum Item<T> {
    Row(u64, T),
    Bad(RowError),
}

type Input = RowLimit<ProgressRead<BufReader<File>>>;

/// An open import file whose header has been read and checked.
pub struct Source {
    path: PathBuf,
    csv: csv::Reader<Input>,
    /// Each known column's position in the rows.
    pub index: HashMap<String, usize>,
    width: usize,
    excel: bool,
    limit: Arc<RowLimitState>,
    pub size: u64,
    pub bar: Option<indicatif::ProgressBar>,
}

impl Source {
    pub fn open(a: &ImportArgs) -> Result<Source> {
        let file = File::open(&a.file)
            .map_err(|e| Error::input(format!("cannot read {}: {e}", a.file.display())))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = progress_bar(size);
        let limit = Arc::new(RowLimitState::default());
        let reader = RowLimit {
            inner: ProgressRead {
                inner: BufReader::with_capacity(1 << 16, file),
                bar: bar.clone(),
            },
            read: 0,
            state: limit.clone(),
        };
        let mut csv = crate::output::csv_reader(reader);
        let headers: Vec<String> = csv
            .byte_headers()
            .map_err(|e| {
                if limit.tripped.load(Ordering::Relaxed) {
                    return Error::input(format!(
                        "{}: line 1: a row longer than {MAX_ROW_TEXT}; nothing was imported",
                        a.file.display()
                    ))
                    .with_hint("a field holds at most 1 MiB: is this file CSV?");
                }
                Error::input(format!(
                    "{}: cannot read the header row: {e}",
                    a.file.display()
                ))
            })?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = String::from_utf8_lossy(h);
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    &h
                };
                h.trim().to_ascii_lowercase()
            })
            .collect();
        Ok(Source {
            index: column_index(a, &headers)?,
            width: headers.len(),
            // A file that starts with a BOM is taken for one written with `export --excel`:
            // the `'` that export put before formula-like cells is taken off again.
            excel: starts_with_bom(&a.file),
            path: a.file.clone(),
            csv,
            limit,
            size,
            bar,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name of the column at `i`, for errors.
    fn column_name(&self, i: usize) -> Option<String> {
        self.index
            .iter()
            .find(|(_, at)| **at == i)
            .map(|(name, _)| name.clone())
    }

    /// Reads every row, parses it with `parse` and sends the results on in batches, in
    /// file order. Batches that come back through `returned` are emptied and reused. Stops
    /// early when the receiver has gone (the import failed).
    pub fn parse_into<T>(
        mut self,
        parse: impl Fn(&Row) -> ParseResult<T>,
        tx: SyncSender<Vec<Item<T>>>,
        returned: Receiver<Vec<Item<T>>>,
    ) {
        let fresh = || match returned.try_recv() {
            Ok(mut used) => {
                used.clear();
                used
            }
            Err(_) => Vec::with_capacity(BATCH),
        };
        let mut batch = Vec::with_capacity(BATCH);
        let mut record = csv::StringRecord::new();
        let bad = |line, column, reason| {
            Item::Bad(RowError {
                line,
                column,
                reason,
            })
        };
        self.limit
            .start
            .store(self.csv.position().byte(), Ordering::Relaxed);
        loop {
            let row_line = self.csv.position().line();
            // A StringRecord checks a whole row's UTF-8 at once.
            let read = self.csv.read_record(&mut record);
            self.limit
                .start
                .store(self.csv.position().byte(), Ordering::Relaxed);
            let item = match read {
                Ok(false) => break,
                Ok(true) => self.parse_record(&record, &parse),
                Err(_) if self.limit.tripped.load(Ordering::Relaxed) => {
                    batch.push(bad(row_line, None, format!(
                        "a row longer than {MAX_ROW_TEXT}: a field holds at most 1 MiB, so the file is not read further"
                    )));
                    break;
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(row_line);
                    match e.kind() {
                        csv::ErrorKind::Utf8 { err, .. } => Some(bad(
                            line,
                            self.column_name(err.field()),
                            "not valid UTF-8: save the file as UTF-8".into(),
                        )),
                        csv::ErrorKind::UnequalLengths { .. } => {
                            Some(bad(line, None, format!("unreadable CSV: {e}")))
                        }
                        _ => {
                            batch.push(bad(line, None, format!("unreadable CSV: {e}")));
                            break;
                        }
                    }
                }
            };
            if let Some(item) = item {
                batch.push(item);
            }
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, fresh());
                if tx.send(full).is_err() {
                    return;
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
    }

    /// One record: None for a blank line.
    fn parse_record<T>(
        &self,
        record: &csv::StringRecord,
        parse: &impl Fn(&Row) -> ParseResult<T>,
    ) -> Option<Item<T>> {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() == 1 && record.get(0) == Some("") {
            return None; // a blank line
        }
        if record.len() != self.width {
            return Some(Item::Bad(RowError {
                line,
                column: None,
                reason: format!(
                    "the row has {} fields; the header has {}",
                    record.len(),
                    self.width
                ),
            }));
        }
        let fields: Vec<&str> = if self.excel {
            record.iter().map(unexcel).collect()
        } else {
            record.iter().collect()
        };
        Some(match parse(&Row { fields: &fields }) {
            Ok(v) => Item::Row(line, v),
            Err(Bad { column, reason }) => Item::Bad(RowError {
                line,
                column,
                reason,
            }),
        })
    }
}

fn column_index(a: &ImportArgs, headers: &[String]) -> Result<HashMap<String, usize>> {
    let (known, required): (Vec<&str>, &[&str]) = match a.entity {
        Entity::Partners => (PARTNER_COLUMNS.to_vec(), &["name", "category"]),
        Entity::Agreements => {
            let mut k = AGREEMENT_COLUMNS.to_vec();
            k.extend(["partner_category", "partner_country"]);
            (k, &["parties"])
        }
    };
    let mut index = HashMap::new();
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if !known.contains(&h.as_str()) {
            unknown.push(h.clone());
        } else if index.insert(h.clone(), i).is_some() {
            return Err(Error::input(format!(
                "{}: column '{h}' appears twice in the header",
                a.file.display()
            )));
        }
    }
    if !unknown.is_empty() {
        let shown: Vec<String> = unknown
            .iter()
            .take(5)
            .map(|u| format!("'{}'", u.chars().take(40).collect::<String>()))
            .collect();
        return Err(Error::input(format!(
            "{}: unknown column{} {}{}",
            a.file.display(),
            if unknown.len() > 1 { "s" } else { "" },
            shown.join(", "),
            if unknown.len() > 5 {
                format!(" and {} more", unknown.len() - 5)
            } else {
                String::new()
            }
        ))
        .with_hint(format!("valid columns: {}", known.join(", "))));
    }
    for r in required {
        if !index.contains_key(*r) {
            return Err(Error::input(format!(
                "{}: the header has no '{r}' column",
                a.file.display()
            ))
            .with_hint(format!(
                "columns are those `mou export {}` writes",
                if a.entity == Entity::Partners {
                    "partners"
                } else {
                    "agreements"
                }
            )));
        }
    }
    if a.create_partners
        && a.entity == Entity::Agreements
        && !index.contains_key("partner_category")
    {
        return Err(Error::input(
            "--create-partners needs a partner_category column for the partners it creates",
        ));
    }
    Ok(index)
}

/// The lines on which `refs` stand in `file` (its ref column at `col`), read again: only
/// when a bulk import found repeated refs, which it learns at the end, without having kept
/// every row's line.
pub fn repeated_refs(
    file: &Path,
    col: Option<usize>,
    refs: &[String],
) -> Result<Vec<(u64, String)>> {
    let Some(col) = col.filter(|_| !refs.is_empty()) else {
        return Ok(Vec::new());
    };
    let wanted: HashSet<String> = refs.iter().map(|r| r.to_uppercase()).collect();
    let mut csv = crate::output::csv_reader(BufReader::new(File::open(file)?));
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).unwrap_or(false) {
        let r = String::from_utf8_lossy(record.get(col).unwrap_or_default())
            .trim()
            .to_uppercase();
        if wanted.contains(&r) && !seen.insert(r.clone()) {
            out.push((record.position().map(|p| p.line()).unwrap_or(0), r));
        }
    }
    Ok(out)
}

/// Undoes `output::excel_safe`: `'=1+1` back to `=1+1`, `''x` back to `'x`.
fn unexcel(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::output::EXCEL_TRIGGERS) => rest,
        _ => s,
    }
}

fn starts_with_bom(path: &Path) -> bool {
    let mut head = [0u8; 3];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == [0xEF, 0xBB, 0xBF])
}

/// A progress bar on stderr for large files, only when stderr is a terminal.
fn progress_bar(size: u64) -> Option<indicatif::ProgressBar> {
    if size < PROGRESS_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

struct ProgressRead<R> {
    inner: R,
    bar: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for ProgressRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

#[derive(Default)]
struct RowLimitState {
    /// Where the row being read starts, in bytes from the start of the file.
    start: AtomicU64,
    /// Set when a row ran past [`MAX_ROW_BYTES`].
    tripped: AtomicBool,
}

/// Stops the CSV reader with an error once the row it is reading passes [`MAX_ROW_BYTES`],
/// so memory stays bounded whatever the file holds. The reading loop sets `start` after
/// each row; the reader reads ahead of it by at most its own buffer.
struct RowLimit<R> {
    inner: R,
    read: u64,
    state: Arc<RowLimitState>,
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.state.start.load(Ordering::Relaxed);
        if self.read.saturating_sub(start) > MAX_ROW_BYTES {
            self.state.tripped.store(true, Ordering::Relaxed);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a row longer than {MAX_ROW_TEXT}"),
            ));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
