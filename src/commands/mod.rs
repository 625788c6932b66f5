//! One module per command. The dispatcher resolves the global options once into a [`Ctx`],
//! and each command opens the registry through it.

mod add;
mod backup;
mod check;
mod demo;
mod due;
mod edit;
mod export;
mod history;
pub mod import;
mod init;
mod lifecycle;
mod list;
mod remove;
mod report;
mod shell;
mod show;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, FilterArgs};
use crate::dates::{today, Date};
use crate::db::{Access, Store};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::query::{Cond, Filter};

/// The longest text a field may hold (names, notes, titles): 1 MiB.
pub const MAX_TEXT: usize = 1 << 20;

/// What every command needs from the global options.
pub struct Ctx {
    pub db: PathBuf,
    pub format: Option<Format>,
    pub as_of: Date,
    pub today: Date,
    pub actor: String,
}

impl Ctx {
    pub fn from_cli(cli: &Cli) -> Result<Ctx> {
        let today = today().map_err(Error::input)?;
        let db = match &cli.global.db {
            Some(p) => p.clone(),
            None => default_db_path()?,
        };
        let actor = cli
            .global
            .actor
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "unknown".into());
        Ok(Ctx {
            db,
            format: cli.global.format,
            as_of: cli.global.as_of.unwrap_or(today),
            today,
            actor,
        })
    }

    pub fn open(&self, access: Access) -> Result<Store> {
        let store = Store::open(&self.db, access)?;
        if access == Access::Read && store.path().is_none() {
            eprintln!(
                "note: no registry at {} yet; it is created on first write",
                self.db.display()
            );
        }
        Ok(store)
    }

    pub fn format(&self) -> Format {
        self.format.unwrap_or(Format::Table)
    }

    /// The filter flags as a [`Filter`] at the as-of date, partner names resolved.
    pub fn filter(&self, store: &Store, f: &FilterArgs) -> Result<Filter> {
        let mut filter = Filter::new(self.as_of);
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
        if !f.kinds.is_empty() {
            filter.push(Cond::Kind(f.kinds.clone()));
        }
        if !f.statuses.is_empty() {
            filter.push(Cond::Status(f.statuses.clone()));
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
        if let Some(p) = f.signed_in {
            filter.push(Cond::In(crate::query::DateField::Signed, p));
        }
        if let Some(p) = f.expires_in {
            filter.push(Cond::In(crate::query::DateField::Expires, p));
        }
        if let Some(d) = f.active_on {
            filter.push(Cond::ActiveOn(d));
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

/// `$MOU_DB`, else `$XDG_DATA_HOME/mou/registry.db`, else `~/.local/share/mou/registry.db`.
pub fn default_db_path() -> Result<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = var("MOU_DB") {
        return Ok(PathBuf::from(p));
    }
    if let Some(d) = var("XDG_DATA_HOME") {
        return Ok(Path::new(&d).join("mou").join("registry.db"));
    }
    if let Some(h) = var("HOME") {
        return Ok(Path::new(&h).join(".local/share/mou/registry.db"));
    }
    Err(Error::input(
        "no registry path: give --db PATH or set MOU_DB",
    ))
}

/// Buffered, locked stdout: data only.
pub fn stdout() -> BufWriter<std::io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

/// Where a command's data goes: stdout, or a file written whole or not at all.
pub enum Sink {
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
    File(BufWriter<tempfile_lite::Partial>),
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
    pub fn open(path: Option<&Path>) -> Result<Sink> {
        Ok(match path {
            None => Sink::Stdout(stdout()),
            Some(p) => Sink::File(BufWriter::with_capacity(
                1 << 16,
                tempfile_lite::Partial::create(p)?,
            )),
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

/// A file written beside its destination and renamed into place when complete, so a
/// failed export never leaves half a file under the real name.
mod tempfile_lite {
    use std::fs::File;
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use crate::error::{Error, Result};

    pub struct Partial {
        file: File,
        tmp: PathBuf,
        dest: PathBuf,
    }

    impl Partial {
        pub fn create(dest: &Path) -> Result<Partial> {
            let name = dest.file_name().ok_or_else(|| {
                Error::input(format!(
                    "invalid output '{}': not a file name",
                    dest.display()
                ))
            })?;
            let mut tmp_name = std::ffi::OsString::from(".");
            tmp_name.push(name);
            tmp_name.push(format!(".{}.partial", std::process::id()));
            let tmp = dest.with_file_name(tmp_name);
            let file = File::create(&tmp).map_err(|e| {
                Error::input(format!("cannot write output '{}': {e}", dest.display()))
            })?;
            Ok(Partial {
                file,
                tmp,
                dest: dest.to_path_buf(),
            })
        }

        /// No fsync: an export can be made again from the registry, and syncing 200 MB
        /// doubled the time of a million-row export; the rename still keeps half files away.
        pub fn persist(mut self) -> Result<()> {
            self.file.flush()?;
            std::fs::rename(&self.tmp, &self.dest).map_err(|e| {
                Error::input(format!(
                    "cannot write output '{}': {e}",
                    self.dest.display()
                ))
            })?;
            self.tmp = PathBuf::new();
            Ok(())
        }
    }

    impl Write for Partial {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.file.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.file.flush()
        }
    }

    impl Drop for Partial {
        fn drop(&mut self) {
            if !self.tmp.as_os_str().is_empty() {
                let _ = std::fs::remove_file(&self.tmp);
            }
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx::from_cli(&cli)?;
    match cli.command {
        Command::Init => init::run(&ctx),
        Command::Demo(a) => demo::run(&ctx, &a),
        Command::Add(a) => add::run(&ctx, a),
        Command::List(a) => list::run(&ctx, &a),
        Command::Show(a) => show::run(&ctx, &a),
        Command::Edit(a) => edit::run(&ctx, a),
        Command::Renew(a) => lifecycle::renew(&ctx, &a),
        Command::Terminate(a) => lifecycle::terminate(&ctx, &a),
        Command::Remove(a) => remove::run(&ctx, &a),
        Command::Query(a) => list::query(&ctx, &a),
        Command::Export(a) => export::run(&ctx, &a),
        Command::Import(a) => import::run(&ctx, &a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Due(a) => due::run(&ctx, &a),
        Command::History(a) => history::run(&ctx, &a),
        Command::Backup(a) => backup::run(&ctx, &a),
        Command::Check => check::run(&ctx),
        Command::Completions(a) => shell::completions(&a),
        Command::Man => shell::man(),
    }
}
