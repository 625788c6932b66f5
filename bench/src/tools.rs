//! The tools under test, found once: the mou binary and the sqlite3 shell (or, with `--db`,
//! the psql client), and the commands the figures run with them. A tool that is missing makes
//! its side `None`.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Res;
use crate::measure::{run_for_output, run_measured, Measure, Out};
use crate::psql::Psql;

/// The day the reports are made on (`MOU_TODAY`), so that they do not change with the date.
pub const MOU_TODAY: &str = "2026-11-29";

/// A registry mou works on: a file, or the database of a `postgres://` URL.
pub enum Db {
    File(PathBuf),
    Pg(String),
}

impl Db {
    /// What `mou --db` takes.
    pub fn arg(&self) -> &OsStr {
        match self {
            Db::File(p) => p.as_os_str(),
            Db::Pg(url) => OsStr::new(url),
        }
    }

    /// For messages: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Db::File(p) => p.display().to_string(),
            Db::Pg(url) => hide_password(url),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
pub fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or("");
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.to_string(),
    }
}

pub struct Tools {
    /// The mou binary, if found.
    pub mou: Option<PathBuf>,
    /// Whether the sqlite3 shell is on PATH.
    pub sqlite: bool,
    /// With `--db`: psql on the database mou's PostgreSQL figures use, the baseline instead of
    /// sqlite3.
    pub psql: Option<Psql>,
}

impl Tools {
    /// Looks for the tools and says what it found; with `pg_url`, psql must be there.
    pub fn find(pg_url: Option<&str>) -> Res<Tools> {
        Ok(Tools {
            sqlite: find_sqlite(),
            mou: find_mou(),
            psql: pg_url.map(Psql::find).transpose()?,
        })
    }

    /// The name of the baseline: `psql` with `--db`, else `sqlite3`.
    pub fn base(&self) -> &'static str {
        if self.psql.is_some() {
            "psql"
        } else {
            "sqlite3"
        }
    }

    /// What a table cell shows for mou's side when it has no figure.
    pub fn missing_mou(&self) -> &'static str {
        if self.mou.is_some() {
            "-"
        } else {
            "not found"
        }
    }

    /// What a table cell shows for the baseline's side when it has no figure.
    pub fn missing_sqlite(&self) -> &'static str {
        if self.sqlite || self.psql.is_some() {
            "-"
        } else {
            "not installed"
        }
    }

    fn mou_cmd(&self, db: &OsStr) -> Option<Command> {
        let mou = self.mou.as_ref()?;
        let mut cmd = Command::new(mou);
        cmd.env_remove("MOU_DB")
            .env("MOU_TODAY", MOU_TODAY)
            .arg("--db")
            .arg(db);
        Some(cmd)
    }

    /// `mou --db DB ARGS...` (DB a path or a URL), measured.
    pub fn mou<D, I, S>(&self, db: D, args: I) -> Res<Option<Measure>>
    where
        D: AsRef<OsStr>,
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let Some(mut cmd) = self.mou_cmd(db.as_ref()) else {
            return Ok(None);
        };
        cmd.args(args);
        run_measured(&mut cmd, None, Out::Null).map(Some)
    }

    /// What `mou --db DB ARGS...` prints on stdout (untimed; a failure is an error).
    pub fn mou_output<D, I, S>(&self, db: D, args: I) -> Res<String>
    where
        D: AsRef<OsStr>,
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.mou_cmd(db.as_ref()).ok_or("mou binary not found")?;
        cmd.args(args);
        run_for_output(&mut cmd)
    }

    /// Makes `db` an empty registry: the file removed, or on PostgreSQL the schema dropped and
    /// `mou init` run. Untimed.
    pub fn fresh_registry(&self, db: &Db) -> Res<()> {
        match db {
            Db::File(p) => remove_db(p),
            Db::Pg(_) => {
                let psql = self.psql.as_ref().ok_or("--db needs psql")?;
                psql.drop_registry()?;
                self.mou(db.arg(), ["init"]).map(|_| ())
            }
        }
    }

    /// A fresh mou registry: the partners imported (untimed), then the agreements import
    /// measured.
    pub fn mou_import(&self, db: &Db, partners: &Path, agreements: &Path) -> Res<Option<Measure>> {
        if self.mou.is_none() {
            return Ok(None);
        }
        self.fresh_registry(db)?;
        let db = db.arg();
        let import = |kind: &str, file: &Path| {
            self.mou(
                db,
                [OsStr::new("import"), OsStr::new(kind), file.as_os_str()],
            )
        };
        import("partners", partners)?;
        import("agreements", agreements)
    }

    /// `sqlite3 -batch -bail DB` with `script` on its standard input, measured.
    pub fn sqlite_script(&self, db: &Path, script: &str) -> Res<Option<Measure>> {
        if !self.sqlite {
            return Ok(None);
        }
        let mut cmd = sqlite_cmd();
        cmd.args(["-batch", "-bail"]).arg(db);
        run_measured(&mut cmd, Some(script), Out::Null).map(Some)
    }

    /// `sqlite3 [-csv] DB SQL`, its output to `out`, measured.
    pub fn sqlite_query(&self, db: &Path, csv: bool, sql: &str, out: Out) -> Res<Option<Measure>> {
        if !self.sqlite {
            return Ok(None);
        }
        let mut cmd = sqlite_cmd();
        if csv {
            cmd.arg("-csv");
        }
        cmd.arg(db).arg(sql);
        run_measured(&mut cmd, None, out).map(Some)
    }

    /// The sqlite3 shell importing a CSV file (its header skipped) into `table`, made by
    /// `create_table`, in a fresh file.
    pub fn sqlite_import(
        &self,
        db: &Path,
        create_table: &str,
        table: &str,
        csv: &Path,
    ) -> Res<Option<Measure>> {
        if !self.sqlite {
            return Ok(None);
        }
        remove_db(db)?;
        let script = format!(
            "{create_table}\n.import --csv --skip 1 {} {table}\n",
            dot_path(csv)?
        );
        self.sqlite_script(db, &script)
    }
}

