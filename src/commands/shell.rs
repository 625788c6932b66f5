//! `mou completions SHELL` and `mou man`, generated from the clap definitions.

use clap::CommandFactory;
use std::io::Write;

use super::stdout;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn completions(a: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut out = stdout();
    clap_complete::generate(a.shell, &mut cmd, "mou", &mut out);
    out.flush()?;
    Ok(())
}

pub fn man() -> Result<()> {
    let mut out = stdout();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(())
}
