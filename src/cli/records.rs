//! Arguments of the commands that change records: add, edit, renew, terminate, remove.

use clap::{Args, Subcommand};
use clap_complete::ArgValueCompleter;

use super::values::*;
use crate::complete::{agreement_refs, engagement_refs, partner_keys};
use crate::dates::{Date, Term};
use crate::model::{Category, EngagementKind, Kind};

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// Record a partner organisation
    Partner(AddPartnerArgs),
    /// Record an agreement (kind agreement unless --kind)
    Agreement(AddAgreementArgs),
    /// Record an MoU (an agreement of kind mou)
    Mou(AgreementArgs),
    /// Record a contact: a focal point at a partner (prints the new id)
    Contact(AddContactArgs),
    /// Record an engagement: a joint event or activity with partners (prints the new ref)
    Engagement(AddEngagementArgs),
}

#[derive(Debug, Args)]
pub struct AddEngagementArgs {
    /// What it is, e.g. "Expert meeting on social media and youth"
    #[arg(value_parser = text, allow_hyphen_values = true)]
    pub title: String,
    /// The first day
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub on: Date,
    /// The partners, co-hosts and participants alike, by key, id, name or alias
    /// (comma-separated or repeated; quote a name holding a comma: '"Foo, Inc"')
    #[arg(long = "partner", required = true, value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub partners: Vec<String>,
    /// Reference [default: ENG-YEAR-SEQ, the year of --on]
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// What kind of joint work it is [default: other]
    #[arg(long, value_parser = vocab::<EngagementKind>())]
    pub kind: Option<EngagementKind>,
    /// Whether it may be named on the public partnerships page
    #[arg(long)]
    pub public: bool,
    #[command(flatten)]
    pub fields: EngagementFields,
}

/// The fields of an engagement that add and edit share.
#[derive(Debug, Args, Default)]
pub struct EngagementFields {
    /// The last day [default: the first day]
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub until: Option<Date>,
    /// Where it was held: "Vienna", "online"
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub place: Option<String>,
    /// The country where it was held, ISO alpha-2, e.g. AT
    #[arg(long, value_parser = CountryParser, hide_possible_values = true)]
    pub country: Option<String>,
    /// The agreement it was held under, by ref
    #[arg(long, value_parser = text, allow_hyphen_values = true, add = ArgValueCompleter::new(agreement_refs))]
    pub agreement: Option<String>,
    /// The engagement (a series) it is part of, by ref
    #[arg(long, value_parser = text, allow_hyphen_values = true, add = ArgValueCompleter::new(engagement_refs))]
    pub part_of: Option<String>,
    /// Sustainable Development Goals 1..17 (comma-separated or repeated)
    #[arg(long = "sdg", value_parser = sdg, value_delimiter = ',')]
    pub sdgs: Vec<u8>,
    /// Free labels (comma-separated or repeated; quote or \, a comma inside one)
    #[arg(long = "tag", value_parser = text)]
    pub tags: Vec<String>,
    /// How many took part: a whole number of 0 or more
    #[arg(long, value_name = "N", value_parser = participants, allow_negative_numbers = true)]
    pub participants: Option<u32>,
    /// What came of it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub outcome: Option<String>,
    /// A free note
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Path or URL of a report, programme or record of it
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub document: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddContactArgs {
    /// The person's name, in any script
    #[arg(value_parser = text, allow_hyphen_values = true)]
    pub name: String,
    /// The partner, by key, id, name or alias
    #[arg(long, value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub partner: String,
    #[command(flatten)]
    pub fields: ContactFields,
}

/// The fields of a contact that add and edit share.
#[derive(Debug, Args, Default)]
pub struct ContactFields {
    /// The person's role or title at the partner
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub role: Option<String>,
    /// Email address (checked), e.g. name@example.org
    #[arg(long, value_parser = text)]
    pub email: Option<String>,
    /// Phone number: digits, spaces and + - ( ) . /, e.g. "+43 1 260 60"
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub phone: Option<String>,
    /// A language the person works in, ISO 639-1 (comma-separated or repeated), e.g. ar,en
    #[arg(long = "lang", value_name = "L", value_parser = text, value_delimiter = ',')]
    pub languages: Vec<String>,
    /// The partner's primary contact (another current primary one is no longer)
    #[arg(long)]
    pub primary: bool,
    /// The first day as the partner's contact
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub since: Option<Date>,
    /// The last day as the partner's contact (after it the contact is a former one)
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub until: Option<Date>,
    /// A free note
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub note: Option<String>,
}

/// A number of participants: a whole number of 0 or more.
fn participants(s: &str) -> Result<u32, String> {
    let t = crate::text::ascii_digits(s.trim());
    t.parse::<u32>().map_err(|_| {
        format!("invalid participants '{s}': expected a whole number of 0 or more, e.g. 40")
    })
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

#[derive(Debug, Subcommand)]
pub enum EditCommand {
    /// Change a partner
    Partner(EditPartnerArgs),
    /// Change an agreement
    Agreement(EditAgreementArgs),
    /// Change a contact
    Contact(EditContactArgs),
    /// Change an engagement
    Engagement(EditEngagementArgs),
}

/// The optional fields of an engagement that `edit engagement --clear` empties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngagementField {
    Place,
    Country,
    Agreement,
    #[value(name = "part_of")]
    PartOf,
    Sdgs,
    Tags,
    Participants,
    Outcome,
    Notes,
    Document,
    Cancelled,
    Public,
}

#[derive(Debug, Args)]
pub struct EditEngagementArgs {
    /// The engagement, by ref or id
    #[arg(add = ArgValueCompleter::new(engagement_refs))]
    pub engagement: String,
    /// The new title
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// The new first day (a one-day engagement's last day moves with it)
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub on: Option<Date>,
    /// The new reference
    #[arg(long = "ref", value_parser = text, allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// The new kind
    #[arg(long, value_parser = vocab::<EngagementKind>())]
    pub kind: Option<EngagementKind>,
    /// Replace the partners (comma-separated or repeated)
    #[arg(long = "partner", value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub partners: Vec<String>,
    /// Add partners (comma-separated or repeated)
    #[arg(long = "add-partner", value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub add_partners: Vec<String>,
    /// Remove partners (comma-separated or repeated)
    #[arg(long = "remove-partner", value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub remove_partners: Vec<String>,
    /// Add SDGs (comma-separated or repeated)
    #[arg(long = "add-sdg", value_parser = sdg, value_delimiter = ',')]
    pub add_sdgs: Vec<u8>,
    /// Remove SDGs (comma-separated or repeated)
    #[arg(long = "remove-sdg", value_parser = sdg, value_delimiter = ',')]
    pub remove_sdgs: Vec<u8>,
    /// Add tags (comma-separated or repeated)
    #[arg(long = "add-tag", value_parser = text)]
    pub add_tags: Vec<String>,
    /// Remove tags (comma-separated or repeated)
    #[arg(long = "remove-tag", value_parser = text)]
    pub remove_tags: Vec<String>,
    /// It was called off (its status is cancelled whatever its dates)
    #[arg(long)]
    pub cancel: bool,
    /// It may be named on the public partnerships page
    #[arg(long)]
    pub public: bool,
    #[command(flatten)]
    pub fields: EngagementFields,
    /// Empty an optional field (repeatable; `cancelled` and `public` make it no longer so)
    #[arg(long = "clear", value_name = "FIELD", value_enum)]
    pub clear: Vec<EngagementField>,
}

/// The optional fields of a contact that `edit contact --clear` empties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ContactField {
    Role,
    Email,
    Phone,
    Languages,
    Primary,
    Since,
    Until,
    Notes,
}

