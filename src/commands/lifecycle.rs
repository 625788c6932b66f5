//! `mou renew` and `mou terminate`: the life of an agreement after signing.

use std::io::Write;

use super::{after_commit, say, stdout, Ctx};
use crate::cli::{RenewArgs, TerminateArgs};
use crate::dates::iso;
use crate::error::Result;
use crate::registry::Renewal;
use crate::store::Access;
use crate::validate;

pub fn renew(ctx: &Ctx, a: &RenewArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let new = store.write(|s| {
        let renewal = Renewal {
            signed: a.signed.unwrap_or(ctx.today),
            expires: a.expires,
            term: a.term,
            reference: a.reference.as_deref(),
        };
        ctx.registry(s).renew(&a.agreement, &renewal, ctx.as_of)
    })?;
    let (new, ended) = new;
    after_commit(&format!("renewal {}", new.reference), || {
        if let Some(e) = ended {
            say(format_args!(
                "{} now expires on {}, the day before its renewal takes effect",
                e.reference,
                e.expires_on.map(iso).unwrap_or_default()
            ))?;
        }
        say(format_args!(
            "{} renews {} from {} to {}",
            new.reference,
            new.renews.as_deref().unwrap_or_default(),
            new.effective_on.map(iso).unwrap_or_default(),
            new.expires_on.map(iso).unwrap_or_default()
        ))?;
        let mut out = stdout();
        writeln!(out, "{}", new.reference)?;
        out.flush()?;
        Ok(())
    })
}

pub fn terminate(ctx: &Ctx, a: &TerminateArgs) -> Result<()> {
    let reason = validate::free_text("reason", a.reason.as_deref().unwrap_or(""))?;
    let mut store = ctx.open(Access::Write)?;
    let done = store.write(|s| {
        ctx.registry(s)
            .terminate(&a.agreement, a.on, reason.clone(), ctx.as_of)
    })?;
    after_commit(&format!("the termination of {}", done.reference), || {
        say(format_args!(
            "terminated {} on {}",
            done.reference,
            iso(a.on)
        ))
    })
}
