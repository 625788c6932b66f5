//! Contacts: focal points at partners. Their personal data (name, email, phone, notes) can
//! be erased in place (`forget`). Ids are never reused: meta keeps the largest ever given.

use postgres::types::ToSql;
use postgres::Row;

use super::{Params, Store};
use crate::error::{Error, Result};
use crate::model::{split_list, Contact};
use crate::query::ContactFilter;
use crate::store::FORGOTTEN_NAME;
use crate::text::normalize;

const SELECT: &str =
    "SELECT c.id, c.partner_id, p.key, c.name, c.role, c.email, c.phone, c.languages,
        c.is_primary, c.since, c.until, c.notes, c.created_at, c.updated_at
   FROM contact c JOIN partner p ON p.id = c.partner_id";

const ID_MARK: &str = "contact_id_mark";

fn contact_from_row(r: &Row) -> Contact {
    Contact {
        id: r.get(0),
        partner_id: r.get(1),
        partner: r.get(2),
        name: r.get(3),
        role: r.get(4),
        email: r.get(5),
        phone: r.get(6),
        languages: split_list(&r.get::<_, String>(7)),
        primary: r.get(8),
        since: r.get(9),
        until: r.get(10),
        notes: r.get(11),
        created_at: r.get(12),
        updated_at: r.get(13),
    }
}

fn sort_sql(column: &str) -> Option<&'static str> {
    Some(match column {
        "id" => "c.id",
        "partner" => "lower(p.key)",
        "name" => "lower(c.name)",
        "role" => "lower(c.role)",
        "email" => "lower(c.email)",
        "phone" => "lower(c.phone)",
        "languages" => "lower(nullif(c.languages, ''))",
        "primary" => "c.is_primary",
        "since" => "c.since",
        "until" => "c.until",
        "notes" => "lower(c.notes)",
        "created_at" => "lower(c.created_at)",
        "updated_at" => "lower(c.updated_at)",
        _ => return None,
    })
}

/// The stored values of a contact ($1..$15), as INSERT and UPDATE number them.
fn columns(c: &Contact) -> Params {
    let norm = |v: &Option<String>| normalize(v.as_deref().unwrap_or(""));
    vec![
        Box::new(c.id),
        Box::new(c.partner_id),
        Box::new(c.name.clone()),
        Box::new(normalize(&c.name)),
        Box::new(c.role.clone()),
        Box::new(norm(&c.role)),
        Box::new(c.email.clone()),
        Box::new(norm(&c.email)),
        Box::new(c.phone.clone()),
        Box::new(c.languages.join(";")),
        Box::new(c.primary),
        Box::new(c.since),
        Box::new(c.until),
        Box::new(c.notes.clone()),
        Box::new(c.updated_at.clone()),
        Box::new(c.created_at.clone()),
    ]
}

impl Store {
    pub fn contact_by_id(&self, id: i64) -> Result<Option<Contact>> {
        let sql = format!("{SELECT} WHERE c.id = $1");
        Ok(self.opt(&sql, &[&id])?.map(|r| contact_from_row(&r)))
    }

    fn contacts_where(&self, clause: &str, p: &[&(dyn ToSql + Sync)]) -> Result<Vec<Contact>> {
        let sql = format!("{SELECT} WHERE {clause} ORDER BY c.id");
        Ok(self.all(&sql, p)?.iter().map(contact_from_row).collect())
    }

    pub fn contacts_by_email(&self, email: &str) -> Result<Vec<Contact>> {
        self.contacts_where("lower(c.email) = lower($1)", &[&email.trim()])
    }

    pub fn contacts_named(&self, partner_id: i64, name_norm: &str) -> Result<Vec<Contact>> {
        self.contacts_where(
            "c.partner_id = $1 AND c.name_norm = $2",
            &[&partner_id, &name_norm],
        )
    }

    pub fn contacts_of_partner(&self, partner_id: i64) -> Result<Vec<Contact>> {
        self.contacts_where("c.partner_id = $1", &[&partner_id])
    }

