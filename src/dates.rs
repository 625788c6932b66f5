//! Dates, periods and terms as users type them. Every parser here returns a message that names
//! the accepted forms, so clap can show it unchanged.

use chrono::{Datelike, Days, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

use crate::text::ascii_digits;

pub type Date = NaiveDate;

/// Today's date: `MOU_TODAY` when set (reproducible scripts and tests), else the local date.
pub fn today() -> Result<Date, String> {
    match std::env::var("MOU_TODAY") {
        Ok(v) if !v.trim().is_empty() => parse_iso(&v)
            .map_err(|e| format!("invalid MOU_TODAY '{v}': {e}; unset it or give YYYY-MM-DD")),
        _ => Ok(chrono::Local::now().date_naive()),
    }
}

fn parse_iso(s: &str) -> Result<Date, String> {
    let t = s.trim();
    // Import parses millions of dates: skip the digit mapping when it has nothing to do.
    let owned;
    let s = if t.is_ascii() {
        t
    } else {
        owned = ascii_digits(t);
        owned.as_str()
    };
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err("expected a date as YYYY-MM-DD".into());
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
        .ok_or_else(|| "no such day in the calendar; give a real date as YYYY-MM-DD".into())
}

/// A date as typed on the command line: `YYYY-MM-DD` (Arabic-Indic digits accepted) or `today`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    if s.trim().eq_ignore_ascii_case("today") {
        return today();
    }
    parse_iso(s).map_err(|e| format!("{e} (or 'today'), e.g. 2026-03-15"))
}

/// A stored or imported date: strict ISO only.
pub fn parse_stored(s: &str) -> Result<Date, String> {
    parse_iso(s)
}

pub fn iso(d: Date) -> String {
    let mut s = String::with_capacity(10);
    push_iso(&mut s, d);
    s
}

/// Appends `d` as `YYYY-MM-DD`.
pub fn push_iso(out: &mut String, d: Date) {
    // Hand-formatted: chrono's strftime machinery dominated exports of a million rows.
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        out.push_str(&format!("{y:04}-{m:02}-{day:02}"));
        return;
    }
    let y = y as u32;
    for n in [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        day / 10,
        day % 10,
    ] {
        out.push(if n == 10 {
            '-'
        } else {
            char::from(b'0' + n as u8)
        });
    }
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    pub fn quarter(year: i32, q: u32) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
        let end = start.checked_add_months(Months::new(3))?.pred_opt()?;
        Some(Period { start, end })
    }

    /// The three-month period starting `n` quarters after (or before) this one's start.
    pub fn shifted_quarters(&self, n: i32) -> Option<Period> {
        let start = if n >= 0 {
            self.start.checked_add_months(Months::new(3 * n as u32))?
        } else {
            self.start
                .checked_sub_months(Months::new(3 * (-n) as u32))?
        };
        let end = start.checked_add_months(Months::new(3))?.pred_opt()?;
        Some(Period { start, end })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", iso(self.start), iso(self.end))
    }
}

const PERIOD_FORMS: &str = "expected a period: 2026, 2026Q3 (or 2026-Q3), 2026-09, 2026-09-15, \
     2026-01-01..2026-06-30, an open range (2026-01-01.. or ..2026-12-31), \
     this-quarter, last-quarter, next-quarter, this-year, last-year, next-year, this-month, \
     last-month, next-month, or a term from today such as 90d or 6m";

/// The `months`-long period (3 for a quarter, 12 for a year) holding `d`, of a calendar whose
/// year starts in `first_month` (1 = January), shifted by `n` such periods.
pub fn period_holding(d: Date, months: u32, first_month: u32, n: i32) -> Option<Period> {
    let (months, first) = (i64::from(months), i64::from(first_month) - 1);
    let index = i64::from(d.year()) * 12 + i64::from(d.month0()) - first;
    let start = index - index.rem_euclid(months) + i64::from(n) * months + first;
    let start = NaiveDate::from_ymd_opt(
        i32::try_from(start.div_euclid(12)).ok()?,
        u32::try_from(start.rem_euclid(12)).ok()? + 1,
        1,
    )?;
    let end = start
        .checked_add_months(Months::new(u32::try_from(months).ok()?))?
        .pred_opt()?;
    Some(Period { start, end })
}

