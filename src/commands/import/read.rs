//! Reading an import file: the header checked against the known columns, then rows read,
//! checked to be UTF-8 and parsed on their own thread, handed on in small batches.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};

use super::parse::{shown, Bad, ParseResult, Row};
use super::records;
use super::stream::{detect_delimiter, Rows, Stream, MAX_ROW_BYTES, MAX_ROW_TEXT};
use super::RowError;
use crate::cli::{Entity, ImportArgs};
use crate::error::{Error, Result};
use crate::records::{AGREEMENT_COLUMNS, PARTNER_COLUMNS};

/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 256;

/// Files from this size on show a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 8 << 20;

/// What the reading thread hands on: a parsed row with the line it starts on, or a bad row
/// with each of its errors.
pub enum Item<T> {
    Row(u64, T),
    Bad(Vec<RowError>),
}

/// How an import file is named in messages and history: `-` is stdin.
pub fn input_name(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}

/// The import file, or stdin for `-`, opened once.
fn open_input(path: &Path) -> std::io::Result<File> {
    if path == Path::new("-") {
        use std::os::fd::AsFd;
        return Ok(File::from(std::io::stdin().as_fd().try_clone_to_owned()?));
    }
    File::open(path)
}

/// A regular file can be read again from where the import began reading it (the bulk
/// path does, to find the lines of refs repeated in the file); a pipe cannot.
pub struct Origin {
    file: File,
    offset: u64,
    /// The separator the file was read with, to read it again alike.
    delimiter: u8,
}

/// An open import file whose header has been read and checked.
pub struct Source {
    /// The CSV rows; None for another kind of file, read from `other`.
    rows: Option<Rows>,
    other: Option<Other>,
    /// How the rows' places are named in errors.
    pub places: Places,
    /// Keys of JSON records that `--ignore-column` skips.
    ignored: Vec<String>,
    /// The header of a JSON file: the columns in the order its records' fields are given.
    header: Vec<String>,
    /// Each known column's position in the rows.
    pub index: HashMap<String, usize>,
    width: usize,
    excel: bool,
    /// The bytes left to read, for a regular file; None for a pipe, a FIFO or a terminal.
    pub size: Option<u64>,
    origin: Option<Origin>,
    pub bar: Option<indicatif::ProgressBar>,
}

impl Source {
    pub fn open(a: &ImportArgs) -> Result<Source> {
        let name = input_name(&a.file);
        let cannot = |e: std::io::Error| Error::input(format!("cannot read {name}: {e}"));
        let mut file = open_input(&a.file).map_err(cannot)?;
        let kind = records::FileKind::of(&a.file, &peek(&mut file));
        if kind != records::FileKind::Csv {
            return Source::open_other(a, &name, file, kind);
        }
        if a.sheet.is_some() {
            return Err(Error::input(format!(
                "--sheet names a sheet of a workbook; {name} is read as CSV"
            ))
            .with_hint("give an .xlsx file, or leave out --sheet"));
        }
        let mut origin = match file.metadata() {
            Ok(m) if m.is_file() => {
                let offset = file.stream_position().map_err(cannot)?;
                Some(Origin {
                    file: file.try_clone().map_err(cannot)?,
                    offset,
                    delimiter: b',', // set below, once the header line is read
                })
                .filter(|o| o.offset <= m.len())
            }
            _ => None,
        };
        let size = match (&origin, file.metadata()) {
            (Some(o), Ok(m)) => Some(m.len() - o.offset),
            _ => None,
        };
        let bar = progress_bar(size.unwrap_or(0));
        let mut stream = Stream::new(file, bar.clone()).map_err(cannot)?;
        let delimiter = match a.delimiter {
            Some(d) => d,
            None => detect_delimiter(stream.first_line().map_err(cannot)?),
        };
        if let Some(o) = &mut origin {
            o.delimiter = delimiter;
        }
        let mut rows = Rows::new(stream, delimiter);
        let headers: Vec<String> = rows
            .headers()
            .map_err(|e| {
                if rows.tripped() {
                    return Error::input(format!(
                        "{name}: line 1: a row longer than {MAX_ROW_TEXT}; nothing was imported"
                    ))
                    .with_hint("a field holds at most 1 MiB: is this file CSV?");
                }
                Error::input(format!("{name}: cannot read the header row: {e}"))
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
            index: column_index(a, &name, &headers)?,
            width: headers.len(),
            // A file that starts with a BOM is taken for one written with `export --excel`:
            // the `'` that export put before formula-like cells is taken off again. The BOM
            // is seen on the stream itself, which is read only once.
            excel: rows.bom(),
            rows: Some(rows),
            other: None,
            places: Places::Lines,
            ignored: Vec::new(),
            header: Vec::new(),
            size,
            origin,
            bar,
        })
    }

