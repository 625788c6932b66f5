//! `mou renew` and `mou terminate`: the life of an agreement after signing.

use std::io::Write;

use super::{after_commit, say, stdout, Ctx};
use crate::cli::{RenewArgs, TerminateArgs};
use crate::dates::iso;
use crate::error::Result;
use crate::model::Agreement;
use crate::registry::Renewal;
use crate::store::{Access, Backend};
use crate::validate;

pub fn renew(ctx: &Ctx, a: &RenewArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let (new, ended) = renew_record(ctx, &mut *store, a)?;
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

/// Records the renewal `a` asks for, in one transaction: the new agreement, and the old one
/// when it was given an expiry.
pub fn renew_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &RenewArgs,
) -> Result<(Agreement, Option<Agreement>)> {
    store.write(|s| {
        let renewal = Renewal {
            signed: a.signed.unwrap_or(ctx.today),
            expires: a.expires,
            term: a.term,
            reference: a.reference.as_deref(),
        };
        ctx.registry(s).renew(&a.agreement, &renewal, ctx.as_of)
    })
}

/// Records the termination `a` asks for, in one transaction; returns the agreement.
pub fn terminate_record(
    ctx: &Ctx,
    store: &mut dyn Backend,
    a: &TerminateArgs,
) -> Result<Agreement> {
    let reason = validate::free_text("reason", a.reason.as_deref().unwrap_or(""))?;
    store.write(|s| {
        ctx.registry(s)
            .terminate(&a.agreement, a.on, reason.clone(), ctx.as_of)
    })
}

pub fn terminate(ctx: &Ctx, a: &TerminateArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let done = terminate_record(ctx, &mut *store, a)?;
    after_commit(&format!("the termination of {}", done.reference), || {
        say(format_args!(
            "terminated {} on {}",
            done.reference,
            iso(a.on)
        ))
    })
}
