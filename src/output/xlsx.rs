//! Excel workbooks: one sheet per table of rows, each holding an Excel table over its columns
//! (header frozen, with filters), typed cells, fitted widths, and never a formula.
//!
//! `rust_xlsxwriter` makes the workbook: its sheets, widths, frozen panes, directions, styles
//! and tables. Each of its sheets holds the header and one placeholder row; the data rows are
//! streamed by [`cells`] into a temporary file per sheet, as rust_xlsxwriter's constant-memory
//! mode writes them, so memory does not grow with the rows. When the workbook is saved, its
//! archive is copied entry by entry (raw, never recompressed) into the output, but for:
//! - **the sheets**, whose placeholder row is replaced by the streamed rows, compressed at
//!   deflate's fastest level (rust_xlsxwriter fixes the default level, which took 60% of a
//!   large export's time: the rows are plain XML that compresses well at any level);
//! - **the tables' ranges**: `Worksheet::add_table` keeps an entry per cell of the range (a
//!   million rows of 18 columns would take about 500 MB), so each table is added over its
//!   header and placeholder row, and the range in its part (`xl/tables/tableN.xml`) and the
//!   sheet's dimension are set to the real ones.
//!
//! Widths must be set before a sheet is made, so the first [`WIDTH_SAMPLE`] rows are held,
//! measured with the header, and then written; later rows are not measured.
//!
//! Past [`MAX_SHEET_ROWS`] rows (Excel's limit less the header) the rows go on in further
//! sheets, `Agreements 2`, `Agreements 3`, ..., each with its own header and table.

mod cells;

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use rust_xlsxwriter::{
    ColNum, Format as CellFormat, Table, TableColumn, Workbook as Book, Worksheet, XlsxError,
};

pub use cells::column_letters;

use super::Cell;
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

/// Bytes of rows gathered before they go to a sheet's file.
const FLUSH_AT: usize = 1 << 18;

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

/// One sheet of the workbook: its table's name and range, and the file of its rows.
struct Part {
    table: String,
    /// The last column's letters.
    last: String,
    /// Data rows written.
    rows: u32,
    data: BufWriter<File>,
    /// Bytes in `data`.
    bytes: u64,
}

impl Part {
    /// The table's range as rust_xlsxwriter wrote it (header and placeholder row).
    fn placeholder(&self) -> String {
        format!("A1:{}2", self.last)
    }

    /// The real range: the header and every row (at least one, empty when there are none).
    fn real(&self) -> String {
        format!("A1:{}{}", self.last, self.rows.max(1) + 1)
    }
}

/// A workbook being written, sheet after sheet.
pub struct Workbook {
    book: Book,
    options: BookOptions,
    date: CellFormat,
    /// The sheets made, in order (rust_xlsxwriter's `xl/worksheets/sheet<index + 1>.xml`).
    parts: Vec<Part>,
}

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(e) => Error::from(e),
        other => Error::input(format!("cannot write the workbook: {other}")),
    }
}

fn temp_file() -> Result<File> {
    tempfile::tempfile().map_err(|e| Error::input(format!("cannot make a temporary file: {e}")))
}

impl Workbook {
    pub fn new(options: BookOptions) -> Workbook {
        Workbook {
            book: Book::new(),
            options,
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
            parts: Vec::new(),
        }
    }

