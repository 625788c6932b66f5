//! `mou import partners|agreements FILE`: one pass, one transaction. Every row is checked
//! and written inside the transaction, so the registry itself catches duplicates within the
//! file without holding rows in memory; if any row is bad, everything is rolled back and
//! every bad row is reported.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;
use std::rc::Rc;

use super::add::dedupe;
use super::Ctx;
use crate::cli::{Entity, ImportArgs};
use crate::dates::{parse_stored, Date};
use crate::db::{now_utc, Access, Change, Store};
use crate::error::{Error, Kind as ErrorKind, Result};
use crate::model::{parse_sdgs, parse_tag, split_list, Agreement, Category, Kind, Partner};
use crate::records::{agreement_json, partner_json, AGREEMENT_COLUMNS, PARTNER_COLUMNS};
use crate::validate;

/// Files of agreements from this size on are written on the bulk path.
const BULK_BYTES: u64 = 4 << 20;

/// How many bad rows are listed before the rest are only counted.
const MAX_REPORTED: usize = 50;

/// The longest row an import reads. The CSV reader holds a whole row in memory, so without
/// a limit one endless field would take all of it; a row of legal fields (each at most
/// [`MAX_TEXT`](super::MAX_TEXT), 1 MiB) is far shorter.
const MAX_ROW_BYTES: u64 = 4 << 20;
const MAX_ROW_TEXT: &str = "4 MiB";

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// A problem with one row (or the file), with the line it starts on.
struct RowError {
    line: u64,
    column: Option<String>,
    reason: String,
}

/// One CSV row, its fields looked up by column name.
struct Row<'a> {
    index: &'a HashMap<String, usize>,
    fields: Vec<String>,
}

impl Row<'_> {
    fn get(&self, col: &str) -> &str {
        self.index
            .get(col)
            .and_then(|i| self.fields.get(*i))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    fn opt(&self, col: &str) -> Option<&str> {
        Some(self.get(col).trim()).filter(|s| !s.is_empty())
    }
}

/// Why a row was not written.
enum RowFail {
    /// The row is bad: the column (when one is to blame) and the reason.
    Bad(Option<String>, String),
    /// The registry itself failed (a full disk, a lock, corruption): the import stops.
    Fatal(Error),
}

/// An error that names the column.
fn col_err(column: &str, e: impl std::fmt::Display) -> RowFail {
    RowFail::Bad(Some(column.to_string()), e.to_string())
}

type RowResult<T> = std::result::Result<T, RowFail>;

fn date(row: &Row, col: &str) -> RowResult<Option<Date>> {
    row.opt(col)
        .map(|s| parse_stored(s).map_err(|e| col_err(col, format!("'{s}': {e}"))))
        .transpose()
}

/// A row's error from a lower layer: bad input stays a row's problem; a registry error
/// ends the import (exit 3), never reported as a bad row.
fn from_err(e: Error) -> RowFail {
    if e.kind == ErrorKind::Registry {
        RowFail::Fatal(e)
    } else {
        RowFail::Bad(None, e.to_string())
    }
}

pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    let file = File::open(&a.file)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", a.file.display())))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = progress_bar(size);
    let limit = Rc::new(RowLimitState::default());
    let reader = RowLimit {
        inner: ProgressRead {
            inner: BufReader::with_capacity(1 << 16, file),
            bar: progress.clone(),
        },
        read: 0,
        state: limit.clone(),
    };
    let mut csv = crate::output::csv_reader(reader);
    // A file that starts with a BOM is taken for one written with `export --excel`: the `'`
    // that export put before formula-like cells is taken off again.
    let excel = starts_with_bom(&a.file);
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(|e| {
            if limit.tripped.get() {
                return Error::input(format!(
                    "{}: line 1: a row longer than {MAX_ROW_TEXT}; nothing was imported",
                    a.file.display()
                ))
                .with_hint("a field holds at most 1 MiB: is this file CSV?");
            }
            Error::input(format!(
                "{}: cannot read the header row: {e}",
                a.file.display()
            ))
        })?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h);
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                &h
            };
            h.trim().to_ascii_lowercase()
        })
        .collect();
    let index = column_index(a, &headers)?;
    let mut store = ctx.open(Access::Write)?;
    let file_name = a.file.display().to_string();
    // A large file of agreements takes the bulk path; it rebuilds the party index, which
    // costs more than it saves when the file is small beside the registry.
    let bulk = a.entity == Entity::Agreements
        && size >= BULK_BYTES
        && store.agreement_count()? < size / 150;
    let body = |s: &Store| {
        let unindexed_refs = bulk && s.drop_bulk_indexes()?;
        let mut job = Job {
            ctx,
            args: a,
            store: s,
            errors: Vec::new(),
            more_errors: 0,
            tally: Tally::default(),
            max_ids: s.max_ids()?,
            parties: HashMap::new(),
            next_seq: HashMap::new(),
            writer: s.agreement_writer(unindexed_refs)?,
            now: now_utc(),
        };
        let mut record = csv::ByteRecord::new();
        limit.start.set(csv.position().byte());
        loop {
            let row_line = csv.position().line();
            let read = csv.read_byte_record(&mut record);
            limit.start.set(csv.position().byte());
            match read {
                Ok(false) => break,
                Ok(true) => {}
                Err(_) if limit.tripped.get() => {
                    job.fail(
                        row_line,
                        None,
                        format!(
                            "a row longer than {MAX_ROW_TEXT}: a field holds at most 1 MiB, so the file is not read further"
                        ),
                    );
                    break;
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    job.fail(line, None, format!("unreadable CSV: {e}"));
                    if !matches!(
                        e.kind(),
                        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                    ) {
                        break;
                    }
                    continue;
                }
            }
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            if record.len() != headers.len() && !(record.len() == 1 && record.get(0) == Some(b"")) {
                job.fail(
                    line,
                    None,
                    format!(
                        "the row has {} fields; the header has {}",
                        record.len(),
                        headers.len()
                    ),
                );
                continue;
            }
            if record.len() == 1 && headers.len() > 1 {
                continue; // a blank line
            }
            let mut fields = Vec::with_capacity(record.len());
            let mut bad_utf8 = None;
            for (i, f) in record.iter().enumerate() {
                match std::str::from_utf8(f) {
                    Ok(s) => fields.push(if excel { unexcel(s) } else { s }.to_string()),
                    Err(_) => {
                        bad_utf8 = Some(i);
                        break;
                    }
                }
            }
            if let Some(i) = bad_utf8 {
                job.fail(
                    line,
                    Some(headers[i].clone()),
                    "not valid UTF-8: save the file as UTF-8".into(),
                );
                continue;
            }
            let row = Row {
                index: &index,
                fields,
            };
            let result = match a.entity {
                Entity::Partners => job.partner_row(&row),
                Entity::Agreements => job.agreement_row(&row),
            };
            match result {
                Ok(()) => {}
                Err(RowFail::Bad(column, reason)) => job.fail(line, column, reason),
                Err(RowFail::Fatal(e)) => return Err(e),
            }
        }
        if bulk {
            for (line, r) in repeated_refs(&a.file, &s.rebuild_bulk_indexes()?)? {
                job.fail(
                    line,
                    Some("ref".into()),
                    format!("{r} appears more than once in the file"),
                );
            }
        }
        if a.entity == Entity::Agreements {
            for (r, renews) in s.new_dangling_renewals(job.max_ids.1)? {
                job.fail(
                    0,
                    Some("renews".into()),
                    format!(
                        "{r} renews '{renews}', which is neither in the registry nor in the file"
                    ),
                );
            }
        }
        let Job {
            errors,
            more_errors,
            tally,
            ..
        } = job;
        if !errors.is_empty() {
            return Ok((Err((errors, more_errors)), false));
        }
        if !a.dry_run && tally.added > 0 {
            s.record(Change {
                actor: &ctx.actor,
                action: "import",
                entity: match a.entity {
                    Entity::Partners => "partner",
                    Entity::Agreements => "agreement",
                },
                entity_id: None,
                entity_key: &file_name,
                before: None,
                after: Some(serde_json::json!({
                    "file": file_name,
                    "added": tally.added,
                    "updated": tally.updated,
                    "unchanged": tally.unchanged,
                })),
            })?;
        }
        Ok((Ok(tally), !a.dry_run))
    };
    let outcome = if bulk {
        store.bulk_transaction(body)
    } else {
        store.transaction(body)
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    match outcome? {
        Ok(t) => {
            eprintln!(
                "{}{} added, {} updated, {} unchanged",
                if a.dry_run {
                    "dry run, nothing written: "
                } else {
                    ""
                },
                t.added,
                t.updated,
                t.unchanged
            );
            Ok(())
        }
        Err((errors, more)) => {
            let mut msg = format!(
                "{}: {} bad row(s); nothing was imported",
                a.file.display(),
                errors.len() + more
            );
            for e in &errors {
                let place = if e.line > 0 {
                    format!("line {}", e.line)
                } else {
                    "file".into()
                };
                match &e.column {
                    Some(c) => msg.push_str(&format!("\n  {place}, column {c}: {}", e.reason)),
                    None => msg.push_str(&format!("\n  {place}: {}", e.reason)),
                }
            }
            if more > 0 {
                msg.push_str(&format!("\n  ... and {more} more"));
            }
            Err(Error::input(msg).with_hint("fix the rows listed and import the file again"))
        }
    }
}

