//! `mou completions SHELL` and `mou man`, generated from the clap definitions.

use clap::CommandFactory;
use std::io::Write;

use super::stdout;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn completions(a: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    // Generated into memory first: clap_complete panics on a write error such as a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "mou", &mut script);
    let mut out = stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

pub fn man() -> Result<()> {
    let mut out = stdout();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(())
}
