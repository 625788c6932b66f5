//! Partners: storage, lookup by any of their names, and duplicate detection.

use postgres::Row;

use super::{Params, Store};
use crate::error::{Error, Result};
use crate::model::{Category, Partner, Stored, StoredRow};
use crate::query::Filter;
use crate::store::PartnerMatch;
use crate::text::{loose, normalize};

const PARTNER_COLUMNS: &str = "p.id, p.key, p.name, p.category, p.country, p.website, p.notes, \
     p.created_at, p.updated_at, \
     ARRAY(SELECT alias FROM partner_alias WHERE partner_id = p.id ORDER BY position), \
     p.public, p.name_norm, p.name_loose";

fn partner_from_row(r: &Row) -> Partner {
    Partner {
        id: r.get(0),
        key: r.get(1),
        name: r.get(2),
        category: r.get::<_, String>(3).parse().unwrap_or(Category::Other),
        country: r.get(4),
        website: r.get(5),
        notes: r.get(6),
        created_at: r.get(7),
        updated_at: r.get(8),
        aliases: r.get(9),
        public: r.get(10),
    }
}

/// A text column as `mou check` reads stored values.
pub(super) fn stored_text(v: Option<String>) -> Stored {
    v.map(Stored::Text).unwrap_or(Stored::Null)
}

fn matched(r: &Row) -> PartnerMatch {
    PartnerMatch {
        key: r.get(0),
        name: r.get(1),
        matched: r.get(2),
    }
}

