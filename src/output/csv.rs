//! CSV writers and readers, and `--excel`: text a spreadsheet would run as a formula
//! neutralised on export and restored on import.

use std::io::Write;

/// First characters that make a spreadsheet read a cell as a formula, and `'` itself (which a
/// spreadsheet would hide), so that import can take exactly one `'` off again.
pub const EXCEL_TRIGGERS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// Where a spreadsheet may begin a cell inside a field's text: after `,` or `;` (a
/// spreadsheet that splits on the other one sees the text unquoted) and after a line break.
const PIECE_ENDS: [char; 4] = [',', ';', '\n', '\r'];

/// Calls `f(i, c, head)` for each character `c` of `s` (the `i`th); `head` is true for the
/// first character of each piece a spreadsheet may read as a cell (the field's start, or
/// after a [`PIECE_ENDS`] character), past spaces and quotes.
fn for_each_piece_head(s: &str, mut f: impl FnMut(usize, char, bool)) {
    let mut at_start = true;
    for (i, c) in s.chars().enumerate() {
        let head = at_start && !matches!(c, ' ' | '"');
        f(i, c, head);
        if head {
            at_start = false;
        }
        if PIECE_ENDS.contains(&c) {
            at_start = true;
        }
    }
}

/// Neutralises text a spreadsheet would run as a formula: a `'` goes before every piece
/// (see [`for_each_piece_head`]) that starts with a trigger, so the cell is safe whether
/// the spreadsheet splits on `,` or on `;`. [`excel_restore`] undoes it exactly: the `'`
/// is neither a space, a quote nor a piece end, so the pieces stay where they were.
pub fn excel_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let mut needed = false;
    for_each_piece_head(s, |_, c, head| {
        needed |= head && EXCEL_TRIGGERS.contains(&c)
    });
    if !needed {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for_each_piece_head(s, |_, c, head| {
        if head && EXCEL_TRIGGERS.contains(&c) {
            out.push('\'');
        }
        out.push(c);
    });
    out.into()
}

/// Undoes [`excel_safe`]: the `'` that heads a piece before a trigger goes (the trigger
/// after it is then that piece's first character).
pub fn excel_restore(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\'') {
        return s.into();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for_each_piece_head(s, |i, c, head| {
        let before_trigger = chars.get(i + 1).is_some_and(|n| EXCEL_TRIGGERS.contains(n));
        if !(head && c == '\'' && before_trigger) {
            out.push(c);
        }
    });
    if out.len() == s.len() {
        s.into()
    } else {
        out.into()
    }
}

/// The one place CSV writers are set up.
pub fn csv_writer<W: Write>(out: W, excel: bool) -> csv::Writer<W> {
    let mut b = csv::WriterBuilder::new();
    if excel {
        b.terminator(csv::Terminator::CRLF);
    }
    b.from_writer(out)
}

/// The one place CSV readers are set up: fields separated by `delimiter`.
pub fn csv_reader<R: std::io::Read>(input: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_pieces_after_either_separator() {
        assert_eq!(excel_safe("Budget;=HYPERLINK(x)"), "Budget;'=HYPERLINK(x)");
        assert_eq!(excel_safe("a, +b; -c"), "a, '+b; '-c");
        assert_eq!(excel_safe("a\n@b"), "a\n'@b");
        assert_eq!(excel_safe("x;\"=y\""), "x;\"'=y\"");
        assert_eq!(excel_safe("it's;ok"), "it's;ok");
        assert_eq!(excel_safe("x;'y"), "x;''y");
        assert_eq!(excel_safe("2026-01-01;a-b"), "2026-01-01;a-b");
    }

    proptest::proptest! {
        #[test]
        fn excel_restore_undoes_excel_safe(s in "[=+@'\\-\t\r\n,; \"ax]{0,16}") {
            let safe = excel_safe(&s);
            proptest::prop_assert_eq!(excel_restore(&safe), s.as_str());
        }

        #[test]
        fn excel_restore_undoes_excel_safe_any(s in proptest::prelude::any::<String>()) {
            let safe = excel_safe(&s);
            proptest::prop_assert_eq!(excel_restore(&safe), s.as_str());
        }
    }

    #[test]
    fn excel_triggers() {
        for t in ["=x", "+x", "-x", "@x", "\tx", "\rx"] {
            assert!(excel_safe(t).starts_with('\''), "{t:?}");
        }
        assert_eq!(excel_safe("plain"), "plain");
    }
}
