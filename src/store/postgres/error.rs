//! PostgreSQL's errors as the crate's: SQLSTATE codes become [`StoreKind`]s here and nowhere
//! else. The server's message is kept, never the statement.

use crate::error::{Error, StoreKind};

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            if e.is_closed() || std::error::Error::source(&e).is_some() {
                return Error::store(
                    StoreKind::Io,
                    format!("the connection to the PostgreSQL server was lost ({e}); nothing was changed"),
                )
                .with_hint("check that the server is running, then run the command again");
            }
            return Error::store(StoreKind::Other, format!("registry error: {e}"));
        };
        let code = db.code().code();
        let msg = db.message();
        let kind = match code {
            "42501" | "25006" => StoreKind::ReadOnly,
            "55P03" | "40P01" | "40001" => StoreKind::Busy,
            "53100" => StoreKind::Full,
            c if c.starts_with("23") => StoreKind::Constraint,
            c if c.starts_with("54") => StoreKind::TooLarge,
            "57P01" | "57P02" | "57P03" | "08006" | "08003" => StoreKind::Io,
            _ => StoreKind::Other,
        };
        let err = |m: String| Error::store(kind, m);
        match kind {
            StoreKind::ReadOnly => err(format!(
                "permission denied: this database role may not change the registry ({msg}); nothing was changed"
            ))
            .with_hint("ask the registry's administrator for an editor role"),
            StoreKind::Busy => err(
                "registry is locked: another mou session is writing and did not finish within the busy timeout".into(),
            )
            .with_hint("try again when the other session has finished"),
            StoreKind::Full => err(format!(
                "registry could not be written: the server's disk is full ({msg}); nothing was changed"
            )),
            StoreKind::Constraint => err(format!("the change breaks a rule of the registry: {msg}")),
            StoreKind::TooLarge => err(format!(
                "the request is too large for the registry to answer ({msg})"
            ))
            .with_hint("give fewer query terms, flag values or partners"),
            StoreKind::Io => err(format!(
                "the connection to the PostgreSQL server was lost ({msg}); nothing was changed"
            ))
            .with_hint("check that the server is running, then run the command again"),
            _ => err(format!("registry error: {msg}")),
        }
    }
}
