//! Excel workbooks: one sheet per table of rows, each holding an Excel table over its columns
//! (header frozen, with filters), typed cells, fitted widths, and never a formula.
//!
//! Rows are written by `rust_xlsxwriter` in its constant-memory mode: each row goes to a
//! temporary file as soon as the next one starts, so memory does not grow with the rows. Two
//! things it cannot do in that mode are done here:
//! - **widths**: a column's width must be set before its first row is written, so the first
//!   [`WIDTH_SAMPLE`] rows are held, measured with the header, and then written; later rows
//!   are not measured;
//! - **the table's range**: `Worksheet::add_table` keeps an entry per cell of the range (a
//!   million rows of 18 columns would take about 500 MB), so each table is added over its
//!   header and first row, and the range in its part (`xl/tables/tableN.xml`) is set to the
//!   real one when the workbook is saved: the saved archive is copied entry by entry (raw,
//!   never recompressed) into the output, with the few-hundred-byte table parts rewritten.
//!
//! Past [`MAX_SHEET_ROWS`] rows (Excel's limit less the header) the rows go on in further
//! sheets, `Agreements 2`, `Agreements 3`, ..., each with its own header and table.

use std::io::{Read, Seek, SeekFrom, Write};

use rust_xlsxwriter::{
    ColNum, Format as CellFormat, RowNum, Table, TableColumn, Workbook as Book, Worksheet,
    XlsxError,
};

use super::Cell;
use crate::dates::Date;
use crate::error::{Error, Result};

/// Data rows a sheet holds: Excel's 1,048,576 rows less the header.
pub const MAX_SHEET_ROWS: u32 = 1_048_575;

/// Rows held and measured before a sheet's widths are set.
pub const WIDTH_SAMPLE: usize = 1000;

/// The widest a fitted column is, in characters (longer text wraps out of sight, as in any
/// spreadsheet); the narrowest is its header's width.
const MAX_WIDTH: f64 = 60.0;

/// What a sheet's header cell needs beside its text: the filter button.
const FILTER_BUTTON: f64 = 3.0;

/// The most characters Excel holds in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// The first day Excel counts without its 1900 leap-year bug; earlier dates are written as
/// text (`YYYY-MM-DD`), which import reads the same.
fn first_serial_day() -> Date {
    Date::from_ymd_opt(1900, 3, 1).unwrap_or_default()
}

/// How a workbook is laid out.
#[derive(Debug, Clone, Copy)]
pub struct BookOptions {
    /// Right-to-left sheets.
    pub rtl: bool,
    /// Data rows per sheet before the rows go on in another ([`MAX_SHEET_ROWS`]; lower in
    /// tests, through `MOU_XLSX_SHEET_ROWS`).
    pub sheet_rows: u32,
}

impl Default for BookOptions {
    fn default() -> Self {
        BookOptions {
            rtl: false,
            sheet_rows: MAX_SHEET_ROWS,
        }
    }
}

/// A table whose range is set when the workbook is saved.
struct TableRange {
    name: String,
    /// The range it was added with (its header and one row), and the real one.
    placeholder: String,
    real: String,
}

/// A workbook being written, sheet after sheet.
pub struct Workbook {
    book: Book,
    options: BookOptions,
    date: CellFormat,
    tables: Vec<TableRange>,
    sheet_names: Vec<String>,
}

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(e) => Error::from(e),
        other => Error::input(format!("cannot write the workbook: {other}")),
    }
}

impl Workbook {
    pub fn new(options: BookOptions) -> Workbook {
        Workbook {
            book: Book::new(),
            options,
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
            tables: Vec::new(),
            sheet_names: Vec::new(),
        }
    }

    /// Starts a sheet (and those it goes on in) named `name` with `columns`.
    pub fn sheet(&mut self, name: &str, columns: &[&str]) -> Sheet<'_> {
        Sheet {
            book: self,
            base: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            sample: Some(Vec::new()),
            widths: Vec::new(),
            part: 0,
            index: 0,
            row: 0,
            text: String::new(),
        }
    }

    /// Writes the workbook to `out` as one xlsx file. `out` need not seek (a pipe will do):
    /// the workbook is saved to a temporary file, copied with its tables' ranges set into
    /// another (a zip archive is finished by seeking back), and that is copied to `out`.
    pub fn save(mut self, mut out: impl Write) -> Result<()> {
        let temp = || {
            tempfile::tempfile()
                .map_err(|e| Error::input(format!("cannot make a temporary file: {e}")))
        };
        let mut saved = temp()?;
        self.book
            .save_to_writer(std::io::BufWriter::new(&mut saved))
            .map_err(xlsx_error)?;
        saved.seek(SeekFrom::Start(0))?;
        let mut fixed = temp()?;
        copy_with_ranges(
            std::io::BufReader::new(saved),
            std::io::BufWriter::new(&mut fixed),
            &self.tables,
        )?;
        fixed.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut fixed, &mut out)?;
        out.flush()?;
        Ok(())
    }
}

