//! Rendering rows to table, csv, json, jsonl or markdown on any `Write`. csv, json and jsonl
//! stream row by row; table and markdown need every row to size their columns. Tables and
//! markdown are for people: control characters in them are shown as escapes
//! ([`crate::text::visible`]); csv, json and jsonl carry the stored text exactly.

mod csv;
mod format;
pub mod html;
pub mod ics;
mod look;
mod markdown;
pub mod svg;
mod table;
pub mod xlsx;

use serde_json::{Map, Value as Json};
use std::io::Write;

use crate::error::Result;

pub use self::csv::{csv_reader, csv_writer, excel_restore, excel_safe, EXCEL_TRIGGERS};
pub use format::{
    check_format, choose_format, refuse_binary_on_terminal, Format, AGREEMENT_EXPORT_FORMATS,
    EXPORT_FORMATS, PAGE_FORMATS, REPORT_FORMATS, TEXT_FORMATS,
};
pub use look::{set_look, ColorChoice, Look};
pub use markdown::write_markdown;
pub use table::{render_table, write_table, DUE_SOON_DAYS};

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    List(Vec<String>),
    Ints(Vec<i64>),
    /// A JSON document: nested as such in json/jsonl, its text elsewhere.
    Json(String),
    /// A fixed word (a kind, a status): no allocation per row.
    Word(&'static str),
    /// A date, written as ISO `YYYY-MM-DD`.
    Date(crate::dates::Date),
    /// A yes/no value: `true`/`false` in CSV, a boolean in JSON and xlsx.
    Bool(bool),
}

impl Cell {
    pub fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Null, |s| Cell::Text(s.into()))
    }

    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// Writes the cell as CSV writes it into `buf` (cleared first) and returns the bytes.
    fn csv_bytes<'b>(&'b self, buf: &'b mut String) -> &'b [u8] {
        self.csv_str(buf).as_bytes()
    }

    /// The cell's text as CSV writes it, using `buf` (cleared first) when it must be made.
    pub fn csv_str<'b>(&'b self, buf: &'b mut String) -> &'b str {
        use std::fmt::Write as _;
        buf.clear();
        match self {
            Cell::Null => "",
            Cell::Text(s) | Cell::Json(s) => s,
            Cell::Word(s) => s,
            Cell::Bool(b) => bool_word(*b),
            Cell::Date(d) => {
                crate::dates::push_iso(buf, *d);
                buf
            }
            Cell::Int(n) => {
                let _ = write!(buf, "{n}");
                buf
            }
            Cell::List(v) => {
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        buf.push(';');
                    }
                    buf.push_str(x);
                }
                buf
            }
            Cell::Ints(v) => {
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        buf.push(';');
                    }
                    let _ = write!(buf, "{x}");
                }
                buf
            }
        }
    }

    /// The cell as CSV writes it: lists `;`-joined, nothing for null.
    pub fn to_csv(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) | Cell::Json(s) => s.clone(),
            Cell::Word(s) => s.to_string(),
            Cell::Bool(b) => bool_word(*b).to_string(),
            Cell::Date(d) => crate::dates::iso(*d),
            Cell::Int(n) => n.to_string(),
            Cell::List(v) => v.join(";"),
            Cell::Ints(v) => v
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(";"),
        }
    }

    fn to_display(&self) -> String {
        self.display_joined(", ")
    }

    /// The cell for people: stored text as it is, list items joined with `sep`.
    pub fn display_joined(&self, sep: &str) -> String {
        match self {
            Cell::List(v) => v.join(sep),
            Cell::Ints(v) => v
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(sep),
            other => other.to_csv(),
        }
    }

    pub fn to_json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::Text(s) => Json::String(s.clone()),
            Cell::Int(n) => Json::from(*n),
            Cell::List(v) => Json::from(v.clone()),
            Cell::Ints(v) => Json::from(v.clone()),
            Cell::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| Json::String(s.clone())),
            Cell::Word(s) => Json::String(s.to_string()),
            Cell::Bool(b) => Json::Bool(*b),
            Cell::Date(d) => Json::String(crate::dates::iso(*d)),
        }
    }
}

/// How a yes/no value is written in CSV and tables.
pub fn bool_word(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// A JSON object from column names and cells, keys in column order.
pub fn json_object(columns: &[&str], cells: &[Cell]) -> Map<String, Json> {
    columns
        .iter()
        .zip(cells)
        .map(|(c, v)| (c.to_string(), v.to_json()))
        .collect()
}

enum State<'a, W: Write> {
    Csv(Box<::csv::Writer<W>>, bool),
    Sheet(xlsx::Sheet<'a>),
    Json(W, usize),
    Jsonl(W),
    Collect(W, Vec<Vec<Cell>>),
}

/// Writes rows of `columns` in one format. For table and markdown only `shown` columns
/// are displayed (people want fewer columns than scripts).
pub struct RowWriter<'a, W: Write> {
    format: Format,
    columns: &'a [&'a str],
    shown: Vec<usize>,
    state: State<'a, W>,
}

