//! The PostgreSQL store: a registry kept in the schema `mou` of a PostgreSQL database, for a
//! team. Every SQL statement it runs, its migrations, its error codes and its tactics (the
//! writers' lock, cursors) live below this module; the `postgres` crate is named nowhere else.
//!
//! Writes: each transaction takes one transaction-scoped advisory lock first, so writers take
//! turns and the history chain stays linear (each row hashes the one before it); readers take
//! no lock and never wait. Ids are the largest + 1 under that lock, as SQLite gives them.

mod aggregates;
mod agreements;
mod backend;
mod contacts;
mod dump;
mod engagements;
mod error;
mod filter;
mod history;
mod import;
pub(crate) mod location;
mod norms;
mod partners;
mod reports;
#[cfg(test)]
mod store_tests;

pub use location::PgLocation;

use postgres::types::ToSql;
use postgres::{Client, Row, Statement};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::{Access, Options};
use crate::error::{Error, Result, StoreKind};

/// Forward-only migrations; the index + 1 is the schema version. Only ever append.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// The advisory lock every write transaction takes (`MOU1`).
const WRITE_LOCK: i64 = 0x4D4F_5531;

/// A statement's parameters, boxed so that a filter can collect values of any type.
pub(crate) type Params = Vec<Box<dyn ToSql + Sync + Send>>;

/// Rows fetched from a cursor at a time, by scans: each fetch is a round trip, and on a busy
/// machine a round trip waits its turn on the CPU (at a thousand rows, a report of 100,000
/// agreements spent most of its time waiting between fetches).
const FETCH: usize = 10_000;

/// An open cursor of [`Store::declare`].
pub(crate) struct Cursor {
    name: String,
    fetch: Statement,
    done: bool,
}

pub struct Store {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
    location: PgLocation,
    in_tx: Cell<bool>,
    cursors: Cell<u64>,
    options: Options,
}

/// Borrowed parameters, as the client takes them.
fn refs(p: &Params) -> Vec<&(dyn ToSql + Sync)> {
    p.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect()
}

/// `?` placeholders numbered `$1`, `$2`, ... in turn (the filters build SQL with `?`; no fixed
/// SQL of this store holds a `?` of its own).
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

impl Store {
    /// Connects to the registry at `location`. Only [`Access::Init`] creates or migrates the
    /// schema; any other access to a database without it is exit 3 naming `mou init`.
    pub fn open(location: &PgLocation, access: Access, options: &Options) -> Result<Store> {
        Ok(Store::open_found(location, access, options)?.0)
    }

    /// `mou init`: creates or upgrades the registry; true when there was none before.
    pub fn init(location: &PgLocation, options: &Options) -> Result<bool> {
        Ok(Store::open_found(location, Access::Init, options)?.1 == 0)
    }

