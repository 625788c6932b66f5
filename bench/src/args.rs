//! Command-line options.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Measures mou against the sqlite3 shell on a generated registry; prints figures and ratios
/// (mou / sqlite3, lower is better) and asserts nothing.
#[derive(Parser, Debug)]
#[command(
    name = "mou-bench",
    version,
    after_help = "The mou binary is $MOU_BIN, else target/release/mou (run `cargo build --release` first)."
)]
pub struct Opts {
    /// Agreements to generate (underscores allowed: 1_000_000)
    #[arg(long, value_name = "N", default_value = "1000000", value_parser = parse_rows)]
    pub rows: u64,

    /// Data and scratch directory
    #[arg(long, value_name = "DIR", default_value = "bench-data")]
    pub dir: PathBuf,

    /// Timed runs per command; medians are reported
    #[arg(long, value_name = "K", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,

    /// Comma-separated figures to run: import, export, report, eight, xlsx,
    /// engagements, html (default all)
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_figure)]
    pub only: Vec<Figure>,

    /// A PostgreSQL database (postgres://user:password@host:port/dbname): mou's figures run on
    /// its schema mou (dropped and made afresh) against psql on the same database, instead of
    /// a file against sqlite3. Figures import, export, report and writers only.
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub db: Option<String>,

    /// Seconds of load for figure F (mou serve)
    #[arg(long, value_name = "S", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub serve_secs: u64,
}

/// The figures the benchmark can measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Figure {
    /// A: `mou import agreements` against sqlite3's `.import` into a typed table.
    Import,
    /// B: `mou export agreements` against `sqlite3 -csv`.
    Export,
    /// C: `mou report` and `mou report quarterly` against one GROUP BY.
    #[value(alias = "reports")]
    Report,
    /// D: import, export and the quarterly report of a file of eight columns.
    Eight,
    /// E: `mou export agreements -o FILE.xlsx` beside mou's CSV export.
    Xlsx,
    /// F: the reports with N engagements beside the agreements, and `report dormant`.
    #[value(alias = "engagement")]
    Engagements,
    /// G: `mou report quarterly --format html` beside the same report as JSON.
    Html,
    /// H: `mou serve` under 32 clients: p50 and p99 of two pages, peak memory.
    Serve,
    /// W: 8 concurrent writers x 50 `mou add partner`, on a file and with `--db` on PostgreSQL.
    #[value(alias = "writer")]
    Writers,
}

/// The figures that run on PostgreSQL with `--db`.
pub const ON_POSTGRES: [Figure; 4] = [
    Figure::Import,
    Figure::Export,
    Figure::Report,
    Figure::Writers,
];

impl Opts {
    /// Whether `figure` is to be measured (all are without `--only`; with `--db`, those of
    /// [`ON_POSTGRES`]).
    pub fn wants(&self, figure: Figure) -> bool {
        if self.db.is_some() && !ON_POSTGRES.contains(&figure) {
            return false;
        }
        self.only.is_empty() || self.only.contains(&figure)
    }
}

fn parse_url(s: &str) -> Result<String, String> {
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(s.to_string())
    } else {
        Err(format!(
            "not a PostgreSQL URL: {s:?} (postgres://user:password@host:port/dbname)"
        ))
    }
}

fn parse_rows(s: &str) -> Result<u64, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("bad number {s:?} (a whole number of agreements, e.g. 1000000)"))
}

fn parse_figure(s: &str) -> Result<Figure, String> {
    Figure::from_str(s.trim(), false).map_err(|_| {
        format!(
            "unknown figure {s:?} (valid: import, export, report, eight, xlsx, engagements, \
             html, serve, writers)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Opts, clap::Error> {
        Opts::try_parse_from(std::iter::once("mou-bench").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_measure_every_figure_on_a_million_rows() {
        let opts = parse(&[]).unwrap();
        assert_eq!(opts.rows, 1_000_000);
        assert_eq!(opts.dir, PathBuf::from("bench-data"));
        assert_eq!(opts.runs, 3);
        for f in [
            Figure::Import,
            Figure::Export,
            Figure::Report,
            Figure::Eight,
            Figure::Xlsx,
            Figure::Serve,
        ] {
            assert!(opts.wants(f), "{f:?}");
        }
    }

    #[test]
    fn only_takes_a_comma_separated_list_with_spaces_and_the_old_alias() {
        let opts = parse(&["--only", "eight, reports", "--rows=20_000", "--runs", "1"]).unwrap();
        assert_eq!(opts.only, [Figure::Eight, Figure::Report]);
        assert!(!opts.wants(Figure::Import) && !opts.wants(Figure::Export));
        assert_eq!((opts.rows, opts.runs), (20_000, 1));
    }

    #[test]
    fn db_takes_a_postgres_url_and_keeps_the_figures_that_run_there() {
        let url = "postgres://mou:pw@127.0.0.1:5432/postgres";
        let opts = parse(&["--db", url]).unwrap();
        assert_eq!(opts.db.as_deref(), Some(url));
        assert!(opts.wants(Figure::Import) && opts.wants(Figure::Writers));
        assert!(!opts.wants(Figure::Eight) && !opts.wants(Figure::Serve));
        let opts = parse(&["--db", url, "--only", "report,xlsx"]).unwrap();
        assert!(opts.wants(Figure::Report));
        assert!(!opts.wants(Figure::Xlsx) && !opts.wants(Figure::Import));
    }

    #[test]
    fn bad_values_are_usage_errors_naming_the_value() {
        for (args, needle) in [
            (&["--only", "imports"][..], "\"imports\""),
            (&["--rows", "many"][..], "\"many\""),
            (&["--runs", "0"][..], "0"),
            (&["--bogus"][..], "--bogus"),
            (&["--db", "bench.db"][..], "\"bench.db\""),
        ] {
            let e = parse(args).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{args:?}");
            assert!(e.to_string().contains(needle), "{args:?}: {e}");
        }
    }
}
