//! Rendering rows to table, csv, json, jsonl or markdown on any `Write`. csv, json and jsonl
//! stream row by row; table and markdown need every row to size their columns. Tables and
//! markdown are for people: control characters in them are shown as escapes
//! ([`crate::text::visible`]); csv, json and jsonl carry the stored text exactly.

use serde_json::{Map, Value as Json};
use std::io::Write;

use crate::error::Result;
use crate::text::visible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
    Markdown,
}

impl Format {
    /// The format an output file's extension asks for.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }
}

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
        use std::fmt::Write as _;
        buf.clear();
        match self {
            Cell::Null => b"",
            Cell::Text(s) | Cell::Json(s) => s.as_bytes(),
            Cell::Word(s) => s.as_bytes(),
            Cell::Date(d) => {
                crate::dates::push_iso(buf, *d);
                buf.as_bytes()
            }
            Cell::Int(n) => {
                let _ = write!(buf, "{n}");
                buf.as_bytes()
            }
            Cell::List(v) => {
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        buf.push(';');
                    }
                    buf.push_str(x);
                }
                buf.as_bytes()
            }
            Cell::Ints(v) => {
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        buf.push(';');
                    }
                    let _ = write!(buf, "{x}");
                }
                buf.as_bytes()
            }
        }
    }

    /// The cell as CSV writes it: lists `;`-joined, nothing for null.
    pub fn to_csv(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) | Cell::Json(s) => s.clone(),
            Cell::Word(s) => s.to_string(),
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
            Cell::Date(d) => Json::String(crate::dates::iso(*d)),
        }
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

enum State<W: Write> {
    Csv(Box<csv::Writer<W>>, bool),
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
    state: State<W>,
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
            Format::Table | Format::Markdown => State::Collect(out, Vec::new()),
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

    pub fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        match &mut self.state {
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

/// How tables look: set once at start for stdout ([`set_look`]); a file gets [`Look::PLAIN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// The width a table must fit, in terminal cells; `None`: no limit, nothing wraps.
    pub width: Option<usize>,
    /// Box drawing around the table (a terminal); else plain aligned columns.
    pub boxed: bool,
    /// Colour codes around the cells that mean something (status, days left).
    pub color: bool,
}

impl Look {
    /// Plain aligned columns, no colour, no width limit: what pipes and files get.
    pub const PLAIN: Look = Look {
        width: None,
        boxed: false,
        color: false,
    };
}

/// `--color`: when tables are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    // When stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl Look {
    /// The look of tables on stdout: see [`Look::decide`].
    pub fn for_stdout(columns: Option<usize>, color: ColorChoice, no_color: bool) -> Look {
        use std::io::IsTerminal;
        let terminal = std::io::stdout().is_terminal().then(|| {
            terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| usize::from(w))
        });
        Look::decide(terminal, columns, color, no_color)
    }

    /// The look for an output that is a terminal (`Some`, with its width if known) or not:
    /// boxed on a terminal; as wide as `columns` (`COLUMNS`), else the terminal, else no
    /// limit; coloured as `color` says (`auto`: on a terminal, unless `no_color`).
    fn decide(
        terminal: Option<Option<usize>>,
        columns: Option<usize>,
        color: ColorChoice,
        no_color: bool,
    ) -> Look {
        Look {
            width: columns.or(terminal.flatten()),
            boxed: terminal.is_some(),
            color: match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal.is_some() && !no_color,
            },
        }
    }
}

static LOOK: std::sync::RwLock<Look> = std::sync::RwLock::new(Look::PLAIN);

/// Sets how the tables written from now on look.
pub fn set_look(look: Look) {
    if let Ok(mut l) = LOOK.write() {
        *l = look;
    }
}

fn look() -> Look {
    LOOK.read().map_or(Look::PLAIN, |l| *l)
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
            let row = self.columns.iter().map(|c| c.cells[r].clone()).collect();
            lines.extend(self.row_lines(row, false));
        }
        if self.look.boxed {
            lines.push(self.rule('└', '─', '┘'));
        }
        lines.join("\n")
    }
}

/// A table for people in `look`: single-word columns at full width, prose wrapped to fit.
pub fn render_table(header: &[&str], rows: &[Vec<String>], look: Look) -> String {
    Layout::new(header, rows, look).render()
}

pub fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", render_table(header, rows, look()))?;
    Ok(())
}

fn md_cell(s: &str) -> String {
    visible(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

pub fn write_markdown(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| md_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    writeln!(
        out,
        "|{}",
        header.iter().map(|_| "---|").collect::<String>()
    )?;
    for r in rows {
        writeln!(
            out,
            "| {} |",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn colour_and_width_follow_the_terminal_the_flag_and_no_color() {
        use ColorChoice::*;
        let tty = Some(Some(100));
        assert_eq!(
            Look::decide(tty, None, Auto, false),
            Look {
                width: Some(100),
                boxed: true,
                color: true
            }
        );
        assert!(!Look::decide(tty, None, Auto, true).color, "NO_COLOR");
        assert!(
            Look::decide(tty, None, Always, true).color,
            "--color always wins"
        );
        assert!(!Look::decide(tty, None, Never, false).color);
        assert_eq!(Look::decide(None, None, Auto, false), Look::PLAIN, "a pipe");
        assert!(Look::decide(None, None, Always, false).color);
        assert_eq!(Look::decide(None, Some(60), Auto, false).width, Some(60));
        assert_eq!(
            Look::decide(tty, Some(60), Auto, false).width,
            Some(60),
            "COLUMNS wins"
        );
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

    #[test]
    fn markdown_escapes_pipes_and_newlines() {
        let mut buf = Vec::new();
        write_markdown(&mut buf, &["x"], &[vec!["a|b\nc".into()]]).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "| x |\n|---|\n| a\\|b<br>c |\n"
        );
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

    #[test]
    fn excel_triggers() {
        for t in ["=x", "+x", "-x", "@x", "\tx", "\rx"] {
            assert!(excel_safe(t).starts_with('\''), "{t:?}");
        }
        assert_eq!(excel_safe("plain"), "plain");
    }
}