fn sqlite_cmd() -> Command {
    let mut cmd = Command::new("sqlite3");
    // Ignore a user's ~/.sqliterc: it could change modes or print.
    cmd.args(["-init", "/dev/null"]);
    cmd
}

fn find_sqlite() -> bool {
    match run_for_output(Command::new("sqlite3").arg("--version")) {
        Ok(v) => {
            let short: Vec<&str> = v.split_whitespace().take(2).collect();
            println!("sqlite3: {} (the shell on PATH)", short.join(" "));
            true
        }
        Err(e) => {
            println!(
                "sqlite3: not available ({e})\n  install it with `apt-get install sqlite3`; \
                 the sqlite3 side and the ratios are skipped"
            );
            false
        }
    }
}

fn find_mou() -> Option<PathBuf> {
    let path = std::env::var_os("MOU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/release/mou"));
    if !path.is_file() {
        println!(
            "mou:     mou binary not found at {} -- run `cargo build --release` first, \
             or set MOU_BIN; only the sqlite3 side runs",
            path.display()
        );
        return None;
    }
    let version = match run_for_output(Command::new(&path).arg("--version")) {
        Ok(v) if v.is_empty() => "version unknown (`--version` printed nothing)".to_string(),
        Ok(v) => v,
        Err(e) => format!("version unknown ({e})"),
    };
    println!("mou:     {} ({})", version, path.display());
    Some(path)
}

/// Removes a database file and its companions, if there.
pub fn remove_db(db: &Path) -> Res<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        match fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", p.display()).into()),
        }
    }
    Ok(())
}

/// Path for use inside a sqlite3 dot-command, single-quoted (taken literally by the shell).
pub fn dot_path(p: &Path) -> Res<String> {
    let s = p
        .to_str()
        .ok_or_else(|| format!("path is not UTF-8: {}", p.display()))?;
    if s.contains('\'') {
        return Err(format!("path contains a single quote, not supported: {s}").into());
    }
    Ok(format!("'{s}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            Db::Pg("postgres://mou:mou-test@127.0.0.1:5432/postgres".into()).describe(),
            "postgres://mou:***@127.0.0.1:5432/postgres"
        );
        assert_eq!(hide_password("postgres://ann@h/db"), "postgres://ann@h/db");
        assert_eq!(Db::File("a/b.db".into()).describe(), "a/b.db");
    }

    #[test]
    fn dot_paths_are_quoted_and_quotes_in_them_refused() {
        assert_eq!(dot_path(Path::new("a b/c.csv")).unwrap(), "'a b/c.csv'");
        let e = dot_path(Path::new("it's.csv")).unwrap_err().to_string();
        assert!(e.contains("single quote"), "{e}");
    }

    #[test]
    fn remove_db_removes_the_companions_and_minds_no_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        for name in ["x.db", "x.db-wal", "x.db-journal"] {
            fs::write(dir.path().join(name), "").unwrap();
        }
        remove_db(&db).unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
