//! The store: where the registry's records live. Callers above it (the registry layer, the
//! commands) see typed values, [`Filter`](crate::query::Filter)s and [`StoreKind`]s, never
//! a store's own SQL, codes or tactics. SQLite is the first store ([`sqlite`]); its
//! migrations, bulk import, integrity checks and backup live in its folder.

mod backend;
mod chain;
mod change;
#[cfg(test)]
pub mod conformance;
mod due;
pub mod dump;
mod norms;
pub mod postgres;
mod renewals;
mod rows;
pub mod sqlite;

pub use crate::report::engagements::EngagementRow;
pub use crate::report::{CountBy, ReportRow};
pub use backend::{Backend, EngagementWriter, ImportPlan, ImportWriter};
pub use chain::{HistoryEntry, Verification, ERASED_ROWS};
pub use change::{Action, Change, Entity};
pub use due::scan_due;
pub use dump::{Counts, DumpRow};
pub use postgres::PgLocation;
pub use rows::{PartnerMatch, TextBatch};
pub use sqlite::{APPLICATION_ID, SCHEMA_VERSION};

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::error::StoreKind;

/// What a forgotten contact's name reads as, in every store.
pub const FORGOTTEN_NAME: &str = "(forgotten)";

/// What an engagement points to, as the store keeps it: its partners (ids, in order), the
/// agreement it was held under and the engagement (series) it is part of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngagementLinks {
    pub partner_ids: Vec<i64>,
    pub agreement_id: Option<i64>,
    pub part_of_id: Option<i64>,
}

/// Where the registry is: a file, or a PostgreSQL database named by a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(Box<PgLocation>),
}

impl Location {
    /// `--db` or `MOU_DB` as given: a `postgres://` or `postgresql://` URL names a database
    /// (its password from the URL, `PGPASSWORD` or `~/.pgpass`), anything else a file.
    pub fn from_arg(arg: PathBuf, pg: &PgCredentials) -> crate::error::Result<Location> {
        let Some(url) = arg.to_str().filter(|s| postgres::location::is_url(s)) else {
            return Ok(Location::File(arg));
        };
        Ok(Location::Postgres(Box::new(PgLocation::parse(
            url,
            pg.user.as_deref(),
            pg.password.as_deref(),
            pg.pgpass.as_deref(),
        )?)))
    }

    /// Whether a registry is there already (a store is created on its first write).
    pub fn exists(&self) -> bool {
        match self {
            Location::File(path) => path.exists(),
            // The store says when the database holds no registry (`mou init` makes one).
            Location::Postgres(_) => true,
        }
    }

    /// The files the registry is kept in, each with what it is (the file, and the files
    /// its store keeps beside it): files a command must never write over.
    pub fn files(&self) -> Vec<(PathBuf, &'static str)> {
        match self {
            Location::File(path) => sqlite::COMPANIONS
                .iter()
                .map(|(suffix, what)| {
                    let mut file = path.as_os_str().to_owned();
                    file.push(suffix);
                    (PathBuf::from(file), *what)
                })
                .collect(),
            Location::Postgres(_) => Vec::new(),
        }
    }

    /// The file the registry lives in, for a store kept in one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => write!(f, "{url}"),
        }
    }
}

/// Whether text given for a registry names a PostgreSQL database rather than a file.
pub fn is_url(text: &str) -> bool {
    postgres::location::is_url(text)
}

/// Takes away a registry that this command created and left holding nothing (a dry run, or a
/// write that was refused), so that a mistyped path is not left behind as an empty registry.
/// A registry holding any record or history row is kept, whoever made it.
pub fn remove_if_unused(location: &Location, options: &Options) {
    match location {
        Location::File(_) => {
            let unused = open(location, Access::Read, options)
                .and_then(|s| s.is_unused())
                .unwrap_or(false);
            if unused {
                for (file, _) in location.files() {
                    let _ = std::fs::remove_file(file);
                }
            }
        }
        // Only `mou init` makes a registry in a database, and none is taken away.
        Location::Postgres(_) => {}
    }
}

/// Opens (and for [`Access::Write`] creates and migrates) the registry at `location`, as the
/// store that keeps it. A read of a registry not created yet sees an empty one, written
/// nowhere.
pub fn open(
    location: &Location,
    access: Access,
    options: &Options,
) -> crate::error::Result<Box<dyn Backend>> {
    match location {
        Location::File(path) => Ok(Box::new(sqlite::Store::open(path, access, options)?)),
        Location::Postgres(url) => Ok(Box::new(postgres::Store::open(url, access, options)?)),
    }
}

/// `mou init`: creates the registry at `location`, or upgrades its schema; true when no
/// registry was there before.
pub fn init(location: &Location, options: &Options) -> crate::error::Result<bool> {
    match location {
        Location::File(path) => {
            let existed = path.exists();
            sqlite::Store::open(path, Access::Init, options)?;
            Ok(!existed)
        }
        Location::Postgres(url) => postgres::Store::init(url, options),
    }
}

/// An empty store in memory, for tests of the layers above the store.
#[cfg(test)]
pub fn in_memory() -> Box<dyn Backend> {
    Box::new(sqlite::Store::open_in_memory().expect("an in-memory store opens"))
}

/// How long a command waits for another writer unless `MOU_BUSY_TIMEOUT_MS` says otherwise.
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;

/// What the store takes from the environment, read and checked once by the command context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How long to wait for another writer (`MOU_BUSY_TIMEOUT_MS`).
    pub busy_timeout: Duration,
    /// A cap on the file's size in pages (`MOU_MAX_PAGE_COUNT`, for tests of a full disk).
    pub max_page_count: Option<u64>,
    /// The clock's stand-in, RFC 3339 UTC (`MOU_NOW`, for tests); `None` reads the clock.
    /// The registry's clock takes it ([`crate::registry::now_utc`]); the store does not.
    pub now: Option<String>,
    /// What the environment says of a PostgreSQL login, for a URL named after the start
    /// (`mou copy DEST`).
    pub pg: PgCredentials,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            busy_timeout: Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS),
            max_page_count: None,
            now: None,
            pg: PgCredentials::default(),
        }
    }
}

/// What the environment says of a PostgreSQL login, for what a URL does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PgCredentials {
    pub user: Option<String>,
    pub password: Option<String>,
    /// The contents of the password file (`~/.pgpass`).
    pub pgpass: Option<String>,
}

/// How a command uses the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only; nothing is created.
    Read,
    /// Writes; the registry is created on first write (in a file; a database's registry is
    /// made only by [`Access::Init`]).
    Write,
    /// `mou init`: creates the registry, or upgrades its schema.
    Init,
}
