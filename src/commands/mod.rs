//! One module per command. The dispatcher resolves the global options once into a [`Ctx`],
//! and each command opens the registry through it.

pub(crate) mod add;
mod backup;
mod check;
mod copy;
mod demo;
pub(crate) mod due;
pub mod edit;
mod export;
mod forget;
mod history;
pub mod import;
mod init;
pub(crate) mod lifecycle;
mod list;
mod output_file;
mod page;
mod remove;
pub(crate) mod report;
pub(crate) mod rows;
mod serve;
pub mod shell;
pub(crate) mod show;
pub(crate) mod summary;

use std::fmt;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::cli::{Cli, Command, EngagementFilterArgs, FilterArgs};
use crate::dates::Date;
use crate::environment::{default_db_path, Environment};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::query::{check_values, Cond, Filter};
use crate::registry::Registry;
use crate::store::{self, Access, Backend, Location, Options};
pub use output_file::OutputFile;

/// What every command needs from the global options and the environment, read once.
#[derive(Clone)]
pub struct Ctx {
    /// Where the registry is.
    pub db: Location,
    /// Whether `--db` or `MOU_DB` named the registry: a read of a missing one is then an
    /// error rather than an empty registry.
    pub db_named: bool,
    pub format: Option<Format>,
    pub as_of: Date,
    pub today: Date,
    pub actor: String,
    /// What the store takes from the environment.
    pub store: Options,
    /// Data rows per sheet of a workbook (`MOU_XLSX_SHEET_ROWS`, else Excel's limit).
    pub xlsx_sheet_rows: u32,
}

