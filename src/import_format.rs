//! How an import file writes its values (`--delimiter`, `--date-format`): checked when the
//! arguments are parsed, so cli.rs takes these parsers from here, not from a command.

use chrono::Datelike;

use crate::dates::Date;

/// `--delimiter`: `,`, `;` or `tab`.
pub fn delimiter(s: &str) -> std::result::Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "tab" | "\t" => Ok(b'\t'),
        _ => Err(format!(
            "'{}' is not a separator mou reads: use ',', ';' or tab",
            s.escape_debug()
        )),
    }
}

/// `--date-format`: how a file writes its dates, in chrono's strftime codes.
#[derive(Debug, Clone)]
pub struct DateFormat {
    pub(crate) text: String,
    items: Vec<chrono::format::Item<'static>>,
    /// A date written in the format, for messages.
    pub(crate) example: String,
}

/// The date a format is tried on: its day cannot be taken for a month.
const EXAMPLE_DATE: (i32, u32, u32) = (2026, 11, 29);

/// Checks a `--date-format`: one chrono reads, and that reads back a whole date.
pub fn date_format(fmt: &str) -> std::result::Result<DateFormat, String> {
    let items = chrono::format::StrftimeItems::new(fmt)
        .parse_to_owned()
        .map_err(|_| {
            format!(
                "'{}' is not a date format: write it in strftime codes, e.g. %d/%m/%Y",
                fmt.escape_debug()
            )
        })?;
    let (y, m, d) = EXAMPLE_DATE;
    let sample = Date::from_ymd_opt(y, m, d).unwrap_or_default();
    let mut example = String::new();
    let written = {
        use std::fmt::Write;
        write!(example, "{}", sample.format_with_items(items.iter())).is_ok()
    };
    let f = DateFormat {
        text: fmt.to_string(),
        items,
        example,
    };
    if !written || f.read(&f.example) != Some(sample) {
        return Err(format!(
            "'{}' does not read a whole date: give the day, the month and the year, e.g. %d/%m/%Y",
            fmt.escape_debug()
        ));
    }
    Ok(f)
}

impl DateFormat {
    /// Whether the format itself has a `-` or `+` between its fields (`%Y-%d-%m`), so that
    /// one in a value is a separator, not a sign.
    fn items_allow_dash(&self) -> bool {
        use chrono::format::Item;
        self.items.iter().any(|i| {
            matches!(i, Item::Literal(l) if l.contains(['-', '+']))
                || matches!(i, Item::OwnedLiteral(l) if l.contains(['-', '+']))
        })
    }

    /// `v` read in this format (digits of other scripts read as ASCII ones), with a year of
    /// four digits.
    pub fn read(&self, v: &str) -> Option<Date> {
        let owned;
        let v = if v.is_ascii() {
            v
        } else {
            owned = crate::text::ascii_digits(v);
            &owned
        };
        let mut parsed = chrono::format::Parsed::new();
        chrono::format::parse(&mut parsed, v, self.items.iter()).ok()?;
        // chrono's %Y takes any number of digits and a sign: `15/03/26` would be the year
        // 26, `5/1/+12026` the year 12026; a stored date is four digits, 1000..=9999. A sign
        // is never part of a date.
        if v.contains(['+', '-']) && !self.items_allow_dash() {
            return None;
        }
        parsed
            .to_naive_date()
            .ok()
            .filter(|d| (1000..=9999).contains(&d.year()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_stored;

    fn d(s: &str) -> Date {
        parse_stored(s).unwrap()
    }

    #[test]
    fn a_date_format_reads_its_dates_and_refuses_what_is_not_one() {
        let f = date_format("%d/%m/%Y").unwrap();
        assert_eq!(f.read("15/03/2026"), Some(d("2026-03-15")));
        assert_eq!(f.read("١٥/٠٣/٢٠٢٦"), Some(d("2026-03-15")));
        assert_eq!(f.read("03/15/2026"), None);
        assert_eq!(f.read("15/03/26"), None);
        // A year outside 1000..=9999, or one with a sign, is no date (found by trying).
        for v in [
            "05/01/+10000",
            "5/1/+12026",
            "5/1/+2026",
            "5/1/-2026",
            "05/01/10000",
        ] {
            assert_eq!(f.read(v), None, "{v}");
        }
        assert_eq!(
            date_format("%d/%m/%y").unwrap().read("15/03/26"),
            Some(d("2026-03-15"))
        );
        assert_eq!(f.example, "29/11/2026");
        // The format is tried before YYYY-MM-DD, so a format close to it is not misread.
        let f = date_format("%Y-%d-%m").unwrap();
        assert_eq!(f.read("2026-05-03"), Some(d("2026-03-05")));
        for bad in ["%Q", "%H:%M", "%m/%Y", "", "%d %B"] {
            assert!(date_format(bad).is_err(), "{bad}");
        }
        assert!(date_format("%d %B %Y").is_ok());
    }
}
