//! The XML of a sheet's data rows, written as rust_xlsxwriter writes them in its
//! constant-memory mode (inline strings, `r` on every row and cell), byte for byte: the
//! workbook's structure, styles and tables are rust_xlsxwriter's, the rows are streamed here
//! so that they can be compressed at a faster level than the one rust_xlsxwriter fixes.

use std::io::Write;

use super::super::Cell;
use crate::dates::Date;

/// The style (cell format index) of date cells: the workbook's only format besides the
/// default, so rust_xlsxwriter numbers it 1. The save checks it against the placeholder cell
/// rust_xlsxwriter wrote with that format.
pub const DATE_STYLE: &str = "1";

/// The first day Excel counts without its 1900 leap-year bug; earlier dates are written as
/// text (`YYYY-MM-DD`), which import reads the same.
fn first_serial_day() -> Date {
    Date::from_ymd_opt(1900, 3, 1).unwrap_or_default()
}

/// Day 0 of Excel's serial dates (for days from 1900-03-01 on).
fn excel_epoch() -> Date {
    Date::from_ymd_opt(1899, 12, 30).unwrap_or_default()
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

/// Writes the `<row>` element of sheet row `row` (1-based) holding `cells` into `out`;
/// `letters` are the columns' letters, `text` a buffer for cells written as text. Returns the
/// column of a text longer than `max_chars`, written nowhere, if there is one.
pub fn write_row(
    out: &mut Vec<u8>,
    row: u32,
    cells: &[Cell],
    letters: &[String],
    text: &mut String,
    max_chars: usize,
) -> Option<usize> {
    let mark = out.len();
    let _ = write!(out, "<row r=\"{row}\">");
    for (col, cell) in cells.iter().enumerate() {
        let Some(name) = letters.get(col) else { break };
        match cell {
            Cell::Null => continue,
            Cell::Int(n) => {
                let _ = write!(out, "<c r=\"{name}{row}\"><v>{n}</v></c>");
            }
            Cell::Bool(b) => {
                let _ = write!(
                    out,
                    "<c r=\"{name}{row}\" t=\"b\"><v>{}</v></c>",
                    u8::from(*b)
                );
            }
            Cell::Date(d) if *d >= first_serial_day() => {
                let serial = (*d - excel_epoch()).num_days();
                let _ = write!(
                    out,
                    "<c r=\"{name}{row}\" s=\"{DATE_STYLE}\"><v>{serial}</v></c>"
                );
            }
            other => {
                let s = other.csv_str(text);
                if s.is_empty() {
                    // As rust_xlsxwriter: an empty text is no cell.
                    continue;
                }
                if s.len() > max_chars && s.chars().count() > max_chars {
                    out.truncate(mark);
                    return Some(col);
                }
                let preserve = if s.starts_with(['\t', '\n', ' ']) || s.ends_with(['\t', '\n', ' '])
                {
                    " xml:space=\"preserve\""
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<c r=\"{name}{row}\" t=\"inlineStr\"><is><t{preserve}>"
                );
                escape(out, s);
                out.extend_from_slice(b"</t></is></c>");
            }
        }
    }
    out.extend_from_slice(b"</row>");
    None
}

/// `s` as text in an XML element, escaped as Excel reads it: `&`, `<` and `>` as entities,
/// control characters (but tab and line feed) and U+FFFE/U+FFFF as `_xHHHH_`, and a literal
/// `_xHHHH_` with its underscore escaped (`_x005F_xHHHH_`), so that it reads back as written.
pub fn escape(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let replacement: Option<std::borrow::Cow<'static, str>> = match c {
            '&' => Some("&amp;".into()),
            '<' => Some("&lt;".into()),
            '>' => Some("&gt;".into()),
            '\t' | '\n' => None,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                Some(format!("_x{:04X}_", u32::from(c)).into())
            }
            '_' if is_escape_literal(&bytes[i..]) => Some("_x005F_".into()),
            _ => None,
        };
        if let Some(r) = replacement {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(r.as_bytes());
            start = i + c.len_utf8();
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Whether `b` starts with `_xHHHH_` (four hex digits).
fn is_escape_literal(b: &[u8]) -> bool {
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        escape(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_is_escaped_as_excel_reads_it() {
        assert_eq!(escaped("a & <b>"), "a &amp; &lt;b&gt;");
        assert_eq!(
            escaped("_x0041_ and _xZZZZ_ and _x12"),
            "_x005F_x0041_ and _xZZZZ_ and _x12"
        );
        assert_eq!(escaped("tab\tline\nbell\u{7}"), "tab\tline\nbell_x0007_");
        assert_eq!(escaped("اليونيسيف"), "اليونيسيف");
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
    fn a_row_holds_typed_cells_and_leaves_out_empty_ones() {
        let mut out = Vec::new();
        let letters: Vec<String> = (0..5).map(column_letters).collect();
        let d = Date::from_ymd_opt(2026, 1, 2).unwrap();
        let cells = vec![
            Cell::text(" x"),
            Cell::Null,
            Cell::Int(12),
            Cell::Bool(true),
            Cell::Date(d),
        ];
        assert_eq!(
            write_row(&mut out, 3, &cells, &letters, &mut String::new(), 100),
            None
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> x</t></is></c>\
             <c r=\"C3\"><v>12</v></c><c r=\"D3\" t=\"b\"><v>1</v></c>\
             <c r=\"E3\" s=\"1\"><v>46024</v></c></row>"
        );
    }

    #[test]
    fn a_text_too_long_is_refused_and_nothing_of_its_row_is_kept() {
        let mut out = b"before".to_vec();
        let letters: Vec<String> = (0..2).map(column_letters).collect();
        let cells = vec![Cell::text("ok"), Cell::text("abcdef")];
        assert_eq!(
            write_row(&mut out, 2, &cells, &letters, &mut String::new(), 5),
            Some(1)
        );
        assert_eq!(out, b"before");
    }
}