impl Ctx {
    pub fn from_cli(cli: &Cli) -> Result<Ctx> {
        let env = Environment::read()?;
        crate::output::set_look(crate::output::Look::for_stdout(
            env.columns,
            cli.global.color.unwrap_or_default(),
            env.no_color,
        ));
        let today = env
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let named = cli.global.db.clone().or(env.db.clone());
        let db_named = named.is_some();
        let db = match named {
            Some(p) => p,
            None => default_db_path(&env)?,
        };
        let actor = cli
            .global
            .actor
            .clone()
            .or(env.user)
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "unknown".into());
        Ok(Ctx {
            db: Location::from_arg(db, &env.pg)?,
            db_named,
            format: cli.global.format,
            as_of: cli.global.as_of.unwrap_or(today),
            today,
            actor,
            store: env.store,
            xlsx_sheet_rows: env
                .xlsx_sheet_rows
                .unwrap_or(crate::output::xlsx::MAX_SHEET_ROWS),
        })
    }

    /// Opens the registry. A read of a registry that does not exist reads an empty one when
    /// it is the default location, and is an error when `--db` or `MOU_DB` named it.
    pub fn open(&self, access: Access) -> Result<Box<dyn Backend>> {
        if access == Access::Read && !self.db.exists() {
            if self.db_named {
                return Err(Error::registry(format!(
                    "no registry at {}; `mou init` creates one",
                    self.db
                ))
                .with_hint("check the path given by --db or MOU_DB"));
            }
            // A note only: a stderr that cannot take it does not stop the read.
            let _ = say(format_args!(
                "note: no registry at {} yet; it is created on first write",
                self.db
            ));
        }
        store::open(&self.db, access, &self.store)
    }

    /// The registry's operations over `store` (inside one of its transactions), made by
    /// this command's actor at the context's clock.
    pub fn registry<'a>(&'a self, store: &'a dyn Backend) -> Registry<'a> {
        Registry::new(store, &self.actor, self.store.now.as_deref())
    }

    /// The time of a change: the clock, or the stand-in read at start (`MOU_NOW`).
    pub fn now(&self) -> String {
        crate::registry::now_utc(self.store.now.as_deref())
    }

    /// A file this command may write: never the registry or one of its companion files; the
    /// leftovers of killed runs that wrote it are removed.
    pub fn output_file(&self, path: &Path) -> Result<OutputFile> {
        OutputFile::new(path, &self.db.files())
    }

    pub fn format(&self) -> Format {
        self.format.unwrap_or(Format::Table)
    }

    /// The filter flags as a [`Filter`] over agreements (and partners) at the as-of date,
    /// partner names resolved.
    pub fn filter(&self, store: &dyn Backend, f: &FilterArgs) -> Result<Filter> {
        let mut filter = self.shared_filter(store, f)?;
        let kinds = words_of::<crate::model::Kind>(&f.kinds, "agreements", "an engagement kind")?;
        if !kinds.is_empty() {
            filter.push(Cond::Kind(kinds));
        }
        let statuses =
            words_of::<crate::model::Status>(&f.statuses, "agreements", "an engagement status")?;
        if !statuses.is_empty() {
            filter.push(Cond::Status(statuses));
        }
        if let Some(p) = f.signed_in {
            filter.push(Cond::In(crate::query::DateField::Signed, p));
        }
        if let Some(p) = f.expires_in {
            filter.push(Cond::In(crate::query::DateField::Expires, p));
        }
        if let Some(d) = f.active_on {
            filter.push(Cond::ActiveOn(d));
        }
        Ok(filter)
    }

    /// The filter flags as a [`Filter`] over engagements: `--country` is where it was held,
    /// `--category` that of any partner; the agreement flags are refused, naming the
    /// engagement ones.
    pub fn engagement_filter(
        &self,
        store: &dyn Backend,
        f: &FilterArgs,
        e: &EngagementFilterArgs,
    ) -> Result<Filter> {
        for (flag, given) in [
            ("--signed-in", f.signed_in.is_some()),
            ("--expires-in", f.expires_in.is_some()),
            ("--active-on", f.active_on.is_some()),
        ] {
            if given {
                return Err(Error::input(format!(
                    "{flag} is about agreements; it does not apply to engagements"
                ))
                .with_hint("engagements take --held-in PERIOD (the days overlap it), and --partner, --category, --country, --kind, --status, --sdg, --tag, --agreement, --search"));
            }
        }
        let mut filter = self.shared_filter(store, f)?;
        let kinds =
            words_of::<crate::model::EngagementKind>(&f.kinds, "engagements", "an agreement kind")?;
        if !kinds.is_empty() {
            filter.push(Cond::EngagementKind(kinds));
        }
        let statuses = words_of::<crate::model::EngagementStatus>(
            &f.statuses,
            "engagements",
            "an agreement status",
        )?;
        if !statuses.is_empty() {
            filter.push(Cond::EngagementStatus(statuses));
        }
        if let Some(p) = e.held_in {
            filter.push(Cond::HeldIn(p));
        }
        check_values("--agreement", e.agreements.len())?;
        if !e.agreements.is_empty() {
            let ids = e
                .agreements
                .iter()
                .map(|r| store.find_agreement(r, self.as_of).map(|(a, _)| a.id))
                .collect::<Result<Vec<_>>>()?;
            filter.push(Cond::Agreement(ids));
        }
        Ok(filter)
    }

    /// The filters agreements and engagements read alike: category, country, SDG, tag,
    /// partner and search.
    fn shared_filter(&self, store: &dyn Backend, f: &FilterArgs) -> Result<Filter> {
        let mut filter = Filter::new(self.as_of);
        for (flag, n) in [
            ("--category", f.categories.len()),
            ("--country", f.countries.len()),
            ("--kind", f.kinds.len()),
            ("--status", f.statuses.len()),
            ("--sdg", f.sdgs.len()),
            ("--tag", f.tags.len()),
            ("--partner", f.partners.len()),
        ] {
            check_values(flag, n)?;
        }
        if !f.categories.is_empty() {
            filter.push(Cond::Category(f.categories.clone()));
        }
        let countries: Vec<String> = f
            .countries
            .iter()
            .filter(|c| !c.is_empty())
            .cloned()
            .collect();
        if !countries.is_empty() {
            filter.push(Cond::Country(countries));
        }
        if !f.sdgs.is_empty() {
            filter.push(Cond::Sdg(f.sdgs.clone()));
        }
        if !f.tags.is_empty() {
            filter.push(Cond::Tag(f.tags.clone()));
        }
        if !f.partners.is_empty() {
            let ids = f
                .partners
                .iter()
                .map(|p| store.find_partner(p).map(|p| p.id))
                .collect::<Result<Vec<_>>>()?;
            filter.push(Cond::Partner(ids));
        }
        if let Some(s) = &f.search {
            let norm = crate::text::normalize(s);
            if !norm.is_empty() {
                filter.push(Cond::Text(norm));
            }
        }
        Ok(filter)
    }
}

