//! Import files that are not CSV: the `.xlsx` workbooks and the `.json` / `.jsonl` files that
//! export writes (and workbooks people make). Each yields rows of text fields in the order of
//! a header, as CSV rows are, so the same checks ([`super::parse`]) read them: a date cell
//! becomes `YYYY-MM-DD`, a whole number its digits, a boolean `true`/`false`, a JSON list its
//! items `;`-joined, null or an empty cell an empty field.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use serde_json::Value as Json;

use crate::error::{Error, Result};

/// The kinds of file import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    Json,
    Jsonl,
}

impl FileKind {
    /// The kind a file's name says; else, for stdin or another name, what its first bytes say
    /// (a zip archive is a workbook, `[` a JSON array, `{` JSON lines), else CSV.
    pub fn of(path: &Path, head: &[u8]) -> FileKind {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("xlsx" | "xlsm") => return FileKind::Xlsx,
            Some("json") => return FileKind::Json,
            Some("jsonl" | "ndjson") => return FileKind::Jsonl,
            Some("csv" | "tsv" | "txt") => return FileKind::Csv,
            _ => {}
        }
        let start = head.iter().position(|b| !b.is_ascii_whitespace());
        match start.map(|i| &head[i..]) {
            _ if head.starts_with(b"PK\x03\x04") => FileKind::Xlsx,
            Some([b'[', ..]) => FileKind::Json,
            Some([b'{', ..]) => FileKind::Jsonl,
            _ => FileKind::Csv,
        }
    }
}

/// A field of a JSON record as import reads it; None when the value cannot be a field (an
/// object).
pub fn json_field(v: &Json) -> Option<String> {
    Some(match v {
        Json::Null => String::new(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.clone(),
        Json::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                match i {
                    Json::Array(_) | Json::Object(_) => return None,
                    other => out.push(json_field(other)?),
                }
            }
            out.join(";")
        }
        Json::Object(_) => return None,
    })
}

/// A JSON record's fields in `header` order, or why it is not a record: a key that is not
/// one of the columns, or a value that cannot be a field.
pub fn json_record(
    v: Json,
    header: &[String],
    ignored: &[String],
) -> std::result::Result<Vec<String>, (Option<String>, String)> {
    let Json::Object(map) = v else {
        return Err((None, "not a JSON object: each record is one {...}".into()));
    };
    let mut fields = vec![String::new(); header.len()];
    for (k, v) in map {
        let key = k.trim().to_ascii_lowercase();
        if ignored.contains(&key) {
            continue;
        }
        let Some(i) = header.iter().position(|h| *h == key) else {
            return Err((
                None,
                format!(
                    "unknown key '{}'; valid keys: {}",
                    super::parse::shown(&k),
                    header.join(", ")
                ),
            ));
        };
        fields[i] = json_field(&v).ok_or_else(|| {
            (
                Some(key.clone()),
                "holds an object or nested list where a value belongs".to_string(),
            )
        })?;
    }
    Ok(fields)
}

/// Reads the records of a JSON array one at a time (the array is never held whole), calling
/// `each` with each; `each` returns false to stop.
pub fn each_json_element(
    input: impl Read,
    mut each: impl FnMut(Json) -> bool,
) -> std::result::Result<(), String> {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    struct Each<'f>(&'f mut dyn FnMut(Json) -> bool);
    impl<'de> Visitor<'de> for Each<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            while let Some(v) = seq.next_element::<Json>()? {
                if !(self.0)(v) {
                    // The rest is not read: the import has stopped.
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                    break;
                }
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(input));
    de.deserialize_seq(Each(&mut each))
        .and_then(|_| de.end())
        .map_err(|e| e.to_string())
}