/// Copies the archive `saved` into `out`, every entry raw but the table parts, whose
/// placeholder ranges become the real ones.
fn copy_with_ranges(
    saved: impl Read + Seek,
    out: impl Write + Seek,
    tables: &[TableRange],
) -> Result<()> {
    let zip_error = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => Error::from(e),
        other => Error::input(format!("cannot write the workbook: {other}")),
    };
    let mut archive = zip::ZipArchive::new(saved).map_err(zip_error)?;
    let mut zip = zip::ZipWriter::new(out);
    for i in 0..archive.len() {
        let name = archive
            .by_index_raw(i)
            .map_err(zip_error)?
            .name()
            .to_string();
        if !(name.starts_with("xl/tables/table") && name.ends_with(".xml")) {
            zip.raw_copy_file(archive.by_index_raw(i).map_err(zip_error)?)
                .map_err(zip_error)?;
            continue;
        }
        let mut xml = String::new();
        archive
            .by_index(i)
            .map_err(zip_error)?
            .read_to_string(&mut xml)?;
        let xml = set_range(&xml, tables);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(xml.as_bytes())?;
    }
    zip.finish().map_err(zip_error)?.flush()?;
    Ok(())
}

/// The table part `xml` with its placeholder range (in `ref="..."`, on the table and its
/// filter) set to the real one; the table is found by its name.
fn set_range(xml: &str, tables: &[TableRange]) -> String {
    let Some(t) = tables
        .iter()
        .find(|t| xml.contains(&format!(" displayName=\"{}\"", t.name)))
    else {
        return xml.to_string();
    };
    xml.replace(
        &format!("ref=\"{}\"", t.placeholder),
        &format!("ref=\"{}\"", t.real),
    )
}

/// `A`, `B`, ..., `Z`, `AA`, ... for the column at `col` (from 0).
pub fn column_letters(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A table's name from a sheet's: letters, digits and `_` only (`Agreements 2` →
/// `Agreements_2`).
fn table_name(sheet: &str) -> String {
    let name: String = sheet
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("T_{name}")
    }
}

/// The name of part `part` of sheet `base`: `Agreements`, `Agreements 2`, ...
pub fn part_name(base: &str, part: u64) -> String {
    if part <= 1 {
        base.to_string()
    } else {
        format!("{base} {part}")
    }
}

/// A cell's width in characters: its widest line.
fn text_width(s: &str) -> f64 {
    s.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0) as f64
}

/// The rows of one table, written into a sheet and the sheets it goes on in.
pub struct Sheet<'b> {
    book: &'b mut Workbook,
    base: String,
    columns: Vec<String>,
    /// The rows held until the widths are fitted; None once they are.
    sample: Option<Vec<Vec<Cell>>>,
    widths: Vec<f64>,
    /// The part being written (1 for the first sheet; 0 before it is made), its worksheet's
    /// index, and the data rows it holds.
    part: u64,
    index: usize,
    row: u32,
    /// A buffer for cells written as text.
    text: String,
}

