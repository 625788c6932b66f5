//! The SQLite store: every SQL statement of mou, its migrations, and the SQLite tactics of
//! bulk import, checks and backup live below this module; rusqlite is named nowhere else.
//! Callers see typed values and [`Filter`](crate::query::Filter)s, never SQL.

mod agreements;
mod backend;
mod contacts;
mod dump;
mod engagement_import;
mod engagements;
mod error;
mod filter;
mod history;
mod partners;
mod renewals;
mod reports;
#[cfg(test)]
mod status_tests;
#[cfg(test)]
mod store_tests;

pub use agreements::AgreementWriter;
pub use history::{HistoryEntry, Verification, ERASED_ROWS};
pub use reports::{CountBy, EngagementRow, ReportRow};

use rusqlite::{functions::FunctionFlags, Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{norms, Access, Options};
use crate::error::{Error, Result, StoreKind};
use crate::text;

/// `MOU1` in ASCII: marks the file as mou's in the SQLite header.
pub const APPLICATION_ID: i32 = 0x4D4F_5531;

/// Forward-only migrations; the index + 1 is the schema version. Only ever append.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_refs.sql"),
    include_str!("migrations/0003_engagements.sql"),
    include_str!("migrations/0004_history_digest.sql"),
];

pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Indexes a bulk import builds once at the end, as created by migrations 0001 and 0002.
const PARTY_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS agreement_party_partner ON agreement_party (partner_id, agreement_id)";
const REF_INDEX: &str = agreements::REF_INDEX;

/// The files SQLite keeps beside a registry, by the suffix of their names.
pub const COMPANIONS: &[(&str, &str)] = &[
    ("", "the registry itself"),
    ("-wal", "the registry's write-ahead log"),
    ("-shm", "the registry's shared-memory file"),
    ("-journal", "the registry's rollback journal"),
];

/// Files of agreements from this size on are written on the bulk path.
const BULK_BYTES: u64 = 4 << 20;

/// The page size of a new registry file, in bytes.
const PAGE_SIZE: i64 = 8_192;

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    options: Options,
}

