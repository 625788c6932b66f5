//! Checked rows into the registry: what needs the registry (parties, generated refs, keys,
//! existing records) is decided here, on the thread that owns the connection.

use std::collections::HashMap;

use super::parse::{col_err, shown, AgreementInput, Bad, PartnerInput};
use super::{RowError, Tally, MAX_REPORTED};
use crate::cli::ImportArgs;
use crate::commands::Ctx;
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::model::{Agreement, Category, Kind, Partner};
use crate::records::{agreement_json, partner_json, AGREEMENT_COLUMNS, PARTNER_COLUMNS};
use crate::registry;
use crate::store::{Action, Backend, ImportWriter};
use crate::validate;

/// Why a row was not written.
pub enum RowFail {
    /// The row is bad.
    Bad(Bad),
    /// The registry itself failed (a full disk, a lock, corruption): the import stops.
    Fatal(Error),
}

impl From<Bad> for RowFail {
    fn from(b: Bad) -> Self {
        RowFail::Bad(b)
    }
}

pub type RowResult<T> = std::result::Result<T, RowFail>;

/// A bad row that no one column is to blame for.
fn bad(reason: String) -> RowFail {
    RowFail::Bad(Bad {
        column: None,
        reason,
    })
}

/// A row's error from a lower layer: bad input stays a row's problem; a registry error
/// ends the import (exit 3), never reported as a bad row.
fn from_err(e: Error) -> RowFail {
    if e.kind == ErrorKind::Registry {
        RowFail::Fatal(e)
    } else {
        bad(e.to_string())
    }
}

pub struct Job<'a> {
    ctx: &'a Ctx,
    args: &'a ImportArgs,
    store: &'a dyn Backend,
    /// The errors listed (at most [`MAX_REPORTED`]), and how many more there are.
    pub errors: Vec<RowError>,
    pub more_errors: usize,
    /// The rows with an error (a row may have several).
    pub bad_rows: u64,
    pub tally: Tally,
    /// (partner, agreement) ids before this import: larger ids are this file's rows.
    pub max_ids: (i64, i64),
    /// Party names resolved so far, to partner ids (a fast hash: it is asked once a party).
    parties: foldhash::HashMap<String, i64>,
    /// The keys of the partners in `parties`.
    keys: HashMap<i64, String>,
    /// Next generated ref sequence per prefix.
    next_seq: HashMap<String, u32>,
    /// Where new agreements are written.
    writer: &'a mut dyn ImportWriter,
    now: &'a str,
    /// Every partner's names by skeleton, loaded at the first partner row.
    lookalikes: Option<registry::Lookalikes>,
}

impl<'a> Job<'a> {
    pub fn new(
        ctx: &'a Ctx,
        args: &'a ImportArgs,
        store: &'a dyn Backend,
        writer: &'a mut dyn ImportWriter,
        now: &'a str,
    ) -> Result<Self> {
        Ok(Job {
            ctx,
            args,
            store,
            errors: Vec::new(),
            more_errors: 0,
            bad_rows: 0,
            tally: Tally::default(),
            max_ids: store.max_ids()?,
            parties: Default::default(),
            keys: HashMap::new(),
            next_seq: HashMap::new(),
            writer,
            now,
            lookalikes: None,
        })
    }

    /// Writes what the writer holds back; call when the rows are done. Returns the refs
    /// written more than once (found only now on the store's bulk path).
    pub fn finish(&mut self) -> Result<Vec<String>> {
        self.writer.finish()
    }

    /// A bad row, with its one error.
    pub fn fail(&mut self, e: RowError) {
        self.bad_rows += 1;
        self.list(e);
    }

    /// A bad row, with each of its errors.
    pub fn fail_row(&mut self, errors: Vec<RowError>) {
        self.bad_rows += 1;
        for e in errors {
            self.list(e);
        }
    }