    /// A workbook or JSON file: its header read (a workbook's first row; for JSON, every column
    /// import knows, each record naming its own).
    fn open_other(
        a: &ImportArgs,
        name: &str,
        file: File,
        kind: records::FileKind,
    ) -> Result<Source> {
        if a.delimiter.is_some() {
            return Err(Error::input(format!(
                "--delimiter separates the fields of CSV; {name} is not CSV"
            ))
            .with_hint("leave out --delimiter"));
        }
        if a.sheet.is_some() && kind != records::FileKind::Xlsx {
            return Err(Error::input(format!(
                "--sheet names a sheet of a workbook; {name} is not one"
            ))
            .with_hint("leave out --sheet"));
        }
        let ignored: Vec<String> = a
            .ignore_columns
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .collect();
        let (headers, other, places) = match kind {
            records::FileKind::Xlsx => {
                let mut book = records::Workbook::open(file, name, a.sheet.as_deref())?;
                let mut header = None;
                book.each_row(|r, fields| {
                    header = Some((r, fields));
                    false
                })
                .map_err(|e| Error::input(format!("{name}: cannot read the workbook: {e}")))?;
                let Some((row, fields)) = header else {
                    return Err(Error::input(format!(
                        "{name}: sheet {} is empty: it has no header row",
                        book.sheet
                    )));
                };
                let fields = fields.map_err(|(c, e)| {
                    Error::input(format!(
                        "{name}: sheet {}, row {row}, column {}: {e}",
                        book.sheet,
                        crate::output::xlsx::column_letters(c as u16)
                    ))
                })?;
                let headers: Vec<String> = fields
                    .iter()
                    .map(|h| h.trim().to_ascii_lowercase())
                    .collect();
                let places = Places::Sheet {
                    name: book.sheet.clone(),
                    letters: records::letters(&headers),
                };
                (headers, Other::Xlsx(Box::new(book), row), places)
            }
            records::FileKind::Json | records::FileKind::Jsonl => {
                // The header is every column import knows, and the keys --ignore-column skips.
                let mut headers: Vec<String> = known_columns(a.entity)
                    .iter()
                    .map(|c| c.to_string())
                    .collect();
                headers.extend(
                    ignored
                        .iter()
                        .filter(|c| !headers.contains(c))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
                if kind == records::FileKind::Json {
                    (headers, Other::Json(file), Places::Records)
                } else {
                    (headers, Other::Jsonl(file), Places::Lines)
                }
            }
            records::FileKind::Csv => unreachable!("CSV is read by Source::open"),
        };
        Ok(Source {
            index: column_index(a, name, &headers)?,
            header: headers.clone(),
            width: headers.len(),
            excel: false,
            rows: None,
            other: Some(other),
            places,
            ignored,
            size: None,
            origin: None,
            bar: None,
        })
    }

    /// The way to read the file again, when it is a regular file.
    pub fn take_origin(&mut self) -> Option<Origin> {
        self.origin.take()
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
        if let Some(other) = self.other.take() {
            return self.parse_other(other, parse, tx, returned);
        }
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
            Item::Bad(vec![RowError {
                line,
                column,
                reason,
            }])
        };
        // A StringRecord checks a whole row's UTF-8 at once.
        while let Some(rows) = self.rows.as_mut() {
            let (read, line) = rows.next(|csv| csv.read_record(&mut record));
            if let Some((opened, field)) = rows.unclosed_quote() {
                batch.push(bad(
                    opened,
                    self.column_name(field),
                    "a quoted field opens on this line and is never closed: the file ends inside it (is it cut short?)".into(),
                ));
                break;
            }
            let item = match read {
                Ok(false) => break,
                Ok(true) => self.parse_record(&record, line, &parse),
                Err(_) if rows.tripped() => {
                    batch.push(bad(line, None, format!(
                        "a row longer than {MAX_ROW_TEXT}: a field holds at most 1 MiB, so the file is not read further"
                    )));
                    break;
                }
                Err(e) => match e.kind() {
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
                },
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

    /// One record, which starts on `line`: None for a blank line.
    fn parse_record<T>(
        &self,
        record: &csv::StringRecord,
        line: u64,
        parse: &impl Fn(&Row) -> ParseResult<T>,
    ) -> Option<Item<T>> {
        if record.len() == 1 && record.get(0) == Some("") {
            return None; // a blank line
        }
        if record.len() != self.width {
            return Some(Item::Bad(vec![RowError {
                line,
                column: None,
                reason: format!(
                    "the row has {} fields; the header has {}",
                    record.len(),
                    self.width
                ),
            }]));
        }
        let restored: Vec<std::borrow::Cow<str>>;
        let fields: Vec<&str> = if self.excel {
            restored = record.iter().map(crate::output::excel_restore).collect();
            restored.iter().map(|f| f.as_ref()).collect()
        } else {
            record.iter().collect()
        };
        Some(parsed(line, &fields, parse))
    }

    /// Reads a workbook's or a JSON file's records (in place of CSV rows), as
    /// [`Source::parse_into`] does.
    fn parse_other<T>(
        self,
        other: Other,
        parse: impl Fn(&Row) -> ParseResult<T>,
        tx: SyncSender<Vec<Item<T>>>,
        returned: Receiver<Vec<Item<T>>>,
    ) {
        let mut batch: Vec<Item<T>> = Vec::with_capacity(BATCH);
        let mut gone = false;
        let mut push = |item: Item<T>| {
            batch.push(item);
            if batch.len() >= BATCH {
                let fresh = match returned.try_recv() {
                    Ok(mut used) => {
                        used.clear();
                        used
                    }
                    Err(_) => Vec::with_capacity(BATCH),
                };
                gone = tx.send(std::mem::replace(&mut batch, fresh)).is_err();
            }
            !gone
        };
        let bad = |line: u64, column: Option<String>, reason: String| {
            Item::Bad(vec![RowError {
                line,
                column,
                reason,
            }])
        };
        let width = self.width;
        let fields_of = |line: u64, mut fields: Vec<String>| -> Item<T> {
            if let Some(extra) = fields.iter().skip(width).position(|f| !f.is_empty()) {
                let col = crate::output::xlsx::column_letters((width + extra) as u16);
                return bad(
                    line,
                    None,
                    format!("a value in column {col}, past the header's last column"),
                );
            }
            fields.resize(width, String::new());
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            parsed(line, &refs, &parse)
        };
        let failed = match other {
            Other::Xlsx(mut book, header_row) => book
                .each_row(|r, fields| {
                    if r <= header_row {
                        return true;
                    }
                    let line = u64::from(r);
                    push(match fields {
                        Ok(f) if f.iter().all(|x| x.is_empty()) => return true,
                        Ok(f) => fields_of(line, f),
                        Err((c, e)) => bad(line, Some(self.column_at(c)), e),
                    })
                })
                .err(),
            Other::Json(file) => {
                let mut n = 0u64;
                records::each_json_element(file, |v| {
                    n += 1;
                    push(match records::json_record(v, &self.header, &self.ignored) {
                        Ok(f) => fields_of(n, f),
                        Err((c, e)) => bad(n, c, e),
                    })
                })
                .err()
            }
            Other::Jsonl(file) => records::each_json_line(file, MAX_ROW_BYTES, |n, v| {
                push(
                    match v.map(|v| records::json_record(v, &self.header, &self.ignored)) {
                        Ok(Ok(f)) => fields_of(n, f),
                        Ok(Err((c, e))) => bad(n, c, e),
                        Err(e) => bad(n, None, e),
                    },
                )
            })
            .err()
            .map(|e| e.to_string()),
        };
        if let Some(e) = failed {
            push(bad(0, None, format!("unreadable file: {e}")));
        }
        if !batch.is_empty() && !gone {
            let _ = tx.send(batch);
        }
    }

    /// The name of the workbook column at `i`, for errors.
    fn column_at(&self, i: usize) -> String {
        self.column_name(i).unwrap_or_default()
    }
}

/// A row's fields, checked by `parse`; the row starts on `line`.
fn parsed<T>(line: u64, fields: &[&str], parse: &impl Fn(&Row) -> ParseResult<T>) -> Item<T> {
    match parse(&Row { fields }) {
        Ok(v) => Item::Row(line, v),
        Err(bads) => Item::Bad(
            bads.into_iter()
                .map(|Bad { column, reason }| RowError {
                    line,
                    column,
                    reason,
                })
                .collect(),
        ),
    }
}

/// A file that is not CSV: a workbook (with the row of its header), or JSON.
enum Other {
    Xlsx(Box<records::Workbook>, u32),
    Json(File),
    Jsonl(File),
}

/// How the places of rows are named in errors.
#[derive(Clone)]
pub enum Places {
    /// `line N` (CSV, JSON lines).
    Lines,
    /// `sheet S, row N, column C (name)`.
    Sheet {
        name: String,
        letters: HashMap<String, String>,
    },
    /// `record N` of a JSON array.
    Records,
}

impl Places {
    /// Where row `line` (0: the whole file) and its `column` are.
    pub fn describe(&self, line: u64, column: Option<&str>) -> String {
        let place = match (self, line) {
            (_, 0) => "file".to_string(),
            (Places::Lines, n) => format!("line {n}"),
            (Places::Sheet { name, .. }, n) => format!("sheet {name}, row {n}"),
            (Places::Records, n) => format!("record {n}"),
        };
        match (self, column) {
            (_, None) => place,
            (Places::Sheet { letters, .. }, Some(c)) => match letters.get(c) {
                Some(l) => format!("{place}, column {l} ({c})"),
                None => format!("{place}, column {c}"),
            },
            (_, Some(c)) => format!("{place}, column {c}"),
        }
    }
}

/// The first bytes of a regular file, read and given back (the file is where it was again);
/// nothing for stdin or a pipe, which cannot be read twice.
fn peek(file: &mut File) -> Vec<u8> {
    let mut head = vec![0; 8];
    let regular = file.metadata().is_ok_and(|m| m.is_file());
    let Some(at) = regular.then(|| file.stream_position().ok()).flatten() else {
        return Vec::new();
    };
    let n = file.read(&mut head).unwrap_or(0);
    head.truncate(n);
    if file.seek(SeekFrom::Start(at)).is_err() {
        return Vec::new();
    }
    head
}

/// The columns an import of `entity` reads.
fn known_columns(entity: Entity) -> Vec<&'static str> {
    match entity {
        Entity::Partners => PARTNER_COLUMNS.to_vec(),
        Entity::Contacts => crate::records::CONTACT_COLUMNS.to_vec(),
        Entity::Engagements => crate::records::ENGAGEMENT_COLUMNS.to_vec(),
        Entity::Agreements => {
            let mut k = AGREEMENT_COLUMNS.to_vec();
            k.extend(["partner_category", "partner_country"]);
            k
        }
    }
}

fn column_index(a: &ImportArgs, name: &str, headers: &[String]) -> Result<HashMap<String, usize>> {
    let known = known_columns(a.entity);
    let required: &[&str] = match a.entity {
        Entity::Partners => &["name", "category"],
        Entity::Contacts => &["partner", "name"],
        Entity::Engagements => &["title", "partners", "starts_on"],
        Entity::Agreements => &["parties"],
    };
    let ignored: Vec<String> = a
        .ignore_columns
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    if let Some(missing) = ignored.iter().find(|c| !headers.contains(c)) {
        let columns: Vec<String> = headers.iter().take(20).map(|h| shown(h)).collect();
        return Err(Error::input(format!(
            "--ignore-column '{}': {name} has no such column",
            shown(missing)
        ))
        .with_hint(format!("its columns: {}", columns.join(", "))));
    }
    let mut index = HashMap::new();
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if ignored.contains(h) {
            continue;
        } else if !known.contains(&h.as_str()) {
            unknown.push(h.clone());
        } else if index.insert(h.clone(), i).is_some() {
            return Err(Error::input(format!(
                "{name}: column '{h}' appears twice in the header"
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
            "{name}: unknown column{} {}{}",
            if unknown.len() > 1 { "s" } else { "" },
            shown.join(", "),
            if unknown.len() > 5 {
                format!(" and {} more", unknown.len() - 5)
            } else {
                String::new()
            }
        ))
        .with_hint(format!(
            "valid columns: {}; give --ignore-column NAME to skip a column of the file",
            known.join(", ")
        )));
    }
    for r in required {
        if !index.contains_key(*r) {
            return Err(
                Error::input(format!("{name}: the header has no '{r}' column")).with_hint(format!(
                    "columns are those `mou export {}` writes",
                    if a.entity == Entity::Partners {
                        "partners"
                    } else {
                        "agreements"
                    }
                )),
            );
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

/// The lines on which `refs` stand in the file (its ref column at `col`), read again from
/// `origin`: only when a bulk import found repeated refs, which it learns at the end, without
/// having kept every row's line.
pub fn repeated_refs(
    origin: Option<Origin>,
    col: Option<usize>,
    refs: &[String],
) -> Result<Vec<(u64, String)>> {
    let (Some(mut origin), Some(col)) = (origin, col.filter(|_| !refs.is_empty())) else {
        return Ok(Vec::new());
    };
    // Compared as the ref index compares them (normalized).
    let wanted: HashSet<String> = refs.iter().map(|r| crate::model::ref_key(r)).collect();
    origin.file.seek(SeekFrom::Start(origin.offset))?;
    let mut rows = Rows::new(Stream::new(origin.file, None)?, origin.delimiter);
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let (read, line) = rows.next(|csv| csv.read_byte_record(&mut record));
        if !read.unwrap_or(false) {
            break;
        }
        let r = String::from_utf8_lossy(record.get(col).unwrap_or_default())
            .trim()
            .to_uppercase();
        let key = crate::model::ref_key(&r);
        if wanted.contains(&key) && !seen.insert(key) {
            out.push((line, r));
        }
    }
    Ok(out)
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
