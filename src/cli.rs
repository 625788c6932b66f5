//! The command line: global options and every command's arguments. Parsing only validates
//! (dates, periods, terms, SDG numbers, countries, vocabularies); commands build the rest.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCompleter;
use std::ffi::OsStr;
use std::marker::PhantomData;
use std::path::PathBuf;

use crate::complete::{agreement_refs, partner_keys, record_names};
use crate::dates::{parse_date, parse_period, parse_term, Date, Period, Term};
use crate::model::{parse_sdg, parse_tag, Category, Kind, Status};
use crate::output::Format;
use crate::query::{parse_country, split_values};

/// The parser of a closed vocabulary: mou's own message for a wrong value (with a "did you
/// mean"), and the values for help and completion.
#[derive(Clone)]
pub struct Vocab<T>(PhantomData<T>);

fn vocab<T>() -> Vocab<T> {
    Vocab(PhantomData)
}

impl<T> TypedValueParser for Vocab<T>
where
    T: ValueEnum + std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        value
            .to_string_lossy()
            .parse()
            .map_err(|m: String| clap::Error::raw(ErrorKind::ValueValidation, m).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            T::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

/// Countries: ISO codes (or names) checked as [`country`] does; the codes are offered to
/// completion but not listed in help (there are 249).
#[derive(Clone)]
pub struct CountryParser;

impl TypedValueParser for CountryParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        country(&value.to_string_lossy())
            .map_err(|m| clap::Error::raw(ErrorKind::ValueValidation, m).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            crate::country::COUNTRIES
                .iter()
                .map(|(code, name)| PossibleValue::new(*code).help(*name)),
        ))
    }
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
    if s.len() > crate::validate::MAX_TEXT {
        return Err(format!(
            "text of {} bytes is too long: at most {} bytes",
            s.len(),
            crate::validate::MAX_TEXT
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
2 bad usage or bad input; 3 the registry cannot be used.\n\nThe options below may also stand after the \
command, and are taken only by the commands that use them.\n\nList flags and query terms: commas separate \
values and a flag may be repeated (in filters any of the values matches; on add and edit each is one \
more party, tag or SDG); a value holding a comma is double-quoted \
(--partner '\"Foo, Inc\"', partner:\"Foo, Inc\") or written with \\, (--partner 'Foo\\, Inc')."
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
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Output format [default: table, or from -o FILE's extension]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The date at which statuses are derived [default: today, or $MOU_TODAY]
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Who makes the change, for history [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Colour in tables [default: auto: when stdout is a terminal and NO_COLOR is unset]
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<crate::output::ColorChoice>,
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
    /// The shell script that completes mou's commands, flags, values, partner keys and refs
    Completions(CompletionsArgs),
    /// The man page (roff) on stdout, or one page per command into a folder
    Man(ManArgs),
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
    Agreement(AddAgreementArgs),
    /// Record an MoU (an agreement of kind mou)
    Mou(AgreementArgs),
}

#[derive(Debug, Args)]
pub struct AddPartnerArgs {
    /// The display name, in any script
    #[arg(value_parser = text, allow_hyphen_values = true)]
    pub name: String,
    /// What kind of organisation it is
    #[arg(long, value_parser = vocab::<Category>())]
    pub category: Category,
    /// Short handle [default: derived from the name or the first Latin alias]
    #[arg(long, value_parser = key)]
    pub key: Option<String>,
    /// ISO 3166-1 alpha-2 code, e.g. AT
    #[arg(long, value_parser = CountryParser, hide_possible_values = true)]
    pub country: Option<String>,
    /// Another name, acronym or translation (repeatable)
    #[arg(long = "alias", value_parser = text, allow_hyphen_values = true)]
    pub aliases: Vec<String>,
    /// The partner's web site
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub website: Option<String>,
    /// A free note
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddAgreementArgs {
    /// The instrument [default: agreement]
    #[arg(long, value_parser = vocab::<Kind>())]
    pub kind: Option<Kind>,
    #[command(flatten)]
    pub agreement: AgreementArgs,
}

#[derive(Debug, Args)]
pub struct AgreementArgs {
    /// The parties, by key, id, name or alias (comma-separated or repeated, for multi-party
    /// agreements; quote a name holding a comma: '"Foo, Inc"', or write Foo\, Inc)
    #[arg(long = "partner", required = true, value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub partners: Vec<String>,
    /// Signing date; without it the agreement is a draft
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub signed: Option<Date>,
    /// The title
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// Reference [default: KIND-YEAR-SEQ]
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// Date it takes effect [default: the signing date]
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub effective: Option<Date>,
    /// Last day in force [default: open-ended]
    #[arg(long, value_parser = date, value_name = "DATE", conflicts_with = "term")]
    pub expires: Option<Date>,
    /// Length from the effective date, e.g. 3y: it expires the day before the anniversary
    #[arg(long, value_parser = term, value_name = "TERM")]
    pub term: Option<Term>,
    /// Renewal notice period, e.g. 90d (months count 30 days)
    #[arg(long, value_parser = term, value_name = "TERM")]
    pub notice: Option<Term>,
    /// Sustainable Development Goals 1..17 (comma-separated or repeated)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',')]
    pub sdgs: Vec<u8>,
    /// Free labels (comma-separated or repeated; quote or \, a comma inside one)
    #[arg(long = "tag", value_parser = text)]
    pub tags: Vec<String>,
    /// A free note
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Path or URL of the signed copy
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub document: Option<String>,
    /// The ref this agreement renews
    #[arg(long, value_parser = text, allow_hyphen_values = true, add = ArgValueCompleter::new(agreement_refs))]
    pub renews: Option<String>,
}

/// The filters shared by list, export, report and count.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    /// Partner category (comma-separated or repeated: any of them matches)
    #[arg(long = "category", value_parser = vocab::<Category>(), value_delimiter = ',', help_heading = "Filters")]
    pub categories: Vec<Category>,
    /// Partner country, ISO alpha-2 (comma-separated or repeated: any of them matches)
    #[arg(long = "country", value_parser = CountryParser, hide_possible_values = true, value_delimiter = ',', help_heading = "Filters")]
    pub countries: Vec<String>,
    /// Agreement kind (comma-separated or repeated: any of them matches)
    #[arg(long = "kind", value_parser = vocab::<Kind>(), value_delimiter = ',', help_heading = "Filters")]
    pub kinds: Vec<Kind>,
    /// Status at --as-of (comma-separated or repeated: any of them matches)
    #[arg(long = "status", value_parser = vocab::<Status>(), value_delimiter = ',', help_heading = "Filters")]
    pub statuses: Vec<Status>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Entity {
    Partners,
    Agreements,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list
    #[arg(value_enum)]
    pub entity: Option<Entity>,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An agreement's ref or id, or a partner's key, name or alias
    #[arg(add = ArgValueCompleter::new(record_names))]
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
    #[arg(add = ArgValueCompleter::new(partner_keys))]
    pub partner: String,
    /// The new display name
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// The new key
    #[arg(long, value_parser = key)]
    pub key: Option<String>,
    /// The new category
    #[arg(long, value_parser = vocab::<Category>())]
    pub category: Option<Category>,
    /// ISO alpha-2 code; '' clears it
    #[arg(long, value_parser = CountryParser, hide_possible_values = true)]
    pub country: Option<String>,
    /// Replace all aliases (repeatable)
    #[arg(long = "alias", value_parser = text, allow_hyphen_values = true)]
    pub aliases: Vec<String>,
    /// Add an alias (repeatable)
    #[arg(long = "add-alias", value_parser = text, allow_hyphen_values = true)]
    pub add_aliases: Vec<String>,
    /// Remove an alias (repeatable)
    #[arg(long = "remove-alias", value_parser = text, allow_hyphen_values = true)]
    pub remove_aliases: Vec<String>,
    /// The web site; '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub website: Option<String>,
    /// The note; '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditAgreementArgs {
    /// The agreement, by ref or id
    #[arg(add = ArgValueCompleter::new(agreement_refs))]
    pub agreement: String,
    /// The new reference
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// The new kind
    #[arg(long, value_parser = vocab::<Kind>())]
    pub kind: Option<Kind>,
    /// The new title
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// Replace the parties (comma-separated or repeated; quote or \, a comma inside a name)
    #[arg(long = "partner", value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub partners: Vec<String>,
    /// Add parties (comma-separated or repeated)
    #[arg(long = "add-partner", value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub add_partners: Vec<String>,
    /// Remove parties (comma-separated or repeated)
    #[arg(long = "remove-partner", value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub remove_partners: Vec<String>,
    /// The signing date
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub signed: Option<Date>,
    /// The date it takes effect
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub effective: Option<Date>,
    /// The last day in force
    #[arg(long, value_parser = date, value_name = "DATE", conflicts_with = "term")]
    pub expires: Option<Date>,
    /// Length from the effective date, e.g. 3y
    #[arg(long, value_parser = term, value_name = "TERM")]
    pub term: Option<Term>,
    /// Renewal notice period, e.g. 90d
    #[arg(long, value_parser = term, value_name = "TERM")]
    pub notice: Option<Term>,
    /// Replace the SDGs (comma-separated or repeated)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',')]
    pub sdgs: Vec<u8>,
    /// Add SDGs (comma-separated or repeated)
    #[arg(long = "add-sdg", value_parser = sdg, value_delimiter = ',')]
    pub add_sdgs: Vec<u8>,
    /// Remove SDGs (comma-separated or repeated)
    #[arg(long = "remove-sdg", value_parser = sdg, value_delimiter = ',')]
    pub remove_sdgs: Vec<u8>,
    /// Replace the tags (comma-separated or repeated; quote or \, a comma inside a tag)
    #[arg(long = "tag", value_parser = text)]
    pub tags: Vec<String>,
    /// Add tags (comma-separated or repeated)
    #[arg(long = "add-tag", value_parser = text)]
    pub add_tags: Vec<String>,
    /// Remove tags (comma-separated or repeated)
    #[arg(long = "remove-tag", value_parser = text)]
    pub remove_tags: Vec<String>,
    /// The note; '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Path or URL of the signed copy; '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub document: Option<String>,
    /// The ref this agreement renews; '' clears it
    #[arg(long, value_parser = text, allow_hyphen_values = true, add = ArgValueCompleter::new(agreement_refs))]
    pub renews: Option<String>,
    /// Clear an optional field (repeatable)
    #[arg(long = "clear", value_name = "FIELD", value_parser = ["signed", "expires", "notice", "terminated"])]
    pub clear: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// The agreement to renew, by ref or id
    #[arg(add = ArgValueCompleter::new(agreement_refs))]
    pub agreement: String,
    /// Last day of the renewal
    #[arg(long, value_parser = date, required_unless_present = "term", conflicts_with = "term")]
    pub expires: Option<Date>,
    /// Length of the renewal from its effective date, e.g. 3y
    #[arg(long, value_parser = term, value_name = "TERM")]
    pub term: Option<Term>,
    /// Signing date of the renewal [default: today]
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub signed: Option<Date>,
    /// Reference of the renewal [default: KIND-YEAR-SEQ]
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct TerminateArgs {
    /// The agreement, by ref or id
    #[arg(add = ArgValueCompleter::new(agreement_refs))]
    pub agreement: String,
    /// The day it ends
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub on: Date,
    /// Why it ends
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
    /// The partner, by key, id, name or alias
    #[arg(add = ArgValueCompleter::new(partner_keys))]
    pub partner: String,
    /// Also remove the agreements it is the only party to, and leave the others' parties without it
    #[arg(long)]
    pub cascade: bool,
}

#[derive(Debug, Args)]
pub struct RemoveAgreementArgs {
    /// The agreement, by ref or id
    #[arg(add = ArgValueCompleter::new(agreement_refs))]
    pub agreement: String,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// e.g. 'category:religious,academic status:active -country:AT expires<2027-01-01'; commas
    /// separate values (any matches); a value holding a comma is quoted, partner:"Foo, Inc"
    #[arg(allow_hyphen_values = true)]
    pub expression: String,
    /// List the partners matching instead of the agreements
    #[arg(long)]
    pub partners: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export
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
    /// What the file holds
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
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub which: Option<ReportCommand>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// The language of the milestone sentence [default: both]
    #[arg(long, value_enum)]
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
    /// Check the hash chain; exit 1 naming the first broken row
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where the copy goes
    pub file: PathBuf,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: source its output, e.g. `source <(mou completions bash)`
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write mou.1 and one page per command (mou-add.1, mou-add-partner.1, ...) into DIR
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

// ---------------------------------------------------------------------------------------
// Options that stand before or after the command, taken only where they do something.

/// Each option that may stand on an outer command and the commands that take it (a path such
/// as `add agreement`; `*` takes every command below). Given to any other command, it is
/// refused rather than ignored.
const TAKEN_BY: &[(&str, &[&str])] = &[
    (
        "db",
        &[
            "init",
            "add*",
            "list",
            "show",
            "edit*",
            "renew",
            "terminate",
            "remove*",
            "query",
            "export",
            "import",
            "report*",
            "due",
            "history",
            "backup",
            "check",
        ],
    ),
    (
        "format",
        &[
            "demo", "list", "show", "query", "export", "report*", "due", "history", "check",
        ],
    ),
    (
        "as_of",
        &[
            "demo",
            "add agreement",
            "add mou",
            "list",
            "show",
            "query",
            "export",
            "report*",
            "due",
        ],
    ),
    (
        "actor",
        &["add*", "edit*", "renew", "terminate", "remove*", "import"],
    ),
    (
        "color",
        &[
            "demo", "list", "show", "query", "report*", "due", "history", "check",
        ],
    ),
    ("lang", &["report", "report summary"]),
];

fn takes(path: &str, id: &str) -> bool {
    TAKEN_BY
        .iter()
        .filter(|(i, _)| *i == id)
        .flat_map(|(_, paths)| paths.iter())
        .any(|p| match p.strip_suffix('*') {
            Some(group) => path == group || path.starts_with(&format!("{group} ")),
            None => path == *p,
        })
}

/// The whole command line: [`Cli`] with each outer option added to the commands that take it,
/// and the completers.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let mut defs: Vec<clap::Arg> = cmd.get_arguments().cloned().collect();
    if let Some(report) = cmd.find_subcommand("report") {
        defs.extend(
            report
                .get_arguments()
                .filter(|a| a.get_id() == "lang")
                .cloned(),
        );
    }
    add_options(cmd, "", &defs)
}

fn add_options(mut cmd: clap::Command, path: &str, defs: &[clap::Arg]) -> clap::Command {
    for def in defs {
        let defined = cmd.get_arguments().any(|a| a.get_id() == def.get_id());
        if !path.is_empty() && !defined && takes(path, def.get_id().as_str()) {
            cmd = cmd.arg(def.clone().help_heading("Global options"));
        }
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}").trim().to_string();
        cmd = cmd.mut_subcommand(&name, |s| add_options(s, &sub_path, defs));
    }
    cmd
}

/// Parses the command line: the outer options are taken from wherever they stand (the
/// innermost wins), refused where they do nothing, and list flags split by the comma rule.
pub fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = command();
    let m = cmd.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd))?;
    let chain = chain(&m);
    refuse_unused(&chain).map_err(|e| e.with_cmd(&cmd))?;
    let levels: Vec<&ArgMatches> = chain.iter().map(|(_, m)| *m).collect();
    cli.global.db = innermost(&levels, "db");
    cli.global.format = innermost(&levels, "format");
    cli.global.as_of = innermost(&levels, "as_of");
    cli.global.actor = innermost(&levels, "actor");
    cli.global.color = innermost(&levels, "color");
    if let Command::Report(r) = &mut cli.command {
        r.lang = innermost(&levels, "lang");
    }
    cli.command
        .split_lists()
        .map_err(|m| clap::Error::raw(ErrorKind::ValueValidation, m).with_cmd(&cmd))?;
    Ok(cli)
}

/// The matches of each command on the line with its path: `("", mou)`, `("add", ..)`,
/// `("add partner", ..)`.
fn chain(m: &ArgMatches) -> Vec<(String, &ArgMatches)> {
    let mut out = vec![(String::new(), m)];
    let mut cur = m;
    while let Some((name, sub)) = cur.subcommand() {
        let path = format!("{} {name}", out.last().map_or("", |(p, _)| p.as_str()));
        out.push((path.trim().to_string(), sub));
        cur = sub;
    }
    out
}

fn innermost<T: Clone + Send + Sync + 'static>(levels: &[&ArgMatches], id: &str) -> Option<T> {
    levels
        .iter()
        .rev()
        .find_map(|m| m.try_get_one::<T>(id).ok().flatten().cloned())
}

fn refuse_unused(chain: &[(String, &ArgMatches)]) -> Result<(), clap::Error> {
    let leaf = chain.last().map_or("", |(p, _)| p.as_str());
    for (id, _) in TAKEN_BY {
        let given = chain.iter().any(|(_, m)| {
            m.try_contains_id(id).unwrap_or(false)
                && m.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
        });
        if given && !takes(leaf, id) {
            let flag = format!("--{}", id.replace('_', "-"));
            return Err(clap::Error::raw(
                ErrorKind::ArgumentConflict,
                format!("`mou {leaf}` takes no {flag}: it would do nothing there; leave it out"),
            ));
        }
    }
    Ok(())
}

impl Command {
    /// Applies the comma rule ([`split_values`]) to the free-text list flags; clap splits the
    /// closed vocabularies, whose values hold no commas.
    fn split_lists(&mut self) -> Result<(), String> {
        match self {
            Command::Add(AddCommand::Agreement(a)) => a.agreement.split_lists(),
            Command::Add(AddCommand::Mou(a)) => a.split_lists(),
            Command::Edit(EditCommand::Agreement(a)) => {
                split(&mut a.partners, "--partner")?;
                split(&mut a.add_partners, "--add-partner")?;
                split(&mut a.remove_partners, "--remove-partner")?;
                split_tags(&mut a.tags, "--tag")?;
                split_tags(&mut a.add_tags, "--add-tag")?;
                split_tags(&mut a.remove_tags, "--remove-tag")
            }
            Command::List(a) => a.filters.split_lists(),
            Command::Export(a) => a.filters.split_lists(),
            Command::Due(a) => a.filters.split_lists(),
            Command::Report(r) => {
                r.filters.split_lists()?;
                match &mut r.which {
                    Some(ReportCommand::Summary(s)) => s.filters.split_lists(),
                    Some(ReportCommand::Quarterly(q)) => q.filters.split_lists(),
                    Some(ReportCommand::By(b)) => b.filters.split_lists(),
                    Some(ReportCommand::Count(c)) => c.filters.split_lists(),
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

impl AgreementArgs {
    fn split_lists(&mut self) -> Result<(), String> {
        split(&mut self.partners, "--partner")?;
        split_tags(&mut self.tags, "--tag")
    }
}

impl FilterArgs {
    fn split_lists(&mut self) -> Result<(), String> {
        split(&mut self.partners, "--partner")?;
        split_tags(&mut self.tags, "--tag")
    }
}

fn split(values: &mut Vec<String>, flag: &str) -> Result<(), String> {
    let mut out = Vec::new();
    for v in values.iter() {
        let parts = split_values(v).map_err(|e| format!("invalid {flag} value: {e}"))?;
        if parts.is_empty() {
            return Err(format!(
                "invalid {flag} '{v}': give a value, or leave the flag out"
            ));
        }
        out.extend(parts);
    }
    *values = out;
    Ok(())
}

fn split_tags(values: &mut Vec<String>, flag: &str) -> Result<(), String> {
    split(values, flag)?;
    for t in values.iter_mut() {
        *t = tag(t)?;
    }
    Ok(())
}

/// A clap error in mou's own shape: `mou: message`, then indented `usage:` and `hint:` lines,
/// with no blank lines and no tip to pass a flag as a value (the flag is simply not taken).
/// A flag that other commands take is named with them, instead of clap's nearest spelling.
pub fn render_error(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let elsewhere = taken_elsewhere(e);
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line = line.trim_end();
        if line.contains("as a value, use '--") || line.starts_with("For more information") {
            continue;
        }
        if let Some(hint) = &elsewhere {
            if line.contains("a similar argument exists") {
                continue;
            }
            if let Some(usage) = line.strip_prefix("Usage: ") {
                out.push_str(&format!("  hint: {hint}\n"));
                let path: Vec<&str> = usage
                    .split_whitespace()
                    .take_while(|w| !w.starts_with(['[', '<', '-']))
                    .collect();
                out.push_str(&format!(
                    "  hint: `{} --help` lists its options\n",
                    path.join(" ")
                ));
                continue;
            }
        }
        let line = if let Some(m) = line.strip_prefix("error: ") {
            format!("mou: {m}")
        } else if let Some(u) = line.strip_prefix("Usage: ") {
            format!("  usage: {u}")
        } else if let Some(t) = line.trim_start().strip_prefix("tip: ") {
            format!("  hint: {t}")
        } else {
            format!("  {}", line.trim_start())
        };
        out.push_str(&line);
        out.push('\n');
    }
    if !out.starts_with("mou: ") {
        out.insert_str(0, "mou: ");
    }
    out
}

/// For an unknown flag that other commands take: which ones (`--kind is taken by mou add
/// agreement, mou edit agreement, ...`).
fn taken_elsewhere(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = arg.strip_prefix("--")?.split('=').next()?;
    let mut paths = Vec::new();
    walk_paths(&command(), "mou", &mut |path, cmd| {
        if cmd.get_arguments().any(|a| a.get_long() == Some(long)) {
            paths.push(path.to_string());
        }
    });
    if paths.is_empty() {
        return None;
    }
    let shown = paths.len().min(6);
    let more = if paths.len() > shown { ", ..." } else { "" };
    Some(format!(
        "--{long} is taken by {}{more}",
        paths[..shown].join(", ")
    ))
}

fn walk_paths(cmd: &clap::Command, path: &str, f: &mut dyn FnMut(&str, &clap::Command)) {
    f(path, cmd);
    for sub in cmd.get_subcommands() {
        walk_paths(sub, &format!("{path} {}", sub.get_name()), f);
    }
}
