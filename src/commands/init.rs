//! `mou init`: create the registry; running it again changes nothing.

use super::{after_commit, say, Ctx};
use crate::db::Access;
use crate::error::Result;

pub fn run(ctx: &Ctx) -> Result<()> {
    let existed = ctx.db.exists();
    ctx.open(Access::Write)?;
    if existed {
        return say(format_args!("registry at {} is ready", ctx.db.display()));
    }
    after_commit(&format!("the registry at {}", ctx.db.display()), || {
        say(format_args!("created registry at {}", ctx.db.display()))
    })
}
