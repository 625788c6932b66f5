//! The XML of a sheet's data rows, written as rust_xlsxwriter writes them in its
//! constant-memory mode (inline strings, `r` on every row and cell), byte for byte: the
//! workbook's structure, styles and tables are rust_xlsxwriter's, the rows are streamed here
//! so that they can be compressed at a faster level than the one rust_xlsxwriter fixes.

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
    let mut row_buf = itoa::Buffer::new();
    let row = row_buf.format(row).as_bytes();
    let mut num = itoa::Buffer::new();
    out.extend_from_slice(b"<row r=\"");
    out.extend_from_slice(row);
    out.extend_from_slice(b"\">");
    // `<c r="B12"` and then the attributes that end the opening tag.
    let open = |out: &mut Vec<u8>, name: &str, rest: &[u8]| {
        out.extend_from_slice(b"<c r=\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(row);
        out.extend_from_slice(rest);
    };
    for (col, cell) in cells.iter().enumerate() {
        let Some(name) = letters.get(col) else { break };
        match cell {
            Cell::Null => continue,
            Cell::Int(n) => {
                open(out, name, b"\"><v>");
                out.extend_from_slice(num.format(*n).as_bytes());
                out.extend_from_slice(b"</v></c>");
            }
            Cell::Bool(b) => {
                open(out, name, b"\" t=\"b\"><v>");
                out.push(if *b { b'1' } else { b'0' });
                out.extend_from_slice(b"</v></c>");
            }
            Cell::Date(d) if *d >= first_serial_day() => {
                open(out, name, b"\" s=\"");
                out.extend_from_slice(DATE_STYLE.as_bytes());
                out.extend_from_slice(b"\"><v>");
                out.extend_from_slice(num.format((*d - excel_epoch()).num_days()).as_bytes());
                out.extend_from_slice(b"</v></c>");
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
                let space = ['\t', '\n', ' '];
                if s.starts_with(space) || s.ends_with(space) {
                    open(
                        out,
                        name,
                        b"\" t=\"inlineStr\"><is><t xml:space=\"preserve\">",
                    );
                } else {
                    open(out, name, b"\" t=\"inlineStr\"><is><t>");
                }
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
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, len): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'_' if is_escape_literal(&bytes[i..]) => (b"_x005F_", 1),
            b'\t' | b'\n' => (b"", 0),
            0..=0x1f => (CONTROL[usize::from(b)].as_bytes(), 1),
            // U+FFFE and U+FFFF, EF BF BE and EF BF BF in UTF-8.
            0xef if bytes[i..].starts_with(&[0xef, 0xbf, 0xbe]) => (b"_xFFFE_", 3),
            0xef if bytes[i..].starts_with(&[0xef, 0xbf, 0xbf]) => (b"_xFFFF_", 3),
            _ => (b"", 0),
        };
        if len == 0 {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(replacement);
        i += len;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// `_x0000_` to `_x001F_`, as control characters are written.
const CONTROL: [&str; 32] = [
    "_x0000_", "_x0001_", "_x0002_", "_x0003_", "_x0004_", "_x0005_", "_x0006_", "_x0007_",
    "_x0008_", "_x0009_", "_x000A_", "_x000B_", "_x000C_", "_x000D_", "_x000E_", "_x000F_",
    "_x0010_", "_x0011_", "_x0012_", "_x0013_", "_x0014_", "_x0015_", "_x0016_", "_x0017_",
    "_x0018_", "_x0019_", "_x001A_", "_x001B_", "_x001C_", "_x001D_", "_x001E_", "_x001F_",
];

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
        assert_eq!(
            escaped("a\u{fffe}b\u{ffff}\u{fffd}"),
            "a_xFFFE_b_xFFFF_\u{fffd}"
        );
        assert_eq!(escaped("\u{1f}\r"), "_x001F__x000D_");
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
