//! iCalendar (RFC 5545) written by mou itself: a calendar of all-day events is a few
//! properties, and the three rules that matter (CRLF line ends, content lines folded at 75
//! octets without splitting a character, TEXT values escaped) are stated here directly and
//! checked by a parser in the tests. Events are written one at a time, so memory does not grow
//! with the calendar.

use std::io::Write;

use crate::dates::Date;
use crate::error::Result;

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable from one export to the next, so calendars update the event instead of adding one.
    pub uid: String,
    pub start: Date,
    /// The day after the last day (DTEND is exclusive for dates).
    pub end: Date,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub cancelled: bool,
    /// An alarm this many days before the start.
    pub alarm_days: Option<u32>,
}

/// The longest content line, in octets, before it is folded (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// Writes a VCALENDAR of [`Event`]s to `out`.
pub struct IcsWriter<W: Write> {
    out: W,
    /// DTSTAMP of every event: the time the calendar was made (`20261129T100000Z`).
    stamp: String,
    line: String,
}

impl<W: Write> IcsWriter<W> {
    /// Starts the calendar; `now` is an RFC 3339 time (the context's clock).
    pub fn new(out: W, now: &str, name: &str) -> Result<Self> {
        let mut w = IcsWriter {
            out,
            stamp: stamp(now),
            line: String::new(),
        };
        w.put("BEGIN:VCALENDAR")?;
        w.put("VERSION:2.0")?;
        w.put(concat!(
            "PRODID:-//mou//mou ",
            env!("CARGO_PKG_VERSION"),
            "//EN"
        ))?;
        w.put("CALSCALE:GREGORIAN")?;
        w.put("METHOD:PUBLISH")?;
        w.text("X-WR-CALNAME", name)?;
        Ok(w)
    }

    pub fn event(&mut self, e: &Event) -> Result<()> {
        self.put("BEGIN:VEVENT")?;
        self.text("UID", &e.uid)?;
        let stamp = format!("DTSTAMP:{}", self.stamp);
        self.put(&stamp)?;
        self.put(&format!("DTSTART;VALUE=DATE:{}", ics_date(e.start)))?;
        self.put(&format!("DTEND;VALUE=DATE:{}", ics_date(e.end)))?;
        self.text("SUMMARY", &e.summary)?;
        if let Some(d) = &e.description {
            self.text("DESCRIPTION", d)?;
        }
        if let Some(l) = &e.location {
            self.text("LOCATION", l)?;
        }
        if e.cancelled {
            self.put("STATUS:CANCELLED")?;
        }
        // An all-day event takes no time: free, so it does not block the day.
        self.put("TRANSP:TRANSPARENT")?;
        if let Some(days) = e.alarm_days {
            self.put("BEGIN:VALARM")?;
            self.put("ACTION:DISPLAY")?;
            self.put(&format!("TRIGGER:-P{days}D"))?;
            self.text("DESCRIPTION", &e.summary)?;
            self.put("END:VALARM")?;
        }
        self.put("END:VEVENT")
    }

    pub fn finish(mut self) -> Result<()> {
        self.put("END:VCALENDAR")?;
        self.out.flush()?;
        Ok(())
    }

    /// A property whose value is TEXT, escaped.
    fn text(&mut self, name: &str, value: &str) -> Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.push_str(name);
        line.push(':');
        escape_text(&mut line, value);
        let r = self.put(&line);
        self.line = line;
        r
    }

    /// One content line, folded, ending in CRLF.
    fn put(&mut self, line: &str) -> Result<()> {
        write_folded(&mut self.out, line)?;
        Ok(())
    }
}

/// Writes `line` folded: at most 75 octets a line, each further line starting with a space
/// (which counts), breaking only between characters.
pub fn write_folded(out: &mut impl Write, line: &str) -> std::io::Result<()> {
    let mut rest = line;
    let mut limit = LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.write_all(rest.as_bytes())?;
            return out.write_all(b"\r\n");
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.write_all(&rest.as_bytes()[..cut])?;
        out.write_all(b"\r\n ")?;
        rest = &rest[cut..];
        // The space that opens a continuation line is one of its 75 octets.
        limit = LINE_OCTETS - 1;
    }
}

/// Appends `s` as a TEXT value: `\`, `;`, `,` and newlines escaped. Control characters,
/// which TEXT may not hold, and direction controls are shown as `\u{..}` escapes, as in every
/// output for people; a CR before a newline is dropped.
pub fn escape_text(out: &mut String, s: &str) {
    for c in crate::text::visible(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// A DATE value: `20190430`.
pub fn ics_date(d: Date) -> String {
    d.format("%Y%m%d").to_string()
}

/// A UTC DATE-TIME from an RFC 3339 time; a time that does not read as one gives the Unix
/// epoch rather than an invalid calendar (the context's clock is checked at start).
fn stamp(now: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(now)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(s: &str) -> String {
        let mut v = Vec::new();
        write_folded(&mut v, s).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn folds_at_75_octets_between_characters() {
        assert_eq!(folded("SUMMARY:short"), "SUMMARY:short\r\n");
        let long = format!("SUMMARY:{}", "é".repeat(100));
        let out = folded(&long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding (drop CRLF + space) gives the line back.
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
        let exact = "X".repeat(75);
        assert_eq!(folded(&exact), format!("{exact}\r\n"));
        assert_eq!(
            folded(&"X".repeat(76)),
            format!("{}\r\n X\r\n", "X".repeat(75))
        );
    }

    #[test]
    fn text_is_escaped() {
        let mut s = String::new();
        escape_text(&mut s, "a,b;c\\d\r\ne\u{202e}f\u{1b}");
        assert_eq!(s, "a\\,b\\;c\\\\d\\ne\\\\u{202e}f\\\\u{1b}");
    }

    #[test]
    fn stamp_is_utc() {
        assert_eq!(stamp("2026-11-29T10:00:00Z"), "20261129T100000Z");
        assert_eq!(stamp("2026-11-29T12:00:00+02:00"), "20261129T100000Z");
    }
}
