//! `mou init`: create the registry; running it again changes nothing.

use super::{after_commit, say, Ctx};
use crate::error::Result;
use crate::store;

pub fn run(ctx: &Ctx) -> Result<()> {
    if !store::init(&ctx.db, &ctx.store)? {
        return say(format_args!("registry at {} is ready", ctx.db));
    }
    after_commit(&format!("the registry at {}", ctx.db), || {
        say(format_args!("created registry at {}", ctx.db))
    })
}