impl Store {
    /// Opens (and for `Access::Write` creates and migrates) the registry at `path`.
    pub fn open(path: &Path, access: Access, options: &Options) -> Result<Store> {
        let exists = path.exists();
        if !exists && access == Access::Read {
            return Store::empty(options);
        }
        if !exists {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::registry(format!(
                        "registry directory {} cannot be created: {e}",
                        dir.display()
                    ))
                })?;
            }
        }
        match Store::open_file_waiting(path, options) {
            // A registry in a read-only place (a directory where SQLite cannot make its
            // -shm file, a read-only share) can still be read.
            Err(e) if access == Access::Read && e.is_read_only() => {
                Store::open_file(path, true, options)
            }
            r => r,
        }
    }

    /// [`Store::open_file`], tried again while another process holds the file busy, up to the
    /// busy timeout. While a new file is being set up (its page size, the switch to WAL, its
    /// first migration), SQLite can answer busy without waiting in its busy handler, so
    /// processes that create a registry at the same moment would otherwise fail; opening and
    /// migrating are idempotent, so the next try finds the work done or does it.
    fn open_file_waiting(path: &Path, options: &Options) -> Result<Store> {
        let deadline = std::time::Instant::now() + options.busy_timeout;
        loop {
            match Store::open_file(path, false, options) {
                Err(e)
                    if e.store == Some(StoreKind::Busy) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                r => return r,
            }
        }
    }

    /// Opens and configures the file. `read_only` is for a registry nobody can write: SQLite
    /// cannot read a WAL file without its -shm file, which a read-only directory cannot hold,
    /// so the file is opened as immutable, which is safe only while there is no -wal file
    /// (with one, the read-only error stands).
    fn open_file(path: &Path, read_only: bool, options: &Options) -> Result<Store> {
        let conn = if read_only {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            if Path::new(&wal).exists() {
                return Err(Error::store(
                    StoreKind::ReadOnly,
                    format!(
                        "registry is read-only and has unfinished writes in {}",
                        Path::new(&wal).display()
                    ),
                )
                .with_hint("check the permissions of the file and its directory"));
            }
            let abs = std::path::absolute(path)?;
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI;
            Connection::open_with_flags(format!("file:{}?immutable=1", uri_path(&abs)), flags)
        } else {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI;
            Connection::open_with_flags(path, flags)
        }
        .map_err(|e| at(path, e.into()))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            options: options.clone(),
        };
        store.configure().map_err(|e| at(path, e))?;
        Ok(store)
    }

    /// An empty registry in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::empty(&Options::default())
    }

    /// An empty registry that is written nowhere: what a read of a registry not created yet
    /// sees.
    pub fn empty(options: &Options) -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: None,
            options: options.clone(),
        };
        store.configure()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(self.options.busy_timeout)?;
        self.conn.create_scalar_function(
            "mou_norm",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let s: Option<String> = ctx.get(0)?;
                Ok(s.map(|s| text::normalize(&s)))
            },
        )?;
        self.conn.create_scalar_function(
            "mou_loose",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let s: Option<String> = ctx.get(0)?;
                Ok(s.map(|s| text::loose(&s)))
            },
        )?;
        agreements::register_functions(&self.conn)?;
        // Refuse before anything writes: these reads leave the file byte-for-byte as it was.
        // One read transaction, so that another process creating the registry meanwhile is
        // seen either not at all or whole (never tables without the application id).
        let (app_id, version, tables) = self.read_header()?;
        if app_id != APPLICATION_ID && app_id != 0 {
            return Err(Error::store(StoreKind::Foreign, format!(
                "this file belongs to another application (SQLite application_id {app_id:#x}), not mou; it was left unchanged"
            ))
            .with_hint("point --db or MOU_DB at a mou registry, or at a new file"));
        }
        if app_id == 0 && tables > 0 {
            return Err(Error::store(StoreKind::Foreign,
                "this SQLite file was not made by mou (it has tables but no mou application id); it was left unchanged",
            )
            .with_hint("point --db or MOU_DB at a mou registry, or at a new file"));
        }
        if version > SCHEMA_VERSION {
            return Err(Error::store(StoreKind::NewerSchema, format!(
                "this registry has schema version {version}, newer than this mou understands ({SCHEMA_VERSION}); it was left unchanged"
            ))
            .with_hint("upgrade mou to open it"));
        }
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if self.path.is_some() {
            if tables == 0 {
                // A new file: 8 KiB pages rather than SQLite's 4 KiB. Registries are read
                // and written a table at a time (imports, exports, reports), and larger pages
                // made a bulk import ~12% faster. Existing files keep their page size.
                self.conn.pragma_update(None, "page_size", PAGE_SIZE)?;
            }
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                self.conn
                    .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
            }
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            // Tests of a full disk cap the file's size in pages.
            if let Some(pages) = self.options.max_page_count {
                self.set_max_page_count(pages)?;
            }
        }
        self.migrate(version)?;
        self.rebuild_norms_if_stale()?;
        Ok(())
    }

    /// Application id, schema version and number of schema objects, read consistently.
    fn read_header(&self) -> Result<(i32, i32, i64)> {
        self.conn.execute_batch("BEGIN")?;
        let read = (|| -> rusqlite::Result<(i32, i32, i64)> {
            let tables = self
                .conn
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            let app_id = self
                .conn
                .query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let version = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            Ok((app_id, version, tables))
        })();
        let _ = self.conn.execute_batch("COMMIT");
        Ok(read?)
    }

    fn migrate(&mut self, from: i32) -> Result<()> {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            let to = i as i32 + 1;
            self.write(|s| {
                // Another process may have migrated while we waited for the lock.
                let now: i32 = s.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                if now >= to {
                    return Ok(());
                }
                s.conn.execute_batch(sql)?;
                s.conn
                    .pragma_update(None, "application_id", APPLICATION_ID)?;
                s.conn.pragma_update(None, "user_version", to)?;
                if to == 1 {
                    s.conn.execute(
                        "INSERT INTO meta (key, value) VALUES ('norm_version', ?1)",
                        [text::NORM_VERSION.to_string()],
                    )?;
                }
                if to == 2 {
                    s.seed_ref_marks()?;
                }
                if to == 4 {
                    s.upgrade_history_chain()?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Normalized names are derived data: when the rules change, rebuild them
    /// (src/store/norms.rs).
    fn rebuild_norms_if_stale(&mut self) -> Result<()> {
        let stored: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [norms::KEY], |r| {
                r.get(0)
            })
            .ok();
        if norms::current(stored.as_deref()) {
            return Ok(());
        }
        self.write(|s| {
            let names = s
                .conn
                .prepare("SELECT id, name FROM partner ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(i64, String)>>>()?;
            // Every row first takes a placeholder so that no row meets a stale value.
            s.conn
                .execute_batch("UPDATE partner SET name_norm = char(0) || id")?;
            let mut set = s.conn.prepare(
                "UPDATE partner SET name_norm = ?2, name_loose = ?3 WHERE id = ?1",
            )?;
            for (id, norm, loose) in norms::partner_norms(names, '\0') {
                set.execute(rusqlite::params![id, norm, loose])?;
            }
            s.conn.execute_batch(
                "UPDATE partner_alias SET alias_norm = mou_norm(alias), alias_loose = mou_loose(alias);
                 UPDATE contact SET name_norm = mou_norm(name) WHERE forgotten IS NULL;",
            )?;
            s.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                [norms::KEY, &norms::version()],
            )?;
            Ok(())
        })
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it is written, or none of it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.transaction(|s| f(s).map(|v| (v, true)))
    }

    /// Like [`Store::write`], but `f` decides whether to commit (false rolls back, as for a
    /// dry run) and still returns its value.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Store) -> Result<(T, bool)>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok((v, true)) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e.into())
                }
            },
            Ok((v, false)) => {
                self.conn.execute_batch("ROLLBACK")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The largest id in use, so an import can tell its own rows from earlier ones.
    pub fn max_ids(&self) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT coalesce(max(id), 0) FROM partner), (SELECT coalesce(max(id), 0) FROM agreement)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Like [`Store::transaction`], tuned for writing a large file of agreements: foreign
    /// keys checked by the caller (it resolves every party before writing), and a sorter on
    /// two threads for building indexes at the end. With [`Store::drop_bulk_indexes`]
    /// inside, indexes are built once instead of row by row. The page cache is small (1 MiB):
    /// rows are appended, so a larger one holds nothing worth keeping, and it also bounds
    /// each run the sorter keeps in memory, which keeps memory flat however large the file
    /// (a larger cache measured no faster).
    ///
    /// The write goes through a rollback journal rather than the WAL: a WAL would take every
    /// page of the import and then copy it again into the file, while a rollback journal
    /// keeps only the pages that existed before (few, for a registry smaller than the file),
    /// and new pages are written once. A rollback journal is as safe against a crash; the
    /// cost is that readers wait while the import writes, so it is taken only when that is
    /// acceptable (a first load; not a `dry_run`, since switching modes and back is itself a
    /// change to the file's header). When another
    /// connection holds the WAL open the mode cannot change, and the import stays in WAL mode.
    ///
    /// `first_load`: the registry holds none of the records written yet (no agreements for
    /// an import of agreements, no engagements for one of engagements).
    pub fn bulk_transaction<T>(
        &mut self,
        dry_run: bool,
        first_load: bool,
        f: impl FnOnce(&Store) -> Result<(T, bool)>,
    ) -> Result<T> {
        // Only a first load trades readers' access for a rollback journal: a registry
        // already in use keeps the WAL, and its readers.
        let rollback_journal = !dry_run && first_load;
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        self.conn.pragma_update(None, "cache_size", -1_024)?;
        self.conn.pragma_update(None, "threads", 2)?;
        let rollback_journal = rollback_journal
            && self.path.is_some()
            && self
                .conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                    r.get::<_, String>(0)
                })
                .is_ok_and(|m| m.eq_ignore_ascii_case("delete"));
        let flushed = self
            .path
            .as_ref()
            .filter(|_| rollback_journal)
            .and_then(|p| std::fs::File::open(p).ok());
        let result = match flushed {
            Some(file) => with_background_flush(file, || self.transaction(f)),
            None => self.transaction(f),
        };
        // Back to WAL; should that fail (another process got in first), the next open does it.
        if rollback_journal {
            let _ = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
        }
        let restored = self
            .conn
            .pragma_update(None, "cache_size", -2_000)
            .and_then(|()| self.conn.pragma_update(None, "foreign_keys", "ON"));
        let v = result?;
        restored?;
        Ok(v)
    }

    /// Whether a file of agreements of `file_bytes` (None: not a regular file) is written
    /// on the bulk path ([`Store::bulk_transaction`], [`Store::drop_bulk_indexes`]): a large
    /// file, not small beside the registry, since rebuilding the party index costs more than
    /// it saves then.
    pub fn takes_bulk_path(&self, file_bytes: Option<u64>) -> Result<bool> {
        let Some(size) = file_bytes.filter(|size| *size >= BULK_BYTES) else {
            return Ok(false);
        };
        Ok(self.agreement_count()? < size / 150)
    }

    /// Whether a file of engagements of `file_bytes` is written on the bulk path: as for
    /// agreements ([`Store::takes_bulk_path`]), beside the engagements the registry holds.
    pub fn takes_engagement_bulk_path(&self, file_bytes: Option<u64>) -> Result<bool> {
        let Some(size) = file_bytes.filter(|size| *size >= BULK_BYTES) else {
            return Ok(false);
        };
        Ok(self.engagement_count()? < size / 150)
    }

    /// Drops the indexes that a bulk write maintains faster by rebuilding them at the end:
    /// the party index always, the ref index only while there are no agreements (then no
    /// existing ref can be met). Call inside the transaction, so a rollback restores them.
    /// Returns whether the ref index was dropped.
    pub fn drop_bulk_indexes(&self) -> Result<bool> {
        self.conn
            .execute_batch("DROP INDEX IF EXISTS agreement_party_partner")?;
        if self.agreement_count()? == 0 {
            self.conn
                .execute_batch("DROP INDEX IF EXISTS agreement_ref")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Rebuilds what [`Store::drop_bulk_indexes`] dropped. When refs repeat, the ref index
    /// cannot be built: returns the repeated refs (and the transaction must roll back).
    pub fn rebuild_bulk_indexes(&self) -> Result<Vec<String>> {
        self.conn.execute_batch(PARTY_INDEX)?;
        match self.conn.execute_batch(REF_INDEX) {
            Ok(()) => Ok(Vec::new()),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                let mut st = self.conn.prepare(agreements::REPEATED_REFS)?;
                let dups = st
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                Ok(dups)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Caps the file at `pages` pages (tests of a full disk).
    pub fn set_max_page_count(&self, pages: u64) -> Result<()> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// A consistent copy through SQLite's online backup, safe while others write; the copy
    /// is checked with `integrity_check` before this returns.
    ///
    /// All pages are copied in one step, that is inside one read transaction of the source:
    /// in WAL mode writers go on meanwhile, and the copy is the registry as it was when the
    /// step began. (Copying a few pages at a time would restart whenever another process
    /// commits, and never end under a steady stream of writes.)
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        // The caller names the file: SQLite's own message would name it again.
        let dest_err = |e: rusqlite::Error| {
            let why = match e {
                rusqlite::Error::SqliteFailure(f, _) => f.to_string(),
                e => e.to_string(),
            };
            Error::input(format!("cannot write the backup: {why}"))
        };
        let mut out = Connection::open(dest).map_err(dest_err)?;
        {
            use rusqlite::backup::StepResult;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut out).map_err(dest_err)?;
            let deadline = std::time::Instant::now() + self.options.busy_timeout;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More | StepResult::Busy | StepResult::Locked
                        if std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    _ => return Err(Error::store(
                        StoreKind::Busy,
                        "registry is locked: the backup could not read it within the busy timeout",
                    )
                    .with_hint("try again when the other process has finished")),
                }
            }
        }
        out.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .map_err(dest_err)?;
        let check: String = out.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(Error::store(
                StoreKind::Corrupt,
                format!("the copy failed its integrity check: {check}"),
            )
            .with_hint("run `mou check` on the registry"));
        }
        Ok(())
    }

    /// `integrity_check` and `foreign_key_check` findings, empty when the file is sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        for r in rows {
            let r = r?;
            if r != "ok" {
                problems.push(format!("integrity: {r}"));
            }
        }
        let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = st.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?;
        for r in rows {
            problems.push(r?);
        }
        Ok(problems)
    }
}

