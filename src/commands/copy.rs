//! `mou copy DEST`: the whole registry, history included, into a new registry (a file or a
//! PostgreSQL database); the copy is checked (its history chain and its counts) before it is
//! put in place. The copying is the store's ([`crate::store::dump`]).

use std::path::Path;

use super::backup::write_registry_file;
use super::Ctx;
use crate::cli::CopyArgs;
use crate::error::{Error, Result};
use crate::store::dump::{self, Counts};
use crate::store::{self, Access, Location};

pub fn run(ctx: &Ctx, a: &CopyArgs) -> Result<()> {
    let dest = Location::from_arg(a.dest.clone(), &ctx.store.pg)?;
    if !ctx.db.exists() {
        return Err(Error::registry(format!(
            "no registry at {} to copy",
            ctx.db
        )));
    }
    // Before anything is read or written: DEST is the user's input.
    if let Location::File(path) = &dest {
        refuse_file(ctx, path)?;
    }
    let source = ctx.open(Access::Read)?;
    let (want, broken) = Counts::of(&*source)?;
    if let Some((id, why)) = broken {
        return Err(Error::no(format!(
            "history of {} is broken at row {id}: {why}; nothing was written",
            ctx.db
        )));
    }
    let copied = match (&ctx.db, &dest) {
        // File to file: SQLite's online backup, consistent while others write.
        (Location::File(_), Location::File(path)) => {
            write_registry_file(ctx, path, |tmp| {
                source.backup_to(tmp)?;
                let copy =
                    store::open(&Location::File(tmp.to_path_buf()), Access::Read, &ctx.store)?;
                dump::check_copy(&*copy, &want)
            })?;
            want
        }
        (_, Location::File(path)) => {
            let mut copied = want;
            write_registry_file(ctx, path, |tmp| {
                copied = dump::copy_to_new_file(&*source, tmp, &ctx.store)?;
                Ok(())
            })?;
            copied
        }
        (_, Location::Postgres(_)) => {
            // `mou init` has made the schema, or the copy makes it (as init would).
            let mut target = store::open(&dest, Access::Init, &ctx.store)?;
            if !target.is_unused()? {
                return Err(refused(&dest.to_string(), "holds a registry already"));
            }
            dump::copy(&*source, &mut *target)?
        }
    };
    crate::note!(
        "copied {} to {}: {} partners, {} agreements, {} engagements, {} history rows, chain verified",
        ctx.db,
        dest,
        copied.partners,
        copied.agreements,
        copied.engagements,
        copied.history
    );
    Ok(())
}

/// The refusal of a destination that exists (exit 2, nothing written): a copy makes a new
/// registry and never merges into or replaces one.
fn refused(dest: &str, what: &str) -> Error {
    Error::input(format!(
        "{dest} {what}; a copy goes only where no registry is yet; nothing was written"
    ))
    .with_hint("choose a new file or an empty database, or remove the old registry first")
}

fn refuse_file(ctx: &Ctx, dest: &Path) -> Result<()> {
    if !dest.exists() {
        return Ok(());
    }
    let holds = store::open(
        &Location::File(dest.to_path_buf()),
        Access::Read,
        &ctx.store,
    )
    .is_ok();
    let what = if holds {
        "holds a registry already"
    } else {
        "exists"
    };
    Err(refused(&dest.display().to_string(), what))
}
