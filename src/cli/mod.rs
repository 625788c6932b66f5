//! The command line: global options and every command's arguments. Parsing only validates
//! (dates, periods, terms, SDG numbers, countries, vocabularies); commands build the rest.

mod comma;
mod errors;
mod list;
mod records;
mod report;
mod tools;
mod transfer;
mod values;

use clap::error::ErrorKind;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

use crate::dates::Date;
use crate::output::{
    check_format, Format, AGREEMENT_EXPORT_FORMATS, EXPORT_FORMATS, PAGE_FORMATS, REPORT_FORMATS,
    TEXT_FORMATS,
};

pub use errors::render_error;
pub use list::*;
pub use records::*;
pub use report::*;
pub use tools::*;
pub use transfer::*;
pub use values::{CountryParser, Vocab};

use values::date;

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
    /// Record a partner, an agreement, a contact or an engagement
    #[command(subcommand)]
    Add(AddCommand),
    /// List partners, agreements, contacts or engagements
    List(ListArgs),
    /// One record in full: a partner with its agreements and engagements, an agreement with its parties and renewal chain, an engagement with its partners and series
    Show(ShowArgs),
    /// Change fields of a partner, an agreement, a contact or an engagement
    #[command(subcommand)]
    Edit(EditCommand),
    /// Record a new agreement that renews an existing one
    Renew(RenewArgs),
    /// End an agreement early
    Terminate(TerminateArgs),
    /// Remove a partner, an agreement, a contact or an engagement (history keeps it)
    #[command(subcommand)]
    Remove(RemoveCommand),
    /// Erase a contact's personal data everywhere, history included
    #[command(subcommand)]
    Forget(ForgetCommand),
    /// Agreements (or partners, or engagements) matching a query expression
    Query(QueryArgs),
    /// Write partners, agreements, contacts or engagements as CSV (or --format json|jsonl|xlsx|ics; `all`: one workbook)
    Export(ExportArgs),
    /// Bring partners, agreements, contacts or engagements in from a CSV file
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
    /// Serve the registry to a browser: dashboard, lists, records, downloads (and forms with --allow-edit)
    Serve(ServeArgs),
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
            "forget*",
            "query",
            "export",
            "import",
            "report*",
            "due",
            "history",
            "backup",
            "check",
            "serve",
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
        &[
            "add*",
            "edit*",
            "renew",
            "terminate",
            "remove*",
            "forget*",
            "import",
            "serve",
        ],
    ),
    (
        "color",
        &[
            "demo", "list", "show", "query", "report*", "due", "history", "check",
        ],
    ),
    (
        "lang",
        &[
            "report",
            "report summary",
            "report quarterly",
            "report dormant",
            "report page",
        ],
    ),
];

/// The formats each command that takes `--format` can write (paths as in [`TAKEN_BY`]); a
/// command not named here writes [`TEXT_FORMATS`]. `--format` with another is refused when
/// the line is parsed, naming the ones the command can write.
/// `export agreements` is named with its positional argument (see [`formats_path`]).
const WRITES: &[(&str, &[Format])] = &[
    ("export agreements", AGREEMENT_EXPORT_FORMATS),
    ("export engagements", AGREEMENT_EXPORT_FORMATS),
    ("export", EXPORT_FORMATS),
    ("report", REPORT_FORMATS),
    ("report summary", REPORT_FORMATS),
    ("report quarterly", REPORT_FORMATS),
    ("report dormant", REPORT_FORMATS),
    ("report page", PAGE_FORMATS),
];

/// The path [`WRITES`] names a command by: its subcommands, and for `export` what it exports
/// (agreements also write a calendar).
fn formats_path(leaf: &str, command: &Command) -> String {
    match command {
        Command::Export(a) if a.entity == ExportWhat::One(Entity::Agreements) => {
            "export agreements".to_string()
        }
        Command::Export(a) if a.entity == ExportWhat::One(Entity::Engagements) => {
            "export engagements".to_string()
        }
        _ => leaf.to_string(),
    }
}

/// The formats `mou PATH` can write.
pub fn formats_of(path: &str) -> &'static [Format] {
    WRITES
        .iter()
        .find(|(p, _)| match p.strip_suffix('*') {
            Some(group) => path == group || path.starts_with(&format!("{group} ")),
            None => path == *p,
        })
        .map_or(TEXT_FORMATS, |(_, f)| f)
}

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
    if let Some(format) = cli.global.format {
        let leaf = formats_path(chain.last().map_or("", |(p, _)| p.as_str()), &cli.command);
        check_format(&leaf, formats_of(&leaf), format).map_err(|e| {
            clap::Error::raw(ErrorKind::InvalidValue, format!("{}\n", e.message)).with_cmd(&cmd)
        })?;
    }
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
