//! Contacts: focal points at partners. Their personal data (name, email, phone, notes) can
//! be erased in place (`forget`), which leaves the row with its partner, role and dates.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};

use super::agreements::{opt_text_col, text_col};
use super::Store;
use crate::dates::{iso, parse_stored};
use crate::error::{Error, Result};
use crate::model::{split_list, Contact};
use crate::query::ContactFilter;
use crate::store::FORGOTTEN_NAME;
use crate::text::normalize;

const SELECT: &str =
    "SELECT c.id, c.partner_id, p.key, c.name, c.role, c.email, c.phone, c.languages,
        c.is_primary, c.since, c.until, c.notes, c.created_at, c.updated_at
   FROM contact c JOIN partner p ON p.id = c.partner_id";

fn date_col(r: &Row, i: usize) -> rusqlite::Result<Option<crate::dates::Date>> {
    match opt_text_col(r, i)? {
        None => Ok(None),
        Some(s) => parse_stored(&s).map(Some).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
        }),
    }
}

fn contact_from_row(r: &Row) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        partner_id: r.get(1)?,
        partner: text_col(r, 2)?,
        name: text_col(r, 3)?,
        role: opt_text_col(r, 4)?,
        email: opt_text_col(r, 5)?,
        phone: opt_text_col(r, 6)?,
        languages: split_list(&text_col(r, 7)?),
        primary: r.get::<_, i64>(8)? != 0,
        since: date_col(r, 9)?,
        until: date_col(r, 10)?,
        notes: opt_text_col(r, 11)?,
        created_at: text_col(r, 12)?,
        updated_at: text_col(r, 13)?,
    })
}

/// The SQL of a contact column to sort by.
fn sort_sql(column: &str) -> Option<&'static str> {
    Some(match column {
        "id" => "c.id",
        "partner" => "p.key",
        "name" => "c.name",
        "role" => "c.role",
        "email" => "c.email",
        "phone" => "c.phone",
        "languages" => "nullif(c.languages, '')",
        "primary" => "c.is_primary",
        "since" => "c.since",
        "until" => "c.until",
        "notes" => "c.notes",
        "created_at" => "c.created_at",
        "updated_at" => "c.updated_at",
        _ => return None,
    })
}

