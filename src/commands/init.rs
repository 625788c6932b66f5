//! `mou init`: create the registry; running it again changes nothing.

use super::Ctx;
use crate::db::Access;
use crate::error::Result;

pub fn run(ctx: &Ctx) -> Result<()> {
    let existed = ctx.db.exists();
    ctx.open(Access::Write)?;
    if existed {
        eprintln!("registry at {} is ready", ctx.db.display());
    } else {
        eprintln!("created registry at {}", ctx.db.display());
    }
    Ok(())
}
