//! `mou renew` and `mou terminate`: the life of an agreement after signing.

use chrono::Datelike;
use std::io::Write;

use super::{after_commit, say, stdout, Ctx};
use crate::cli::{RenewArgs, TerminateArgs};
use crate::dates::{iso, Date};
use crate::error::{Error, Result};
use crate::model::{Agreement, Status};
use crate::registry::Registry;
use crate::store::{Access, Action};
use crate::validate;

pub fn renew(ctx: &Ctx, a: &RenewArgs) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    let new = store.write(|s| {
        let reg = Registry::new(s, &ctx.actor);
        let (old, _) = s.find_agreement(&a.agreement, ctx.as_of)?;
        if old.signed_on.is_none() {
            return Err(Error::input(format!(
                "{} is a draft: sign it before renewing it",
                old.reference
            ))
            .with_hint(format!(
                "mou edit agreement {} --signed DATE",
                old.reference
            )));
        }
        let signed = a.signed.unwrap_or(ctx.today);
        // The renewal continues where the old one ends, unless it is signed later.
        let effective = match old.expires_on.and_then(|e| e.succ_opt()) {
            Some(next) if next > signed => next,
            _ => signed,
        };
        let expires = match (a.expires, a.term) {
            (Some(e), _) => e,
            (None, Some(t)) => t
                .last_day_from(effective)
                .ok_or_else(|| Error::input("the term is too long; give a shorter --term"))?,
            (None, None) => return Err(Error::input("give --expires DATE or --term 3y")),
        };
        let parties = s.party_ids(old.id)?;
        let now = s.now();
        let mut new = Agreement {
            id: 0,
            reference: reg.new_ref(a.reference.as_deref(), old.kind, signed.year())?,
            signed_on: Some(signed),
            effective_on: Some(effective),
            expires_on: Some(expires),
            terminated_on: None,
            termination_reason: None,
            renews: Some(old.reference.clone()),
            document: None,
            notes: None,
            created_at: now.clone(),
            updated_at: now.clone(),
            ..old.clone()
        };
        validate::agreement(&new)?;
        reg.check_renewal(None, &new.reference, &old.reference)?;
        // An open-ended agreement ends the day before its renewal takes effect; otherwise
        // both would be active from then on.
        let ended = match (old.expires_on, old.terminated_on) {
            (None, None) => Some(end_before_renewal(&old, effective, &now)?),
            _ => None,
        };
        new.id = reg.add_agreement(&new, &parties, Some(&old))?;
        if let Some(ended) = &ended {
            reg.update_agreement(Action::Edit, &old, ended, &parties)?;
        }
        Ok((new, ended))
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

/// `old`, open-ended, given an expiry the day before `effective` (its renewal's start).
fn end_before_renewal(old: &Agreement, effective: Date, now: &str) -> Result<Agreement> {
    // It can end no earlier than it was signed or took effect (a backdated agreement takes
    // effect before it is signed).
    let earliest = [old.signed_on, old.effective_on]
        .into_iter()
        .flatten()
        .max();
    let end = effective
        .pred_opt()
        .filter(|e| earliest.is_none_or(|s| *e >= s));
    let Some(end) = end else {
        return Err(Error::input(format!(
            "{} is open-ended and cannot end before {}, so a renewal taking effect on {} would leave it no time",
            old.reference,
            earliest.map(iso).unwrap_or_default(),
            iso(effective)
        ))
        .with_hint("give a later --signed"));
    };
    let ended = Agreement {
        expires_on: Some(end),
        updated_at: now.to_string(),
        ..old.clone()
    };
    validate::agreement(&ended)?;
    Ok(ended)
}

pub fn terminate(ctx: &Ctx, a: &TerminateArgs) -> Result<()> {
    let reason = validate::free_text("reason", a.reason.as_deref().unwrap_or(""))?;
    let mut store = ctx.open(Access::Write)?;
    let done = store.write(|s| {
        let (before, _) = s.find_agreement(&a.agreement, ctx.as_of)?;
        if let Some(t) = before.terminated_on {
            return Err(Error::input(format!("{} was already terminated on {}", before.reference, iso(t)))
                .with_hint(format!("to change the date: mou edit agreement {} --clear terminated, then terminate again", before.reference)));
        }
        if before.status_at(a.on) == Status::Draft {
            return Err(Error::input(format!("{} is a draft: a draft cannot be terminated", before.reference))
                .with_hint(format!("remove it with `mou remove agreement {}`", before.reference)));
        }
        let mut g = before.clone();
        g.terminated_on = Some(a.on);
        g.termination_reason = reason.clone();
        g.updated_at = s.now();
        validate::agreement(&g)?;
        let parties = s.party_ids(g.id)?;
        Registry::new(s, &ctx.actor).update_agreement(Action::Terminate, &before, &g, &parties)?;
        Ok(g)
    })?;
    after_commit(&format!("the termination of {}", done.reference), || {
        say(format_args!(
            "terminated {} on {}",
            done.reference,
            iso(a.on)
        ))
    })
}
