//! `mou backup FILE`: SQLite's online backup, consistent while others write.

use super::Ctx;
use crate::cli::BackupArgs;
use crate::db::Access;
use crate::error::{Error, Result};

pub fn run(ctx: &Ctx, a: &BackupArgs) -> Result<()> {
    if !ctx.db.exists() {
        return Err(Error::registry(format!(
            "no registry at {} to back up",
            ctx.db.display()
        )));
    }
    if a.file.exists() && !a.force {
        return Err(
            Error::input(format!("{} exists; nothing was written", a.file.display()))
                .with_hint("add --force to overwrite it, or choose another file"),
        );
    }
    let store = ctx.open(Access::Write)?;
    let tmp = a
        .file
        .with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = store.backup_to(&tmp).and_then(|()| {
        std::fs::rename(&tmp, &a.file)
            .map_err(|e| Error::input(format!("cannot write {}: {e}", a.file.display())))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    eprintln!("backed up {} to {}", ctx.db.display(), a.file.display());
    Ok(())
}