fn column_index(a: &ImportArgs, headers: &[String]) -> Result<HashMap<String, usize>> {
    let (known, required): (Vec<&str>, &[&str]) = match a.entity {
        Entity::Partners => (PARTNER_COLUMNS.to_vec(), &["name", "category"]),
        Entity::Agreements => {
            let mut k = AGREEMENT_COLUMNS.to_vec();
            k.extend(["partner_category", "partner_country"]);
            (k, &["parties"])
        }
    };
    let mut index = HashMap::new();
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if !known.contains(&h.as_str()) {
            unknown.push(h.clone());
        } else if index.insert(h.clone(), i).is_some() {
            return Err(Error::input(format!(
                "{}: column '{h}' appears twice in the header",
                a.file.display()
            )));
        }
    }
    if !unknown.is_empty() {
        let shown: Vec<String> = unknown
            .iter()
            .take(5)
            .map(|u| format!("'{}'", u.chars().take(40).collect::<String>()))
            .collect();
        return Err(Error::input(format!(
            "{}: unknown column{} {}{}",
            a.file.display(),
            if unknown.len() > 1 { "s" } else { "" },
            shown.join(", "),
            if unknown.len() > 5 {
                format!(" and {} more", unknown.len() - 5)
            } else {
                String::new()
            }
        ))
        .with_hint(format!("valid columns: {}", known.join(", "))));
    }
    for r in required {
        if !index.contains_key(*r) {
            return Err(Error::input(format!(
                "{}: the header has no '{r}' column",
                a.file.display()
            ))
            .with_hint(format!(
                "columns are those `mou export {}` writes",
                if a.entity == Entity::Partners {
                    "partners"
                } else {
                    "agreements"
                }
            )));
        }
    }
    if a.create_partners
        && a.entity == Entity::Agreements
        && !index.contains_key("partner_category")
    {
        return Err(Error::input(
            "--create-partners needs a partner_category column for the partners it creates",
        ));
    }
    Ok(index)
}

struct Job<'a> {
    ctx: &'a Ctx,
    args: &'a ImportArgs,
    store: &'a Store,
    errors: Vec<RowError>,
    more_errors: usize,
    tally: Tally,
    /// (partner, agreement) ids before this import: larger ids are this file's rows.
    max_ids: (i64, i64),
    /// Party names resolved so far.
    parties: HashMap<String, (i64, String)>,
    /// Next generated ref sequence per prefix.
    next_seq: HashMap<String, u32>,
    writer: crate::db::AgreementWriter<'a>,
    now: String,
}