impl<'a, W: Write> RowWriter<'a, W> {
    pub fn new(
        mut out: W,
        format: Format,
        excel: bool,
        columns: &'a [&'a str],
        shown: Option<&[&str]>,
    ) -> Result<Self> {
        let state = match format {
            Format::Csv => {
                if excel {
                    out.write_all("\u{feff}".as_bytes())?;
                }
                let mut w = csv_writer(out, excel);
                w.write_record(columns)?;
                State::Csv(Box::new(w), excel)
            }
            Format::Json => State::Json(out, 0),
            Format::Jsonl => State::Jsonl(out),
            // Every other format is refused before a writer is made (see `crate::cli`'s
            // WRITES); a table is the safe answer if one slips through.
            _ => State::Collect(out, Vec::new()),
        };
        let shown = match shown {
            Some(names) => names
                .iter()
                .filter_map(|n| columns.iter().position(|c| c == n))
                .collect(),
            None => (0..columns.len()).collect(),
        };
        Ok(RowWriter {
            format,
            columns,
            shown,
            state,
        })
    }

    /// Rows of `columns` into a sheet (and the sheets it goes on in) of `book`, named `name`.
    pub fn sheet(book: &'a mut xlsx::Workbook, name: &str, columns: &'a [&'a str]) -> Self {
        RowWriter {
            format: Format::Xlsx,
            columns,
            shown: (0..columns.len()).collect(),
            state: State::Sheet(book.sheet(name, columns)),
        }
    }

    /// The format written.
    pub fn format(&self) -> Format {
        self.format
    }

    pub fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        match &mut self.state {
            State::Sheet(sheet) => sheet.row(cells)?,
            State::Csv(w, excel) => {
                let mut buf = String::new();
                for c in &cells {
                    let bytes = c.csv_bytes(&mut buf);
                    if *excel {
                        let text = String::from_utf8_lossy(bytes);
                        w.write_field(excel_safe(&text).as_bytes())?;
                    } else {
                        w.write_field(bytes)?;
                    }
                }
                w.write_record(None::<&[u8]>)?;
            }
            State::Json(out, n) => {
                out.write_all(if *n == 0 { b"[\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut *out, &json_object(self.columns, &cells))?;
                *n += 1;
            }
            State::Jsonl(out) => {
                serde_json::to_writer(&mut *out, &json_object(self.columns, &cells))?;
                out.write_all(b"\n")?;
            }
            State::Collect(_, rows) => rows.push(cells),
        }
        Ok(())
    }

    /// Writes one row given as text fields (CSV only: other formats need typed cells).
    pub fn row_text<'s>(&mut self, fields: impl Iterator<Item = &'s str>) -> Result<()> {
        match &mut self.state {
            State::Csv(w, excel) => {
                for f in fields {
                    if *excel {
                        w.write_field(excel_safe(f).as_bytes())?;
                    } else {
                        w.write_field(f)?;
                    }
                }
                w.write_record(None::<&[u8]>)?;
            }
            _ => self.row(fields.map(|f| Cell::Text(f.to_string())).collect())?,
        }
        Ok(())
    }

    pub fn finish(self) -> Result<()> {
        let format = self.format;
        match self.state {
            State::Csv(mut w, _) => w.flush()?,
            State::Sheet(sheet) => sheet.finish()?,
            State::Json(mut out, n) => {
                out.write_all(if n == 0 { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
            }
            State::Jsonl(mut out) => out.flush()?,
            State::Collect(mut out, rows) => {
                let header: Vec<&str> = self.shown.iter().map(|i| self.columns[*i]).collect();
                let body: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| self.shown.iter().map(|i| r[*i].to_display()).collect())
                    .collect();
                if format == Format::Markdown {
                    write_markdown(&mut out, &header, &body)?;
                } else {
                    write_table(&mut out, &header, &body)?;
                }
                out.flush()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: Format, excel: bool) -> String {
        let cols = ["a", "b"];
        let mut buf = Vec::new();
        let mut w = RowWriter::new(&mut buf, format, excel, &cols, None).unwrap();
        w.row(vec![
            Cell::text("=1+1"),
            Cell::List(vec!["x".into(), "y".into()]),
        ])
        .unwrap();
        w.row(vec![Cell::Null, Cell::Ints(vec![4, 16])]).unwrap();
        w.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn csv_plain_and_excel() {
        assert_eq!(render(Format::Csv, false), "a,b\n=1+1,x;y\n,4;16\n");
        assert_eq!(
            render(Format::Csv, true),
            "\u{feff}a,b\r\n'=1+1,x;y\r\n,4;16\r\n"
        );
    }

    #[test]
    fn json_and_jsonl() {
        let v: Json = serde_json::from_str(&render(Format::Json, false)).unwrap();
        assert_eq!(v[0]["a"], "=1+1");
        assert_eq!(v[0]["b"], serde_json::json!(["x", "y"]));
        assert_eq!(v[1]["a"], Json::Null);
        assert_eq!(v[1]["b"], serde_json::json!([4, 16]));
        assert_eq!(render(Format::Jsonl, false).lines().count(), 2);
    }
}
