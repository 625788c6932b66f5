//! `mou serve [--bind ADDR] [--allow-edit] [--token TOKEN]`: the web view (src/web/).

use super::Ctx;
use crate::cli::ServeArgs;
use crate::error::Result;

pub fn run(ctx: &Ctx, a: &ServeArgs) -> Result<()> {
    let config = crate::web::Config::new(ctx, a)?;
    crate::web::serve(config)
}
