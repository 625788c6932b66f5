//! `mou remove partner|agreement|contact|engagement`: the record goes; its last state stays in history.

use super::{after_commit, say, Ctx};
use crate::cli::RemoveCommand;
use crate::error::Result;
use crate::store::Access;

pub fn run(ctx: &Ctx, cmd: &RemoveCommand) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    match cmd {
        RemoveCommand::Agreement(a) => {
            let r = store.write(|s| {
                ctx.registry(s)
                    .remove_agreement_named(&a.agreement, ctx.as_of)
            })?;
            after_commit(&format!("the removal of agreement {r}"), || {
                say(format_args!("removed agreement {r} (kept in history)"))
            })
        }
        RemoveCommand::Engagement(a) => {
            let r = store.write(|s| {
                ctx.registry(s)
                    .remove_engagement_named(&a.engagement, ctx.as_of)
            })?;
            after_commit(&format!("the removal of engagement {r}"), || {
                say(format_args!("removed engagement {r} (kept in history)"))
            })
        }
        RemoveCommand::Contact(a) => {
            let id = store.write(|s| {
                let r = ctx.registry(s);
                let c = r.find_contact(&a.contact)?;
                r.remove_contact(&c)?;
                Ok(c.id)
            })?;
            after_commit(&format!("the removal of contact {id}"), || {
                say(format_args!(
                    "removed contact {id} (kept in history; `mou forget contact {id}` erases it there)"
                ))
            })
        }
        RemoveCommand::Partner(a) => {
            let (key, removed, detached) = store.write(|s| {
                let p = s.find_partner(&a.partner)?;
                let (removed, detached) =
                    ctx.registry(s).remove_partner(&p, a.cascade, ctx.as_of)?;
                Ok((p.key, removed, detached))
            })?;
            after_commit(&format!("the removal of partner {key}"), || {
                say(format_args!("removed partner {key} (kept in history); {removed} agreement(s) removed, left out of {detached}"))
            })
        }
    }
}
