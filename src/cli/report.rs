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
    /// A count per category, country, kind, status, sdg, year, quarter (of signing) or
    /// partner; of engagements with --engagements
    By(ByArgs),
    /// The number of agreements matching, as one bare number
    Count(CountArgs),
    /// Partners party to an active agreement with no engagement held and no agreement signed
    /// in the last N months, longest silence first
    Dormant(DormantArgs),
    /// The public partnerships page (html): only partners and engagements marked public
    Page(PageArgs),
}

#[derive(Debug, Args)]
pub struct DormantArgs {
    /// The months of silence, up to --as-of (a whole number, 1 or more)
    #[arg(long, default_value_t = 12, value_name = "N", value_parser = months, allow_hyphen_values = true)]
    pub months: u32,
    /// Exit 1 when any partner is dormant
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Write to FILE (its extension names the format: .html, .csv, .json, ...; `-` is stdout)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

fn months(s: &str) -> Result<u32, String> {
    match crate::text::ascii_digits(s.trim()).parse::<u32>() {
        Ok(n) if (1..=12_000).contains(&n) => Ok(n),
        _ => Err(format!(
            "{s:?} is not a number of months; give a whole number from 1 to 12000, e.g. --months 12"
        )),
    }
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
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(crate::store::CountBy::ALL)
        .try_map(|s| crate::store::CountBy::parse(&s)))]
    pub field: crate::store::CountBy,
    /// Count engagements instead of agreements (kind, status, year and quarter are the
    /// engagement's own, country where it was held)
    #[arg(long)]
    pub engagements: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub engagement_filters: super::list::EngagementFilterArgs,
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
    /// Count the engagements matching instead of the agreements
    #[arg(long, conflicts_with = "count_partners")]
    pub engagements: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub engagement_filters: super::list::EngagementFilterArgs,
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
    /// Only the history of this engagement (by ref, also a removed one, or id)
    #[arg(long, value_name = "REF", conflicts_with_all = ["name", "contact"], add = ArgValueCompleter::new(crate::complete::engagement_refs))]
    pub engagement: Option<String>,
    /// Check the hash chain; exit 1 naming the first broken row
    #[arg(long)]
    pub verify: bool,
}