    fn list(&mut self, e: RowError) {
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(e);
        } else {
            self.more_errors += 1;
        }
    }

    /// Records a row's outcome; a registry failure ends the import.
    pub fn settle(&mut self, line: u64, r: RowResult<()>) -> Result<()> {
        match r {
            Ok(()) => Ok(()),
            Err(RowFail::Bad(Bad { column, reason })) => {
                self.fail(RowError {
                    line,
                    column,
                    reason,
                });
                Ok(())
            }
            Err(RowFail::Fatal(e)) => Err(e),
        }
    }

    /// A row that names an existing `record` and would change it as `diff` says (no field:
    /// it is counted unchanged). A change needs --update; with it, a record changed in the
    /// registry (at `stored_time`) after the file's `file_time` is a conflict unless --force.
    /// Returns whether to update the record.
    fn should_update(
        &mut self,
        record: &str,
        diff: &Diff,
        file_time: Option<&str>,
        stored_time: &str,
    ) -> RowResult<bool> {
        if diff.fields.is_empty() {
            self.tally.unchanged += 1;
            return Ok(false);
        }
        let fields = diff.fields.join(", ");
        if !self.args.update {
            return Err(bad(format!(
                "{record} exists with other values: {}; give --update to change it",
                diff.both_values()
            )));
        }
        if let Some(file_time) =
            file_time.filter(|t| !self.args.force && changed_after(stored_time, t))
        {
            return Err(bad(format!(
                "conflict: {record} was changed in the registry at {stored_time}, after this \
                 file's updated_at {file_time} (the file would change {fields}): export it \
                 again and make the change there, or give --force to overwrite the registry's \
                 values"
            )));
        }
        Ok(true)
    }

    /// Says on stderr which fields of `record` an update changed (or would, on a dry run).
    fn announce(&self, record: &str, changed: &[&str]) {
        crate::note!(
            "{}update {record}: {}",
            if self.args.dry_run { "would " } else { "" },
            changed.join(", ")
        );
    }

    /// Past the reported bad rows, only a count is kept: spare the search for hints.
    fn reporting(&self) -> bool {
        self.errors.len() < MAX_REPORTED
    }

    pub fn partner(&mut self, input: &mut PartnerInput) -> RowResult<()> {
        let s = self.store;
        let updated_given = input.updated_given;
        let public_given = input.public_given;
        let p = &mut input.partner;
        let given_key = (!p.key.is_empty()).then(|| std::mem::take(&mut p.key));
        let existing = match &given_key {
            Some(k) => s
                .try_find_partner(k)
                .map_err(from_err)?
                .ok()
                .filter(|found| &found.key == k),
            None => match s.try_find_partner(&p.name).map_err(from_err)? {
                Ok(found)
                    if crate::text::normalize(&found.name) == crate::text::normalize(&p.name) =>
                {
                    Some(found)
                }
                _ => None,
            },
        };
        if let Some(old) = existing {
            if old.id > self.max_ids.0 {
                return Err(col_err(
                    "key",
                    format!("partner '{}' appears more than once in the file", old.key),
                )
                .into());
            }
            p.id = old.id;
            p.key = old.key.clone();
            if !public_given {
                p.public = old.public;
            }
            let same = Partner {
                created_at: old.created_at.clone(),
                updated_at: old.updated_at.clone(),
                ..p.clone()
            } == old;
            let diff = if same {
                Diff::none()
            } else {
                Diff::new(PARTNER_COLUMNS, partner_json(&old), partner_json(p))
            };
            let record = format!("partner {}", old.key);
            let file_time = updated_given.then_some(p.updated_at.as_str());
            if !self.should_update(&record, &diff, file_time, &old.updated_at)? {
                return Ok(());
            }
            p.updated_at = self.now.to_string();
            p.created_at = old.created_at.clone();
            registry::check_partner(s, p, Some(p.id)).map_err(from_err)?;
            self.ctx
                .registry(s)
                .update_partner(&old, p)
                .map_err(from_err)?;
            self.tally.updated += 1;
            self.announce(&record, &diff.fields);
            return Ok(());
        }
        p.key =
            registry::derive_key(s, given_key.as_deref(), &p.name, &p.aliases).map_err(from_err)?;
        let mut warnings = registry::check_partner(s, p, None).map_err(from_err)?;
        let lookalikes = match &mut self.lookalikes {
            Some(l) => l,
            None => self
                .lookalikes
                .insert(registry::Lookalikes::load(s).map_err(from_err)?),
        };
        warnings.extend(lookalikes.warnings(p));
        for w in warnings {
            crate::note!("warning: {w}");
        }
        s.insert_partner(p).map_err(from_err)?;
        lookalikes.add(p);
        self.tally.added += 1;
        Ok(())
    }

    /// A party's partner id, by key, name or alias; with --create-partners an unknown one
    /// is created.
    fn party(&mut self, name: &str, input: &AgreementInput) -> RowResult<i64> {
        if let Some(id) = self.parties.get(name) {
            return Ok(*id);
        }
        let s = self.store;
        let (id, key) = match s.try_find_partner(name).map_err(from_err)? {
            Ok(p) => (p.id, p.key),
            Err(many) if many.len() > 1 => {
                return Err(col_err(
                    "parties",
                    format!("'{name}' is ambiguous: it names {}", many.join(", ")),
                )
                .into())
            }
            Err(_) if self.args.create_partners => {
                let p = self.create_partner(name, input)?;
                (p.id, p.key)
            }
            Err(_) => {
                let near = if self.reporting() {
                    s.nearest_partners(name, 3).map_err(from_err)?
                } else {
                    Vec::new()
                };
                let hint = if near.is_empty() {
                    "add it first, or give --create-partners with a partner_category column"
                        .to_string()
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                return Err(col_err("parties", format!("unknown partner '{name}': {hint}")).into());
            }
        };
        self.parties.insert(name.to_string(), id);
        self.keys.insert(id, key);
        Ok(id)
    }

    fn create_partner(&mut self, name: &str, input: &AgreementInput) -> RowResult<Partner> {
        let s = self.store;
        let category: Category = input.partner_category.parse().map_err(|e| {
            col_err(
                "partner_category",
                format!("{e} (needed to create partner '{name}')"),
            )
        })?;
        let country = Some(input.partner_country.trim())
            .filter(|c| !c.is_empty())
            .map(crate::query::parse_country)
            .transpose()
            .map_err(|e| col_err("partner_country", e))?;
        let pname = validate::name("parties", name).map_err(|e| col_err("parties", e.message))?;
        let key = registry::derive_key(s, None, &pname, &[]).map_err(from_err)?;
        let p = Partner {
            id: 0,
            key,
            name: pname,
            aliases: Vec::new(),
            category,
            country,
            website: None,
            notes: None,
            public: false,
            created_at: self.now.to_string(),
            updated_at: self.now.to_string(),
        };
        let p = self.ctx.registry(s).add_partner(&p).map_err(from_err)?;
        crate::note!(
            "{} partner {} ({})",
            if self.args.dry_run {
                "would create"
            } else {
                "created"
            },
            p.key,
            p.name
        );
        Ok(p)
    }

    fn next_ref(&mut self, kind: Kind, year: i32) -> RowResult<String> {
        let prefix = format!("{}-{year}-", kind.ref_prefix());
        let n = match self.next_seq.get(&prefix) {
            Some(n) => *n,
            None => {
                let r = self.store.next_ref(kind, year).map_err(from_err)?;
                r[prefix.len()..].parse().unwrap_or(1)
            }
        };
        self.next_seq.insert(prefix.clone(), n + 1);
        Ok(format!("{prefix}{n:03}"))
    }

    pub fn agreement(&mut self, input: &mut AgreementInput) -> RowResult<()> {
        let mut party_ids = Vec::with_capacity(input.agreement.parties.len());
        for n in &input.agreement.parties {
            let id = self.party(n, input)?;
            if !party_ids.contains(&id) {
                party_ids.push(id);
            }
        }
        // `parties` still holds the names as the row gives them: a new agreement is written
        // by partner ids, and keys are looked up only to compare with an existing one.
        let updated_given = input.updated_given;
        let g = &mut input.agreement;
        if g.reference.is_empty() {
            // A row without a ref is the agreement already recorded with the same kind,
            // signing date, title and parties, so that importing a file again adds nothing.
            g.reference = match self
                .store
                .same_agreement(g.kind, g.signed_on, &g.title, &party_ids, self.max_ids.1)
                .map_err(from_err)?
            {
                Some(existing) => existing,
                None => {
                    use chrono::Datelike;
                    self.next_ref(g.kind, g.signed_on.unwrap_or(self.ctx.today).year())?
                }
            };
        }
        validate::agreement(g).map_err(from_err)?;
        // The common case, a new agreement, costs one insert; an existing ref is compared.
        if self
            .writer
            .insert_new(g, &party_ids)
            .map_err(from_err)?
            .is_some()
        {
            self.tally.added += 1;
            return Ok(());
        }
        let Some(id) = self.writer.find(&g.reference).map_err(from_err)? else {
            return Err(col_err("ref", format!("{} could not be written", g.reference)).into());
        };
        if id > self.max_ids.1 {
            return Err(col_err(
                "ref",
                format!("{} appears more than once in the file", g.reference),
            )
            .into());
        }
        let s = self.store;
        let (old, _) = s
            .agreement_by_id(id, self.ctx.as_of)
            .map_err(from_err)?
            .ok_or_else(|| bad("agreement vanished".to_string()))?;
        g.id = id;
        g.parties = party_ids.iter().map(|id| self.keys[id].clone()).collect();
        let same = Agreement {
            created_at: old.created_at.clone(),
            updated_at: old.updated_at.clone(),
            ..g.clone()
        } == old;
        let diff = if same {
            Diff::none()
        } else {
            Diff::new(AGREEMENT_COLUMNS, agreement_json(&old), agreement_json(g))
        };
        let file_time = updated_given.then_some(g.updated_at.as_str());
        if !self.should_update(&old.reference, &diff, file_time, &old.updated_at)? {
            return Ok(());
        }
        g.created_at = old.created_at.clone();
        g.updated_at = self.now.to_string();
        self.ctx
            .registry(s)
            .update_agreement(Action::Edit, &old, g, &party_ids)
            .map_err(from_err)?;
        self.announce(&old.reference, &diff.fields);
        self.tally.updated += 1;
        Ok(())
    }
}

