//! The import file as one stream, read once from its start to its end: a pipe, a FIFO and
//! stdin cannot be read twice. The stream keeps the bytes of the row being read, so that the
//! reading thread can count lines itself (whatever the line ends), tell a file cut inside a
//! quoted field, and stop a row that grows without end, all without reading anything again.

use std::fs::File;
use std::io::{self, Read};

/// The longest row an import reads. The CSV reader holds a whole row in memory, so without
/// a limit one endless field would take all of it; a row of legal fields (each at most
/// [`MAX_TEXT`](crate::validate::MAX_TEXT), 1 MiB) is far shorter.
pub const MAX_ROW_BYTES: usize = 4 << 20;
pub const MAX_ROW_TEXT: &str = "4 MiB";

/// Bytes read from the file at a time.
const CHUNK: usize = 1 << 16;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How far the header line is looked for, to detect the separator.
const HEADER_PEEK: usize = 1 << 20;

/// The separators a file may use, in the order a tie is settled.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

pub struct Stream {
    file: File,
    /// `buf[..filled]` holds the bytes from offset `base`; `buf[pos..filled]` are not yet
    /// handed on.
    buf: Vec<u8>,
    base: u64,
    pos: usize,
    filled: usize,
    /// Bytes from this offset on are kept: the row being read starts here.
    keep_from: u64,
    eof: bool,
    /// Set when a row ran past [`MAX_ROW_BYTES`].
    tripped: bool,
    bom: bool,
    /// Lines are counted once, up to `counted` (the line there is `line`).
    counted: u64,
    line: u64,
    bar: Option<indicatif::ProgressBar>,
}

impl Stream {
    /// Starts reading `file`; its first bytes are read at once, to see whether it starts
    /// with a UTF-8 BOM.
    pub fn new(file: File, bar: Option<indicatif::ProgressBar>) -> io::Result<Stream> {
        let mut s = Stream {
            file,
            buf: vec![0; CHUNK],
            base: 0,
            pos: 0,
            filled: 0,
            keep_from: 0,
            eof: false,
            tripped: false,
            bom: false,
            counted: 0,
            line: 1,
            bar,
        };
        while s.filled < BOM.len() && !s.eof {
            s.refill()?;
        }
        s.bom = s.buf[..s.filled].starts_with(BOM);
        Ok(s)
    }

    /// The first line of the file as read so far (at most [`HEADER_PEEK`] bytes of it),
    /// read ahead without handing anything on.
    pub fn first_line(&mut self) -> io::Result<&[u8]> {
        while !self.eof && self.filled < HEADER_PEEK && !self.buf[..self.filled].contains(&b'\n') {
            self.refill()?;
        }
        Ok(&self.buf[..self.filled])
    }