impl Job<'_> {
    fn fail(&mut self, line: u64, column: Option<String>, reason: String) {
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                line,
                column,
                reason,
            });
        } else {
            self.more_errors += 1;
        }
    }

    fn partner_row(&mut self, row: &Row) -> RowResult<()> {
        let s = self.store;
        let name =
            validate::name("name", row.get("name")).map_err(|e| col_err("name", e.message))?;
        let aliases = split_list(row.get("aliases"))
            .iter()
            .map(|x| validate::name("alias", x))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| col_err("aliases", e.message))?;
        let aliases = validate::dedupe_aliases(&name, aliases);
        let category: Category = row
            .get("category")
            .parse()
            .map_err(|e| col_err("category", e))?;
        let country = row
            .opt("country")
            .map(crate::query::parse_country)
            .transpose()
            .map_err(|e| col_err("country", e))?;
        let key = row.opt("key").map(|k| k.to_string());
        if let Some(k) = &key {
            if !crate::text::is_valid_key(k) {
                return Err(col_err(
                    "key",
                    format!("'{k}' is not a valid key: lower-case letters, digits and '-'"),
                ));
            }
        }
        let existing = match &key {
            Some(k) => s
                .try_find_partner(k)
                .map_err(from_err)?
                .ok()
                .filter(|p| &p.key == k),
            None => match s.try_find_partner(&name).map_err(from_err)? {
                Ok(p) if crate::text::normalize(&p.name) == crate::text::normalize(&name) => {
                    Some(p)
                }
                _ => None,
            },
        };
        let mut p = Partner {
            id: 0,
            key: String::new(),
            name,
            aliases,
            category,
            country,
            website: validate::free_text("website", row.get("website"))
                .map_err(|e| col_err("website", e.message))?,
            notes: validate::free_text("notes", row.get("notes"))
                .map_err(|e| col_err("notes", e.message))?,
            created_at: row
                .opt("created_at")
                .map(str::to_string)
                .unwrap_or_else(|| self.now.clone()),
            updated_at: row
                .opt("updated_at")
                .map(str::to_string)
                .unwrap_or_else(|| self.now.clone()),
        };
        if let Some(old) = existing {
            if old.id > self.max_ids.0 {
                return Err(col_err(
                    "key",
                    format!("partner '{}' appears more than once in the file", old.key),
                ));
            }
            p.id = old.id;
            p.key = old.key.clone();
            let same = Partner {
                created_at: old.created_at.clone(),
                updated_at: old.updated_at.clone(),
                ..p.clone()
            };
            if same == old {
                self.tally.unchanged += 1;
                return Ok(());
            }
            if !self.args.update {
                return Err(RowFail::Bad(
                    None,
                    format!(
                        "partner {} exists with other values; give --update to change it",
                        old.key
                    ),
                ));
            }
            if row.opt("updated_at").is_none() {
                p.updated_at = self.now.clone();
            }
            p.created_at = old.created_at.clone();
            validate::partner(s, &p, Some(p.id)).map_err(from_err)?;
            s.update_partner(&p).map_err(from_err)?;
            s.record(Change {
                actor: &self.ctx.actor,
                action: "edit",
                entity: "partner",
                entity_id: Some(p.id),
                entity_key: &p.key,
                before: Some(partner_json(&old)),
                after: Some(partner_json(&p)),
            })
            .map_err(from_err)?;
            self.tally.updated += 1;
            return Ok(());
        }
        p.key = validate::derive_key(s, key.as_deref(), &p.name, &p.aliases).map_err(from_err)?;
        for w in validate::partner(s, &p, None).map_err(from_err)? {
            eprintln!("warning: {w}");
        }
        s.insert_partner(&p).map_err(from_err)?;
        self.tally.added += 1;
        Ok(())
    }

    /// A party by key, name or alias; with --create-partners an unknown one is created.
    fn party(&mut self, name: &str, row: &Row) -> RowResult<(i64, String)> {
        if let Some(found) = self.parties.get(name) {
            return Ok(found.clone());
        }
        let s = self.store;
        let found = match s.try_find_partner(name).map_err(from_err)? {
            Ok(p) => (p.id, p.key),
            Err(many) if many.len() > 1 => {
                return Err(col_err(
                    "parties",
                    format!("'{name}' is ambiguous: it names {}", many.join(", ")),
                ))
            }
            Err(_) if self.args.create_partners => {
                let category: Category = row.get("partner_category").parse().map_err(|e| {
                    col_err(
                        "partner_category",
                        format!("{e} (needed to create partner '{name}')"),
                    )
                })?;
                let country = row
                    .opt("partner_country")
                    .map(crate::query::parse_country)
                    .transpose()
                    .map_err(|e| col_err("partner_country", e))?;
                let pname =
                    validate::name("parties", name).map_err(|e| col_err("parties", e.message))?;
                let key = validate::derive_key(s, None, &pname, &[]).map_err(from_err)?;
                let p = Partner {
                    id: 0,
                    key,
                    name: pname,
                    aliases: Vec::new(),
                    category,
                    country,
                    website: None,
                    notes: None,
                    created_at: self.now.clone(),
                    updated_at: self.now.clone(),
                };
                let p = s.insert_partner(&p).map_err(from_err)?;
                s.record(Change {
                    actor: &self.ctx.actor,
                    action: "add",
                    entity: "partner",
                    entity_id: Some(p.id),
                    entity_key: &p.key,
                    before: None,
                    after: Some(partner_json(&p)),
                })
                .map_err(from_err)?;
                eprintln!(
                    "{} partner {} ({})",
                    if self.args.dry_run {
                        "would create"
                    } else {
                        "created"
                    },
                    p.key,
                    p.name
                );
                (p.id, p.key)
            }
            Err(_) => {
                let near = s.nearest_partners(name, 3).map_err(from_err)?;
                let hint = if near.is_empty() {
                    "add it first, or give --create-partners with a partner_category column"
                        .to_string()
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                return Err(col_err(
                    "parties",
                    format!("unknown partner '{name}': {hint}"),
                ));
            }
        };
        self.parties.insert(name.to_string(), found.clone());
        Ok(found)
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

    fn agreement_row(&mut self, row: &Row) -> RowResult<()> {
        let kind: Kind = match row.opt("kind") {
            Some(k) => k.parse().map_err(|e| col_err("kind", e))?,
            None => Kind::Agreement,
        };
        let names = split_list(row.get("parties"));
        if names.is_empty() {
            return Err(col_err(
                "parties",
                "no parties: name at least one partner by key, name or alias",
            ));
        }
        let mut party_ids = Vec::new();
        let mut keys = Vec::new();
        for n in &names {
            let (id, key) = self.party(n, row)?;
            if !party_ids.contains(&id) {
                party_ids.push(id);
                keys.push(key);
            }
        }
        let signed = date(row, "signed_on")?;
        let notice_days = row
            .opt("notice_days")
            .map(|n| {
                crate::text::ascii_digits(n)
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 36_500)
                    .ok_or_else(|| {
                        col_err(
                            "notice_days",
                            format!("'{n}' is not a number of days 0..36500"),
                        )
                    })
            })
            .transpose()?;
        let tags = split_list(row.get("tags"))
            .iter()
            .map(|t| parse_tag(t))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| col_err("tags", e))?;
        let title = validate::free_text("title", row.get("title"))
            .map_err(|e| col_err("title", e.message))?
            .unwrap_or_default();
        let reference = match row.opt("ref") {
            Some(r) => validate::reference(r).map_err(|e| col_err("ref", e.message))?,
            // A row without a ref is the agreement already recorded with the same kind,
            // signing date, title and parties, so that importing a file again adds nothing.
            None => match self
                .store
                .same_agreement(kind, signed, &title, &party_ids, self.max_ids.1)
                .map_err(from_err)?
            {
                Some(existing) => existing,
                None => {
                    use chrono::Datelike;
                    self.next_ref(kind, signed.unwrap_or(self.ctx.today).year())?
                }
            },
        };
        let text =
            |col: &str| validate::free_text(col, row.get(col)).map_err(|e| col_err(col, e.message));
        let mut g = Agreement {
            id: 0,
            reference,
            kind,
            title,
            parties: keys,
            signed_on: signed,
            effective_on: date(row, "effective_on")?.or(signed),
            expires_on: date(row, "expires_on")?,
            terminated_on: date(row, "terminated_on")?,
            termination_reason: text("termination_reason")?,
            notice_days,
            renews: row.opt("renews").map(str::to_string),
            sdgs: parse_sdgs(row.get("sdgs")).map_err(|e| col_err("sdgs", e))?,
            tags: dedupe(tags),
            notes: text("notes")?,
            document: text("document")?,
            created_at: row
                .opt("created_at")
                .map(str::to_string)
                .unwrap_or_else(|| self.now.clone()),
            updated_at: row
                .opt("updated_at")
                .map(str::to_string)
                .unwrap_or_else(|| self.now.clone()),
        };
        validate::agreement(&g).map_err(from_err)?;
        let s = self.store;
        // The common case, a new agreement, costs one insert; an existing ref is compared.
        if self
            .writer
            .insert_new(&g, &party_ids)
            .map_err(from_err)?
            .is_some()
        {
            self.tally.added += 1;
            return Ok(());
        }
        if let Some(id) = self.writer.find(&g.reference).map_err(from_err)? {
            if id > self.max_ids.1 {
                return Err(col_err(
                    "ref",
                    format!("{} appears more than once in the file", g.reference),
                ));
            }
            let (old, _) = s
                .agreement_by_id(id, self.ctx.as_of)
                .map_err(from_err)?
                .ok_or_else(|| RowFail::Bad(None, "agreement vanished".to_string()))?;
            g.id = id;
            let same = Agreement {
                created_at: old.created_at.clone(),
                updated_at: old.updated_at.clone(),
                ..g.clone()
            };
            if same == old {
                self.tally.unchanged += 1;
                return Ok(());
            }
            if !self.args.update {
                return Err(RowFail::Bad(
                    None,
                    format!(
                        "{} exists with other values; give --update to change it",
                        old.reference
                    ),
                ));
            }
            g.created_at = old.created_at.clone();
            if row.opt("updated_at").is_none() {
                g.updated_at = self.now.clone();
            }
            s.update_agreement(&g, &old.reference, &party_ids)
                .map_err(from_err)?;
            s.record(Change {
                actor: &self.ctx.actor,
                action: "edit",
                entity: "agreement",
                entity_id: Some(id),
                entity_key: &g.reference,
                before: Some(agreement_json(&old)),
                after: Some(agreement_json(&g)),
            })
            .map_err(from_err)?;
            self.tally.updated += 1;
            return Ok(());
        }
        Err(col_err(
            "ref",
            format!("{} could not be written", g.reference),
        ))
    }
}

