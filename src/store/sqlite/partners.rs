//! Partners: storage, lookup by any of their names, and duplicate detection.

use rusqlite::{params, OptionalExtension, Row};

use super::agreements::{opt_text_col, stored, text_col};
use super::Store;
use crate::error::{Error, Result};
use crate::model::{Category, Partner, StoredRow};
use crate::query::Filter;
use crate::store::PartnerMatch;
use crate::text::{loose, normalize};

const PARTNER_COLUMNS: &str = "p.id, p.key, p.name, p.category, p.country, p.website, p.notes, \
     p.created_at, p.updated_at, \
     (SELECT json_group_array(CAST(alias AS TEXT)) FROM \
        (SELECT alias FROM partner_alias WHERE partner_id = p.id ORDER BY position)), \
     p.public";

/// A partner as mou reads it; values written behind mou's back (a BLOB name, a number for a
/// country) are read as text rather than failing, and `mou check` reports them.
fn partner_from_row(r: &Row) -> rusqlite::Result<Partner> {
    let aliases = text_col(r, 9)?;
    Ok(Partner {
        id: r.get(0)?,
        key: text_col(r, 1)?,
        name: text_col(r, 2)?,
        category: text_col(r, 3)?.parse().unwrap_or(Category::Other),
        country: opt_text_col(r, 4)?,
        website: opt_text_col(r, 5)?,
        notes: opt_text_col(r, 6)?,
        created_at: text_col(r, 7)?,
        updated_at: text_col(r, 8)?,
        aliases: serde_json::from_str(&aliases).unwrap_or_default(),
        public: r.get_ref(10)?.as_i64().is_ok_and(|n| n != 0),
    })
}

/// The stored columns of a partner row (after [`PARTNER_COLUMNS`]) by position, for `mou check`.
const STORED_COLUMNS: &[(usize, &str)] = &[
    (1, "key"),
    (2, "name"),
    (11, "name_norm"),
    (12, "name_loose"),
    (3, "category"),
    (4, "country"),
    (5, "website"),
    (6, "notes"),
    (7, "created_at"),
    (8, "updated_at"),
];

