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

/// What went wrong in a store, in words every store can say: a caller acts on these, never
/// on a store's own codes or message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// Another process holds the registry longer than the busy timeout.
    Busy,
    /// The registry (or the place it is in) cannot be written.
    ReadOnly,
    /// The registry is damaged, or is not a registry.
    Corrupt,
    /// The disk (or the store's size cap) is full.
    Full,
    /// The registry was written by a newer mou.
    NewerSchema,
    /// A change breaks a rule of the registry (a unique or foreign key).
    Constraint,
    /// The request is too large for the store to answer.
    TooLarge,
    /// The registry cannot be opened at all (missing, permissions).
    CannotOpen,
    /// The registry belongs to another application.
    Foreign,
    /// An i/o error below the store.
    Io,
    /// Anything else the store reports.
    Other,
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    /// Set when the store raised it: what kind of store failure it is.
    pub store: Option<StoreKind>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Input,
            message: message.into(),
            hint: None,
            store: None,
        }
    }

    pub fn registry(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Registry,
            message: message.into(),
            hint: None,
            store: None,
        }
    }

    /// A check answered no; `message` goes to stderr when not empty.
    pub fn no(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::No,
            message: message.into(),
            hint: None,
            store: None,
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
            store: None,
        }
    }

    /// A failure of the store, of kind `store`: bad input when the request was at fault
    /// (too large, breaking a rule), else the registry cannot be used.
    pub fn store(store: StoreKind, message: impl Into<String>) -> Self {
        let kind = match store {
            StoreKind::TooLarge | StoreKind::Constraint => Kind::Input,
            _ => Kind::Registry,
        };
        Error {
            kind,
            message: message.into(),
            hint: None,
            store: Some(store),
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
        self.store == Some(StoreKind::ReadOnly)
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
                store: None,
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

#[cfg(test)]
mod tests {
    use super::*;

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
