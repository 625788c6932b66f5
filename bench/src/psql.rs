//! The PostgreSQL side of `--db postgres://...`: the `psql` client on PATH, connected to the
//! database of the URL, and the commands the figures run with it.

use std::path::Path;
use std::process::Command;

use crate::error::Res;
use crate::measure::{run_for_output, run_measured, Measure, Out};

/// `psql` on PATH and the database it connects to.
pub struct Psql {
    pub url: String,
}

impl Psql {
    /// `psql` for `url`, if the client is installed and the server answers.
    pub fn find(url: &str) -> Res<Psql> {
        let version = run_for_output(Command::new("psql").arg("--version")).map_err(|e| {
            format!(
                "psql is needed for --db ({e}); install it with `apt-get install postgresql-client`"
            )
        })?;
        let psql = Psql {
            url: url.to_string(),
        };
        let server = run_for_output(&mut psql.cmd(&["-tA", "-c", "SHOW server_version"]))
            .map_err(|e| format!("cannot reach the PostgreSQL server of --db: {e}"))?;
        let fsync = run_for_output(&mut psql.cmd(&["-tA", "-c", "SHOW fsync"]))?;
        println!("psql:    {version}; server {server}, fsync={fsync}");
        Ok(psql)
    }

    /// `psql -X -q -v ON_ERROR_STOP=1 URL ARGS...` (no ~/.psqlrc).
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("psql");
        cmd.env_remove("PGOPTIONS")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.url])
            .args(args);
        cmd
    }

    /// `psql` with `script` on its standard input, measured.
    pub fn script(&self, script: &str) -> Res<Measure> {
        run_measured(&mut self.cmd(&[]), Some(script), Out::Null)
    }

    /// `psql -c COMMAND`, its output to `out`, measured.
    pub fn command(&self, command: &str, out: Out) -> Res<Measure> {
        run_measured(&mut self.cmd(&["-c", command]), None, out)
    }

    /// Drops the registry (the schema `mou`) of the database, so that `mou init` starts afresh.
    pub fn drop_registry(&self) -> Res<()> {
        self.command("DROP SCHEMA IF EXISTS mou CASCADE", Out::Null)
            .map(|_| ())
    }

    /// `psql` importing a CSV file (its header skipped) into `table`, made afresh by
    /// `create_table`, through `\copy`, measured.
    pub fn import(&self, create_table: &str, table: &str, csv: &Path) -> Res<Measure> {
        let script = format!(
            "DROP TABLE IF EXISTS {table};\n{create_table}\n\\copy {table} FROM {} CSV HEADER\n",
            quoted(csv)?
        );
        self.script(&script)
    }
}

/// A path as a single-quoted psql literal.
fn quoted(p: &Path) -> Res<String> {
    let s = p
        .to_str()
        .ok_or_else(|| format!("path is not UTF-8: {}", p.display()))?;
    Ok(format!("'{}'", s.replace('\'', "''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_as_psql_literals() {
        assert_eq!(
            quoted(Path::new("a b/it's.csv")).unwrap(),
            "'a b/it''s.csv'"
        );
    }

    #[test]
    fn the_command_ignores_psqlrc_and_stops_at_the_first_error() {
        let psql = Psql {
            url: "postgres://u@h/db".into(),
        };
        let cmd = psql.cmd(&["-c", "SELECT 1"]);
        let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
        assert_eq!(
            args,
            [
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                "postgres://u@h/db",
                "-c",
                "SELECT 1"
            ]
        );
    }
}
