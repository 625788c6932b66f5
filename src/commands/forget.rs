//! `mou forget contact C --reason T`: erase a contact's personal data everywhere, history
//! included, and from the registry's files; the chain still verifies.

use super::{after_commit, say, Ctx};
use crate::cli::ForgetCommand;
use crate::error::Result;
use crate::store::{Access, Backend};

pub fn run(ctx: &Ctx, cmd: &ForgetCommand) -> Result<()> {
    let ForgetCommand::Contact(a) = cmd;
    let reason = crate::validate::free_text("reason", &a.reason)?.ok_or_else(|| {
        crate::error::Error::input(
            "reason is empty: say why the data is erased, e.g. --reason \"asked to be forgotten\"",
        )
    })?;
    let mut store = ctx.open(Access::Write)?;
    let done = store.write(|s| ctx.registry(s).forget_contact(&a.contact, &reason))?;
    // Outside the transaction: VACUUM cannot run inside one.
    let leftover = Backend::purge_erased(&*store)?;
    after_commit(&format!("the forgetting of contact {}", done.id), || {
        if let Some(w) = &leftover {
            say(format_args!("warning: {w}"))?;
        }
        say(format_args!(
            "forgot contact {}: its name, email, phone and notes are erased from the registry and from {} history row(s)",
            done.id,
            done.erased_rows.len()
        ))
    })
}
