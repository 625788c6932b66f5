//! The benchmark's error type: a message, with what was being done in front of it.

use std::error::Error;
use std::fmt::Display;

pub type Res<T> = Result<T, Box<dyn Error>>;

/// Adds a description of what was being done to an error.
pub trait Context<T> {
    fn ctx<S: Display, F: FnOnce() -> S>(self, f: F) -> Res<T>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn ctx<S: Display, F: FnOnce() -> S>(self, f: F) -> Res<T> {
        self.map_err(|e| format!("{}: {e}", f()).into())
    }
}