    /// Starts a sheet (and those it goes on in) named `name` with `columns`.
    pub fn sheet(&mut self, name: &str, columns: &[&str]) -> Sheet<'_> {
        Sheet {
            book: self,
            base: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            letters: (0..columns.len())
                .map(|c| column_letters(c as u16))
                .collect(),
            sample: Some(Vec::new()),
            widths: Vec::new(),
            part: 0,
            buf: Vec::new(),
            text: String::new(),
        }
    }

    /// Writes the workbook to `out` as one xlsx file. `out` need not seek (a pipe will do):
    /// the workbook is saved to a temporary file, copied with its rows and ranges into
    /// another (a zip archive is finished by seeking back), and that is copied to `out`.
    pub fn save(mut self, mut out: impl Write) -> Result<()> {
        let mut saved = temp_file()?;
        self.book
            .save_to_writer(BufWriter::new(&mut saved))
            .map_err(xlsx_error)?;
        saved.seek(SeekFrom::Start(0))?;
        let mut fixed = temp_file()?;
        copy_with_rows(
            BufReader::new(saved),
            BufWriter::new(&mut fixed),
            &mut self.parts,
        )?;
        fixed.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut fixed, &mut out)?;
        out.flush()?;
        Ok(())
    }
}

fn zip_error(e: zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::Io(e) => Error::from(e),
        other => Error::input(format!("cannot write the workbook: {other}")),
    }
}

/// The part that `xl/worksheets/sheet<N>.xml` or `xl/tables/table<N>.xml` names, by `N`.
fn numbered<'p>(name: &str, dir: &str, parts: &'p mut [Part]) -> Option<&'p mut Part> {
    let n: usize = name.strip_prefix(dir)?.strip_suffix(".xml")?.parse().ok()?;
    parts.get_mut(n.checked_sub(1)?)
}

/// Copies the archive `saved` into `out`: every entry raw but the sheets, which get their
/// rows, and the table parts, whose placeholder ranges become the real ones.
fn copy_with_rows(
    saved: impl Read + Seek,
    out: impl Write + Seek,
    parts: &mut [Part],
) -> Result<()> {
    let mut archive = zip::ZipArchive::new(saved).map_err(zip_error)?;
    let mut zip = zip::ZipWriter::new(out);
    for i in 0..archive.len() {
        let name = archive
            .by_index_raw(i)
            .map_err(zip_error)?
            .name()
            .to_string();
        let is_table = name.starts_with("xl/tables/table") && name.ends_with(".xml");
        let is_sheet = numbered(&name, "xl/worksheets/sheet", parts).is_some();
        if !is_table && !is_sheet {
            zip.raw_copy_file(archive.by_index_raw(i).map_err(zip_error)?)
                .map_err(zip_error)?;
            continue;
        }
        let mut xml = String::new();
        archive
            .by_index(i)
            .map_err(zip_error)?
            .read_to_string(&mut xml)?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        if is_table {
            zip.start_file(name, options).map_err(zip_error)?;
            zip.write_all(set_range(&xml, parts).as_bytes())?;
            continue;
        }
        let Some(part) = numbered(&name, "xl/worksheets/sheet", parts) else {
            continue;
        };
        let (head, tail) = split_sheet(&xml, part)?;
        let size = head.len() as u64 + part.bytes + tail.len() as u64;
        let options = options
            .compression_level(Some(1))
            .large_file(size >= u64::from(u32::MAX));
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(head.as_bytes())?;
        part.data.flush()?;
        let file = part.data.get_mut();
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut BufReader::with_capacity(1 << 16, file), &mut zip)?;
        zip.write_all(tail.as_bytes())?;
    }
    zip.finish().map_err(zip_error)?.flush()?;
    Ok(())
}

/// A sheet's XML as rust_xlsxwriter wrote it, split where the rows go: the part before its
/// placeholder row (with the dimension set to the real range) and the part after.
fn split_sheet<'x>(xml: &'x str, part: &Part) -> Result<(String, &'x str)> {
    let broken = || Error::registry("the workbook's sheet is not laid out as expected");
    let head_end = xml
        .find("<row r=\"2\"")
        .or_else(|| xml.find("</sheetData>"))
        .ok_or_else(broken)?;
    let tail_start = xml[head_end..]
        .find("</sheetData>")
        .map(|i| head_end + i)
        .ok_or_else(broken)?;
    let placeholder = &xml[head_end..tail_start];
    if !placeholder.is_empty() && !placeholder.contains(&format!(" s=\"{}\"", cells::DATE_STYLE)) {
        return Err(broken());
    }
    let head = xml[..head_end].replacen(
        &format!("<dimension ref=\"{}\"/>", part.placeholder()),
        &format!("<dimension ref=\"{}\"/>", part.real()),
        1,
    );
    Ok((head, &xml[tail_start..]))
}

