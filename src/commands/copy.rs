//! `mou copy DEST`: the whole registry, history included, into a new registry; the copy is
//! checked (its history chain and its counts) before it is put in place.

use std::path::Path;

use super::backup::write_registry_file;
use super::Ctx;
use crate::cli::CopyArgs;
use crate::error::{Error, Result};
use crate::store::{self, Access, Backend, Location};

/// What a copy must match its source in: records of each kind and history rows.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    partners: i64,
    agreements: u64,
    engagements: u64,
    history: u64,
}

fn counts(s: &dyn Backend) -> Result<(Counts, Option<(i64, String)>)> {
    let v = s.verify_history()?;
    Ok((
        Counts {
            partners: s.partner_count()?,
            agreements: s.agreement_count()?,
            engagements: s.engagement_count()?,
            history: v.rows,
        },
        v.first_broken,
    ))
}

pub fn run(ctx: &Ctx, a: &CopyArgs) -> Result<()> {
    let dest_text = a.dest.to_string_lossy();
    if matches!(ctx.db, Location::Postgres(_)) || store::is_url(&dest_text) {
        return Err(Error::input(
            "`mou copy` to or from PostgreSQL is not built yet; nothing was written",
        )
        .with_hint("copy between files, or use `pg_dump --schema mou` for now"));
    }
    if !ctx.db.exists() {
        return Err(Error::registry(format!(
            "no registry at {} to copy",
            ctx.db
        )));
    }
    refuse_registry(ctx, &a.dest)?;
    let source = ctx.open(Access::Read)?;
    let (want, broken) = counts(&*source)?;
    if let Some((id, why)) = broken {
        return Err(Error::no(format!(
            "history of {} is broken at row {id}: {why}; nothing was written",
            ctx.db
        )));
    }
    write_registry_file(ctx, &a.dest, |tmp| {
        source.backup_to(tmp)?;
        let copy = store::open(&Location::File(tmp.to_path_buf()), Access::Read, &ctx.store)?;
        let (got, broken) = counts(&*copy)?;
        if let Some((id, why)) = broken {
            return Err(Error::no(format!(
                "the copy's history is broken at row {id}: {why}"
            )));
        }
        if got != want {
            return Err(Error::no(format!(
                "the copy does not match its source ({got:?} beside {want:?})"
            )));
        }
        Ok(())
    })?;
    crate::note!(
        "copied {} to {}: {} partners, {} agreements, {} engagements, {} history rows, chain verified",
        ctx.db,
        a.dest.display(),
        want.partners,
        want.agreements,
        want.engagements,
        want.history
    );
    Ok(())
}

/// A destination that exists is refused (exit 2, nothing written): a copy makes a new
/// registry and never merges into or replaces one.
fn refuse_registry(ctx: &Ctx, dest: &Path) -> Result<()> {
    if !dest.exists() {
        return Ok(());
    }
    let holds = store::open(
        &Location::File(dest.to_path_buf()),
        Access::Read,
        &ctx.store,
    )
    .map(|_| true)
    .unwrap_or(false);
    let what = if holds {
        "holds a registry already"
    } else {
        "exists"
    };
    Err(Error::input(format!(
        "{} {what}; a copy goes only where no registry is yet; nothing was written",
        dest.display()
    ))
    .with_hint("choose a new file, or remove the old one first"))
}
