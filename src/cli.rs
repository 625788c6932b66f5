//! The command line: global options and every command's arguments. Parsing only validates
//! (dates, periods, terms, SDG numbers, countries, vocabularies); commands build the rest.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

use crate::dates::{parse_date, parse_period, parse_term, Date, Period, Term};
use crate::model::{parse_sdg, parse_tag, Category, Kind, Status};
use crate::output::Format;
use crate::query::parse_country;

fn category(s: &str) -> Result<Category, String> {
    s.parse()
}
fn kind(s: &str) -> Result<Kind, String> {
    s.parse()
}
fn status(s: &str) -> Result<Status, String> {
    s.parse()
}
fn sdg(s: &str) -> Result<u8, String> {
    parse_sdg(s)
}
fn tag(s: &str) -> Result<String, String> {
    parse_tag(s)
}
fn date(s: &str) -> Result<Date, String> {
    parse_date(s)
}
fn period(s: &str) -> Result<Period, String> {
    parse_period(s)
}
fn term(s: &str) -> Result<Term, String> {
    parse_term(s)
}
fn country(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Ok(String::new());
    }
    parse_country(s)
}
fn whole_number(s: &str) -> Result<u64, String> {
    crate::text::ascii_digits(s.trim())
        .parse()
        .map_err(|_| format!("invalid number '{s}': expected a whole number of 0 or more, e.g. 12"))
}
fn key(s: &str) -> Result<String, String> {
    let k = s.trim().to_string();
    if crate::text::is_valid_key(&k) {
        Ok(k)
    } else {
        Err(format!(
            "invalid key '{}': {}",
            crate::text::escaped(s),
            crate::text::KEY_RULE
        ))
    }
}
fn text(s: &str) -> Result<String, String> {
    if s.len() > crate::commands::MAX_TEXT {
        return Err(format!(
            "text of {} bytes is too long: at most {} bytes",
            s.len(),
            crate::commands::MAX_TEXT
        ));
    }
    if s.contains('\0') {
        return Err("text contains a NUL character; remove it".into());
    }
    Ok(s.to_string())
}

