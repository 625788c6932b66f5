//! The final table of figures and the formats of times and sizes.

use crate::measure::Series;
use crate::tools::Tools;

/// One line of the final table.
pub struct Row {
    pub figure: String,
    pub rows: u64,
    pub mou: Result<f64, &'static str>,
    pub sqlite: Result<f64, &'static str>,
    pub target: Option<f64>,
    /// mou's peak RSS over the runs.
    pub rss_kib: Option<u64>,
}

impl Row {
    /// The medians of both sides, a missing side shown as the tools say.
    pub fn new(
        figure: impl Into<String>,
        rows: u64,
        (mou, sqlite): (&Series, &Series),
        tools: &Tools,
        target: Option<f64>,
    ) -> Row {
        Row {
            figure: figure.into(),
            rows,
            mou: mou.median().ok_or(tools.missing_mou()),
            sqlite: sqlite.median().ok_or(tools.missing_sqlite()),
            target,
            rss_kib: mou.peak_rss(),
        }
    }

    /// mou / sqlite3 to two decimals, `*` when over the target; `- ` without both sides.
    fn ratio(&self) -> (String, bool) {
        match (self.mou, self.sqlite) {
            (Ok(m), Ok(s)) if s > 0.0 => {
                let ratio = m / s;
                let over = self.target.is_some_and(|t| ratio > t);
                (format!("{ratio:.2}{}", if over { '*' } else { ' ' }), over)
            }
            _ => ("- ".to_string(), false),
        }
    }
}

pub fn fmt_secs(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.0} ms", s * 1000.0)
    }
}

pub fn fmt_rss(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

pub fn fmt_size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The table; `base` names the baseline's column (`sqlite3`, or `psql` with `--db`).
pub fn print_table(rows: &[Row], base: &str) {
    println!(
        "\n{:<28} {:>8}  {:<10} {:<10} {:>6}  {:<7} {:>9}",
        "figure", "rows", "mou", base, "ratio ", "target", "peak RSS"
    );
    let mut any_over = false;
    for r in rows {
        let (ratio, over) = r.ratio();
        any_over |= over;
        let target = r.target.map_or("-".to_string(), |t| format!("<={t:.1}"));
        let cell = |x: Result<f64, &'static str>| x.map_or_else(str::to_string, fmt_secs);
        println!(
            "{:<28} {:>8}  {:<10} {:<10} {:>6}  {:<7} {:>9}",
            r.figure,
            r.rows,
            cell(r.mou),
            cell(r.sqlite),
            ratio,
            target,
            r.rss_kib.map_or("-".to_string(), fmt_rss)
        );
    }
    println!(
        "\nmou and {base} are median wall times; ratio = mou / {base} (lower is better); \
         peak RSS is mou's (max over runs)."
    );
    if any_over {
        println!("* over target. On a shared 2-core machine differences under ~10% are noise.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(mou: Result<f64, &'static str>, target: Option<f64>) -> Row {
        Row {
            figure: "f".into(),
            rows: 1,
            mou,
            sqlite: Ok(2.0),
            target,
            rss_kib: None,
        }
    }

    #[test]
    fn the_ratio_is_marked_when_over_its_target() {
        assert_eq!(row(Ok(1.0), Some(0.5)).ratio(), ("0.50 ".into(), false));
        assert_eq!(row(Ok(2.2), Some(1.0)).ratio(), ("1.10*".into(), true));
        assert_eq!(row(Ok(2.2), None).ratio(), ("1.10 ".into(), false));
        assert_eq!(
            row(Err("not found"), Some(1.0)).ratio(),
            ("- ".into(), false)
        );
    }

    #[test]
    fn times_and_sizes_read_as_before() {
        assert_eq!(fmt_secs(1.234), "1.23 s");
        assert_eq!(fmt_secs(0.0456), "46 ms");
        assert_eq!(fmt_rss(22_118), "21.6 MB");
        assert_eq!(fmt_size(3_209_242), "3.2 MB");
    }
}