impl Store {
    pub fn partner_by_id(&self, id: i64) -> Result<Option<Partner>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {PARTNER_COLUMNS} FROM partner p WHERE p.id = ?1"
            ))?
            .query_row([id], partner_from_row)
            .optional()?)
    }

    /// Finds a partner by key, id, name or alias (names compared normalized). Unknown or
    /// ambiguous names are errors that list the nearest matches.
    pub fn find_partner(&self, name: &str) -> Result<Partner> {
        match self.try_find_partner(name)? {
            Ok(p) => Ok(p),
            Err(candidates) if candidates.len() > 1 => Err(Error::input(format!(
                "partner '{name}' is ambiguous: it names {}",
                candidates.join(", ")
            ))
            .with_hint("name the partner by its key")),
            Err(_) => {
                let near = self.nearest_partners(name, 3)?;
                let mut e = Error::input(format!("unknown partner '{name}'"));
                e = if near.is_empty() {
                    e.with_hint(
                        "list partners with `mou list partners`, or add it with `mou add partner`",
                    )
                } else {
                    e.with_hint(format!("did you mean {}?", near.join(", ")))
                };
                Err(e)
            }
        }
    }

    /// `Ok(Ok(partner))` when `name` names exactly one partner; `Ok(Err(keys))` otherwise
    /// (empty when none, several when ambiguous).
    pub fn try_find_partner(
        &self,
        name: &str,
    ) -> Result<std::result::Result<Partner, Vec<String>>> {
        let trimmed = name.trim();
        if let Some(p) = self
            .conn
            .prepare_cached(&format!(
                "SELECT {PARTNER_COLUMNS} FROM partner p WHERE p.key = ?1"
            ))?
            .query_row([trimmed.to_ascii_lowercase()], partner_from_row)
            .optional()?
        {
            return Ok(Ok(p));
        }
        if let Ok(id) = trimmed.parse::<i64>() {
            if let Some(p) = self.partner_by_id(id)? {
                return Ok(Ok(p));
            }
        }
        let norm = normalize(trimmed);
        let mut st = self.conn.prepare_cached(
            "SELECT id FROM partner WHERE name_norm = ?1
             UNION SELECT partner_id FROM partner_alias WHERE alias_norm = ?1",
        )?;
        let ids = st
            .query_map([&norm], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        match ids.as_slice() {
            [id] => Ok(self.partner_by_id(*id)?.ok_or_else(Vec::new)),
            [] => Ok(Err(Vec::new())),
            many => {
                let mut keys = Vec::new();
                for id in many {
                    if let Some(p) = self.partner_by_id(*id)? {
                        keys.push(format!("{} ({})", p.key, p.name));
                    }
                }
                Ok(Err(keys))
            }
        }
    }

    /// Up to `n` partner keys whose key, name or alias is closest to `name`.
    pub fn nearest_partners(&self, name: &str, n: usize) -> Result<Vec<String>> {
        let norm = normalize(name);
        let mut st = self.conn.prepare(
            "SELECT p.key, p.key FROM partner p
             UNION ALL SELECT p.key, p.name_norm FROM partner p
             UNION ALL SELECT p.key, a.alias_norm FROM partner_alias a JOIN partner p ON p.id = a.partner_id",
        )?;
        let mut scored: Vec<(f64, String)> = Vec::new();
        let rows = st.query_map([], |r| Ok((text_col(r, 0)?, text_col(r, 1)?)))?;
        for row in rows {
            let (key, text) = row?;
            let mut score = strsim::normalized_levenshtein(&norm, &text);
            if !norm.is_empty() && text.contains(&norm) {
                score = score.max(0.8);
            }
            if score >= 0.4 {
                scored.push((score, key));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut keys: Vec<String> = Vec::new();
        for (_, k) in scored {
            if !keys.contains(&k) {
                keys.push(k);
            }
            if keys.len() == n {
                break;
            }
        }
        Ok(keys)
    }

    /// The partner (other than `except`) whose name or alias normalizes to `norm`.
    pub fn name_taken(&self, text: &str, except: Option<i64>) -> Result<Option<PartnerMatch>> {
        let norm = normalize(text);
        let mut st = self.conn.prepare_cached(
            "SELECT p.key, p.name, p.name FROM partner p WHERE p.name_norm = ?1 AND p.id IS NOT ?2
             UNION ALL
             SELECT p.key, p.name, a.alias FROM partner_alias a JOIN partner p ON p.id = a.partner_id
              WHERE a.alias_norm = ?1 AND p.id IS NOT ?2
             LIMIT 1",
        )?;
        Ok(st
            .query_row(params![norm, except], |r| {
                Ok(PartnerMatch {
                    key: text_col(r, 0)?,
                    name: text_col(r, 1)?,
                    matched: text_col(r, 2)?,
                })
            })
            .optional()?)
    }

    /// Partners (other than `except`) whose name or an alias has the same letters as `text`
    /// once punctuation and spaces are gone.
    pub fn near_names(&self, text: &str, except: Option<i64>) -> Result<Vec<PartnerMatch>> {
        let target = loose(text);
        if target.is_empty() {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT p.key, p.name, p.name FROM partner p WHERE p.name_loose = ?1 AND p.id IS NOT ?2
             UNION
             SELECT p.key, p.name, a.alias FROM partner_alias a JOIN partner p ON p.id = a.partner_id
              WHERE a.alias_loose = ?1 AND p.id IS NOT ?2
             ORDER BY 1",
        )?;
        let rows = st.query_map(params![target, except], |r| {
            Ok(PartnerMatch {
                key: text_col(r, 0)?,
                name: text_col(r, 1)?,
                matched: text_col(r, 2)?,
            })
        })?;
        let mut out: Vec<PartnerMatch> = Vec::new();
        for m in rows {
            let m = m?;
            if !out.iter().any(|o| o.key == m.key) {
                out.push(m);
            }
        }
        Ok(out)
    }

    pub fn key_taken(&self, key: &str, except: Option<i64>) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM partner WHERE key = ?1 AND id IS NOT ?2",
                params![key, except],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Inserts a partner (its `id` is ignored) and returns it with the new id.
    pub fn insert_partner(&self, p: &Partner) -> Result<Partner> {
        self.conn
            .prepare_cached(
                "INSERT INTO partner (key, name, name_norm, name_loose, category, country, website, notes, created_at, updated_at, public)
                 VALUES (?1, ?2, ?3, ?10, ?4, ?5, ?6, ?7, ?8, ?9, ?11)",
            )?
            .execute(params![
                p.key,
                p.name,
                normalize(&p.name),
                p.category.as_str(),
                p.country,
                p.website,
                p.notes,
                p.created_at,
                p.updated_at,
                loose(&p.name),
                p.public
            ])?;
        let id = self.conn.last_insert_rowid();
        self.write_aliases(id, &p.aliases)?;
        Ok(Partner { id, ..p.clone() })
    }

    fn write_aliases(&self, id: i64, aliases: &[String]) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM partner_alias WHERE partner_id = ?1")?
            .execute([id])?;
        let mut st = self.conn.prepare_cached(
            "INSERT INTO partner_alias (partner_id, position, alias, alias_norm, alias_loose)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, a) in aliases.iter().enumerate() {
            st.execute(params![id, i as i64, a, normalize(a), loose(a)])?;
        }
        Ok(())
    }

    pub fn update_partner(&self, p: &Partner) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE partner SET key = ?2, name = ?3, name_norm = ?4, category = ?5, country = ?6,
                        website = ?7, notes = ?8, updated_at = ?9, name_loose = ?10, public = ?11
                 WHERE id = ?1",
            )?
            .execute(params![
                p.id,
                p.key,
                p.name,
                normalize(&p.name),
                p.category.as_str(),
                p.country,
                p.website,
                p.notes,
                p.updated_at,
                loose(&p.name),
                p.public
            ])?;
        self.write_aliases(p.id, &p.aliases)
    }

    pub fn delete_partner(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM partner WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn partner_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM partner", [], |r| r.get(0))?)
    }

    /// Calls `f` with each partner matching `filter`, in its order (by key by default), without
    /// collecting them.
    pub fn for_each_partner(
        &self,
        filter: &Filter,
        mut f: impl FnMut(Partner) -> Result<()>,
    ) -> Result<()> {
        let (clause, mut params) = super::filter::partner_where(filter);
        let order = super::filter::partner_order(filter, &mut params)?;
        let sql = format!("SELECT {PARTNER_COLUMNS} FROM partner p WHERE {clause}{order}");
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            f(partner_from_row(r)?)?;
        }
        Ok(())
    }

    /// Every partner's id and key, for mapping party ids quickly.
    pub fn partner_keys(&self) -> Result<Vec<(i64, String)>> {
        let mut st = self.conn.prepare("SELECT id, key FROM partner")?;
        let v = st
            .query_map([], |r| Ok((r.get(0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Calls `f` with every partner as stored (aliases included) and as mou reads it, in id
    /// order (`mou check`).
    pub fn for_each_stored_partner(
        &self,
        mut f: impl FnMut(StoredRow, Partner) -> Result<()>,
    ) -> Result<()> {
        let mut aliases: std::collections::HashMap<
            i64,
            Vec<Vec<(&'static str, crate::model::Stored)>>,
        > = Default::default();
        let mut st = self.conn.prepare(
            "SELECT partner_id, alias, alias_norm, alias_loose FROM partner_alias
              ORDER BY partner_id, position",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let cols = ["alias", "alias_norm", "alias_loose"]
                .iter()
                .enumerate()
                .map(|(i, c)| Ok((*c, stored(r.get_ref(i + 1)?))))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            aliases.entry(r.get(0)?).or_default().push(cols);
        }
        let mut st = self.conn.prepare(&format!(
            "SELECT {PARTNER_COLUMNS}, p.name_norm, p.name_loose FROM partner p ORDER BY p.id"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let values = STORED_COLUMNS
                .iter()
                .map(|(i, c)| Ok((*c, stored(r.get_ref(*i)?))))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let row = StoredRow {
                id,
                values,
                aliases: aliases.remove(&id).unwrap_or_default(),
            };
            f(row, partner_from_row(r)?)?;
        }
        Ok(())
    }

    /// Whether a partner's stored normalized name or aliases differ from what its name and
    /// aliases normalize to (they were changed behind mou's back).
    pub fn partner_norms_stale(&self, id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM partner WHERE id = ?1
                     AND (name_norm IS NOT mou_norm(CAST(name AS TEXT))
                          OR name_loose IS NOT mou_loose(CAST(name AS TEXT))))
                 OR EXISTS (SELECT 1 FROM partner_alias WHERE partner_id = ?1
                     AND (alias_norm IS NOT mou_norm(CAST(alias AS TEXT))
                          OR alias_loose IS NOT mou_loose(CAST(alias AS TEXT))))",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Pairs of partners whose names or aliases are the same once punctuation and spaces go.
    pub fn near_duplicate_pairs(&self) -> Result<Vec<(PartnerMatch, PartnerMatch)>> {
        let mut st = self.conn.prepare(
            "WITH names (id, key, name, text, loose) AS (
                SELECT id, key, name, name, name_loose FROM partner
                UNION ALL
                SELECT p.id, p.key, p.name, a.alias, a.alias_loose
                  FROM partner_alias a JOIN partner p ON p.id = a.partner_id)
             SELECT x.key, x.name, x.text, y.key, y.name, y.text
               FROM names x JOIN names y ON x.loose = y.loose AND x.id < y.id
              WHERE x.loose <> ''
              GROUP BY x.id, y.id
              ORDER BY x.key, y.key",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                PartnerMatch {
                    key: text_col(r, 0)?,
                    name: text_col(r, 1)?,
                    matched: text_col(r, 2)?,
                },
                PartnerMatch {
                    key: text_col(r, 3)?,
                    name: text_col(r, 4)?,
                    matched: text_col(r, 5)?,
                },
            ))
        })?;
        let pairs = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(pairs)
    }
}