/// How a row differs from the record it names: the columns whose values differ, timestamps
/// and the derived status aside, in column order, and both records as JSON.
struct Diff {
    fields: Vec<&'static str>,
    old: serde_json::Value,
    new: serde_json::Value,
}

impl Diff {
    fn none() -> Diff {
        Diff {
            fields: Vec::new(),
            old: serde_json::Value::Null,
            new: serde_json::Value::Null,
        }
    }

    fn new(
        columns: &'static [&'static str],
        old: serde_json::Value,
        new: serde_json::Value,
    ) -> Diff {
        let fields = columns
            .iter()
            .copied()
            .filter(|c| !matches!(*c, "created_at" | "updated_at" | "status"))
            .filter(|c| old.get(c) != new.get(c))
            .collect();
        Diff { fields, old, new }
    }

    /// Each field that differs, with the registry's value and the file's.
    fn both_values(&self) -> String {
        let value = |v: &serde_json::Value, f: &str| shown_json(v.get(f));
        self.fields
            .iter()
            .map(|f| {
                format!(
                    "{f}: {} in the registry, {} in the file",
                    value(&self.old, f),
                    value(&self.new, f)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A field's value in a message: quoted, escaped and cut; a list joined by `;` as a file
/// writes it; none as `(empty)`.
fn shown_json(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    let text = match v {
        None | Some(Value::Null) => return "(empty)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.is_empty() => return "(empty)".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    };
    format!("'{}'", shown(&text))
}

/// Whether the registry's `stored` time is later than the file's `file` time. A stored time
/// that is not RFC 3339 (written behind mou's back) counts as later: it cannot be told.
fn changed_after(stored: &str, file: &str) -> bool {
    use chrono::DateTime;
    match (
        DateTime::parse_from_rfc3339(stored),
        DateTime::parse_from_rfc3339(file),
    ) {
        (Ok(s), Ok(f)) => s > f,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_compared_as_instants() {
        assert!(changed_after(
            "2026-11-29T11:00:00Z",
            "2026-11-29T10:00:00Z"
        ));
        assert!(!changed_after(
            "2026-11-29T10:00:00Z",
            "2026-11-29T10:00:00Z"
        ));
        assert!(!changed_after(
            "2026-11-29T11:00:00+02:00",
            "2026-11-29T10:00:00Z"
        ));
        assert!(changed_after("garbage", "2026-11-29T10:00:00Z"));
    }
}
