//! The store: where the registry's records live. Callers above it (the registry layer, the
//! commands) see typed values, [`Filter`](crate::query::Filter)s and [`StoreKind`]s, never
//! a store's own SQL, codes or tactics. SQLite is the first store ([`sqlite`]); its
//! migrations, bulk import, integrity checks and backup live in its folder.

mod backend;
mod change;
#[cfg(test)]
pub mod conformance;
mod rows;
pub mod sqlite;

pub use backend::{Backend, ImportPlan, ImportWriter};
pub use change::{Action, Change, Entity};
pub use rows::TextBatch;
pub use sqlite::{
    CountBy, EngagementRow, HistoryEntry, PartnerMatch, ReportRow, Verification, APPLICATION_ID,
    ERASED_ROWS, FORGOTTEN_NAME, SCHEMA_VERSION,
};

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::error::StoreKind;

/// What an engagement points to, as the store keeps it: its partners (ids, in order), the
/// agreement it was held under and the engagement (series) it is part of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngagementLinks {
    pub partner_ids: Vec<i64>,
    pub agreement_id: Option<i64>,
    pub part_of_id: Option<i64>,
}

/// Where the registry is: a file now, a URL (a PostgreSQL server) next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
}

impl Location {
    /// Whether a registry is there already (a store is created on its first write).
    pub fn exists(&self) -> bool {
        match self {
            Location::File(path) => path.exists(),
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
        }
    }

    /// The file the registry lives in, for a store kept in one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
        }
    }
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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            busy_timeout: Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS),
            max_page_count: None,
            now: None,
        }
    }
}

/// How a command uses the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only; nothing is created.
    Read,
    /// Writes; the registry is created on first write.
    Write,
}
