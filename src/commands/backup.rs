//! `mou backup FILE`: SQLite's online backup, consistent while others write.

use std::path::Path;

use super::Ctx;
use crate::cli::BackupArgs;
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::store::Access;

pub fn run(ctx: &Ctx, a: &BackupArgs) -> Result<()> {
    if !ctx.db.exists() {
        return Err(Error::registry(format!(
            "no registry at {} to back up",
            ctx.db
        )));
    }
    if a.file.exists() && !a.force {
        return Err(
            Error::input(format!("{} exists; nothing was written", a.file.display()))
                .with_hint("add --force to overwrite it, or choose another file"),
        );
    }
    let store = ctx.open(Access::Read)?;
    write_registry_file(ctx, &a.file, |tmp| store.backup_to(tmp))?;
    crate::note!("backed up {} to {}", ctx.db, a.file.display());
    Ok(())
}

/// Writes a registry file at `file` through `write` (given a partial file beside it), renamed
/// into place only when `write` succeeds, so a failure leaves nothing under `file`.
pub(super) fn write_registry_file(
    ctx: &Ctx,
    file: &Path,
    write: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let dest = ctx.output_file(file)?;
    if file.is_dir() {
        return Err(Error::input(format!(
            "{} is a directory; nothing was written",
            file.display()
        ))
        .with_hint("give a file name for the copy, e.g. registry-backup.db"));
    }
    let tmp = dest.partial();
    let _ = std::fs::remove_file(&tmp);
    let result = write(&tmp)
        .map_err(|e| match e.kind {
            ErrorKind::Input => Error {
                message: format!("{}: {}; nothing was written", file.display(), e.message),
                ..e
            },
            _ => e,
        })
        .and_then(|()| {
            std::fs::rename(&tmp, file)
                .map_err(|e| Error::input(format!("cannot write {}: {e}", file.display())))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    // The rename is durable once the directory is on disk too.
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