    /// [`Store::open`], and the schema version found (0: no registry was there).
    fn open_found(
        location: &PgLocation,
        access: Access,
        options: &Options,
    ) -> Result<(Store, i32)> {
        let client = location.connect(options)?;
        let mut store = Store {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            location: location.clone(),
            in_tx: Cell::new(false),
            cursors: Cell::new(0),
            options: options.clone(),
        };
        let version = store.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(Error::store(StoreKind::NewerSchema, format!(
                "the registry at {location} has schema version {version}, newer than this mou understands ({SCHEMA_VERSION}); it was left unchanged"
            ))
            .with_hint("upgrade mou to open it"));
        }
        if access == Access::Init {
            store.migrate(version)?;
        } else if version == 0 {
            return Err(Error::registry(format!(
                "no registry at {location}; `mou init` creates one"
            ))
            .with_hint("run `mou init` with a role that may create the schema mou"));
        } else if version < SCHEMA_VERSION {
            return Err(Error::store(StoreKind::NewerSchema, format!(
                "the registry at {location} has schema version {version}, older than this mou's ({SCHEMA_VERSION})"
            ))
            .with_hint("run `mou init` to upgrade it (only init changes the schema)"));
        }
        store.exec("SET search_path TO mou, pg_catalog", &[])?;
        store.rebuild_norms_if_stale()?;
        Ok((store, version))
    }

    /// The schema version in `mou.meta`, 0 when there is no registry yet.
    fn schema_version(&self) -> Result<i32> {
        let exists: bool = self
            .one("SELECT to_regclass('mou.meta') IS NOT NULL", &[])?
            .get(0);
        if !exists {
            return Ok(0);
        }
        let row = self.opt(
            "SELECT value FROM mou.meta WHERE key = 'schema_version'",
            &[],
        )?;
        Ok(row
            .and_then(|r| r.get::<_, String>(0).parse().ok())
            .unwrap_or(0))
    }

    fn migrate(&mut self, from: i32) -> Result<()> {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            let to = i as i32 + 1;
            self.transaction(|s| {
                // Another session may have migrated while we waited for the lock.
                if s.schema_version()? >= to {
                    return Ok(((), true));
                }
                s.client.borrow_mut().batch_execute(sql)?;
                s.exec(
                    "INSERT INTO mou.meta (key, value) VALUES ('schema_version', $1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[&to.to_string()],
                )?;
                if to == 1 {
                    s.exec(
                        "INSERT INTO mou.meta (key, value) VALUES ($1, $2)",
                        &[&crate::store::norms::KEY, &crate::store::norms::version()],
                    )?;
                }
                Ok(((), true))
            })?;
        }
        Ok(())
    }

    pub fn location(&self) -> &PgLocation {
        &self.location
    }

    /// A prepared statement for `sql`, kept for the connection's life.
    fn prepared(&self, sql: &str) -> Result<Statement> {
        if let Some(st) = self.statements.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = self.client.borrow_mut().prepare(sql)?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), st.clone());
        Ok(st)
    }

    /// Every row of a query.
    pub(crate) fn all(&self, sql: &str, p: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let st = self.prepared(sql)?;
        Ok(self.client.borrow_mut().query(&st, p)?)
    }

    pub(crate) fn all_boxed(&self, sql: &str, p: &Params) -> Result<Vec<Row>> {
        self.all(&numbered(sql), &refs(p))
    }

    /// The one row of a query.
    pub(crate) fn one(&self, sql: &str, p: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        let st = self.prepared(sql)?;
        Ok(self.client.borrow_mut().query_one(&st, p)?)
    }

    pub(crate) fn one_boxed(&self, sql: &str, p: &Params) -> Result<Row> {
        self.one(&numbered(sql), &refs(p))
    }

    /// The row of a query, if there is one.
    pub(crate) fn opt(&self, sql: &str, p: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        let st = self.prepared(sql)?;
        Ok(self.client.borrow_mut().query_opt(&st, p)?)
    }

    pub(crate) fn exec(&self, sql: &str, p: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let st = self.prepared(sql)?;
        Ok(self.client.borrow_mut().execute(&st, p)?)
    }

    /// A count.
    pub(crate) fn count(&self, sql: &str, p: &[&(dyn ToSql + Sync)]) -> Result<i64> {
        Ok(self.one(sql, p)?.get(0))
    }

    /// Calls `f` with each row of a query (`?` placeholders), fetched through a cursor
    /// [`FETCH`] rows at a time, so that `f` may call the store again and memory stays flat.
    /// Outside a transaction the cursor gets one of its own (one snapshot for the scan).
    pub(crate) fn each(
        &self,
        sql: &str,
        p: &Params,
        mut f: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        self.in_snapshot(|| {
            let mut cursor = self.declare(sql, p)?;
            loop {
                let rows = self.fetch(&mut cursor)?;
                if rows.is_empty() {
                    break;
                }
                for r in &rows {
                    f(r)?;
                }
            }
            self.close(cursor)
        })
    }

    /// A cursor over a query (`?` placeholders), in the transaction under way (see
    /// [`Store::in_snapshot`]): several may be read in turn, merging ordered scans.
    pub(crate) fn declare(&self, sql: &str, p: &Params) -> Result<Cursor> {
        let n = self.cursors.get() + 1;
        self.cursors.set(n);
        let name = format!("mou_scan_{n}");
        self.client.borrow_mut().execute(
            &format!("DECLARE {name} NO SCROLL CURSOR FOR {}", numbered(sql)),
            &refs(p),
        )?;
        // Prepared once per scan, not at every fetch.
        let fetch = self
            .client
            .borrow_mut()
            .prepare(&format!("FETCH {FETCH} FROM {name}"))?;
        Ok(Cursor {
            name,
            fetch,
            done: false,
        })
    }

    /// The next rows of a cursor, up to [`FETCH`]; none once it is read to the end.
    pub(crate) fn fetch(&self, c: &mut Cursor) -> Result<Vec<Row>> {
        if c.done {
            return Ok(Vec::new());
        }
        let rows = self.client.borrow_mut().query(&c.fetch, &[])?;
        c.done = rows.len() < FETCH;
        Ok(rows)
    }

    pub(crate) fn close(&self, c: Cursor) -> Result<()> {
        Ok(self
            .client
            .borrow_mut()
            .batch_execute(&format!("CLOSE {}", c.name))?)
    }

    /// Runs `f` in the transaction under way, else in one of its own that reads one
    /// snapshot (REPEATABLE READ READ ONLY): every read `f` makes sees the same registry.
    pub(crate) fn in_snapshot<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.in_tx.get() {
            return f();
        }
        self.client
            .borrow_mut()
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        self.in_tx.set(true);
        let result = f();
        self.in_tx.set(false);
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.client.borrow_mut().batch_execute(end);
        let v = result?;
        ended?;
        Ok(v)
    }

    /// Runs `f` in one transaction holding the writers' lock: all of it is written when it
    /// returns `(_, true)`, none of it otherwise. Waits for another writer up to the busy
    /// timeout (then exit 3, "registry is locked").
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Store) -> Result<(T, bool)>) -> Result<T> {
        let ms = self.options.busy_timeout.as_millis().max(1);
        self.client.borrow_mut().batch_execute(&format!(
            "BEGIN; SET LOCAL lock_timeout = {ms}; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        ))?;
        self.in_tx.set(true);
        let result = f(self);
        self.in_tx.set(false);
        let mut c = self.client.borrow_mut();
        match result {
            Ok((v, true)) => match c.batch_execute("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = c.batch_execute("ROLLBACK");
                    Err(e.into())
                }
            },
            Ok((v, false)) => {
                c.batch_execute("ROLLBACK")?;
                Ok(v)
            }
            Err(e) => {
                let _ = c.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The next id of a table whose ids mou gives (the largest + 1, as SQLite's rowids);
    /// called under the writers' lock.
    pub(crate) fn next_id(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
        Ok(self.one(&sql, &[])?.get(0))
    }

    /// Nothing to report: PostgreSQL keeps its own files sound, and the CHECK constraints and
    /// foreign keys refuse bad rows whoever writes them.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// A registry file at `dest` (a new file) holding this registry as one snapshot shows
    /// it, checked before its one transaction commits (see [`crate::store::dump::copy`]).
    pub fn backup_to(&self, dest: &std::path::Path) -> Result<()> {
        crate::store::dump::copy_to_new_file(self, dest, &self.options).map(|_| ())
    }

    /// Runs `sql` (several statements) as it is: for tests and administration.
    #[cfg(test)]
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }
}