/// The table part `xml` with its placeholder range (in `ref="..."`, on the table and its
/// filter) set to the real one; the table is found by its name.
fn set_range(xml: &str, parts: &[Part]) -> String {
    let Some(t) = parts
        .iter()
        .find(|t| xml.contains(&format!(" displayName=\"{}\"", t.table)))
    else {
        return xml.to_string();
    };
    xml.replace(
        &format!("ref=\"{}\"", t.placeholder()),
        &format!("ref=\"{}\"", t.real()),
    )
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
    letters: Vec<String>,
    /// The rows held until the widths are fitted; None once they are.
    sample: Option<Vec<Vec<Cell>>>,
    widths: Vec<f64>,
    /// The part being written (1 for the first sheet; 0 before it is made).
    part: u64,
    /// Rows gathered for the part's file.
    buf: Vec<u8>,
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

    /// Ends the table: the sample written if it is still held, the last rows flushed.
    pub fn finish(mut self) -> Result<()> {
        if self.sample.is_some() {
            self.fit()?;
        }
        if self.part == 0 {
            self.next_part()?;
        }
        self.flush()
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
                    other => text_width(other.csv_str(&mut buf)),
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

    /// Makes the next sheet: widths, frozen header, direction, its table over the header and
    /// a placeholder row (a date, so that the date style is the workbook's), and its file.
    fn next_part(&mut self) -> Result<()> {
        self.flush()?;
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
        let date = self.book.date.clone();
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
            ws.write_number_with_format(1, 0, 1.0, &date)
                .map_err(xlsx_error)?;
        }
        self.book.parts.push(Part {
            table: table_name(&name),
            last: column_letters(last_col),
            rows: 0,
            data: BufWriter::new(temp_file()?),
            bytes: 0,
        });
        Ok(())
    }

    /// Sends the rows gathered to the part's file.
    fn flush(&mut self) -> Result<()> {
        if let Some(part) = self.book.parts.last_mut() {
            part.data.write_all(&self.buf)?;
            part.bytes += self.buf.len() as u64;
        }
        self.buf.clear();
        Ok(())
    }

    fn write(&mut self, cells: &[Cell]) -> Result<()> {
        let full = |b: &Workbook| {
            b.parts
                .last()
                .is_none_or(|p| p.rows >= b.options.sheet_rows)
        };
        if self.part == 0 || full(self.book) {
            self.next_part()?;
        }
        let Some(part) = self.book.parts.last_mut() else {
            return Ok(());
        };
        part.rows += 1;
        let row = part.rows + 1;
        let long = cells::write_row(
            &mut self.buf,
            row,
            cells,
            &self.letters,
            &mut self.text,
            MAX_CELL_CHARS,
        );
        if let Some(col) = long {
            return Err(too_long(
                &part_name(&self.base, self.part),
                row,
                col,
                &self.columns,
            ));
        }
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }
}

