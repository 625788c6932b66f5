//! Arguments of the commands that read records: list, show, query, and the filters they share.

use clap::Args;
use clap_complete::ArgValueCompleter;

use super::values::*;
use crate::complete::{agreement_refs, partner_keys, record_names};
use crate::dates::{Date, Period};
use crate::model::{Category, EngagementKind, EngagementStatus, Kind, Status};

/// The filters shared by list, export, report and count.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    /// Partner category (comma-separated or repeated: any of them matches)
    #[arg(long = "category", value_parser = vocab::<Category>(), value_delimiter = ',', help_heading = "Filters")]
    pub categories: Vec<Category>,
    /// Partner country, ISO alpha-2 (comma-separated or repeated: any of them matches)
    #[arg(long = "country", value_parser = CountryParser, hide_possible_values = true, value_delimiter = ',', help_heading = "Filters")]
    pub countries: Vec<String>,
    /// Agreement kind, or an engagement's kind for engagements (comma-separated or repeated:
    /// any of them matches)
    #[arg(long = "kind", value_parser = either_vocab::<Kind, EngagementKind>(), value_delimiter = ',', help_heading = "Filters")]
    pub kinds: Vec<String>,
    /// Status at --as-of, of an agreement or (for engagements) of an engagement
    /// (comma-separated or repeated: any of them matches)
    #[arg(long = "status", value_parser = either_vocab::<Status, EngagementStatus>(), value_delimiter = ',', help_heading = "Filters")]
    pub statuses: Vec<String>,
    /// Sustainable Development Goal 1..17 (comma-separated or repeated: any of them matches)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',', help_heading = "Filters")]
    pub sdgs: Vec<u8>,
    /// A tag (comma-separated or repeated: any of them matches; quote a tag holding a comma,
    /// '"a, b"', or write a\, b)
    #[arg(long = "tag", value_parser = text, help_heading = "Filters")]
    pub tags: Vec<String>,
    /// A party, by key, id, name or alias (comma-separated or repeated: any of them matches;
    /// quote a name holding a comma, '"Foo, Inc"', or write Foo\, Inc)
    #[arg(long = "partner", value_parser = text, help_heading = "Filters", add = ArgValueCompleter::new(partner_keys))]
    pub partners: Vec<String>,
    /// Signed within a period: 2026, 2026Q3, 2026-09, 2026-09-15, 2026-01-01..2026-06-30,
    /// 2026-01-01.. or ..2026-12-31, this-quarter, last-year, next-month (this, last or next
    /// quarter, year or month), or a term from today such as 90d
    #[arg(long, value_parser = period, value_name = "PERIOD", help_heading = "Filters")]
    pub signed_in: Option<Period>,
    /// Expiring within a period
    #[arg(long, value_parser = period, value_name = "PERIOD", help_heading = "Filters")]
    pub expires_in: Option<Period>,
    /// Active on a date
    #[arg(long, value_parser = date, value_name = "DATE", help_heading = "Filters")]
    pub active_on: Option<Date>,
    /// Text in names, aliases, titles or refs (normalized)
    #[arg(long, value_parser = text, help_heading = "Filters")]
    pub search: Option<String>,
}

/// The filters only engagements take (list and export engagements).
#[derive(Debug, Args, Default, Clone)]
pub struct EngagementFilterArgs {
    /// Engagements: held within a period (its days overlap it), as --signed-in reads periods
    #[arg(long, value_parser = period, value_name = "PERIOD", help_heading = "Filters")]
    pub held_in: Option<Period>,
    /// Engagements: held under an agreement, by ref (comma-separated or repeated: any matches)
    #[arg(long = "agreement", value_name = "REF", value_parser = text, help_heading = "Filters", add = ArgValueCompleter::new(agreement_refs))]
    pub agreements: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Entity {
    Partners,
    Agreements,
    Contacts,
    Engagements,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list
    #[arg(value_enum)]
    pub entity: Option<Entity>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub engagement_filters: EngagementFilterArgs,
    /// Contacts: list former ones too (whose --until has passed at --as-of)
    #[arg(long, help_heading = "Filters")]
    pub all: bool,
    #[command(flatten)]
    pub shape: ShapeArgs,
}

/// Which columns, in which order, how many rows: list, query and export.
#[derive(Debug, Args, Default)]
pub struct ShapeArgs {
    /// The columns to write, in this order (comma-separated): any export column, and
    /// party_names for agreements [default: all; a table or markdown shows fewer]
    #[arg(
        long,
        value_name = "C[,C]",
        value_delimiter = ',',
        help_heading = "Output"
    )]
    pub columns: Vec<String>,
    /// Order by these columns (comma-separated), `-` before one for descending, e.g.
    /// -expires_on,ref; ties keep the default order (partners by key, agreements as recorded)
    #[arg(
        long,
        value_name = "FIELD[,-FIELD]",
        value_delimiter = ',',
        allow_hyphen_values = true,
        help_heading = "Output"
    )]
    pub sort: Vec<String>,
    /// At most N rows (N ≥ 1)
    #[arg(long, value_name = "N", value_parser = limit, help_heading = "Output")]
    pub limit: Option<u64>,
}

fn limit(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => {
            Err("0 rows is nothing to print; give N of 1 or more, or leave out --limit".into())
        }
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "{s:?} is not a whole number; give N of 1 or more, e.g. --limit 20"
        )),
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An agreement's or an engagement's ref or id, or a partner's key, name or alias
    #[arg(add = ArgValueCompleter::new(record_names))]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// e.g. 'category:religious,academic status:active -country:AT expires<2027-01-01'; commas
    /// separate values (any matches); a value holding a comma is quoted, partner:"Foo, Inc"
    #[arg(allow_hyphen_values = true)]
    pub expression: String,
    /// List the partners matching instead of the agreements
    #[arg(long, conflicts_with = "engagements")]
    pub partners: bool,
    /// List the engagements matching: fields kind, partner, category, country, sdg, tag,
    /// status, on (a period the engagement overlaps), agreement, public
    #[arg(long)]
    pub engagements: bool,
    #[command(flatten)]
    pub shape: ShapeArgs,
}