#[derive(Debug, Parser)]
#[command(
    name = "mou",
    version,
    about = "A registry of partner organisations and the memoranda of understanding signed with them",
    long_about = "A registry of partner organisations and the memoranda of understanding (MoUs) and other \
agreements signed with them, in one local SQLite file.\n\nExit codes: 0 success; 1 a check answered no; \
2 bad usage or bad input; 3 the registry cannot be used."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The registry file [default: $MOU_DB, else $XDG_DATA_HOME/mou/registry.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Output format [default: table, or from -o FILE's extension]
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// The date at which statuses are derived [default: today, or $MOU_TODAY]
    #[arg(long, global = true, value_parser = date, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Who makes the change, for history [default: $USER]
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the registry (idempotent)
    Init,
    /// Load the sample registry from data/ into a throwaway registry and show it
    Demo(DemoArgs),
    /// Record a partner or an agreement
    #[command(subcommand)]
    Add(AddCommand),
    /// List partners or agreements
    List(ListArgs),
    /// One record in full: a partner with its agreements, an agreement with its parties and renewal chain
    Show(ShowArgs),
    /// Change fields of a partner or an agreement
    #[command(subcommand)]
    Edit(EditCommand),
    /// Record a new agreement that renews an existing one
    Renew(RenewArgs),
    /// End an agreement early
    Terminate(TerminateArgs),
    /// Remove a partner or an agreement (history keeps it)
    #[command(subcommand)]
    Remove(RemoveCommand),
    /// Agreements (or partners) matching a query expression
    Query(QueryArgs),
    /// Write partners or agreements as CSV (or --format json|jsonl)
    Export(ExportArgs),
    /// Bring partners or agreements in from a CSV file
    Import(ImportArgs),
    /// Headline counts and the milestone sentence; quarterly reports; counts
    Report(ReportArgs),
    /// Agreements expiring, or past their notice date, within a window
    Due(DueArgs),
    /// The audit trail
    History(HistoryArgs),
    /// A consistent copy of the registry while others use it
    Backup(BackupArgs),
    /// Integrity and data checks
    Check,
    /// Shell completions
    Completions(CompletionsArgs),
    /// The man page (roff) on stdout
    Man,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder holding partners.csv and agreements.csv
    #[arg(long, default_value = "data", value_name = "DIR")]
    pub data: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// Record a partner organisation
    Partner(AddPartnerArgs),
    /// Record an agreement (kind agreement unless --kind)
    Agreement(AgreementArgs),
    /// Record an MoU (= add agreement --kind mou)
    Mou(AgreementArgs),
}

#[derive(Debug, Args)]
pub struct AddPartnerArgs {
    /// The display name, in any script
    #[arg(value_parser = text, allow_hyphen_values = true)]
    pub name: String,
    #[arg(long, value_parser = category)]
    pub category: Category,
    /// Short handle [default: derived from the name or the first Latin alias]
    #[arg(long, value_parser = key)]
    pub key: Option<String>,
    /// ISO 3166-1 alpha-2 code, e.g. AT
    #[arg(long, value_parser = country)]
    pub country: Option<String>,
    /// Another name, acronym or translation (repeatable)
    #[arg(long = "alias", value_parser = text, allow_hyphen_values = true)]
    pub aliases: Vec<String>,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub website: Option<String>,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct AgreementArgs {
    /// A party, by key, id, name or alias (repeatable for multi-party agreements)
    #[arg(long = "partner", required = true)]
    pub partners: Vec<String>,
    /// Signing date; without it the agreement is a draft
    #[arg(long, value_parser = date)]
    pub signed: Option<Date>,
    #[arg(long, value_parser = kind)]
    pub kind: Option<Kind>,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// Reference [default: KIND-YEAR-SEQ]
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// Date it takes effect [default: the signing date]
    #[arg(long, value_parser = date)]
    pub effective: Option<Date>,
    /// Last day in force [default: open-ended]
    #[arg(long, value_parser = date, conflicts_with = "term")]
    pub expires: Option<Date>,
    /// Length from the effective date, e.g. 3y: it expires the day before the anniversary
    #[arg(long, value_parser = term)]
    pub term: Option<Term>,
    /// Renewal notice period, e.g. 90d (months count 30 days)
    #[arg(long, value_parser = term)]
    pub notice: Option<Term>,
    /// Sustainable Development Goal 1..17 (repeatable, or comma-separated)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',')]
    pub sdgs: Vec<u8>,
    /// A free label (repeatable)
    #[arg(long = "tag", value_parser = tag)]
    pub tags: Vec<String>,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Path or URL of the signed copy
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub document: Option<String>,
    /// The ref this agreement renews
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub renews: Option<String>,
}

/// The filters shared by list, export, report and count.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    /// Partner category (comma = or)
    #[arg(long = "category", value_parser = category, value_delimiter = ',', help_heading = "Filters")]
    pub categories: Vec<Category>,
    /// Partner country, ISO alpha-2 (comma = or)
    #[arg(long = "country", value_parser = country, value_delimiter = ',', help_heading = "Filters")]
    pub countries: Vec<String>,
    /// Agreement kind: mou, agreement, loi, other (comma = or)
    #[arg(long = "kind", value_parser = kind, value_delimiter = ',', help_heading = "Filters")]
    pub kinds: Vec<Kind>,
    /// Status at --as-of (comma = or)
    #[arg(long = "status", value_parser = status, value_delimiter = ',', help_heading = "Filters")]
    pub statuses: Vec<Status>,
    /// Sustainable Development Goal 1..17 (comma = or)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',', help_heading = "Filters")]
    pub sdgs: Vec<u8>,
    /// A tag (repeatable = or)
    #[arg(long = "tag", value_parser = tag, help_heading = "Filters")]
    pub tags: Vec<String>,
    /// A party, by key, id, name or alias (repeatable = or)
    #[arg(long = "partner", help_heading = "Filters")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Entity {
    Partners,
    Agreements,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(value_enum)]
    pub entity: Option<Entity>,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An agreement's ref or id, or a partner's key, name or alias
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum EditCommand {
    /// Change a partner
    Partner(EditPartnerArgs),
    /// Change an agreement
    Agreement(EditAgreementArgs),
}

#[derive(Debug, Args)]
pub struct EditPartnerArgs {
    /// The partner, by key, id, name or alias
    pub partner: String,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub name: Option<String>,
    #[arg(long, value_parser = key)]
    pub key: Option<String>,
    #[arg(long, value_parser = category)]
    pub category: Option<Category>,
    /// ISO alpha-2 code; '' clears it
    #[arg(long, value_parser = country)]
    pub country: Option<String>,
    /// Replace all aliases (repeatable)
    #[arg(long = "alias", value_parser = text, allow_hyphen_values = true)]
    pub aliases: Vec<String>,
    #[arg(long = "add-alias", value_parser = text, allow_hyphen_values = true)]
    pub add_aliases: Vec<String>,
    #[arg(long = "remove-alias", value_parser = text, allow_hyphen_values = true)]
    pub remove_aliases: Vec<String>,
    /// '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub website: Option<String>,
    /// '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditAgreementArgs {
    /// The agreement, by ref or id
    pub agreement: String,
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
    #[arg(long, value_parser = kind)]
    pub kind: Option<Kind>,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// Replace the parties (repeatable)
    #[arg(long = "partner")]
    pub partners: Vec<String>,
    #[arg(long = "add-partner")]
    pub add_partners: Vec<String>,
    #[arg(long = "remove-partner")]
    pub remove_partners: Vec<String>,
    #[arg(long, value_parser = date)]
    pub signed: Option<Date>,
    #[arg(long, value_parser = date)]
    pub effective: Option<Date>,
    #[arg(long, value_parser = date, conflicts_with = "term")]
    pub expires: Option<Date>,
    #[arg(long, value_parser = term)]
    pub term: Option<Term>,
    #[arg(long, value_parser = term)]
    pub notice: Option<Term>,
    /// Replace the SDGs (repeatable or comma-separated)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',')]
    pub sdgs: Vec<u8>,
    #[arg(long = "add-sdg", value_parser = sdg, value_delimiter = ',')]
    pub add_sdgs: Vec<u8>,
    #[arg(long = "remove-sdg", value_parser = sdg, value_delimiter = ',')]
    pub remove_sdgs: Vec<u8>,
    /// Replace the tags (repeatable)
    #[arg(long = "tag", value_parser = tag)]
    pub tags: Vec<String>,
    #[arg(long = "add-tag", value_parser = tag)]
    pub add_tags: Vec<String>,
    #[arg(long = "remove-tag", value_parser = tag)]
    pub remove_tags: Vec<String>,
    /// '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub document: Option<String>,
    /// '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub renews: Option<String>,
    /// Clear an optional field: signed, expires, notice, terminated
    #[arg(long = "clear", value_name = "FIELD")]
    pub clear: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// The agreement to renew, by ref or id
    pub agreement: String,
    /// Last day of the renewal
    #[arg(long, value_parser = date, required_unless_present = "term", conflicts_with = "term")]
    pub expires: Option<Date>,
    /// Length of the renewal from its effective date, e.g. 3y
    #[arg(long, value_parser = term)]
    pub term: Option<Term>,
    /// Signing date of the renewal [default: today]
    #[arg(long, value_parser = date)]
    pub signed: Option<Date>,
    /// Reference of the renewal [default: KIND-YEAR-SEQ]
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct TerminateArgs {
    /// The agreement, by ref or id
    pub agreement: String,
    /// The day it ends
    #[arg(long, value_parser = date)]
    pub on: Date,
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub reason: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RemoveCommand {
    /// Remove a partner; one with agreements needs --cascade
    Partner(RemovePartnerArgs),
    /// Remove an agreement
    Agreement(RemoveAgreementArgs),
}

#[derive(Debug, Args)]
pub struct RemovePartnerArgs {
    pub partner: String,
    /// Also remove the agreements it is the only party to, and leave the others' parties without it
    #[arg(long)]
    pub cascade: bool,
}

#[derive(Debug, Args)]
pub struct RemoveAgreementArgs {
    pub agreement: String,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// e.g. 'category:religious,academic status:active -country:AT expires<2027-01-01'
    #[arg(allow_hyphen_values = true)]
    pub expression: String,
    /// List the partners matching instead of the agreements
    #[arg(long)]
    pub partners: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub entity: Entity,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Write to FILE (format from its extension unless --format)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// For spreadsheets: UTF-8 BOM, CRLF, formula-like cells prefixed with '
    #[arg(long)]
    pub excel: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    pub entity: Entity,
    /// The CSV file, or `-` for stdin (read once, so a pipe or a FIFO will do)
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
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub which: Option<ReportCommand>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// The language of the milestone sentence [default: both]
    #[arg(long, value_enum, global = true)]
    pub lang: Option<LangArg>,
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
}

#[derive(Debug, Args)]
pub struct FiltersOnly {
    #[command(flatten)]
    pub filters: FilterArgs,
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
}

#[derive(Debug, Args)]
pub struct ByArgs {
    /// category, country, kind, status, sdg, year or quarter
    #[arg(value_parser = crate::db::CountBy::parse)]
    pub field: crate::db::CountBy,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct CountArgs {
    /// Exit 1 unless the count is more than N
    #[arg(long, value_name = "N", value_parser = whole_number)]
    pub more_than: Option<u64>,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// The window from --as-of
    #[arg(long, default_value = "90d", value_parser = term)]
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
    pub name: Option<String>,
    /// Check the hash chain; exit 1 naming the first broken row
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    pub file: PathBuf,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