impl Store {
    pub fn contact_by_id(&self, id: i64) -> Result<Option<Contact>> {
        Ok(self
            .conn
            .query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], contact_from_row)
            .optional()?)
    }

    /// Contacts with this email (compared without case).
    pub fn contacts_by_email(&self, email: &str) -> Result<Vec<Contact>> {
        self.contacts_where(
            "lower(c.email) = lower(?1)",
            vec![email.trim().to_string().into()],
        )
    }

    /// Contacts of one partner with this normalized name.
    pub fn contacts_named(&self, partner_id: i64, name_norm: &str) -> Result<Vec<Contact>> {
        self.contacts_where(
            "c.partner_id = ?1 AND c.name_norm = ?2",
            vec![partner_id.into(), name_norm.to_string().into()],
        )
    }

    /// A partner's contacts, by id.
    pub fn contacts_of_partner(&self, partner_id: i64) -> Result<Vec<Contact>> {
        self.contacts_where("c.partner_id = ?1", vec![partner_id.into()])
    }

    fn contacts_where(&self, clause: &str, p: Vec<Value>) -> Result<Vec<Contact>> {
        let mut st = self
            .conn
            .prepare(&format!("{SELECT} WHERE {clause} ORDER BY c.id"))?;
        let rows = st.query_map(rusqlite::params_from_iter(p.iter()), contact_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Up to `n` contacts whose name, email or `partner:name` is nearest `text`, as
    /// `id (partner:name)` for a hint.
    pub fn nearest_contacts(&self, text: &str, n: usize) -> Result<Vec<String>> {
        let norm = normalize(text);
        let mut st = self.conn.prepare(
            "SELECT c.id, p.key, c.name, c.name_norm, lower(coalesce(c.email, ''))
               FROM contact c JOIN partner p ON p.id = c.partner_id WHERE c.forgotten IS NULL",
        )?;
        let mut scored: Vec<(f64, String)> = Vec::new();
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                text_col(r, 1)?,
                text_col(r, 2)?,
                text_col(r, 3)?,
                text_col(r, 4)?,
            ))
        })?;
        for row in rows {
            let (id, key, name, name_norm, email) = row?;
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

    /// Inserts a contact; an id of 0 takes the next free one (ids are never reused). Returns
    /// the id.
    pub fn insert_contact(&self, c: &Contact) -> Result<i64> {
        let id = (c.id != 0).then_some(c.id);
        self.conn
            .prepare_cached(
                "INSERT INTO contact (id, partner_id, name, name_norm, role, email, phone, languages,
                    is_primary, since, until, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                id,
                c.partner_id,
                c.name,
                normalize(&c.name),
                c.role,
                c.email,
                c.phone,
                c.languages.join(";"),
                c.primary,
                c.since.map(iso),
                c.until.map(iso),
                c.notes,
                c.created_at,
                c.updated_at
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn update_contact(&self, c: &Contact) -> Result<()> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE contact SET partner_id = ?2, name = ?3, name_norm = ?4, role = ?5, email = ?6,
                    phone = ?7, languages = ?8, is_primary = ?9, since = ?10, until = ?11, notes = ?12,
                    updated_at = ?13
                 WHERE id = ?1",
            )?
            .execute(params![
                c.id,
                c.partner_id,
                c.name,
                normalize(&c.name),
                c.role,
                c.email,
                c.phone,
                c.languages.join(";"),
                c.primary,
                c.since.map(iso),
                c.until.map(iso),
                c.notes,
                c.updated_at
            ])?;
        if n == 0 {
            return Err(Error::input(format!("no contact has id {}", c.id)));
        }
        Ok(())
    }

    pub fn delete_contact(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM contact WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Erases a contact's personal data from its row: name, email, phone and notes. The row
    /// keeps its partner, role, languages, dates and primary mark.
    pub fn forget_contact_row(&self, id: i64, at: &str) -> Result<()> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        self.conn.execute(
            "UPDATE contact SET name = ?2, name_norm = '', email = NULL, phone = NULL, notes = NULL,
                forgotten = ?3, updated_at = ?3
             WHERE id = ?1",
            params![id, FORGOTTEN_NAME, at],
        )?;
        Ok(())
    }

    /// When the contact was forgotten, if it was.
    pub fn contact_forgotten(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT forgotten FROM contact WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }

    /// Whether history holds rows of contact `id` (also once it is removed).
    pub fn contact_in_history(&self, id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM history WHERE entity = 'contact' AND entity_id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Calls `f` with each contact matching `filter`, in its order (by id by default).
    pub fn for_each_contact(
        &self,
        filter: &ContactFilter,
        mut f: impl FnMut(Contact) -> Result<()>,
    ) -> Result<()> {
        let mut clauses = vec!["1".to_string()];
        let mut p: Vec<Value> = Vec::new();
        if !filter.former {
            p.push(iso(filter.as_of).into());
            clauses.push(format!("(c.until IS NULL OR c.until >= ?{})", p.len()));
        }
        if !filter.partners.is_empty() {
            let mut marks = Vec::new();
            for id in &filter.partners {
                p.push((*id).into());
                marks.push(format!("?{}", p.len()));
            }
            clauses.push(format!("c.partner_id IN ({})", marks.join(", ")));
        }
        if let Some(t) = &filter.text {
            p.push(t.clone().into());
            let n = p.len();
            clauses.push(format!(
                "(instr(c.name_norm, ?{n}) > 0 OR instr(mou_norm(coalesce(c.role, '')), ?{n}) > 0
                  OR instr(mou_norm(coalesce(c.email, '')), ?{n}) > 0 OR instr(p.key, ?{n}) > 0)"
            ));
        }
        let mut order = Vec::new();
        for key in &filter.sort {
            let sql = sort_sql(key.column)
                .ok_or_else(|| Error::input(format!("cannot sort by {}", key.column)))?;
            let dir = if key.descending { "DESC" } else { "ASC" };
            order.push(format!("{sql} COLLATE NOCASE {dir} NULLS LAST"));
        }
        order.push("c.id".into());
        let mut sql = format!(
            "{SELECT} WHERE {} ORDER BY {}",
            clauses.join(" AND "),
            order.join(", ")
        );
        if let Some(n) = filter.limit {
            p.push(Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT ?{}", p.len()));
        }
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(p.iter()))?;
        while let Some(r) = rows.next()? {
            f(contact_from_row(r)?)?;
        }
        Ok(())
    }
}