/// The words of `--kind` or `--status` (either vocabulary, as parsed) read as the
/// vocabulary of `records`; a word of the other one (`other_word`) is exit 2 naming it.
fn words_of<T: std::str::FromStr<Err = String>>(
    words: &[String],
    records: &str,
    other_word: &str,
) -> Result<Vec<T>> {
    words
        .iter()
        .map(|w| {
            w.parse::<T>().map_err(|m| {
                Error::input(format!("{m} (for {records})")).with_hint(format!(
                    "'{w}' is {other_word}; give one of the values above"
                ))
            })
        })
        .collect()
}

/// Refuses the engagement-only filters (`--held-in`, `--agreement`) for other records.
pub fn refuse_engagement_filters(e: &EngagementFilterArgs, records: &str) -> Result<()> {
    for (flag, given) in [
        ("--held-in", e.held_in.is_some()),
        ("--agreement", !e.agreements.is_empty()),
    ] {
        if given {
            return Err(Error::input(format!(
                "{flag} filters engagements; it does not apply to {records}"
            ))
            .with_hint("leave it out, or list engagements"));
        }
    }
    Ok(())
}

/// The shared engagement flags as the registry's values.
pub fn engagement_values(f: &crate::cli::EngagementFields) -> crate::registry::EngagementValues {
    crate::registry::EngagementValues {
        until: f.until,
        place: f.place.clone(),
        country: f.country.clone(),
        agreement: f.agreement.clone(),
        part_of: f.part_of.clone(),
        sdgs: f.sdgs.clone(),
        tags: f.tags.clone(),
        participants: f.participants,
        outcome: f.outcome.clone(),
        note: f.note.clone(),
        document: f.document.clone(),
    }
}

/// Puts the contact fields given on the command line into `c` (those not given stay), each
/// checked: name, email, phone and languages by their rules, the rest as free text.
pub fn apply_contact_fields(
    f: &crate::cli::ContactFields,
    c: &mut crate::model::Contact,
) -> Result<()> {
    use crate::validate;
    if let Some(r) = &f.role {
        c.role = validate::free_text("role", r)?;
    }
    if let Some(e) = &f.email {
        c.email = validate::email(e)?;
    }
    if let Some(p) = &f.phone {
        c.phone = validate::phone(p)?;
    }
    if !f.languages.is_empty() {
        c.languages = validate::languages(&f.languages)?;
    }
    if f.primary {
        c.primary = true;
    }
    if f.since.is_some() {
        c.since = f.since;
    }
    if f.until.is_some() {
        c.until = f.until;
    }
    if let Some(n) = &f.note {
        c.notes = validate::free_text("note", n)?;
    }
    Ok(())
}

/// Says on stderr that each of `demoted` is no longer its partner's primary contact.
pub fn say_demoted(demoted: &[crate::model::Contact], now_primary: i64) -> Result<()> {
    for d in demoted {
        say(format_args!(
            "contact {} ({}) is no longer the primary contact of {}: contact {now_primary} is",
            d.id,
            crate::text::escaped(&d.name),
            d.partner
        ))?;
    }
    Ok(())
}

/// The contact filter of `list contacts` and `export contacts`: `--partner` and `--search`;
/// every other filter is refused, naming the ones that apply.
pub fn contact_filter(
    ctx: &Ctx,
    store: &dyn Backend,
    f: &FilterArgs,
    former: bool,
) -> Result<crate::query::ContactFilter> {
    for (flag, given) in [
        ("--category", !f.categories.is_empty()),
        ("--country", !f.countries.is_empty()),
        ("--kind", !f.kinds.is_empty()),
        ("--status", !f.statuses.is_empty()),
        ("--sdg", !f.sdgs.is_empty()),
        ("--tag", !f.tags.is_empty()),
        ("--signed-in", f.signed_in.is_some()),
        ("--expires-in", f.expires_in.is_some()),
        ("--active-on", f.active_on.is_some()),
    ] {
        if given {
            return Err(Error::input(format!(
                "{flag} does not apply to contacts; nothing was listed"
            ))
            .with_hint("contacts take --partner, --search and --all (former ones too)"));
        }
    }
    check_values("--partner", f.partners.len())?;
    let partners = f
        .partners
        .iter()
        .map(|p| store.find_partner(p).map(|p| p.id))
        .collect::<Result<Vec<_>>>()?;
    let text = f
        .search
        .as_deref()
        .map(crate::text::normalize)
        .filter(|t| !t.is_empty());
    Ok(crate::query::ContactFilter {
        as_of: ctx.as_of,
        partners,
        text,
        former,
        sort: Vec::new(),
        limit: None,
    })
}

