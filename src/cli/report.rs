//! Arguments of report, due and history.

use clap::builder::TypedValueParser;
use clap::{Args, Subcommand};
use clap_complete::ArgValueCompleter;

use super::list::FilterArgs;
use super::values::*;
use crate::complete::record_names;
use crate::dates::Term;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub which: Option<ReportCommand>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// The language of the milestone sentence [default: both]; of the whole page in html
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Write to FILE (its extension names the format: .html, .csv, .json, ...; `-` is stdout)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    En,
    Ar,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Headline counts and the milestone sentence (the default)
    Summary(FiltersOnly),
    /// The quarter's report, each figure beside the previous quarter's
    Quarterly(QuarterlyArgs),
    /// A count per category, country, kind, status, sdg, year or quarter (of signing)
    By(ByArgs),
    /// The number of agreements matching, as one bare number
    Count(CountArgs),
    /// The public partnerships page (html): only partners and engagements marked public
    Page(PageArgs),
}

#[derive(Debug, Args)]
pub struct FiltersOnly {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Write to FILE (its extension names the format: .html, .csv, .json, ...; `-` is stdout)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct PageArgs {
    /// Write to FILE.html (`-` is stdout)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    /// The quarter: 2026Q3 or 2026-Q3, or this-quarter, last-quarter, next-quarter (of the
    /// fiscal year with --fiscal-start)
    pub period: String,
    /// First month (1..12) of the fiscal year; FY quarters are named by the year they start in
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=12))]
    pub fiscal_start: u32,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Write to FILE (its extension names the format: .html, .csv, .json, ...; `-` is stdout)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ByArgs {
    /// The field to count by
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(["category", "country", "kind", "status", "sdg", "year", "quarter"])
        .try_map(|s| crate::store::CountBy::parse(&s)))]
    pub field: crate::store::CountBy,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct CountArgs {
    /// Exit 1 unless the count is more than N
    #[arg(long, value_name = "N", value_parser = whole_number)]
    pub more_than: Option<u64>,
    /// Count the partners party to a matching agreement instead of the agreements
    /// (`--partners --kind mou --status active --more-than 12` scripts the milestone)
    #[arg(long = "partners", id = "count_partners")]
    pub count_partners: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// The window from --as-of
    #[arg(long, default_value = "90d", value_parser = term, value_name = "TERM")]
    pub within: Term,
    /// Exit 1 when anything is due
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only the history of this agreement (ref) or partner (key, name or alias)
    #[arg(add = ArgValueCompleter::new(record_names))]
    pub name: Option<String>,
    /// Only the history of this contact (by id, also a removed one, by email, or as PARTNER:NAME)
    #[arg(long, value_name = "C", conflicts_with = "name")]
    pub contact: Option<String>,
    /// Check the hash chain; exit 1 naming the first broken row
    #[arg(long)]
    pub verify: bool,
}
