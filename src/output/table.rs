//! Tables for people: column widths fitted to the terminal, prose wrapped, refs and
//! numbers never broken, meaningful cells coloured.

use std::io::Write;

use super::look::{look, Look};
use crate::error::Result;
use crate::text::visible;

/// Terminals draw lam and alef as two cells (wcwidth), but `unicode-width` counts their
/// ligature as one, which would misalign table columns; a zero-width joiner between them
/// keeps the joined look and makes both agree.
fn terminal_cells(s: &str) -> std::borrow::Cow<'_, str> {
    const LAM: char = '\u{0644}';
    let is_alef = |c: char| {
        matches!(
            c,
            '\u{0627}' | '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}'
        )
    };
    if !s.contains(LAM) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut last_base = ' ';
    for c in s.chars() {
        if is_alef(c) && last_base == LAM {
            out.push('\u{200D}');
        }
        if !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}') {
            last_base = c;
        }
        out.push(c);
    }
    out.into()
}

/// Display width as a terminal counts it: per code point (wcwidth), marks zero.
fn cells(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The space between two columns.
const BETWEEN: &str = "  ";

/// The narrowest a prose column gets: a table whose single-word columns leave less is wider
/// than asked rather than show little more than `…`.
const PROSE_FLOOR: usize = 6;

/// A table whose prose column would be narrower than this (and than its text) is shown as
/// records instead: a title wrapped a word or two a line is harder to read than a record.
const PROSE_READABLE: usize = 16;

/// A column of a table: its header, its cells' lines, and how it may be laid out.
struct Column {
    header: String,
    cells: Vec<Vec<String>>,
    /// Text of several words (titles, names): may wrap; else it keeps its full width.
    prose: bool,
    /// Every value a whole number: aligned right.
    numeric: bool,
    natural: usize,
}

impl Column {
    fn new(header: &str, values: Vec<String>) -> Column {
        let lines: Vec<Vec<String>> = values
            .iter()
            .map(|v| v.split('\n').map(str::to_string).collect())
            .collect();
        let prose = values.iter().any(|v| v.contains(char::is_whitespace));
        let numeric = values.iter().any(|v| !v.is_empty())
            && values.iter().all(|v| v.is_empty() || is_whole(v));
        let header = visible(header).into_owned();
        let natural = lines
            .iter()
            .flatten()
            .map(|l| cells(l))
            .chain([cells(&header)])
            .max()
            .unwrap_or(0);
        Column {
            header,
            cells: lines,
            prose,
            numeric,
            natural,
        }
    }

    /// The narrowest a column may get: a prose column [`PROSE_FLOOR`] cells (its header cut
    /// to that too), a single-word column its full width.
    fn floor(&self) -> usize {
        if self.prose {
            self.natural.min(PROSE_FLOOR)
        } else {
            self.natural
        }
    }
}

fn is_whole(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The widths of the columns within `room` cells: single-word columns (refs, keys, dates,
/// numbers) keep their full width; the prose columns share what is left, the narrower ones
/// first getting all they need, each at least [`PROSE_FLOOR`]. A table whose single-word
/// columns leave less than that is wider than `room`: a ref is never broken.
fn fit(columns: &[Column], room: Option<usize>) -> Vec<usize> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.natural).collect();
    let Some(room) = room else {
        return widths;
    };
    if widths.iter().sum::<usize>() <= room {
        return widths;
    }
    let fixed: usize = columns.iter().filter(|c| !c.prose).map(|c| c.natural).sum();
    let mut left = room.saturating_sub(fixed);
    let mut prose: Vec<usize> = (0..columns.len()).filter(|i| columns[*i].prose).collect();
    prose.sort_by_key(|i| columns[*i].natural);
    let mut n = prose.len();
    for i in prose {
        let share = left / n;
        let w = columns[i].natural.min(share).max(columns[i].floor());
        widths[i] = w;
        left = left.saturating_sub(w);
        n -= 1;
    }
    widths
}

/// `line` in lines of at most `width` cells, broken at spaces; a word longer than `width`
/// is cut with `…`.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let word = cut(word, width);
        if !cur.is_empty() && cells(&cur) + 1 + cells(&word) > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// `word` cut to `width` cells, ending in `…` when cut.
fn cut(word: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if cells(word) <= width {
        return word.into();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in word.chars() {
        let w = cells(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out.into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Colour {
    Red,
    Yellow,
    Green,
}

impl Colour {
    fn code(self) -> &'static str {
        match self {
            Colour::Red => "\u{1b}[31m",
            Colour::Yellow => "\u{1b}[33m",
            Colour::Green => "\u{1b}[32m",
        }
    }
}

/// Days left at or under which `due` shows them in yellow.
pub const DUE_SOON_DAYS: i64 = 30;

/// The colour a cell means: a status `expired` red and `active` green; in `due`, the days
/// left yellow when they are [`DUE_SOON_DAYS`] or fewer.
fn colour_of(header: &str, value: &str) -> Option<Colour> {
    match (header, value) {
        ("status", "expired") => Some(Colour::Red),
        ("status", "active") => Some(Colour::Green),
        ("days_left", v) => v
            .parse::<i64>()
            .ok()
            .filter(|d| *d <= DUE_SOON_DAYS)
            .map(|_| Colour::Yellow),
        _ => None,
    }
}

/// The layout of one table: its columns, their widths, and the look.
struct Layout {
    columns: Vec<Column>,
    widths: Vec<usize>,
    look: Look,
}

impl Layout {
    fn new(header: &[&str], rows: &[Vec<String>], look: Look) -> Layout {
        let columns: Vec<Column> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let values = rows
                    .iter()
                    .map(|r| terminal_cells(&visible(r.get(i).map_or("", |s| s))).into_owned())
                    .collect();
                Column::new(h, values)
            })
            .collect();
        let gaps = Layout::gaps(look, columns.len());
        let widths = fit(&columns, look.width.map(|w| w.saturating_sub(gaps)));
        Layout {
            columns,
            widths,
            look,
        }
    }

    /// Whether a prose column got too narrow to read (see [`PROSE_READABLE`]).
    fn squeezed(&self) -> bool {
        self.columns
            .iter()
            .zip(&self.widths)
            .any(|(c, w)| c.prose && *w < c.natural.min(PROSE_READABLE))
    }

    /// The cells taken by borders and the space between columns.
    fn gaps(look: Look, n: usize) -> usize {
        let between = BETWEEN.len() * n.saturating_sub(1);
        if look.boxed {
            between + 4
        } else {
            between
        }
    }

    /// One cell padded to its column's width, coloured when it means something.
    fn pad(&self, col: usize, text: &str, colour: Option<Colour>) -> String {
        let fill = " ".repeat(self.widths[col].saturating_sub(cells(text)));
        let text = match colour.filter(|_| self.look.color && !text.is_empty()) {
            Some(c) => format!("{}{text}\u{1b}[0m", c.code()),
            None => text.to_string(),
        };
        if self.columns[col].numeric {
            format!("{fill}{text}")
        } else {
            format!("{text}{fill}")
        }
    }

    /// The lines of one row: each cell wrapped to its width, padded and coloured.
    fn row_lines(&self, cells_of_row: Vec<Vec<String>>, header: bool) -> Vec<String> {
        let wrapped: Vec<Vec<String>> = cells_of_row
            .iter()
            .enumerate()
            .map(|(i, lines)| {
                lines
                    .iter()
                    .flat_map(|l| self.fit_line(i, l))
                    .collect::<Vec<_>>()
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let colours: Vec<Option<Colour>> = if header {
            vec![None; cells_of_row.len()]
        } else {
            self.colours(&cells_of_row)
        };
        (0..height)
            .map(|k| {
                let parts: Vec<String> = wrapped
                    .iter()
                    .enumerate()
                    .map(|(i, lines)| {
                        let text = lines.get(k).map_or("", |s| s);
                        self.pad(i, text, colours[i])
                    })
                    .collect();
                self.frame(&parts.join(BETWEEN))
            })
            .collect()
    }

    /// The colour of each cell of a row, by what the cell holds: its column's header, or in a
    /// `field`/`value` table (show) the row's field.
    fn colours(&self, row: &[Vec<String>]) -> Vec<Option<Colour>> {
        let record = self.columns.first().is_some_and(|c| c.header == "field");
        row.iter()
            .enumerate()
            .map(|(i, lines)| {
                let header = &self.columns[i].header;
                let field = match (record, header.as_str()) {
                    (true, "value") => row[0].join("\n"),
                    _ => header.clone(),
                };
                colour_of(&field, &lines.join("\n"))
            })
            .collect()
    }

    fn fit_line(&self, col: usize, line: &str) -> Vec<String> {
        if self.columns[col].prose && cells(line) > self.widths[col] {
            wrap(line, self.widths[col])
        } else {
            vec![line.to_string()]
        }
    }

    fn frame(&self, inner: &str) -> String {
        if self.look.boxed {
            format!("│ {inner} │")
        } else {
            inner.trim_end().to_string()
        }
    }

    /// The lines of each cell of row `r`, as the columns hold them.
    fn row(&self, r: usize) -> Vec<Vec<String>> {
        self.columns.iter().map(|c| c.cells[r].clone()).collect()
    }

    /// The cells the table takes, borders included.
    fn total(&self) -> usize {
        self.widths.iter().sum::<usize>() + Layout::gaps(self.look, self.widths.len())
    }

    fn rule(&self, left: char, fill: char, right: char) -> String {
        let inner = self.widths.iter().sum::<usize>() + Layout::gaps(self.look, self.widths.len());
        let n = inner.saturating_sub(2);
        format!("{left}{}{right}", fill.to_string().repeat(n))
    }

    fn render(&self) -> String {
        let mut lines = Vec::new();
        if self.look.boxed {
            lines.push(self.rule('┌', '─', '┐'));
        }
        let header = self
            .columns
            .iter()
            .map(|c| vec![c.header.clone()])
            .collect();
        lines.extend(self.row_lines(header, true));
        if self.look.boxed {
            lines.push(self.rule('╞', '═', '╡'));
        }
        let n = self.columns.first().map_or(0, |c| c.cells.len());
        for r in 0..n {
            lines.extend(self.row_lines(self.row(r), false));
        }
        if self.look.boxed {
            lines.push(self.rule('└', '─', '┘'));
        }
        lines.join("\n")
    }
}

/// A table for people in `look`: single-word columns at full width, prose wrapped to fit.
/// When even that is wider than the width (a narrow terminal), or leaves a prose column too
/// narrow to read, each row is shown as a record of `field  value` lines instead, as psql's expanded mode does, so that the table still fits
/// and no ref, key or date is broken.
pub fn render_table(header: &[&str], rows: &[Vec<String>], look: Look) -> String {
    let layout = Layout::new(header, rows, look);
    match look.width {
        Some(width) if header.len() > 2 && (layout.total() > width || layout.squeezed()) => {
            render_records(header, rows, look)
        }
        _ => layout.render(),
    }
}

/// Each row as a record: one `field  value` line per column, records apart by a rule.
fn render_records(header: &[&str], rows: &[Vec<String>], look: Look) -> String {
    let pairs: Vec<Vec<String>> = rows
        .iter()
        .flat_map(|row| {
            header
                .iter()
                .enumerate()
                .map(|(i, h)| vec![h.to_string(), row.get(i).cloned().unwrap_or_default()])
        })
        .collect();
    let layout = Layout::new(&["field", "value"], &pairs, look);
    let n = header.len();
    let mut lines = Vec::new();
    if look.boxed {
        lines.push(layout.rule('┌', '─', '┐'));
    }
    for r in 0..rows.len() {
        if r > 0 {
            lines.push(if look.boxed {
                layout.rule('├', '─', '┤')
            } else {
                String::new()
            });
        }
        for p in r * n..(r + 1) * n {
            lines.extend(layout.row_lines(layout.row(p), false));
        }
    }
    if look.boxed {
        lines.push(layout.rule('└', '─', '┘'));
    }
    lines.join("\n")
}

pub fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", render_table(header, rows, look()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::write_markdown;

    const BOXED: Look = Look {
        width: None,
        boxed: true,
        color: false,
    };

    fn agreements() -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec!["ref", "title", "parties", "signed_on", "n"];
        let row = |r: &str, t: &str, n: &str| {
            [r, t, "unicef, danube", "2016-03-01", n]
                .map(String::from)
                .to_vec()
        };
        let rows = vec![
            row(
                "MOU-2016-001",
                "Cooperation on interreligious dialogue for child protection",
                "7",
            ),
            row(
                "MOU-2022-002",
                "مجلس الدانوب للأديان وكافَّة الأمم المتحدة",
                "12",
            ),
            row(
                "MOU-2026-004",
                "Université Côte d\u{301}Azur exchange",
                "100",
            ),
        ];
        (header, rows)
    }

    fn widths(t: &str) -> Vec<usize> {
        t.lines().map(cells).collect()
    }

    #[test]
    fn tables_fit_the_width_and_never_break_refs_dates_or_numbers() {
        let (header, rows) = agreements();
        for width in [80, 60] {
            for boxed in [true, false] {
                let look = Look {
                    width: Some(width),
                    boxed,
                    color: false,
                };
                let t = render_table(&header, &rows, look);
                assert!(widths(&t).iter().all(|w| *w <= width), "{width}:\n{t}");
                for word in ["MOU-2016-001", "MOU-2026-004", "2016-03-01", "signed_on"] {
                    assert!(t.contains(word), "{word} broken at {width}:\n{t}");
                }
                if boxed {
                    let w = widths(&t);
                    assert!(w.windows(2).all(|p| p[0] == p[1]), "{t}\n{w:?}");
                }
            }
        }
    }

    /// A table whose single-word columns alone are wider than the terminal is shown as
    /// records, which fit, with every ref, key and date whole.
    #[test]
    fn a_table_too_wide_for_the_width_is_shown_as_records_that_fit() {
        let header = vec![
            "ref",
            "kind",
            "title",
            "parties",
            "signed_on",
            "expires_on",
            "status",
        ];
        let rows: Vec<Vec<String>> = [
            [
                "AGREEMENT-2019-001",
                "agreement",
                "Grant agreement: interfaith youth fellowships 2019–2021",
                "plateau-peace-walkers, cedar-grove-trust",
                "2019-04-01",
                "2021-12-31",
                "terminated",
            ],
            [
                "MOU-2016-001",
                "mou",
                "Engaging faith-based actors",
                "unicef",
                "2016-04-12",
                "",
                "active",
            ],
        ]
        .iter()
        .map(|r| r.map(String::from).to_vec())
        .collect();
        for width in [80, 60, 40] {
            for boxed in [true, false] {
                let look = Look {
                    width: Some(width),
                    boxed,
                    color: false,
                };
                let t = render_table(&header, &rows, look);
                assert!(widths(&t).iter().all(|w| *w <= width), "{width}:\n{t}");
                for word in [
                    "AGREEMENT-2019-001",
                    "plateau-peace-walkers",
                    "2021-12-31",
                    "terminated",
                    "expires_on",
                ] {
                    assert!(t.contains(word), "{word} broken at {width}:\n{t}");
                }
                assert_eq!(
                    t.matches("signed_on").count(),
                    2,
                    "one line per field and record:\n{t}"
                );
            }
        }
        // Wide enough: the table stays a table.
        let look = Look {
            width: Some(200),
            boxed: true,
            color: false,
        };
        assert_eq!(
            render_table(&header, &rows, look)
                .matches("signed_on")
                .count(),
            1
        );
    }

    /// A table that fits only by wrapping a title a word or two a line is shown as records.
    #[test]
    fn a_table_whose_prose_would_be_squeezed_is_shown_as_records() {
        let header = vec![
            "ref",
            "kind",
            "title",
            "partners",
            "starts_on",
            "place",
            "status",
        ];
        let row = |r: &str| -> Vec<String> {
            [
                r,
                "side-event",
                "Special session at the World Humanitarian Summit: faith actors",
                "iatf-religion, hukama-salam",
                "2016-05-23",
                "Vienna; Amman; online",
                "cancelled",
            ]
            .map(String::from)
            .to_vec()
        };
        let rows = vec![row("ENG-2016-001"), row("ENG-2016-002")];
        let look = |width| Look {
            width: Some(width),
            boxed: true,
            color: false,
        };
        let narrow = render_table(&header, &rows, look(80));
        assert!(narrow.contains("│ title "), "{narrow}");
        assert!(widths(&narrow).iter().all(|w| *w <= 80), "{narrow}");
        let wide = render_table(&header, &rows, look(200));
        assert!(wide.contains(" title "), "{wide}");
        assert!(!wide.contains("│ title "), "{wide}");
    }

    #[test]
    fn a_word_longer_than_its_column_is_cut_with_an_ellipsis() {
        assert_eq!(
            wrap("Interreligiousness dialogue", 10),
            ["Interreli…", "dialogue"]
        );
        assert_eq!(wrap("a b c", 3), ["a b", "c"]);
        assert_eq!(cut("الدانوب", 4), "الد…");
    }

    #[test]
    fn plain_tables_have_no_box_and_counts_align_right() {
        let t = render_table(
            &["key", "count"],
            &[
                vec!["a".into(), "7".into()],
                vec!["bb".into(), "120".into()],
            ],
            Look::PLAIN,
        );
        assert_eq!(t, "key  count\na        7\nbb     120");
    }

    #[test]
    fn colour_goes_around_whole_cells_and_takes_no_width() {
        let look = Look {
            width: None,
            boxed: false,
            color: true,
        };
        let rows = vec![
            vec!["MOU-1".to_string(), "expired".to_string(), "3".to_string()],
            vec!["MOU-2".to_string(), "active".to_string(), "45".to_string()],
        ];
        let t = render_table(&["ref", "status", "days_left"], &rows, look);
        assert_eq!(
            t,
            "ref    status   days_left\n\
             MOU-1  \u{1b}[31mexpired\u{1b}[0m          \u{1b}[33m3\u{1b}[0m\n\
             MOU-2  \u{1b}[32mactive\u{1b}[0m          45"
        );
        let show = render_table(
            &["field", "value"],
            &[vec!["status".into(), "active".into()]],
            look,
        );
        assert!(show.contains("\u{1b}[32mactive\u{1b}[0m"), "{show}");
        let narrow = Look {
            width: Some(12),
            boxed: false,
            color: true,
        };
        let wrapped = render_table(
            &["title", "days_left"],
            &[vec!["a long title here".into(), "3".into()]],
            narrow,
        );
        assert_eq!(
            wrapped.matches('\u{1b}').count(),
            2,
            "only the cell's text:\n{wrapped}"
        );
        let plain = render_table(&["ref", "status", "days_left"], &rows, Look::PLAIN);
        assert!(!plain.contains('\u{1b}'), "{plain}");
    }

    #[test]
    fn table_columns_line_up_with_arabic_and_marks() {
        use unicode_width::UnicodeWidthChar;
        let rows = vec![
            vec!["مجلس الدانوب للأديان".to_string(), "1".to_string()],
            vec!["كافَّة الأمم".to_string(), "2".to_string()],
            vec!["Université Côte d\u{301}Azur".to_string(), "3".to_string()],
            vec!["UNICEF".to_string(), "4".to_string()],
        ];
        let t = render_table(&["name", "n"], &rows, BOXED);
        // Display width as a terminal counts it: per code point (wcwidth).
        let widths: Vec<usize> = t
            .lines()
            .map(|l| l.chars().map(|c| c.width().unwrap_or(0)).sum())
            .collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{t}\n{widths:?}");
        assert!(t.contains("الدانوب"));
    }

    #[test]
    fn tables_and_markdown_escape_controls() {
        let t = render_table(&["x"], &[vec!["a\u{1b}]52;c;x\u{7}b".into()]], BOXED);
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t}");
        assert!(t.contains("a\\u{1b}]52;c;x\\u{7}b"), "{t}");
        let mut buf = Vec::new();
        write_markdown(&mut buf, &["x"], &[vec!["a\u{1b}[2J\r\nb".into()]]).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "| x |\n|---|\n| a\\\\u{1b}[2J<br>b |\n"
        );
    }
}