    /// Reads more of the file, first dropping the bytes before the row being read.
    fn refill(&mut self) -> io::Result<()> {
        let keep = (self.keep_from.saturating_sub(self.base) as usize).min(self.pos);
        if self.filled - keep > MAX_ROW_BYTES {
            self.tripped = true;
        }
        if self.tripped {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a row longer than {MAX_ROW_TEXT}"),
            ));
        }
        self.buf.copy_within(keep..self.filled, 0);
        self.base += keep as u64;
        self.pos -= keep;
        self.filled -= keep;
        if self.filled == self.buf.len() {
            // A long row: room for it, up to the limit (past which it is stopped).
            let len = (self.buf.len() * 2).min(MAX_ROW_BYTES + 2 * CHUNK);
            self.buf.resize(len, 0);
        }
        // At most a chunk at a time, so that a row is stopped soon after the limit.
        let room = self.filled..self.buf.len().min(self.filled + CHUNK);
        let n = loop {
            match self.file.read(&mut self.buf[room.clone()]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r?,
            }
        };
        self.eof = n == 0;
        self.filled += n;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(())
    }

    /// The kept bytes from offset `from` to `to` (as far as they are held).
    fn kept(&self, from: u64, to: u64) -> &[u8] {
        let at = |o: u64| (o.saturating_sub(self.base) as usize).min(self.filled);
        &self.buf[at(from)..at(to).max(at(from))]
    }

    /// The byte at `offset`, when it has been read.
    fn byte_at(&self, offset: u64) -> Option<u8> {
        let i = usize::try_from(offset.checked_sub(self.base)?).ok()?;
        self.buf[..self.filled].get(i).copied()
    }

    /// Counts the lines up to `offset`. A `\r` whose next byte is not read yet is left for
    /// later: it may be the first half of `\r\n`.
    fn count_to(&mut self, offset: u64) {
        if offset <= self.counted {
            return;
        }
        let next = self.byte_at(offset);
        let mut to = offset;
        let mut b = self.kept(self.counted, offset);
        if next.is_none() && !self.eof && b.last() == Some(&b'\r') {
            b = &b[..b.len() - 1];
            to -= 1;
        }
        self.line += line_ends(b, next);
        self.counted = to;
    }

    /// The row read next starts at `offset`: its bytes are kept from there.
    fn begin_row(&mut self, offset: u64) {
        self.count_to(offset);
        self.keep_from = offset.min(self.counted);
    }

    /// Every byte of the file has been handed on.
    fn at_end(&self) -> bool {
        self.eof && self.pos == self.filled
    }
}

