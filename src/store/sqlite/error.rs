//! SQLite's errors as the crate's: its codes become [`StoreKind`]s here and nowhere else.

use crate::error::{Error, StoreKind};

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
        Error::store(
            StoreKind::TooLarge,
            format!("the request is too large for the registry to answer ({what})"),
        )
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

/// The kind of an SQLite result code.
fn kind_of(code: rusqlite::ErrorCode) -> StoreKind {
    use rusqlite::ErrorCode as C;
    match code {
        C::DatabaseBusy | C::DatabaseLocked => StoreKind::Busy,
        C::DiskFull => StoreKind::Full,
        C::ReadOnly => StoreKind::ReadOnly,
        C::CannotOpen | C::PermissionDenied => StoreKind::CannotOpen,
        C::DatabaseCorrupt | C::NotADatabase => StoreKind::Corrupt,
        C::SystemIoFailure => StoreKind::Io,
        C::ConstraintViolation => StoreKind::Constraint,
        _ => StoreKind::Other,
    }
}

/// What the user reads for a failure of `kind`, with SQLite's `detail`.
fn described(kind: StoreKind, detail: &str) -> Error {
    let e = |m: String| Error::store(kind, m);
    match kind {
        StoreKind::Busy => e(
            "registry is locked: another mou process is writing and did not finish within the busy timeout".into(),
        )
        .with_hint("try again when the other process has finished"),
        StoreKind::Full => e(format!(
            "registry could not be written: the disk is full ({detail}); nothing was changed"
        )),
        StoreKind::ReadOnly => e(format!("registry is read-only ({detail}); nothing was changed"))
            .with_hint("check the permissions of the file and its directory"),
        StoreKind::CannotOpen => e(format!("registry cannot be opened ({detail})"))
            .with_hint("check that the path exists and is readable and writable"),
        StoreKind::Corrupt => e(format!("registry is corrupt or not a database ({detail})"))
            .with_hint("restore it from a backup made with `mou backup`"),
        StoreKind::Io => e(format!("registry i/o error ({detail}); nothing was changed")),
        StoreKind::Constraint => e(format!("the change breaks a rule of the registry: {detail}")),
        _ => e(format!("registry error: {detail}")),
    }
}

impl From<rusqlite::Error> for Error {
    /// SQLite's message, never the statement: SQL text does not reach the user.
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqlInputError { error, msg, .. } = &e {
            return too_large(msg).unwrap_or_else(|| {
                Error::store(
                    StoreKind::Other,
                    format!("registry error: {}", detail(error, Some(msg))),
                )
            });
        }
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let detail = detail(f, msg.as_deref());
            if let Some(e) = too_large(&detail) {
                return e;
            }
            return described(kind_of(f.code), &detail);
        }
        Error::store(StoreKind::Other, format!("registry error: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ExitCode;

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
    fn read_only_is_a_kind_not_a_phrase() {
        let e: Error = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some("attempt to write a readonly database".into()),
        )
        .into();
        assert!(e.is_read_only());
        assert_eq!(e.store, Some(StoreKind::ReadOnly));
        assert!(!Error::registry("registry is read-only, it says").is_read_only());
    }
}