/// `this-quarter`, `last-quarter`, `next-quarter` as a shift from the quarter holding today.
pub fn quarter_shift(word: &str) -> Option<i32> {
    match word.trim().to_ascii_lowercase().as_str() {
        "this-quarter" => Some(0),
        "last-quarter" => Some(-1),
        "next-quarter" => Some(1),
        _ => None,
    }
}

/// A period named from today: its length in months and its shift from the one holding today.
fn relative(word: &str) -> Option<(u32, i32)> {
    if let Some(n) = quarter_shift(word) {
        return Some((3, n));
    }
    let (shift, unit) = word.split_once('-')?;
    let n = match shift {
        "this" => 0,
        "last" => -1,
        "next" => 1,
        _ => return None,
    };
    match unit {
        "month" => Some((1, n)),
        "year" => Some((12, n)),
        _ => None,
    }
}

/// The first and last days a period may name: stored dates have four-digit years.
fn earliest() -> Date {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn latest() -> Date {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

fn range(a: &str, b: &str, today: &dyn Fn() -> Result<Date, String>) -> Result<Period, String> {
    let end_of = |s: &str, which: &str, open: Date| -> Result<Date, String> {
        match s.trim() {
            "" => Ok(open),
            t if t.eq_ignore_ascii_case("today") => today(),
            t => parse_iso(t).map_err(|e| format!("{which} of range: {e} (or 'today')")),
        }
    };
    if a.trim().is_empty() && b.trim().is_empty() {
        return Err(format!("a range needs at least one end; {PERIOD_FORMS}"));
    }
    let start = end_of(a, "start", earliest())?;
    let end = end_of(b, "end", latest())?;
    if end < start {
        return Err(format!(
            "the range ends ({}) before it starts ({}); put the earlier date first",
            iso(end),
            iso(start)
        ));
    }
    Ok(Period { start, end })
}

/// A period as typed: absolute forms, or forms relative to today (`MOU_TODAY` stands in for
/// it), never to `--as-of`.
pub fn parse_period(input: &str) -> Result<Period, String> {
    parse_period_from(input, &today)
}

/// [`parse_period`] with `today` asked for only when the period is relative.
pub fn parse_period_from(
    input: &str,
    today: &dyn Fn() -> Result<Date, String>,
) -> Result<Period, String> {
    let s = ascii_digits(input.trim()).to_ascii_uppercase();
    if let Some((a, b)) = s.split_once("..") {
        return range(a, b, today);
    }
    let lower = s.to_ascii_lowercase();
    if let Some((months, n)) = relative(&lower) {
        return period_holding(today()?, months, 1, n).ok_or_else(|| PERIOD_FORMS.to_string());
    }
    if lower == "today" {
        let d = today()?;
        return Ok(Period { start: d, end: d });
    }
    if looks_like_term(&lower) {
        let term = lower.parse::<Term>()?;
        let start = today()?;
        let end = term
            .after(start)
            .ok_or("the term runs past the year 9999; give a shorter one")?;
        return Ok(Period { start, end });
    }
    absolute(&s)
}

/// A number and a unit letter (`90d`): read as a term, so its own errors are the ones shown.
fn looks_like_term(s: &str) -> bool {
    let Some(digits) = s.strip_suffix(['d', 'w', 'm', 'y']) else {
        return false;
    };
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn year(s: &str) -> Option<i32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn absolute(s: &str) -> Result<Period, String> {
    if let Some(y) = year(s) {
        let start = NaiveDate::from_ymd_opt(y, 1, 1).ok_or(PERIOD_FORMS)?;
        let end = NaiveDate::from_ymd_opt(y, 12, 31).ok_or(PERIOD_FORMS)?;
        return Ok(Period { start, end });
    }
    if s.len() >= 6 && s.is_char_boundary(4) {
        let (y, rest) = s.split_at(4);
        if let Some(y) = year(y) {
            let q = rest.strip_prefix("-Q").or_else(|| rest.strip_prefix('Q'));
            if let Some(q) = q {
                return match q.parse::<u32>() {
                    Ok(q) if (1..=4).contains(&q) && rest.len() <= 3 => {
                        Period::quarter(y, q).ok_or_else(|| PERIOD_FORMS.to_string())
                    }
                    _ => Err(format!("quarter '{q}' is not 1..4; {PERIOD_FORMS}")),
                };
            }
            if let Some(m) = rest.strip_prefix('-') {
                if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) {
                    let m: u32 = m.parse().map_err(|_| PERIOD_FORMS.to_string())?;
                    let start = NaiveDate::from_ymd_opt(y, m, 1)
                        .ok_or_else(|| format!("month '{m}' is not 01..12; {PERIOD_FORMS}"))?;
                    let end = start
                        .checked_add_months(Months::new(1))
                        .and_then(|d| d.pred_opt())
                        .ok_or(PERIOD_FORMS)?;
                    return Ok(Period { start, end });
                }
            }
        }
    }
    if let Ok(d) = parse_iso(s) {
        return Ok(Period { start: d, end: d });
    }
    Err(PERIOD_FORMS.to_string())
}

/// A length of time: `90d`, `2w`, `18m`, `3y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

const TERM_FORMS: &str = "expected a term as a number and a unit: 90d, 2w, 18m or 3y";

impl FromStr for Term {
    type Err = String;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = ascii_digits(input.trim()).to_ascii_lowercase();
        let Some(unit) = s.chars().last() else {
            return Err(TERM_FORMS.into());
        };
        let digits = &s[..s.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TERM_FORMS.into());
        }
        let n: u32 = digits
            .parse()
            .ok()
            .filter(|n| *n <= 100_000)
            .ok_or("the number in a term must be 0..100000")?;
        let t = match unit {
            'd' => Term::Days(n),
            'w' => Term::Weeks(n),
            'm' => Term::Months(n),
            'y' => Term::Years(n),
            _ => return Err(TERM_FORMS.into()),
        };
        if t.approx_days() > 365 * 200 {
            return Err("a term may be at most 200 years".into());
        }
        Ok(t)
    }
}