/// The lines on which `refs` stand in `file`, read again: only when a bulk import found
/// repeated refs, which it learns at the end, without having kept every row's line.
fn repeated_refs(file: &Path, refs: &[String]) -> Result<Vec<(u64, String)>> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: std::collections::HashSet<String> = refs.iter().map(|r| r.to_uppercase()).collect();
    let mut csv = crate::output::csv_reader(BufReader::new(File::open(file)?));
    let col = csv.byte_headers()?.iter().position(|h| {
        String::from_utf8_lossy(h)
            .trim_start_matches('\u{feff}')
            .trim()
            .eq_ignore_ascii_case("ref")
    });
    let Some(col) = col else {
        return Ok(Vec::new());
    };
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).unwrap_or(false) {
        let r = String::from_utf8_lossy(record.get(col).unwrap_or_default())
            .trim()
            .to_uppercase();
        if wanted.contains(&r) && !seen.insert(r.clone()) {
            out.push((record.position().map(|p| p.line()).unwrap_or(0), r));
        }
    }
    Ok(out)
}

/// Undoes `output::excel_safe`: `'=1+1` back to `=1+1`, `''x` back to `'x`.
fn unexcel(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::output::EXCEL_TRIGGERS) => rest,
        _ => s,
    }
}

fn starts_with_bom(path: &Path) -> bool {
    let mut head = [0u8; 3];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == [0xEF, 0xBB, 0xBF])
}

