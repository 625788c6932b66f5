//! Contacts: add, edit, remove and forget, the one-current-primary rule, and resolving the
//! names the user gives (an id, an email, or `PARTNER:NAME`).
//!
//! History rows of a contact carry its id as their key, never its name or email, so that
//! `forget` can erase the personal data from every row's before/after.

use serde_json::json;

use super::Registry;
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::model::Contact;
use crate::records::{contact_json, CONTACT_PERSONAL};
use crate::store::{Action, Entity, ERASED_ROWS};
use crate::text::normalize;

/// What a forget did.
pub struct Forgotten {
    pub id: i64,
    /// The history rows whose before/after lost the personal data.
    pub erased_rows: Vec<i64>,
}

impl Registry<'_> {
    /// The contact `name` names: an id, an email (any case), or `PARTNER:NAME` (the partner
    /// by key, name or alias, the name normalized). Unknown or ambiguous is an error whose
    /// hint lists the nearest contacts.
    pub fn find_contact(&self, name: &str) -> Result<Contact> {
        let s = self.store;
        let t = name.trim();
        let found = if let Ok(id) = crate::text::ascii_digits(t).parse::<i64>() {
            s.contact_by_id(id)?.into_iter().collect()
        } else if t.contains('@') && !t.contains(':') {
            s.contacts_by_email(t)?
        } else if let Some((partner, person)) = t.split_once(':') {
            let p = s.find_partner(partner.trim())?;
            s.contacts_named(p.id, &normalize(person))?
        } else {
            return Err(Error::input(format!(
                "'{t}' does not name a contact: name one by id, by email, or as PARTNER:NAME"
            ))
            .with_hint(self.contact_hint(t)?));
        };
        match found.len() {
            1 => Ok(found.into_iter().next().unwrap_or_else(|| unreachable!())),
            0 => {
                Err(Error::input(format!("no contact is named '{t}'"))
                    .with_hint(self.contact_hint(t)?))
            }
            _ => Err(Error::input(format!(
                "'{t}' is ambiguous: it names contacts {}",
                found
                    .iter()
                    .map(|c| c.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .with_hint("name the contact by its id (`mou list contacts --all` shows them)")),
        }
    }

    fn contact_hint(&self, t: &str) -> Result<String> {
        let near = self.store.nearest_contacts(t, 3)?;
        Ok(if near.is_empty() {
            "list them with `mou list contacts --all`".into()
        } else {
            format!("did you mean {}?", near.join(", "))
        })
    }

    /// Records a new contact (its `id` 0, or a free id that no contact ever had) with its
    /// `add` history row. A current primary contact demotes the partner's other current
    /// primary one (each demotion is an `edit` history row of its own); returns the new id and
    /// the contacts demoted, as they are now.
    pub fn add_contact(&self, c: &Contact, today: Date) -> Result<(i64, Vec<Contact>)> {
        if c.id != 0 && self.store.contact_in_history(c.id)? {
            return Err(Error::field(
                "id",
                &c.id.to_string(),
                "that id belonged to a contact that was removed, and ids are never reused; leave the id empty to add the contact as a new one",
            ));
        }
        let id = self.store.insert_contact(c)?;
        let mut added = c.clone();
        added.id = id;
        self.record(
            Action::Add,
            Entity::Contact,
            Some(id),
            &id.to_string(),
            None,
            Some(contact_json(&added)),
        )?;
        let demoted = self.demote_others(&added, today)?;
        Ok((id, demoted))
    }

    /// Rewrites contact `after` (it was `before`) with its `edit` history row; demotes as
    /// [`Registry::add_contact`] does.
    pub fn update_contact(
        &self,
        before: &Contact,
        after: &Contact,
        today: Date,
    ) -> Result<Vec<Contact>> {
        if let Some(when) = self.store.contact_forgotten(before.id)? {
            return Err(Error::input(format!(
                "contact {} was forgotten on {when}: its record is kept without personal data and cannot be edited",
                before.id
            ))
            .with_hint(format!("remove it with `mou remove contact {}`, or add the person again", before.id)));
        }
        self.store.update_contact(after)?;
        self.record(
            Action::Edit,
            Entity::Contact,
            Some(after.id),
            &after.id.to_string(),
            Some(contact_json(before)),
            Some(contact_json(after)),
        )?;
        self.demote_others(after, today)
    }

    /// When `c` is its partner's current primary contact, the others that were are no longer.
    fn demote_others(&self, c: &Contact, today: Date) -> Result<Vec<Contact>> {
        if !c.is_current_primary(today) {
            return Ok(Vec::new());
        }
        let mut demoted = Vec::new();
        for other in self.store.contacts_of_partner(c.partner_id)? {
            if other.id == c.id || !other.is_current_primary(today) {
                continue;
            }
            let mut now = other.clone();
            now.primary = false;
            now.updated_at = self.now();
            self.store.update_contact(&now)?;
            self.record(
                Action::Edit,
                Entity::Contact,
                Some(now.id),
                &now.id.to_string(),
                Some(contact_json(&other)),
                Some(contact_json(&now)),
            )?;
            demoted.push(now);
        }
        Ok(demoted)
    }

    /// Removes contact `c`; history keeps it (until it is forgotten).
    pub fn remove_contact(&self, c: &Contact) -> Result<()> {
        self.store.delete_contact(c.id)?;
        self.record(
            Action::Remove,
            Entity::Contact,
            Some(c.id),
            &c.id.to_string(),
            Some(contact_json(c)),
            None,
        )
    }

    /// Erases the personal data (name, email, phone, notes) of the contact `name` names, or
    /// of a removed one named by its id, from its row and from every history row of it; the
    /// forget row says why and which rows, never what. Call
    /// [`crate::store::Backend::purge_erased`] once this is committed.
    pub fn forget_contact(&self, name: &str, reason: &str) -> Result<Forgotten> {
        let s = self.store;
        let (id, partner) = match self.find_contact(name) {
            Ok(c) => (c.id, Some(c.partner)),
            Err(e) => match crate::text::ascii_digits(name.trim()).parse::<i64>() {
                Ok(id) if s.contact_in_history(id)? => (id, None),
                _ => return Err(e),
            },
        };
        let mut forgotten_before = s.contact_forgotten(id)?;
        s.scan_history_of(Entity::Contact, id, &mut |e| {
            if e.action == Action::Forget.as_str() {
                forgotten_before = Some(e.at);
            }
            Ok(())
        })?;
        if let Some(when) = forgotten_before {
            return Err(Error::input(format!(
                "contact {id} was forgotten already, on {when}; nothing was changed"
            )));
        }
        let now = self.now();
        if partner.is_some() {
            s.forget_contact_row(id, &now)?;
        }
        let erased_rows = s.erase_history(Entity::Contact, id, CONTACT_PERSONAL)?;
        let mut after = json!({
            "id": id,
            "reason": reason,
            "fields": CONTACT_PERSONAL,
        });
        if let Some(p) = partner {
            after["partner"] = p.into();
        }
        after[ERASED_ROWS] = json!(erased_rows);
        self.record(
            Action::Forget,
            Entity::Contact,
            Some(id),
            &id.to_string(),
            None,
            Some(after),
        )?;
        Ok(Forgotten { id, erased_rows })
    }
}