impl Sheet<'_> {
    pub fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        if let Some(sample) = &mut self.sample {
            sample.push(cells);
            if sample.len() >= WIDTH_SAMPLE {
                self.fit()?;
            }
            return Ok(());
        }
        self.write(&cells)
    }

    /// Ends the table: the sample written if it is still held, the last sheet's range set.
    pub fn finish(mut self) -> Result<()> {
        if self.sample.is_some() {
            self.fit()?;
        }
        if self.part == 0 {
            self.next_part()?;
        }
        self.close_part();
        Ok(())
    }

    /// Sets the widths from the header and the rows held, then writes those rows.
    fn fit(&mut self) -> Result<()> {
        let sample = self.sample.take().unwrap_or_default();
        let mut widths: Vec<f64> = self
            .columns
            .iter()
            .map(|c| text_width(c) + FILTER_BUTTON)
            .collect();
        let mut buf = String::new();
        for row in &sample {
            for (w, cell) in widths.iter_mut().zip(row) {
                let width = match cell {
                    Cell::Date(_) => 10.0,
                    Cell::Bool(_) => 5.0,
                    other => {
                        buf.clear();
                        text_width(other.csv_str(&mut buf))
                    }
                };
                *w = w.max(width + 1.0);
            }
        }
        self.widths = widths.into_iter().map(|w| w.min(MAX_WIDTH)).collect();
        for row in sample {
            self.write(&row)?;
        }
        Ok(())
    }

    /// Makes the next sheet: widths, frozen header, direction, and its table.
    fn next_part(&mut self) -> Result<()> {
        if self.part > 0 {
            self.close_part();
        }
        self.part += 1;
        let name = part_name(&self.base, self.part);
        let rtl = self.book.options.rtl;
        let last_col = self.columns.len().saturating_sub(1) as ColNum;
        let header: Vec<TableColumn> = self
            .columns
            .iter()
            .map(|c| TableColumn::new().set_header(c))
            .collect();
        let table = Table::new()
            .set_name(table_name(&name))
            .set_columns(&header);
        let ws: &mut Worksheet = self.book.book.add_worksheet_with_constant_memory();
        ws.set_name(&name).map_err(xlsx_error)?;
        for (i, w) in self.widths.iter().enumerate() {
            ws.set_column_width(i as ColNum, *w).map_err(xlsx_error)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        ws.set_right_to_left(rtl);
        if !self.columns.is_empty() {
            ws.add_table(0, 0, 1, last_col, &table)
                .map_err(xlsx_error)?;
        }
        self.index = self.book.sheet_names.len();
        self.book.sheet_names.push(name);
        self.row = 0;
        Ok(())
    }

    /// Records the real range of the sheet's table: its header and every row written (at
    /// least one, empty when there were none).
    fn close_part(&mut self) {
        let Some(name) = self.book.sheet_names.get(self.index) else {
            return;
        };
        if self.columns.is_empty() {
            return;
        }
        let last = column_letters(self.columns.len().saturating_sub(1) as u16);
        self.book.tables.push(TableRange {
            name: table_name(name),
            placeholder: format!("A1:{last}2"),
            real: format!("A1:{last}{}", self.row.max(1) + 1),
        });
    }

    fn write(&mut self, cells: &[Cell]) -> Result<()> {
        if self.part == 0 || self.row >= self.book.options.sheet_rows {
            self.next_part()?;
        }
        self.row += 1;
        let row = self.row as RowNum;
        let ws = self
            .book
            .book
            .worksheet_from_index(self.index)
            .map_err(xlsx_error)?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as ColNum;
            let written = match cell {
                Cell::Null => continue,
                Cell::Int(n) => ws.write_number(row, col, *n as f64),
                Cell::Bool(b) => ws.write_boolean(row, col, *b),
                Cell::Date(d) if *d >= first_serial_day() => {
                    let serial = (*d - excel_epoch()).num_days() as f64;
                    ws.write_number_with_format(row, col, serial, &self.book.date)
                }
                other => {
                    let text = other.csv_str(&mut self.text);
                    if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
                        return Err(too_long(
                            &part_name(&self.base, self.part),
                            row,
                            col,
                            &self.columns,
                        ));
                    }
                    ws.write_string(row, col, text)
                }
            };
            written.map_err(xlsx_error)?;
        }
        Ok(())
    }
}

/// Day 0 of Excel's serial dates (for days from 1900-03-01 on).
fn excel_epoch() -> Date {
    Date::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

fn too_long(sheet: &str, row: RowNum, col: ColNum, columns: &[String]) -> Error {
    Error::input(format!(
        "sheet {sheet}, row {}, column {} ({}): the value holds more than {MAX_CELL_CHARS} \
         characters, the most an xlsx cell holds; nothing was written",
        row + 1,
        column_letters(col),
        columns.get(usize::from(col)).map_or("", |c| c.as_str()),
    ))
    .with_hint("export it as CSV or JSON, which hold any length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn further_sheets_are_numbered() {
        assert_eq!(part_name("Agreements", 1), "Agreements");
        assert_eq!(part_name("Agreements", 2), "Agreements 2");
        assert_eq!(table_name("Agreements 2"), "Agreements_2");
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(17), "R");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn the_placeholder_range_becomes_the_real_one() {
        let xml = r#"<table id="1" name="Agreements_2" displayName="Agreements_2" ref="A1:R2"><autoFilter ref="A1:R2"/></table>"#;
        let t = [TableRange {
            name: "Agreements_2".into(),
            placeholder: "A1:R2".into(),
            real: "A1:R9".into(),
        }];
        assert_eq!(
            set_range(xml, &t),
            r#"<table id="1" name="Agreements_2" displayName="Agreements_2" ref="A1:R9"><autoFilter ref="A1:R9"/></table>"#
        );
    }
}
