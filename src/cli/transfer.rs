//! Arguments of export and import.

use clap::Args;
use std::path::PathBuf;

use super::list::{Entity, FilterArgs};

/// What `mou export` writes: one kind of record, or (`all`) the whole registry as one workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportWhat {
    One(Entity),
    All,
}

/// `partners`, `agreements` (every kind of record), or `all`.
fn export_what() -> impl clap::builder::TypedValueParser<Value = ExportWhat> {
    use clap::builder::TypedValueParser;
    use clap::ValueEnum;
    let mut names: Vec<clap::builder::PossibleValue> = Entity::value_variants()
        .iter()
        .filter_map(|e| e.to_possible_value())
        .collect();
    names.push(clap::builder::PossibleValue::new("all"));
    clap::builder::PossibleValuesParser::new(names)
        .map(|s| Entity::from_str(&s, false).map_or(ExportWhat::All, ExportWhat::One))
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export (`all`: the whole registry as one workbook, with -o FILE.xlsx)
    #[arg(value_parser = export_what(), value_name = "WHAT")]
    pub entity: ExportWhat,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub engagement_filters: super::list::EngagementFilterArgs,
    /// Write to FILE (format from its extension unless --format)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// For spreadsheets: UTF-8 BOM, CRLF, formula-like cells prefixed with '
    #[arg(long)]
    pub excel: bool,
    /// With --format ics: an alarm this long before each event (`14d`, `2w`; a month is 30
    /// days)
    #[arg(long, value_name = "TERM", value_parser = super::values::term)]
    pub remind: Option<crate::dates::Term>,
    /// For xlsx: right-to-left sheets
    #[arg(long)]
    pub rtl: bool,
    /// With `export all`: a Contacts sheet too (personal data, left out unless asked for)
    #[arg(long)]
    pub with_contacts: bool,
    #[command(flatten)]
    pub shape: super::list::ShapeArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub entity: Entity,
    /// The file: CSV, or .xlsx, .json or .jsonl as export writes them; `-` for stdin (CSV,
    /// read once, so a pipe or a FIFO will do)
    pub file: PathBuf,
    /// Check and report; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Let rows change existing records (each one changed is named, with its fields)
    #[arg(long)]
    pub update: bool,
    /// With --update: change records even when they were changed in the registry after the
    /// file's updated_at (which is otherwise a conflict)
    #[arg(long, requires = "update")]
    pub force: bool,
    /// Create unknown parties from the partner_category (and partner_country) columns
    #[arg(long)]
    pub create_partners: bool,
    /// The field separator: `,`, `;` or `tab` [default: the one of them the header line holds
    /// most, outside quotes; `,` when it holds none, or on a tie]
    #[arg(long, value_name = "SEP", value_parser = crate::import_format::delimiter)]
    pub delimiter: Option<u8>,
    /// How the date columns (signed_on, effective_on, expires_on, terminated_on) are
    /// written, in strftime codes, e.g. `%d/%m/%Y`; YYYY-MM-DD is read too
    #[arg(long, value_name = "FMT", value_parser = crate::import_format::date_format)]
    pub date_format: Option<crate::import_format::DateFormat>,
    /// A column of the file to skip, e.g. one of the spreadsheet's own (repeatable)
    #[arg(long = "ignore-column", value_name = "NAME")]
    pub ignore_columns: Vec<String>,
    /// For an .xlsx file: the sheet to read [default: the first]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}