    pub fn nearest_contacts(&self, text: &str, n: usize) -> Result<Vec<String>> {
        let norm = normalize(text);
        let rows = self.all(
            "SELECT c.id, p.key, c.name, c.name_norm, lower(coalesce(c.email, ''))
               FROM contact c JOIN partner p ON p.id = c.partner_id WHERE c.forgotten IS NULL",
            &[],
        )?;
        let mut scored: Vec<(f64, String)> = Vec::new();
        for r in rows {
            let (id, key, name, name_norm, email): (i64, String, String, String, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
            let mut score = [name_norm.clone(), email, format!("{key}:{name_norm}")]
                .iter()
                .map(|t| {
                    let s = strsim::normalized_levenshtein(&norm, t);
                    if !norm.is_empty() && t.contains(&norm) {
                        s.max(0.8)
                    } else {
                        s
                    }
                })
                .fold(0.0, f64::max);
            if id.to_string() == text.trim() {
                score = 1.0;
            }
            if score >= 0.4 {
                scored.push((score, format!("{id} ({key}:{name})")));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(scored.into_iter().take(n).map(|(_, s)| s).collect())
    }

    /// The largest contact id ever given, as meta keeps it (0 when none was).
    pub(super) fn contact_id_mark(&self) -> Result<i64> {
        Ok(self
            .opt("SELECT value FROM meta WHERE key = $1", &[&ID_MARK])?
            .and_then(|r| r.get::<_, String>(0).parse().ok())
            .unwrap_or(0))
    }

    /// Raises the largest contact id ever given to `id`; a lower `id` leaves it.
    pub(super) fn raise_contact_id_mark(&self, id: i64) -> Result<()> {
        self.exec(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key)
             DO UPDATE SET value = greatest(meta.value::bigint, excluded.value::bigint)::text",
            &[&ID_MARK, &id.to_string()],
        )?;
        Ok(())
    }

    pub fn insert_contact(&self, c: &Contact) -> Result<i64> {
        let mark = self.contact_id_mark()?;
        let id = if c.id != 0 {
            c.id
        } else {
            self.next_id("contact")?.max(mark + 1)
        };
        let mut p = columns(c);
        p[0] = Box::new(id);
        self.all_boxed(
            "INSERT INTO contact (id, partner_id, name, name_norm, role, role_norm, email,
                email_norm, phone, languages, is_primary, since, until, notes, updated_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &p,
        )?;
        self.raise_contact_id_mark(id)?;
        Ok(id)
    }

    pub fn update_contact(&self, c: &Contact) -> Result<()> {
        let st = self.prepared(
            "UPDATE contact SET partner_id = $2, name = $3, name_norm = $4, role = $5,
                role_norm = $6, email = $7, email_norm = $8, phone = $9, languages = $10,
                is_primary = $11, since = $12, until = $13, notes = $14, updated_at = $15
              WHERE id = $1 AND $16::text IS NOT NULL",
        )?;
        let n = self
            .client
            .borrow_mut()
            .execute(&st, &super::refs(&columns(c)))?;
        if n == 0 {
            return Err(Error::input(format!("no contact has id {}", c.id)));
        }
        Ok(())
    }

    pub fn delete_contact(&self, id: i64) -> Result<()> {
        self.exec("DELETE FROM contact WHERE id = $1", &[&id])?;
        Ok(())
    }

    pub fn forget_contact_row(&self, id: i64, at: &str) -> Result<()> {
        self.exec(
            "UPDATE contact SET name = $2, name_norm = '', email = NULL, email_norm = '',
                phone = NULL, notes = NULL, forgotten = $3, updated_at = $3
              WHERE id = $1",
            &[&id, &FORGOTTEN_NAME, &at],
        )?;
        Ok(())
    }

    pub fn contact_forgotten(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .opt("SELECT forgotten FROM contact WHERE id = $1", &[&id])?
            .and_then(|r| r.get(0)))
    }

    pub fn contact_in_history(&self, id: i64) -> Result<bool> {
        Ok(self
            .one(
                "SELECT EXISTS (SELECT 1 FROM history WHERE entity = 'contact' AND entity_id = $1)",
                &[&id],
            )?
            .get(0))
    }

    pub fn for_each_contact(
        &self,
        filter: &ContactFilter,
        f: &mut dyn FnMut(Contact) -> Result<()>,
    ) -> Result<()> {
        let mut clauses = vec!["true".to_string()];
        let mut p: Params = Vec::new();
        if !filter.former {
            p.push(Box::new(filter.as_of));
            clauses.push("(c.until IS NULL OR c.until >= ?)".into());
        }
        if !filter.partners.is_empty() {
            p.push(Box::new(filter.partners.clone()));
            clauses.push("c.partner_id = ANY (?)".into());
        }
        if let Some(t) = &filter.text {
            for _ in 0..4 {
                p.push(Box::new(t.clone()));
            }
            clauses.push(
                "(strpos(c.name_norm, ?) > 0 OR strpos(c.role_norm, ?) > 0
                  OR strpos(c.email_norm, ?) > 0 OR strpos(p.key, ?) > 0)"
                    .into(),
            );
        }
        let mut order = Vec::new();
        for key in &filter.sort {
            let sql = sort_sql(key.column)
                .ok_or_else(|| Error::input(format!("cannot sort by {}", key.column)))?;
            let dir = if key.descending { "DESC" } else { "ASC" };
            order.push(format!("{sql} {dir} NULLS LAST"));
        }
        order.push("c.id".into());
        let mut sql = format!(
            "{SELECT} WHERE {} ORDER BY {}",
            clauses.join(" AND "),
            order.join(", ")
        );
        if let Some(n) = filter.limit {
            p.push(Box::new(i64::try_from(n).unwrap_or(i64::MAX)));
            sql.push_str(" LIMIT ?");
        }
        self.each(&sql, &p, |r| f(contact_from_row(r)))
    }
}