/// Prints what a write command says once its change is committed (`print` writes it). A
/// failure is exit 4, whose message names `what` was recorded; it is reported here, never by a
/// panic, since stderr may be the stream that failed (and then nobody hears it).
pub fn after_commit(what: &str, print: impl FnOnce() -> Result<()>) -> Result<()> {
    print().map_err(|e| {
        let e = e.after_commit(what);
        if e.kind != crate::error::Kind::Recorded {
            return e;
        }
        let _ = writeln!(std::io::stderr(), "mou: {e}");
        Error {
            message: String::new(),
            ..e
        }
    })
}

/// One line for people on stderr; a failure to write it is returned (`eprintln!` panics).
pub fn say(line: impl fmt::Display) -> Result<()> {
    writeln!(std::io::stderr(), "{line}")?;
    Ok(())
}

/// Buffered, locked stdout: data only.
pub fn stdout() -> BufWriter<std::io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

/// Where a command's data goes: stdout, or a file written whole or not at all.
pub enum Sink {
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
    File(BufWriter<output_file::Partial>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(w) => w.flush(),
        }
    }
}

impl Sink {
    /// Stdout, or a file made by [`Ctx::output_file`] (so checked, like every file mou writes).
    pub fn open(file: Option<OutputFile>) -> Result<Sink> {
        Ok(match file {
            None => Sink::Stdout(stdout()),
            Some(f) => {
                // A file is not the terminal: plain columns, no colour, nothing wrapped.
                crate::output::set_look(crate::output::Look::PLAIN);
                Sink::File(BufWriter::with_capacity(
                    1 << 16,
                    output_file::Partial::create(f)?,
                ))
            }
        })
    }

    /// Makes a file output appear under its name; stdout is flushed.
    pub fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush()?,
            Sink::File(w) => w
                .into_inner()
                .map_err(|e| Error::from(e.into_error()))?
                .persist()?,
        }
        Ok(())
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx::from_cli(&cli)?;
    let fresh = !ctx.db.exists();
    let dry_run = matches!(&cli.command, Command::Import(a) if a.dry_run);
    let result = dispatch(&ctx, cli.command);
    // Exit 4 (recorded, output failed) keeps it: an `init` whose sentence could not be
    // written made an empty registry on purpose.
    if fresh
        && (result.is_err() || dry_run)
        && !matches!(result, Err(ref e) if e.kind == crate::error::Kind::Recorded)
    {
        crate::store::remove_if_unused(&ctx.db, &ctx.store);
    }
    result
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init => init::run(ctx),
        Command::Demo(a) => demo::run(ctx, &a),
        Command::Add(a) => add::run(ctx, a),
        Command::List(a) => list::run(ctx, &a),
        Command::Show(a) => show::run(ctx, &a),
        Command::Edit(a) => edit::run(ctx, a),
        Command::Renew(a) => lifecycle::renew(ctx, &a),
        Command::Terminate(a) => lifecycle::terminate(ctx, &a),
        Command::Remove(a) => remove::run(ctx, &a),
        Command::Forget(a) => forget::run(ctx, &a),
        Command::Query(a) => list::query(ctx, &a),
        Command::Export(a) => export::run(ctx, &a),
        Command::Import(a) => import::run(ctx, &a),
        Command::Report(a) => report::run(ctx, a),
        Command::Due(a) => due::run(ctx, &a),
        Command::History(a) => history::run(ctx, &a),
        Command::Backup(a) => backup::run(ctx, &a),
        Command::Copy(a) => copy::run(ctx, &a),
        Command::Check => check::run(ctx),
        Command::Completions(a) => shell::completions(&a),
        Command::Man(a) => shell::man(&a),
        Command::Serve(a) => serve::run(ctx, &a),
    }
}
