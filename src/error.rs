//! One error type for the whole tool. Its kind decides the exit code, in exactly one place
//! ([`Error::exit_code`]); nothing else in the crate calls `process::exit`.

use std::fmt;
use std::io;

/// The exit codes of DESIGN's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    /// A check answered no (`count --more-than`, `due --exit-code`, `check` found problems).
    No = 1,
    /// Bad usage or bad input.
    Usage = 2,
    /// The registry cannot be used.
    Registry = 3,
    /// The change was recorded, but its output could not be written.
    Recorded = 4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad usage or bad input: the message names the field, the value and the fix.
    Input,
    /// The registry file cannot be used (unreadable, locked, corrupt, newer schema, full disk).
    Registry,
    /// A check answered no; the message may be empty when the output already said it.
    No,
    /// Writing to stdout failed because the reader went away: a normal end for a pipe.
    BrokenPipe,
    /// The change was committed, but what the command prints after it could not be written
    /// (a full disk, a closed terminal): the change must not be made again.
    Recorded,
}

const READ_ONLY: &str = "registry is read-only";

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Input,
            message: message.into(),
            hint: None,
        }
    }

    pub fn registry(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Registry,
            message: message.into(),
            hint: None,
        }
    }

    /// A check answered no; `message` goes to stderr when not empty.
    pub fn no(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::No,
            message: message.into(),
            hint: None,
        }
    }

    /// This error, met while printing the output of a change already committed: `what`
    /// names the change (e.g. `partner unicef`). A reader that went away stays a normal end.
    pub fn after_commit(self, what: &str) -> Self {
        if self.kind == Kind::BrokenPipe {
            return self;
        }
        Error {
            kind: Kind::Recorded,
            message: format!(
                "{what} was recorded, but its output could not be written: {}",
                self.message
            ),
            hint: Some(
                "the change is in the registry (`mou history` shows it); do not make it again"
                    .into(),
            ),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A field whose value is bad: names the field, the value and the fix.
    pub fn field(field: &str, value: &str, fix: impl fmt::Display) -> Self {
        Error::input(format!("invalid {field} '{value}': {fix}"))
    }

    /// Whether the registry could not be written because the file or its directory is
    /// read-only (a read may still succeed on a read-only connection).
    pub fn is_read_only(&self) -> bool {
        self.kind == Kind::Registry && self.message.contains(READ_ONLY)
    }

    pub fn exit_code(&self) -> ExitCode {
        match self.kind {
            Kind::Input => ExitCode::Usage,
            Kind::Registry => ExitCode::Registry,
            Kind::No => ExitCode::No,
            Kind::BrokenPipe => ExitCode::Success,
            Kind::Recorded => ExitCode::Recorded,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Error {
                kind: Kind::BrokenPipe,
                message: String::new(),
                hint: None,
            };
        }
        Error::input(format!("i/o error: {e}"))
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        if let csv::ErrorKind::Io(io) = e.kind() {
            if io.kind() == io::ErrorKind::BrokenPipe {
                return Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
            }
        }
        Error::input(format!("csv error: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if e.io_error_kind() == Some(io::ErrorKind::BrokenPipe) {
            return Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        Error::input(format!("json error: {e}"))
    }
}

/// SQLite's words for a statement too large to run: the request was too large, which is bad
/// input, not a broken registry.
const TOO_LARGE: &[&str] = &[
    "too many sql variables",
    "parser stack overflow",
    "recursion limit",
    "expression tree is too large",
    "too many terms",
    "too many arguments",
    "too many columns",
    "pattern too complex",
    "string or blob too big",
];

fn too_large(detail: &str) -> Option<Error> {
    let lower = detail.to_lowercase();
    let what = TOO_LARGE.iter().find(|m| lower.contains(*m))?;
    Some(
        Error::input(format!(
            "the request is too large for the registry to answer ({what})"
        ))
        .with_hint("give fewer query terms, flag values or partners"),
    )
}

/// SQLite's message, unless it quotes the statement (`near "...": syntax error`): then only
/// the kind of error.
fn detail(code: &rusqlite::ffi::Error, msg: Option<&str>) -> String {
    match msg {
        Some(m) if !m.contains("near \"") => m.to_string(),
        _ => code.to_string(),
    }
}

impl From<rusqlite::Error> for Error {
    /// SQLite's message, never the statement: SQL text does not reach the user.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqlInputError { error, msg, .. } = &e {
            return too_large(msg).unwrap_or_else(|| {
                Error::registry(format!("registry error: {}", detail(error, Some(msg))))
            });
        }
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let detail = detail(f, msg.as_deref());
            if let Some(e) = too_large(&detail) {
                return e;
            }
            return match f.code {
                C::DatabaseBusy | C::DatabaseLocked => Error::registry(
                    "registry is locked: another mou process is writing and did not finish within the busy timeout",
                )
                .with_hint("try again when the other process has finished"),
                C::DiskFull => Error::registry(format!(
                    "registry could not be written: the disk is full ({detail}); nothing was changed"
                )),
                C::ReadOnly => Error::registry(format!(
                    "{READ_ONLY} ({detail}); nothing was changed"
                ))
                .with_hint("check the permissions of the file and its directory"),
                C::CannotOpen | C::PermissionDenied => Error::registry(format!(
                    "registry cannot be opened ({detail})"
                ))
                .with_hint("check that the path exists and is readable and writable"),
                C::DatabaseCorrupt | C::NotADatabase => Error::registry(format!(
                    "registry is corrupt or not a database ({detail})"
                ))
                .with_hint("restore it from a backup made with `mou backup`"),
                C::SystemIoFailure => {
                    Error::registry(format!("registry i/o error ({detail}); nothing was changed"))
                }
                C::ConstraintViolation => {
                    Error::input(format!("the change breaks a rule of the registry: {detail}"))
                }
                _ => Error::registry(format!("registry error: {detail}")),
            };
        }
        Error::registry(format!("registry error: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(sql: &str) -> Error {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.prepare(sql).map(|_| ()).unwrap_err().into()
    }

    #[test]
    fn a_statement_too_large_is_bad_input_and_no_sql_is_shown() {
        let many = vec!["?"; 40_000].join(",");
        let e = sqlite_error(&format!("SELECT 1 WHERE 1 IN ({many})"));
        assert_eq!(e.exit_code(), ExitCode::Usage, "{e}");
        assert!(e.message.contains("too large"), "{e}");
        let deep = format!("SELECT {}1{}", "(".repeat(3000), ")".repeat(3000));
        let e = sqlite_error(&deep);
        assert_eq!(e.exit_code(), ExitCode::Usage, "{e}");
        for e in [
            sqlite_error(&format!("SELECT 1 WHERE 1 IN ({many})")),
            sqlite_error("SELECT secret_column FROM nowhere_table WHERE x = 'y'"),
            sqlite_error("SELEKT nonsense_here FROM t"),
        ] {
            let shown = e.to_string();
            assert!(
                !shown.contains("SELECT") && !shown.contains("SELEKT"),
                "{shown}"
            );
            assert!(!shown.contains("'y'"), "{shown}");
        }
    }

    #[test]
    fn a_failure_after_a_commit_is_exit_4_naming_the_change() {
        let e = Error::from(io::Error::from(io::ErrorKind::StorageFull)).after_commit("partner x");
        assert_eq!(e.exit_code(), ExitCode::Recorded);
        assert!(e.message.contains("partner x was recorded"), "{e}");
        let pipe =
            Error::from(io::Error::from(io::ErrorKind::BrokenPipe)).after_commit("partner x");
        assert_eq!(pipe.exit_code(), ExitCode::Success);
    }
}