impl Term {
    /// The date `self` after `d`.
    pub fn after(self, d: Date) -> Option<Date> {
        // Stored dates are four-digit years.
        let end = match self {
            Term::Days(n) => d.checked_add_days(Days::new(n.into())),
            Term::Weeks(n) => d.checked_add_days(Days::new(u64::from(n) * 7)),
            Term::Months(n) => d.checked_add_months(Months::new(n)),
            Term::Years(n) => d.checked_add_months(Months::new(n.checked_mul(12)?)),
        }?;
        (end.year() <= 9999).then_some(end)
    }

    /// The last day of a term that starts on `start` (a 3-year MoU effective 2016-05-01 runs
    /// through 2019-04-30).
    pub fn last_day_from(self, start: Date) -> Option<Date> {
        self.after(start)?.pred_opt()
    }

    /// Days for a notice period; months count 30 days and years 365.
    pub fn approx_days(self) -> u32 {
        match self {
            Term::Days(n) => n,
            Term::Weeks(n) => n.saturating_mul(7),
            Term::Months(n) => n.saturating_mul(30),
            Term::Years(n) => n.saturating_mul(365),
        }
    }
}

pub fn parse_term(s: &str) -> Result<Term, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_stored(s).unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-03-15").unwrap(), d("2026-03-15"));
        assert_eq!(parse_date("٢٠٢٦-٠٣-١٥").unwrap(), d("2026-03-15"));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-3-5").is_err());
        assert!(parse_date("15/03/2026").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn periods() {
        let p = |s| parse_period(s).unwrap();
        assert_eq!(
            p("2026"),
            Period {
                start: d("2026-01-01"),
                end: d("2026-12-31")
            }
        );
        assert_eq!(
            p("2026Q3"),
            Period {
                start: d("2026-07-01"),
                end: d("2026-09-30")
            }
        );
        assert_eq!(p("2026-q3"), p("2026Q3"));
        assert_eq!(
            p("2026-02"),
            Period {
                start: d("2026-02-01"),
                end: d("2026-02-28")
            }
        );
        assert_eq!(
            p("2026-09-15"),
            Period {
                start: d("2026-09-15"),
                end: d("2026-09-15")
            }
        );
        assert_eq!(
            p("2026-01-01..2026-06-30"),
            Period {
                start: d("2026-01-01"),
                end: d("2026-06-30")
            }
        );
        for bad in [
            "2026Q5",
            "2026-13",
            "26",
            "2026-06-30..2026-01-01",
            "x",
            "2026Q",
        ] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
        assert_eq!(p("2026Q1").shifted_quarters(-1).unwrap(), p("2025Q4"));
        assert_eq!(p("2026Q4").shifted_quarters(1).unwrap(), p("2027Q1"));
    }

    /// Found by the `query_expr` fuzz target: a multi-byte character across the fourth byte.
    #[test]
    fn a_period_with_a_wide_character_at_the_fourth_byte_is_an_error_not_a_panic() {
        for s in ["z\u{5ba}\u{5ba}", "abc\u{5ba}xyz"] {
            assert!(parse_period(s).is_err(), "{s}");
        }
    }

    #[test]
    fn relative_periods() {
        let at = |today: &str, s: &str| {
            let t = d(today);
            parse_period_from(s, &move || Ok(t)).map(|p| (iso(p.start), iso(p.end)))
        };
        let p = |a: &str, b: &str| Ok((a.to_string(), b.to_string()));
        assert_eq!(
            at("2026-11-29", "this-quarter"),
            p("2026-10-01", "2026-12-31")
        );
        assert_eq!(
            at("2026-01-01", "last-quarter"),
            p("2025-10-01", "2025-12-31")
        );
        assert_eq!(
            at("2026-12-31", "next-quarter"),
            p("2027-01-01", "2027-03-31")
        );
        assert_eq!(at("2026-03-15", "THIS-YEAR"), p("2026-01-01", "2026-12-31"));
        assert_eq!(at("2026-03-15", "last-year"), p("2025-01-01", "2025-12-31"));
        assert_eq!(at("2026-03-15", "next-year"), p("2027-01-01", "2027-12-31"));
        assert_eq!(
            at("2024-03-31", "last-month"),
            p("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            at("2026-12-05", "next-month"),
            p("2027-01-01", "2027-01-31")
        );
        assert_eq!(
            at("2026-12-05", "this-month"),
            p("2026-12-01", "2026-12-31")
        );
        // A term: today through today + the term, both included.
        assert_eq!(at("2026-11-29", "90d"), p("2026-11-29", "2027-02-27"));
        assert_eq!(at("2026-08-31", "6m"), p("2026-08-31", "2027-02-28"));
        assert_eq!(at("2026-11-29", "0d"), p("2026-11-29", "2026-11-29"));
        assert_eq!(at("2026-11-29", "today"), p("2026-11-29", "2026-11-29"));
        // Open ranges run to the first or last day a date may have.
        assert_eq!(
            at("2026-11-29", "2026-01-01.."),
            p("2026-01-01", "9999-12-31")
        );
        assert_eq!(
            at("2026-11-29", "..2026-12-31"),
            p("0001-01-01", "2026-12-31")
        );
        assert_eq!(at("2026-11-29", "today.."), p("2026-11-29", "9999-12-31"));
        for bad in [
            "..",
            "this-week",
            "last-decade",
            "this",
            "1000y",
            "2026-01-01..x",
        ] {
            assert!(at("2026-11-29", bad).is_err(), "{bad}");
        }
        // Absolute periods never ask for today.
        let never = || -> Result<Date, String> { Err("today asked for".into()) };
        assert!(parse_period_from("2026Q3", &never).is_ok());
        assert!(parse_period_from("2026-01-01..2026-02-01", &never).is_ok());
        assert!(parse_period_from("this-year", &never).is_err());
    }

    #[test]
    fn periods_holding_a_day() {
        let q = |day: &str, first: u32, n: i32| {
            let p = period_holding(d(day), 3, first, n).unwrap();
            (iso(p.start), iso(p.end))
        };
        let p = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(q("2026-11-29", 7, 0), p("2026-10-01", "2026-12-31"));
        assert_eq!(q("2026-11-29", 2, 0), p("2026-11-01", "2027-01-31"));
        assert_eq!(q("2026-01-15", 2, 0), p("2025-11-01", "2026-01-31"));
        assert_eq!(q("2026-11-29", 2, -1), p("2026-08-01", "2026-10-31"));
        assert_eq!(q("2026-02-01", 1, -1), p("2025-10-01", "2025-12-31"));
    }

    #[test]
    fn terms() {
        let start = d("2016-05-01");
        assert_eq!(
            parse_term("3y").unwrap().last_day_from(start),
            Some(d("2019-04-30"))
        );
        assert_eq!(
            parse_term("18m").unwrap().last_day_from(start),
            Some(d("2017-10-31"))
        );
        assert_eq!(
            parse_term("2w").unwrap().after(start),
            Some(d("2016-05-15"))
        );
        assert_eq!(parse_term("90d").unwrap().approx_days(), 90);
        assert_eq!(parse_term("0d").unwrap().approx_days(), 0);
        for bad in ["", "d", "3", "3x", "-3d", "99999999999y", "1000y"] {
            assert!(parse_term(bad).is_err(), "{bad}");
        }
    }
}