/// A path as the path of a `file:` URI: bytes other than unreserved ones and `/` are
/// percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn at(path: &Path, e: Error) -> Error {
    if e.message.contains(&path.display().to_string()) {
        return e;
    }
    Error {
        message: format!("{}: {}", path.display(), e.message),
        ..e
    }
}

/// Runs `work` while another thread asks the system, every quarter second, to write the
/// file's pages to disk. A large write then reaches the disk while it is being made, rather
/// than all at the final sync of its commit (about 0.4 s of a 1M-row import). Only the
/// timing changes: the system may write those pages at any time anyway, and the commit
/// still syncs before it returns.
fn with_background_flush<T>(file: std::fs::File, work: impl FnOnce() -> T) -> T {
    std::thread::scope(|scope| {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        scope.spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(Duration::from_millis(250))
            {
                let _ = file.sync_data();
            }
        });
        let v = work();
        drop(stop);
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_store_is_migrated() {
        let s = Store::open_in_memory().unwrap();
        let v: i32 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let id: i32 = s
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
    }

    #[test]
    fn failed_write_rolls_back() {
        let mut s = Store::open_in_memory().unwrap();
        let r: Result<()> = s.write(|s| {
            s.conn
                .execute("INSERT INTO meta (key, value) VALUES ('x', 'y')", [])?;
            Err(Error::input("stop"))
        });
        assert!(r.is_err());
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM meta WHERE key = 'x'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 0);
    }
}