/// Loads a sample or exported registry folder (partners.csv, then agreements.csv).
pub fn import_dir(ctx: &Ctx, dir: &Path) -> Result<()> {
    for (entity, file) in [
        (Entity::Partners, "partners.csv"),
        (Entity::Agreements, "agreements.csv"),
    ] {
        run(
            ctx,
            &ImportArgs {
                entity,
                file: dir.join(file),
                dry_run: false,
                update: false,
                create_partners: false,
            },
        )?;
    }
    Ok(())
}

/// A progress bar on stderr for large files, only when stderr is a terminal.
fn progress_bar(size: u64) -> Option<indicatif::ProgressBar> {
    if size < 8 << 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

struct ProgressRead<R> {
    inner: R,
    bar: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for ProgressRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

#[derive(Default)]
struct RowLimitState {
    /// Where the row being read starts, in bytes from the start of the file.
    start: Cell<u64>,
    /// Set when a row ran past [`MAX_ROW_BYTES`].
    tripped: Cell<bool>,
}

/// Stops the CSV reader with an error once the row it is reading passes [`MAX_ROW_BYTES`],
/// so memory stays bounded whatever the file holds. The import sets `start` after each row;
/// the reader reads ahead of it by at most its own buffer.
struct RowLimit<R> {
    inner: R,
    read: u64,
    state: Rc<RowLimitState>,
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read.saturating_sub(self.state.start.get()) > MAX_ROW_BYTES {
            self.state.tripped.set(true);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a row longer than {MAX_ROW_TEXT}"),
            ));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