#[derive(Debug, Args)]
pub struct EditContactArgs {
    /// The contact, by id, by email, or as PARTNER:NAME
    pub contact: String,
    /// The new name
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// Move the contact to another partner (by key, id, name or alias)
    #[arg(long, value_parser = text, add = ArgValueCompleter::new(partner_keys))]
    pub partner: Option<String>,
    #[command(flatten)]
    pub fields: ContactFields,
    /// Empty an optional field (repeatable; `primary` makes it no longer the primary contact)
    #[arg(long = "clear", value_name = "FIELD", value_enum)]
    pub clear: Vec<ContactField>,
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
    /// It may be named on the public partnerships page
    #[arg(long)]
    pub public: bool,
    /// Clear a field (`public`: it may no longer be named on the public page)
    #[arg(long = "clear", value_name = "FIELD", value_parser = ["public"])]
    pub clear: Vec<String>,
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
    /// Remove a contact (history keeps it until it is forgotten)
    Contact(ContactArg),
    /// Remove an engagement (history keeps it)
    Engagement(EngagementArg),
}

#[derive(Debug, Args)]
pub struct EngagementArg {
    /// The engagement, by ref or id
    #[arg(add = ArgValueCompleter::new(engagement_refs))]
    pub engagement: String,
}

#[derive(Debug, Args)]
pub struct ContactArg {
    /// The contact, by id, by email, or as PARTNER:NAME
    pub contact: String,
}

#[derive(Debug, Subcommand)]
pub enum ForgetCommand {
    /// Erase a contact's name, email, phone and notes from the registry and from every
    /// history row; history --verify still passes
    Contact(ForgetContactArgs),
}

#[derive(Debug, Args)]
pub struct ForgetContactArgs {
    /// The contact, by id (also a removed one), by email, or as PARTNER:NAME
    pub contact: String,
    /// Why (recorded in history; give no personal data here)
    #[arg(long, value_parser = text, allow_hyphen_values = true)]
    pub reason: String,
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