/// The best `n` of scored candidates, best first, each once.
pub(super) fn best(mut scored: Vec<(f64, String)>, n: usize) -> Vec<String> {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, k) in scored {
        if !out.contains(&k) {
            out.push(k);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

impl Store {
    pub fn partner_by_id(&self, id: i64) -> Result<Option<Partner>> {
        let sql = format!("SELECT {PARTNER_COLUMNS} FROM partner p WHERE p.id = $1");
        Ok(self.opt(&sql, &[&id])?.map(|r| partner_from_row(&r)))
    }

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
                let e = Error::input(format!("unknown partner '{name}'"));
                Err(if near.is_empty() {
                    e.with_hint(
                        "list partners with `mou list partners`, or add it with `mou add partner`",
                    )
                } else {
                    e.with_hint(format!("did you mean {}?", near.join(", ")))
                })
            }
        }
    }

    pub fn try_find_partner(
        &self,
        name: &str,
    ) -> Result<std::result::Result<Partner, Vec<String>>> {
        let trimmed = name.trim();
        let sql = format!("SELECT {PARTNER_COLUMNS} FROM partner p WHERE p.key = $1");
        if let Some(r) = self.opt(&sql, &[&trimmed.to_ascii_lowercase()])? {
            return Ok(Ok(partner_from_row(&r)));
        }
        if let Ok(id) = trimmed.parse::<i64>() {
            if let Some(p) = self.partner_by_id(id)? {
                return Ok(Ok(p));
            }
        }
        let norm = normalize(trimmed);
        let ids: Vec<i64> = self
            .all(
                "SELECT id FROM partner WHERE name_norm = $1
                 UNION SELECT partner_id FROM partner_alias WHERE alias_norm = $1",
                &[&norm],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        match ids.as_slice() {
            [id] => Ok(self.partner_by_id(*id)?.ok_or_else(Vec::new)),
            [] => Ok(Err(Vec::new())),
            many => {
                let mut keys = Vec::new();
                let mut many = many.to_vec();
                many.sort_unstable();
                for id in many {
                    if let Some(p) = self.partner_by_id(id)? {
                        keys.push(format!("{} ({})", p.key, p.name));
                    }
                }
                Ok(Err(keys))
            }
        }
    }

    pub fn nearest_partners(&self, name: &str, n: usize) -> Result<Vec<String>> {
        let norm = normalize(name);
        let rows = self.all(
            "SELECT p.key, p.key FROM partner p
             UNION ALL SELECT p.key, p.name_norm FROM partner p
             UNION ALL SELECT p.key, a.alias_norm FROM partner_alias a JOIN partner p ON p.id = a.partner_id",
            &[],
        )?;
        let mut scored = Vec::new();
        for r in rows {
            let (key, text): (String, String) = (r.get(0), r.get(1));
            let mut score = strsim::normalized_levenshtein(&norm, &text);
            if !norm.is_empty() && text.contains(&norm) {
                score = score.max(0.8);
            }
            if score >= 0.4 {
                scored.push((score, key));
            }
        }
        Ok(best(scored, n))
    }

    pub fn name_taken(&self, text: &str, except: Option<i64>) -> Result<Option<PartnerMatch>> {
        let norm = normalize(text);
        Ok(self
            .opt(
                "SELECT * FROM (
                   SELECT p.key, p.name, p.name FROM partner p
                    WHERE p.name_norm = $1 AND p.id IS DISTINCT FROM $2
                   UNION ALL
                   SELECT p.key, p.name, a.alias FROM partner_alias a JOIN partner p ON p.id = a.partner_id
                    WHERE a.alias_norm = $1 AND p.id IS DISTINCT FROM $2) m
                 LIMIT 1",
                &[&norm, &except],
            )?
            .map(|r| matched(&r)))
    }

    pub fn near_names(&self, text: &str, except: Option<i64>) -> Result<Vec<PartnerMatch>> {
        let target = loose(text);
        if target.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.all(
            "SELECT p.key, p.name, p.name FROM partner p
              WHERE p.name_loose = $1 AND p.id IS DISTINCT FROM $2
             UNION
             SELECT p.key, p.name, a.alias FROM partner_alias a JOIN partner p ON p.id = a.partner_id
              WHERE a.alias_loose = $1 AND p.id IS DISTINCT FROM $2
             ORDER BY 1, 2, 3",
            &[&target, &except],
        )?;
        let mut out: Vec<PartnerMatch> = Vec::new();
        for r in rows {
            let m = matched(&r);
            if !out.iter().any(|o| o.key == m.key) {
                out.push(m);
            }
        }
        Ok(out)
    }

    pub fn key_taken(&self, key: &str, except: Option<i64>) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT 1 FROM partner WHERE key = $1 AND id IS DISTINCT FROM $2",
                &[&key, &except],
            )?
            .is_some())
    }

    pub fn insert_partner(&self, p: &Partner) -> Result<Partner> {
        let id = self.next_id("partner")?;
        self.insert_partner_as(id, p)
    }

    /// Inserts a partner with id `id`.
    pub(super) fn insert_partner_as(&self, id: i64, p: &Partner) -> Result<Partner> {
        self.exec(
            "INSERT INTO partner (id, key, name, name_norm, name_loose, category, country, website,
                notes, created_at, updated_at, public)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                &id,
                &p.key,
                &p.name,
                &normalize(&p.name),
                &loose(&p.name),
                &p.category.as_str(),
                &p.country,
                &p.website,
                &p.notes,
                &p.created_at,
                &p.updated_at,
                &p.public,
            ],
        )?;
        self.write_aliases(id, &p.aliases)?;
        Ok(Partner { id, ..p.clone() })
    }

    fn write_aliases(&self, id: i64, aliases: &[String]) -> Result<()> {
        self.exec("DELETE FROM partner_alias WHERE partner_id = $1", &[&id])?;
        for (i, a) in aliases.iter().enumerate() {
            self.exec(
                "INSERT INTO partner_alias (partner_id, position, alias, alias_norm, alias_loose)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&id, &(i as i32), a, &normalize(a), &loose(a)],
            )?;
        }
        Ok(())
    }

    pub fn update_partner(&self, p: &Partner) -> Result<()> {
        self.exec(
            "UPDATE partner SET key = $2, name = $3, name_norm = $4, category = $5, country = $6,
                    website = $7, notes = $8, updated_at = $9, name_loose = $10, public = $11
              WHERE id = $1",
            &[
                &p.id,
                &p.key,
                &p.name,
                &normalize(&p.name),
                &p.category.as_str(),
                &p.country,
                &p.website,
                &p.notes,
                &p.updated_at,
                &loose(&p.name),
                &p.public,
            ],
        )?;
        self.write_aliases(p.id, &p.aliases)
    }

    pub fn delete_partner(&self, id: i64) -> Result<()> {
        self.exec("DELETE FROM partner WHERE id = $1", &[&id])?;
        Ok(())
    }

    pub fn partner_count(&self) -> Result<i64> {
        self.count("SELECT count(*) FROM partner", &[])
    }

    pub fn for_each_partner(
        &self,
        filter: &Filter,
        f: &mut dyn FnMut(Partner) -> Result<()>,
    ) -> Result<()> {
        let (clause, mut params) = super::filter::partner_where(filter);
        let order = super::filter::partner_order(filter, &mut params)?;
        let sql = format!("SELECT {PARTNER_COLUMNS} FROM partner p WHERE {clause}{order}");
        self.each(&sql, &params, |r| f(partner_from_row(r)))
    }

    pub fn partner_keys(&self) -> Result<Vec<(i64, String)>> {
        Ok(self
            .all("SELECT id, key FROM partner", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    pub fn for_each_stored_partner(
        &self,
        f: &mut dyn FnMut(StoredRow, Partner) -> Result<()>,
    ) -> Result<()> {
        let mut aliases: std::collections::HashMap<i64, Vec<Vec<(&'static str, Stored)>>> =
            Default::default();
        for r in self.all(
            "SELECT partner_id, alias, alias_norm, alias_loose FROM partner_alias
              ORDER BY partner_id, position",
            &[],
        )? {
            let cols = ["alias", "alias_norm", "alias_loose"]
                .iter()
                .enumerate()
                .map(|(i, c)| (*c, stored_text(r.get(i + 1))))
                .collect();
            aliases.entry(r.get(0)).or_default().push(cols);
        }
        let sql = format!("SELECT {PARTNER_COLUMNS} FROM partner p ORDER BY p.id");
        let names = [
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
        self.each(&sql, &Params::new(), |r| {
            let id: i64 = r.get(0);
            let values = names
                .iter()
                .map(|(i, c)| (*c, stored_text(r.get(*i))))
                .collect();
            let row = StoredRow {
                id,
                values,
                aliases: aliases.remove(&id).unwrap_or_default(),
            };
            f(row, partner_from_row(r))
        })
    }

    pub fn partner_norms_stale(&self, id: i64) -> Result<bool> {
        let Some(p) = self.opt(
            "SELECT name, name_norm, name_loose FROM partner WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(false);
        };
        let stale = |text: &str, norm: &str, lo: &str| normalize(text) != norm || loose(text) != lo;
        if stale(
            &p.get::<_, String>(0),
            &p.get::<_, String>(1),
            &p.get::<_, String>(2),
        ) {
            return Ok(true);
        }
        for a in self.all(
            "SELECT alias, alias_norm, alias_loose FROM partner_alias WHERE partner_id = $1",
            &[&id],
        )? {
            if stale(
                &a.get::<_, String>(0),
                &a.get::<_, String>(1),
                &a.get::<_, String>(2),
            ) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn near_duplicate_pairs(&self) -> Result<Vec<(PartnerMatch, PartnerMatch)>> {
        let rows = self.all(
            "WITH names (id, key, name, text, loose) AS (
                SELECT id, key, name, name, name_loose FROM partner
                UNION ALL
                SELECT p.id, p.key, p.name, a.alias, a.alias_loose
                  FROM partner_alias a JOIN partner p ON p.id = a.partner_id)
             SELECT DISTINCT ON (x.key, y.key) x.key, x.name, x.text, y.key, y.name, y.text
               FROM names x JOIN names y ON x.loose = y.loose AND x.id < y.id
              WHERE x.loose <> ''
              ORDER BY x.key, y.key",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    PartnerMatch {
                        key: r.get(0),
                        name: r.get(1),
                        matched: r.get(2),
                    },
                    PartnerMatch {
                        key: r.get(3),
                        name: r.get(4),
                        matched: r.get(5),
                    },
                )
            })
            .collect())
    }
}
