//! The completers that offer the registry's partner keys and refs while the shell completes
//! a command line. The arguments (cli.rs) name them; they read the registry, never a command.

use clap_complete::CompletionCandidate;
use std::ffi::OsStr;

use crate::environment::{default_db_path, Environment};
use crate::error::{Error, Result};
use crate::query::Filter;
use crate::store::{Access, Backend};

/// Partner keys starting with the word being completed.
pub fn partner_keys(current: &OsStr) -> Vec<CompletionCandidate> {
    candidates(current, |store, out| {
        out.extend(store.partner_keys()?.into_iter().map(|(_, k)| k));
        Ok(())
    })
}

/// Agreement refs starting with the word being completed.
pub fn agreement_refs(current: &OsStr) -> Vec<CompletionCandidate> {
    candidates(current, push_refs)
}

/// Engagement refs starting with the word being completed.
pub fn engagement_refs(current: &OsStr) -> Vec<CompletionCandidate> {
    candidates(current, |store, out| {
        let as_of = crate::dates::today().map_err(Error::input)?;
        store.scan_engagements(&Filter::new(as_of), &mut |e, _| {
            out.push(e.reference);
            Ok(())
        })
    })
}

/// Refs (of agreements and engagements) and partner keys, for commands that take either.
pub fn record_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut v = agreement_refs(current);
    v.extend(engagement_refs(current));
    v.extend(partner_keys(current));
    v
}

fn push_refs(store: &dyn Backend, out: &mut Vec<String>) -> Result<()> {
    let as_of = crate::dates::today().map_err(Error::input)?;
    store.scan_agreements(&Filter::new(as_of), &mut |a, _| {
        out.push(a.reference);
        Ok(())
    })
}

/// The names `list` gives whose start matches `current`, completed after the last comma of
/// a list value (`--partner foo,un` offers `foo,unicef`). The registry is opened for reading
/// only: a missing one offers nothing and is not created; any failure offers nothing.
fn candidates(
    current: &OsStr,
    list: impl Fn(&dyn Backend, &mut Vec<String>) -> Result<()>,
) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (done, word) = match current.rfind(',') {
        Some(i) => current.split_at(i + 1),
        None => ("", current.as_ref()),
    };
    let mut names = Vec::new();
    let listed = Environment::read()
        .and_then(|env| {
            let db = match &env.db {
                Some(db) => db.clone(),
                None => default_db_path(&env)?,
            };
            crate::store::open(
                &crate::store::Location::from_arg(db, &env.pg)?,
                Access::Read,
                &env.store,
            )
        })
        .and_then(|store| list(store.as_ref(), &mut names));
    if listed.is_err() {
        return Vec::new();
    }
    let word = word.to_lowercase();
    names
        .into_iter()
        .filter(|n| n.to_lowercase().starts_with(&word))
        .map(|n| CompletionCandidate::new(format!("{done}{n}")))
        .collect()
}
