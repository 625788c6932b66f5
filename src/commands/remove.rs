//! `mou remove partner|agreement`: the record goes; its last state stays in history.

use super::{after_commit, say, Ctx};
use crate::cli::RemoveCommand;
use crate::error::{Error, Result};
use crate::records::{agreement_json, partner_json};
use crate::store::{Access, Action, Change, Entity, Store};

pub fn run(ctx: &Ctx, cmd: &RemoveCommand) -> Result<()> {
    let mut store = ctx.open(Access::Write)?;
    match cmd {
        RemoveCommand::Agreement(a) => {
            let r = store.write(|s| {
                let (g, _) = s.find_agreement(&a.agreement, ctx.as_of)?;
                if let Some(by) = s.renewed_by(&g.reference)?.first() {
                    return Err(Error::input(format!(
                        "{} is renewed by {by}; removing it would break the renewal chain; nothing was removed",
                        g.reference
                    ))
                    .with_hint(format!("first `mou edit agreement {by} --renews ''`, or remove {by}")));
                }
                remove_agreement(ctx, s, g.id)?;
                Ok(g.reference)
            })?;
            after_commit(&format!("the removal of agreement {r}"), || {
                say(format_args!("removed agreement {r} (kept in history)"))
            })
        }
        RemoveCommand::Partner(a) => {
            let (key, removed, detached) = store.write(|s| {
                let p = s.find_partner(&a.partner)?;
                let ids = s.agreement_ids_of_partner(p.id)?;
                if !ids.is_empty() && !a.cascade {
                    return Err(Error::input(format!(
                        "partner {} is a party to {} agreement(s); nothing was removed",
                        p.key,
                        ids.len()
                    ))
                    .with_hint("add --cascade to remove the agreements it alone is party to and leave it out of the others"));
                }
                let (mut removed, mut detached) = (0, 0);
                for id in ids {
                    if s.party_ids(id)?.len() == 1 {
                        remove_agreement(ctx, s, id)?;
                        removed += 1;
                    } else {
                        let (before, _) = s.agreement_by_id(id, ctx.as_of)?.ok_or_else(|| Error::registry("agreement vanished"))?;
                        s.detach_party(id, p.id)?;
                        let (after, _) = s.agreement_by_id(id, ctx.as_of)?.ok_or_else(|| Error::registry("agreement vanished"))?;
                        s.record(Change {
                            actor: &ctx.actor,
                            action: Action::Edit,
                            entity: Entity::Agreement,
                            entity_id: Some(id),
                            entity_key: &after.reference,
                            before: Some(agreement_json(&before)),
                            after: Some(agreement_json(&after)),
                        })?;
                        detached += 1;
                    }
                }
                s.delete_partner(p.id)?;
                s.record(Change {
                    actor: &ctx.actor,
                    action: Action::Remove,
                    entity: Entity::Partner,
                    entity_id: Some(p.id),
                    entity_key: &p.key,
                    before: Some(partner_json(&p)),
                    after: None,
                })?;
                Ok((p.key, removed, detached))
            })?;
            after_commit(&format!("the removal of partner {key}"), || {
                say(format_args!("removed partner {key} (kept in history); {removed} agreement(s) removed, left out of {detached}"))
            })
        }
    }
}

fn remove_agreement(ctx: &Ctx, s: &Store, id: i64) -> Result<()> {
    let (g, _) = s
        .agreement_by_id(id, ctx.as_of)?
        .ok_or_else(|| Error::registry("agreement vanished"))?;
    s.delete_agreement(id)?;
    s.record(Change {
        actor: &ctx.actor,
        action: Action::Remove,
        entity: Entity::Agreement,
        entity_id: Some(id),
        entity_key: &g.reference,
        before: Some(agreement_json(&g)),
        after: None,
    })
}