impl Read for Stream {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.filled {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = out.len().min(self.filled - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The line ends in `b` (`\n`, `\r\n` and a lone `\r` each end one line); `next` is the
/// byte after `b`, when known.
fn line_ends(b: &[u8], next: Option<u8>) -> u64 {
    let lf = b.iter().filter(|c| **c == b'\n').count();
    let cr = b.iter().filter(|c| **c == b'\r').count();
    if cr == 0 {
        return lf as u64;
    }
    let crlf = b.windows(2).filter(|w| *w == b"\r\n").count()
        + usize::from(b.last() == Some(&b'\r') && next == Some(b'\n'));
    (lf + cr - crlf) as u64
}

/// Where a row was read: from `start` (after the previous row's line end) over the blank
/// line ends before it to its first byte, `content`, on line `line`, to `end`.
#[derive(Clone, Copy, Default)]
struct Span {
    content: u64,
    end: u64,
    line: u64,
}

/// CSV records read from a [`Stream`], each with the line it starts on.
pub struct Rows {
    csv: csv::Reader<Stream>,
    /// The field separator, which the quote scan must agree on with the reader.
    delimiter: u8,
    last: Span,
}

impl Rows {
    pub fn new(stream: Stream, delimiter: u8) -> Rows {
        Rows {
            csv: crate::output::csv_reader(stream, delimiter),
            delimiter,
            last: Span::default(),
        }
    }

    /// Whether the file starts with a UTF-8 BOM.
    pub fn bom(&self) -> bool {
        self.csv.get_ref().bom
    }

    /// Whether reading stopped at a row longer than [`MAX_ROW_BYTES`].
    pub fn tripped(&self) -> bool {
        self.csv.get_ref().tripped
    }

    pub fn headers(&mut self) -> csv::Result<csv::ByteRecord> {
        self.csv.byte_headers().cloned()
    }

    /// Reads the next row with `read` (a record read of the CSV reader); returns what it
    /// returned and the line the row starts on: its first line that is not blank, lines
    /// counted whatever their ends, line ends inside quoted fields included.
    pub fn next<T>(
        &mut self,
        read: impl FnOnce(&mut csv::Reader<Stream>) -> csv::Result<T>,
    ) -> (csv::Result<T>, u64) {
        let start = self.csv.position().byte();
        self.csv.get_mut().begin_row(start);
        let r = read(&mut self.csv);
        let end = self.csv.position().byte();
        let s = self.csv.get_ref();
        let blank = s
            .kept(start, end)
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let content = start + blank as u64;
        let s = self.csv.get_mut();
        s.count_to(content);
        self.last = Span {
            content,
            end,
            line: s.line,
        };
        (r, s.line)
    }

    /// When the row just read ends the file inside a quoted field (the file was cut short):
    /// the line where that field's quote opened, and the field's index in the row.
    pub fn unclosed_quote(&self) -> Option<(u64, usize)> {
        let s = self.csv.get_ref();
        if !s.at_end() {
            return None;
        }
        unclosed_quote(
            s.kept(self.last.content, self.last.end),
            self.last.line,
            self.delimiter,
        )
    }
}

/// The separator of a file whose first line is `head`: the one of [`DELIMITERS`] it holds
/// most outside quotes; on a tie (none at all included) the first of them, `,`.
pub fn detect_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\r' | b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let most = counts.iter().max().copied().unwrap_or(0);
    let at = counts.iter().position(|c| *c == most).unwrap_or(0);
    DELIMITERS[at]
}

/// Reads `raw`, one row as it stands in the file from its first line `line`, fields
/// separated by `delimiter`, as the CSV reader does; if it ends inside a quoted field: the line where the quote opened and the
/// index of the field.
fn unclosed_quote(raw: &[u8], mut line: u64, delimiter: u8) -> Option<(u64, usize)> {
    #[derive(PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut s = S::FieldStart;
    let mut field = 0;
    let mut opened = line;
    for (i, &b) in raw.iter().enumerate() {
        s = match (s, b) {
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::FieldStart, b'"') => {
                opened = line;
                S::Quoted
            }
            (_, d) if d == delimiter => {
                field += 1;
                S::FieldStart
            }
            (_, b'\r' | b'\n') => {
                field = 0;
                S::FieldStart
            }
            _ => S::Unquoted,
        };
        if b == b'\n' || (b == b'\r' && raw.get(i + 1) != Some(&b'\n')) {
            line += 1;
        }
    }
    (s == S::Quoted).then_some((opened, field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_of_every_kind_count_once() {
        assert_eq!(line_ends(b"a\nb\r\nc\rd", None), 3);
        assert_eq!(line_ends(b"a\r", Some(b'\n')), 0);
        assert_eq!(line_ends(b"a\r", None), 1);
        assert_eq!(line_ends(b"\n\r\n\r\r", Some(b'x')), 4);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opened() {
        assert_eq!(unclosed_quote(b"a,\"b\nc", 7, b','), Some((7, 1)));
        assert_eq!(
            unclosed_quote(b"a,\"b\nc\",\"d\r\ne", 2, b','),
            Some((3, 2))
        );
        assert_eq!(unclosed_quote(b"a,\"b\"\"", 1, b','), Some((1, 1)));
        assert_eq!(unclosed_quote(b"a,\"b\"\"\"", 1, b','), None);
        assert_eq!(unclosed_quote(b"a,b\"c", 1, b','), None);
        assert_eq!(unclosed_quote(b"a,\"b\"c\"d", 1, b','), None);
        assert_eq!(unclosed_quote(b"a,b\n", 1, b','), None);
        assert_eq!(unclosed_quote(b"a;b;\"c,d", 4, b';'), Some((4, 2)));
        assert_eq!(unclosed_quote(b"a;b,\"c", 4, b';'), None);
    }

    #[test]
    fn the_separator_is_the_one_the_header_holds_most() {
        assert_eq!(detect_delimiter(b"name,category\n"), b',');
        assert_eq!(
            detect_delimiter(b"\xEF\xBB\xBFname;category;country\r\na,b,c,d"),
            b';'
        );
        assert_eq!(detect_delimiter(b"name\tcategory"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b;c\",name,x\n"), b',');
        assert_eq!(detect_delimiter(b"name\n"), b',');
        assert_eq!(detect_delimiter(b"a;b,c\n"), b',');
    }
}
