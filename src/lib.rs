//! mou: a registry of partner organisations and the memoranda of understanding signed with
//! them, in one local SQLite file. `main.rs` calls [`main`]; tests reach the modules here.

/// A line for people on stderr. Unlike `eprintln!`, which panics when stderr cannot be
/// written (`2>/dev/full`), a failure to write it is ignored: it is a message, not data.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod calendar;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod country;
pub mod dates;
pub mod environment;
pub mod error;
pub mod import_format;
pub mod milestone;
pub mod model;
pub mod output;
pub mod query;
pub mod records;
pub mod registry;
pub mod report;
pub mod sdg;
pub mod store;
pub mod text;
pub mod validate;
pub mod web;

use error::{ExitCode, Kind};

/// Parses the command line, runs the command, reports any error on stderr and returns the
/// process exit code: the one place where errors become exit codes.
pub fn main() -> i32 {
    if let Some(code) = commands::shell::answer_completion_request() {
        return code;
    }
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            eprint!("{}", cli::render_error(&e));
            return ExitCode::Usage as i32;
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::Success as i32;
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::Success as i32,
        Err(e) => {
            if e.kind != Kind::BrokenPipe && !e.message.is_empty() {
                // Messages echo values from files and records: escape their controls.
                note!("mou: {}", text::visible(&e.to_string()));
            }
            e.exit_code() as i32
        }
    }
}