/// Reads JSON lines: one record a line (blank lines skipped), each with its line number.
pub fn each_json_line(
    input: impl Read,
    max_line: usize,
    mut each: impl FnMut(u64, std::result::Result<Json, String>) -> bool,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(max_line as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        if line.len() > max_line {
            each(n, Err(format!("a line longer than {max_line} bytes")));
            return Ok(());
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let v = serde_json::from_slice::<Json>(&line).map_err(|e| format!("not JSON: {e}"));
        if !each(n, v) {
            return Ok(());
        }
    }
}

/// A workbook opened for import, and the sheet to read.
pub struct Workbook {
    book: Xlsx<BufReader<File>>,
    pub sheet: String,
}

fn cannot(name: &str, e: impl std::fmt::Display) -> Error {
    Error::input(format!("{name}: cannot read the workbook: {e}"))
        .with_hint("is it an .xlsx file? save it from the spreadsheet as Excel Workbook (.xlsx)")
}

impl Workbook {
    /// Opens `file` (copied to a temporary file first when it cannot seek: stdin, a pipe) and
    /// picks `sheet`, else the first.
    pub fn open(mut file: File, name: &str, sheet: Option<&str>) -> Result<Workbook> {
        if file.stream_position().is_err() || !file.metadata().is_ok_and(|m| m.is_file()) {
            let mut tmp = tempfile::tempfile().map_err(|e| cannot(name, e))?;
            std::io::copy(&mut file, &mut tmp).map_err(|e| cannot(name, e))?;
            tmp.rewind().map_err(|e| cannot(name, e))?;
            file = tmp;
        }
        let book = Xlsx::new(BufReader::new(file)).map_err(|e| cannot(name, e))?;
        let names = book.sheet_names();
        let sheet = match sheet {
            Some(s) => names
                .iter()
                .find(|n| n.as_str() == s)
                .cloned()
                .ok_or_else(|| {
                    Error::field(
                        "--sheet",
                        s,
                        format!("{name} has no such sheet; its sheets: {}", names.join(", ")),
                    )
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| cannot(name, "it holds no sheet"))?,
        };
        Ok(Workbook { book, sheet })
    }

    /// Calls `each` with every row of the sheet (its number from 1, and its fields as text,
    /// as many as its last cell needs), in order, and rows without a cell skipped; a cell that
    /// holds an error is given as Err with its column. `each` returns false to stop.
    pub fn each_row(
        &mut self,
        mut each: impl FnMut(u32, std::result::Result<Vec<String>, (usize, String)>) -> bool,
    ) -> std::result::Result<(), String> {
        let mut cells = self
            .book
            .worksheet_cells_reader(&self.sheet)
            .map_err(|e| e.to_string())?;
        let mut row: Option<u32> = None;
        let mut fields: Vec<String> = Vec::new();
        let mut bad: Option<(usize, String)> = None;
        loop {
            let cell = cells.next_cell().map_err(|e| e.to_string())?;
            let at = cell.as_ref().map(|c| c.get_position());
            if row.is_some() && at.map(|(r, _)| r) != row {
                let r = row.unwrap_or(0) + 1;
                let done = std::mem::take(&mut fields);
                let result = match bad.take() {
                    Some(b) => Err(b),
                    None => Ok(done),
                };
                if !each(r, result) {
                    return Ok(());
                }
            }
            let Some(cell) = cell else {
                return Ok(());
            };
            let (r, c) = cell.get_position();
            row = Some(r);
            let c = c as usize;
            if fields.len() <= c {
                fields.resize(c + 1, String::new());
            }
            match cell_text(cell.get_value()) {
                Ok(t) => fields[c] = t,
                Err(e) => {
                    bad.get_or_insert((c, e));
                }
            }
        }
    }
}

/// A cell as import reads it.
fn cell_text(v: &DataRef) -> std::result::Result<String, String> {
    Ok(match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.007e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => {
            let (y, m, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => return Err(format!("the cell holds the spreadsheet error {e}")),
    })
}

/// Each column's letter by its name, for errors that name a workbook's column.
pub fn letters(header: &[String]) -> HashMap<String, String> {
    header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), crate::output::xlsx::column_letters(i as u16)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_become_fields() {
        assert_eq!(json_field(&serde_json::json!([4, 16])).unwrap(), "4;16");
        assert_eq!(json_field(&serde_json::json!(["a", "b"])).unwrap(), "a;b");
        assert_eq!(json_field(&Json::Null).unwrap(), "");
        assert_eq!(json_field(&serde_json::json!(90)).unwrap(), "90");
        assert_eq!(json_field(&serde_json::json!(true)).unwrap(), "true");
        assert!(json_field(&serde_json::json!({"a": 1})).is_none());
    }

    #[test]
    fn a_json_array_is_read_element_by_element() {
        let mut seen = Vec::new();
        each_json_element(&b"[{\"a\":1},\n {\"a\":2}]\n"[..], |v| {
            seen.push(v["a"].as_i64().unwrap_or(0));
            true
        })
        .unwrap();
        assert_eq!(seen, vec![1, 2]);
        assert!(each_json_element(&b"{\"a\":1}"[..], |_| true).is_err());
    }

    #[test]
    fn the_kind_of_file() {
        assert_eq!(FileKind::of(Path::new("a.XLSX"), b""), FileKind::Xlsx);
        assert_eq!(FileKind::of(Path::new("-"), b"  [{"), FileKind::Json);
        assert_eq!(FileKind::of(Path::new("-"), b"{\"a\""), FileKind::Jsonl);
        assert_eq!(FileKind::of(Path::new("-"), b"PK\x03\x04"), FileKind::Xlsx);
        assert_eq!(FileKind::of(Path::new("a.csv"), b"["), FileKind::Csv);
        assert_eq!(
            FileKind::of(Path::new("-"), b"name,category"),
            FileKind::Csv
        );
    }
}