fn too_long(sheet: &str, row: u32, col: usize, columns: &[String]) -> Error {
    Error::input(format!(
        "sheet {sheet}, row {row}, column {} ({}): the value holds more than {MAX_CELL_CHARS} \
         characters, the most an xlsx cell holds; nothing was written",
        column_letters(col as u16),
        columns.get(col).map_or("", |c| c.as_str()),
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

    fn part(rows: u32) -> Part {
        Part {
            table: "Agreements_2".into(),
            last: "R".into(),
            rows,
            data: BufWriter::new(temp_file().unwrap()),
            bytes: 0,
        }
    }

    #[test]
    fn the_placeholder_range_becomes_the_real_one() {
        let xml = r#"<table id="1" name="Agreements_2" displayName="Agreements_2" ref="A1:R2"><autoFilter ref="A1:R2"/></table>"#;
        assert_eq!(
            set_range(xml, &[part(8)]),
            r#"<table id="1" name="Agreements_2" displayName="Agreements_2" ref="A1:R9"><autoFilter ref="A1:R9"/></table>"#
        );
    }

    #[test]
    fn the_rows_replace_the_placeholder_row() {
        let xml = r#"<worksheet><dimension ref="A1:R2"/><sheetData><row r="1"><c r="A1"/></row><row r="2"><c r="A2" s="1"><v>1</v></c></row></sheetData><tableParts/></worksheet>"#;
        let (head, tail) = split_sheet(xml, &part(3)).unwrap();
        assert_eq!(
            head,
            r#"<worksheet><dimension ref="A1:R4"/><sheetData><row r="1"><c r="A1"/></row>"#
        );
        assert_eq!(tail, "</sheetData><tableParts/></worksheet>");
        let odd = xml.replace(r#" s="1""#, r#" s="2""#);
        assert!(split_sheet(&odd, &part(3)).is_err());
    }

    /// The rows of sheet 1 of the workbook in `bytes`: from row 2 to the end of its data.
    fn data_rows(bytes: Vec<u8>) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let start = xml.find("<row r=\"2\"").unwrap();
        let end = xml.find("</sheetData>").unwrap();
        xml[start..end].to_string()
    }

    #[test]
    fn rows_are_written_as_rust_xlsxwriter_writes_them() {
        let d = |y, m, day| crate::dates::Date::from_ymd_opt(y, m, day).unwrap();
        let rows: Vec<Vec<Cell>> = vec![
            vec![
                Cell::text("Odd & <Co> _x0041_ _xZZZZ_"),
                Cell::Int(-12),
                Cell::Bool(true),
                Cell::Date(d(2026, 7, 1)),
                Cell::Null,
            ],
            vec![
                Cell::text(" lead\ttab\nline \u{1}\u{fffe}"),
                Cell::Int(0),
                Cell::Bool(false),
                Cell::Date(d(1899, 1, 1)),
                Cell::List(vec!["a".into(), "اليونيسيف".into()]),
            ],
            vec![
                Cell::text(""),
                Cell::Int(1_234_567_890),
                Cell::Word("mou"),
                Cell::Date(d(1900, 3, 1)),
                Cell::text("=1+1"),
            ],
        ];
        let columns = ["a", "b", "c", "d", "e"];
        let mut ours = Vec::new();
        let mut book = Workbook::new(BookOptions::default());
        let mut sheet = book.sheet("Rows", &columns);
        for row in &rows {
            sheet.row(row.clone()).unwrap();
        }
        sheet.finish().unwrap();
        book.save(&mut ours).unwrap();

        let mut reference = Book::new();
        let date = CellFormat::new().set_num_format("yyyy-mm-dd");
        let ws = reference.add_worksheet_with_constant_memory();
        for (c, name) in columns.iter().enumerate() {
            ws.write_string(0, c as ColNum, *name).unwrap();
        }
        let mut buf = String::new();
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as ColNum;
                match cell {
                    Cell::Null => {}
                    Cell::Int(n) => drop(ws.write_number(r, c, *n as f64).unwrap()),
                    Cell::Bool(b) => drop(ws.write_boolean(r, c, *b).unwrap()),
                    Cell::Date(day) if *day >= d(1900, 3, 1) => {
                        let serial = (*day - d(1899, 12, 30)).num_days() as f64;
                        ws.write_number_with_format(r, c, serial, &date).unwrap();
                    }
                    other => drop(ws.write_string(r, c, other.csv_str(&mut buf)).unwrap()),
                }
            }
        }
        let theirs = reference.save_to_buffer().unwrap();
        assert_eq!(data_rows(ours), data_rows(theirs));
    }
}
