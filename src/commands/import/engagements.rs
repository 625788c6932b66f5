//! `mou import engagements FILE`: rows are checked and written as they are read, in one
//! transaction that commits only when every row is good (memory does not grow with the
//! file: only rows waiting for a series are held). A row
//! whose `ref` the registry holds is that engagement: unchanged, or changed only with
//! `--update` (and refused when the registry's copy changed after the file's `updated_at`,
//! unless `--force`); a row with a new ref keeps it, so export -> import -> export gives the
//! same file; a row without one gets `ENG-<year>-<seq>`. A row may be part of a series that
//! a later row of the file holds: such rows are tried again once the others are written, and
//! rows whose series never comes are bad rows.

use std::collections::HashMap;
use std::sync::mpsc::sync_channel;

use chrono::Datelike;

use super::parse::{col_err, flag, shown, slot, Bad, ParseResult, Row, Slot};
use super::read::{input_name, Item, Source};
use super::{bad_rows_error, say_done, RowError, Tally, MAX_REPORTED};
use crate::cli::ImportArgs;
use crate::commands::Ctx;
use crate::dates::parse_stored;
use crate::error::{Error, Result};
use crate::model::{
    engagement_ref_mark, parse_sdg, parse_tag, split_list, Engagement, EngagementKind,
    ENGAGEMENT_PREFIX,
};
use crate::records::ENGAGEMENT_COLUMNS;
use crate::registry::{check_engagement, Registry};
use crate::store::{Access, Backend, EngagementLinks, EngagementWriter, Entity};
use crate::validate;

/// The slots of the file's columns, in [`ENGAGEMENT_COLUMNS`] order.
struct Columns(Vec<Slot>);

impl Columns {
    fn get(&self, name: &str) -> Slot {
        let i = ENGAGEMENT_COLUMNS
            .iter()
            .position(|c| *c == name)
            .unwrap_or(0);
        self.0[i]
    }
}

fn parse(c: &Columns, row: &Row, now: &str) -> ParseResult<Engagement> {
    let mut bads: Vec<Bad> = Vec::new();
    let mut text = |field: &str| -> Option<String> {
        validate::free_text(field, row.get(c.get(field)))
            .map_err(|e| bads.push(col_err(field, e.message)))
            .ok()
            .flatten()
    };
    let title = text("title").unwrap_or_default();
    let place = text("place");
    let outcome = text("outcome");
    let notes = text("notes");
    let document = text("document");
    let reference = row.get(c.get("ref")).trim().to_string();
    let agreement = row.opt(c.get("agreement")).map(|s| s.trim().to_string());
    let part_of = row.opt(c.get("part_of")).map(|s| s.trim().to_string());
    let kind = match row.opt(c.get("kind")) {
        None => EngagementKind::Other,
        Some(k) => k.parse().unwrap_or_else(|m: String| {
            bads.push(col_err("kind", m));
            EngagementKind::Other
        }),
    };
    let country = row
        .opt(c.get("country"))
        .and_then(|v| match crate::query::parse_country(v) {
            Ok(cc) => Some(cc),
            Err(m) => {
                bads.push(col_err("country", m));
                None
            }
        });
    let mut date = |field: &str| {
        row.opt(c.get(field)).and_then(|t| {
            parse_stored(t)
                .map_err(|e| bads.push(col_err(field, e)))
                .ok()
        })
    };
    let starts_on = date("starts_on");
    let ends_on = date("ends_on");
    if starts_on.is_none() && row.opt(c.get("starts_on")).is_none() {
        bads.push(col_err(
            "starts_on",
            "empty: give the first day, YYYY-MM-DD",
        ));
    }
    let mut sdgs = Vec::new();
    for s in split_list(row.get(c.get("sdgs"))) {
        match parse_sdg(&s) {
            Ok(n) => sdgs.push(n),
            Err(m) => bads.push(col_err("sdgs", m)),
        }
    }
    let mut tags = Vec::new();
    for t in split_list(row.get(c.get("tags"))) {
        match parse_tag(&t) {
            Ok(t) => tags.push(t),
            Err(m) => bads.push(col_err("tags", m)),
        }
    }
    let participants = row.opt(c.get("participants")).and_then(|t| {
        crate::text::ascii_digits(t.trim())
            .parse::<u32>()
            .map_err(|_| {
                bads.push(col_err(
                    "participants",
                    format!(
                        "'{}' is not a whole number of 0 or more; give e.g. 40, or leave it empty",
                        shown(t)
                    ),
                ))
            })
            .ok()
    });
    let mut yes_no = |field: &str| match flag(row, c.get(field), field) {
        Ok(v) => v.unwrap_or(false),
        Err(b) => {
            bads.push(b);
            false
        }
    };
    let cancelled = yes_no("cancelled");
    let public = yes_no("public");
    let partners = split_list(row.get(c.get("partners")));
    if partners.is_empty() {
        bads.push(col_err(
            "partners",
            "empty: give the partners' keys, ;-joined",
        ));
    }
    let stamp = |s: Slot| row.opt(s).map_or_else(|| now.to_string(), str::to_string);
    let starts = starts_on.unwrap_or_default();
    let e = Engagement {
        id: 0,
        reference,
        kind,
        title,
        partners,
        starts_on: starts,
        ends_on: ends_on.unwrap_or(starts),
        place,
        country,
        agreement,
        part_of,
        sdgs,
        tags,
        participants,
        outcome,
        notes,
        document,
        cancelled,
        public,
        created_at: stamp(c.get("created_at")),
        updated_at: stamp(c.get("updated_at")),
    };
    if bads.is_empty() {
        if let Err(err) = check_engagement(&e) {
            bads.push(col_err(column_of(&err), err.message));
        }
    }
    if bads.is_empty() {
        let mut e = e;
        e.sdgs.sort_unstable();
        e.sdgs.dedup();
        e.tags = crate::registry::dedupe(e.tags);
        Ok(e)
    } else {
        Err(bads)
    }
}

/// The fields a user can change, for comparing a row with the registry's engagement.
fn same(a: &Engagement, b: &Engagement) -> bool {
    let strip = |e: &Engagement| Engagement {
        id: 0,
        created_at: String::new(),
        updated_at: String::new(),
        ..e.clone()
    };
    strip(a) == strip(b)
}

/// The column an error of the registry's checks is about: the field its message names
/// (`invalid FIELD 'value': ...`, as [`Error::field`] writes it); else the partners, whose
/// names are the one thing left to resolve.
fn column_of(e: &Error) -> &'static str {
    [
        "agreement",
        "part_of",
        "ref",
        "ends_on",
        "title",
        "updated_at",
    ]
    .into_iter()
    .find(|c| e.message.starts_with(&format!("invalid {c} '")))
    .unwrap_or("partners")
}

/// What became of one row.
enum Done {
    Added,
    Updated,
    Unchanged,
}

/// A row whose ref the registry (or an earlier row) holds: unchanged, or updated with
/// `--update`; an input error is the row's.
fn write_existing(
    ctx: &Ctx,
    a: &ImportArgs,
    r: &Registry,
    old: Engagement,
    mut e: Engagement,
) -> Result<Done> {
    e.id = old.id;
    let links = r.resolve_engagement(&mut e, ctx.as_of)?;
    if same(&old, &e) {
        return Ok(Done::Unchanged);
    }
    if !a.update {
        return Err(Error::field(
            "ref",
            &old.reference,
            "it differs from the registry's; give --update to change it",
        ));
    }
    if !a.force && old.updated_at > e.updated_at {
        return Err(Error::field(
            "updated_at",
            &e.updated_at,
            format!(
                "{} was changed in the registry at {}, after the file's copy; give --force to overwrite it",
                old.reference, old.updated_at
            ),
        ));
    }
    e.created_at = old.created_at.clone();
    e.updated_at = r.now();
    r.update_engagement(&old, &e, &links)?;
    Ok(Done::Updated)
}

/// The rows of an import so far: what they did, the errors of bad rows (the first
/// [`MAX_REPORTED`] of them), the rows waiting for their series, and what the rows asked of
/// the registry that the next rows will ask again (partner ids by name, the next generated
/// ref per year).
#[derive(Default)]
struct Rows {
    tally: Tally,
    errors: Vec<RowError>,
    bad: u64,
    waiting: Vec<(u64, Engagement)>,
    partners: foldhash::HashMap<String, i64>,
    next_seq: HashMap<i32, u32>,
}

/// What a row needs of the registry and the import's writer.
struct Env<'a> {
    ctx: &'a Ctx,
    args: &'a ImportArgs,
    store: &'a dyn Backend,
    registry: &'a Registry<'a>,
}

impl Rows {
    fn fail(&mut self, e: RowError) {
        self.bad += 1;
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(e);
        }
    }

    /// A row the parser refused: one bad row, with each of its errors.
    fn bad_row(&mut self, es: Vec<RowError>) {
        let mut es = es.into_iter();
        if let Some(first) = es.next() {
            self.fail(first);
        }
        let room = MAX_REPORTED.saturating_sub(self.errors.len());
        self.errors.extend(es.take(room));
    }

    /// The partners' ids, each once, in order; an unknown or ambiguous name is an error.
    fn partner_ids(&mut self, s: &dyn Backend, names: &[String]) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(names.len());
        for n in names {
            let id = match self.partners.get(n.as_str()) {
                Some(id) => *id,
                None => {
                    let id = s.find_partner(n)?.id;
                    self.partners.insert(n.clone(), id);
                    id
                }
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The next generated ref of `year`, after every one the registry and this file gave.
    fn next_ref(&mut self, s: &dyn Backend, year: i32) -> Result<String> {
        let seq = match self.next_seq.get(&year) {
            Some(n) => *n,
            None => {
                let r = s.next_engagement_ref(year)?;
                engagement_ref_mark(&r).map_or(1, |(_, seq)| seq)
            }
        };
        if seq > crate::model::MAX_REF_SEQ {
            // The store's message names the way out.
            return s.next_engagement_ref(year);
        }
        self.next_seq.insert(year, seq + 1);
        Ok(format!("{ENGAGEMENT_PREFIX}-{year:04}-{seq:03}"))
    }

    /// Writes one row; an input error is the row's. A new row (the common case) costs its
    /// lookups by ref and one insert; a row whose ref exists is compared with it.
    fn write_row(
        &mut self,
        env: &Env,
        w: &mut dyn EngagementWriter,
        mut e: Engagement,
    ) -> Result<Done> {
        let s = env.store;
        let given = !e.reference.is_empty();
        if given {
            e.reference = validate::reference(&e.reference)?;
            if w.agreement(&e.reference)?.is_some() {
                if let Some((old, _)) = s.try_find_engagement(&e.reference, env.ctx.as_of)? {
                    return write_existing(env.ctx, env.args, env.registry, old, e);
                }
                return Err(Error::field(
                    "ref",
                    &e.reference,
                    "an agreement has this ref; choose another or leave --ref out",
                ));
            }
        } else {
            e.reference = self.next_ref(s, e.starts_on.year())?;
        }
        let links = self.links(env, w, &e)?;
        if w.insert_new(&e, &links)?.is_some() {
            if let Some((year, seq)) = engagement_ref_mark(&e.reference) {
                let next = self.next_seq.entry(i32::from(year)).or_insert(seq + 1);
                *next = (*next).max(seq + 1);
            }
            return Ok(Done::Added);
        }
        if !given {
            // A generated ref that a row of the file took meanwhile: the store's next one.
            e.reference = s.next_engagement_ref(e.starts_on.year())?;
            self.next_seq.remove(&e.starts_on.year());
            return match w.insert_new(&e, &links)? {
                Some(_) => Ok(Done::Added),
                None => Err(Error::field(
                    "ref",
                    &e.reference,
                    "another engagement has this ref; choose another",
                )),
            };
        }
        match s.try_find_engagement(&e.reference, env.ctx.as_of)? {
            Some((old, _)) => write_existing(env.ctx, env.args, env.registry, old, e),
            None => Err(Error::field(
                "ref",
                &e.reference,
                "another engagement has this ref; choose another",
            )),
        }
    }

    /// A new engagement's links: partners by key, id, name or alias; the agreement and the
    /// series by ref or id.
    fn links(
        &mut self,
        env: &Env,
        w: &mut dyn EngagementWriter,
        e: &Engagement,
    ) -> Result<EngagementLinks> {
        if e.partners.is_empty() {
            return Err(Error::input(
                "an engagement needs at least one partner: give --partner",
            ));
        }
        let partner_ids = self.partner_ids(env.store, &e.partners)?;
        let agreement_id = match e.agreement.as_deref() {
            None => None,
            Some(name) => Some(w.agreement(name)?.ok_or_else(|| {
                Error::field(
                    "agreement",
                    name,
                    "no agreement has this ref; give the ref of a recorded agreement (mou list agreements)",
                )
            })?.0),
        };
        let part_of_id = match e.part_of.as_deref() {
            None => None,
            Some(name) => Some(w.engagement(name)?.ok_or_else(|| {
                Error::field(
                    "part_of",
                    name,
                    "no engagement has this ref; give the ref of the series it belongs to (mou list engagements)",
                )
            })?.0),
        };
        Ok(EngagementLinks {
            partner_ids,
            agreement_id,
            part_of_id,
        })
    }

    /// Writes one row; a row whose series is not (yet) in the registry waits.
    fn try_row(
        &mut self,
        env: &Env,
        w: &mut dyn EngagementWriter,
        line: u64,
        e: Engagement,
    ) -> Result<()> {
        let part_of = e.part_of.clone();
        let held = part_of.is_some().then(|| e.clone());
        match self.write_row(env, w, e) {
            Ok(Done::Added) => self.tally.added += 1,
            Ok(Done::Updated) => self.tally.updated += 1,
            Ok(Done::Unchanged) => self.tally.unchanged += 1,
            Err(err) if err.kind == crate::error::Kind::Input => {
                let column = column_of(&err);
                if let (Some(series), Some(e)) = (part_of.filter(|_| column == "part_of"), held) {
                    if w.engagement(&series)?.is_none() {
                        self.waiting.push((line, e));
                        return Ok(());
                    }
                }
                self.fail(RowError {
                    line,
                    column: Some(column.into()),
                    reason: err.message,
                });
            }
            Err(err) => return Err(err),
        }
        Ok(())
    }
}

pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    if a.create_partners || a.date_format.is_some() {
        return Err(Error::input(
            "--create-partners and --date-format read agreement files; an engagements file takes neither",
        )
        .with_hint("leave them out; dates are YYYY-MM-DD and partners must exist"));
    }
    let source = Source::open(a)?;
    let file_name = input_name(&a.file);
    let now = ctx.now();
    let cols = Columns(
        ENGAGEMENT_COLUMNS
            .iter()
            .map(|c| slot(&source.index, c))
            .collect(),
    );
    let mut store = ctx.open(Access::Write)?;
    let file_bytes = source.size;
    let mut source = Some(source);
    let mut outcome = None;
    store.import_engagements(file_bytes, a.dry_run, &mut |s, w| {
        let Some(source) = source.take() else {
            return Err(Error::registry("the import's rows were read already"));
        };
        let r = ctx.registry(s);
        let env = Env {
            ctx,
            args: a,
            store: s,
            registry: &r,
        };
        let mut rows = Rows::default();
        // Rows are checked and written as they are read, in file order; a row naming a
        // series that no row before it gave waits for the end (only those rows are held).
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = sync_channel(4);
            let (back, returned) = sync_channel(4);
            let now = &now;
            let cols = &cols;
            scope.spawn(move || source.parse_into(|row| parse(cols, row, now), tx, returned));
            for mut batch in rx {
                for item in batch.drain(..) {
                    match item {
                        Item::Bad(es) => rows.bad_row(es),
                        Item::Row(line, e) => rows.try_row(&env, w, line, e)?,
                    }
                }
                let _ = back.try_send(batch);
            }
            Ok(())
        })?;
        // Rows that waited for a series, in rounds while any of them is written.
        loop {
            let waiting = std::mem::take(&mut rows.waiting);
            let before = waiting.len();
            for (line, e) in waiting {
                rows.try_row(&env, w, line, e)?;
            }
            if rows.waiting.is_empty() || rows.waiting.len() == before {
                break;
            }
        }
        for (line, e) in std::mem::take(&mut rows.waiting) {
            rows.fail(RowError {
                line,
                column: Some("part_of".into()),
                reason: format!(
                    "{} is part of '{}', which is neither in the registry nor written by another row (or the series loops)",
                    if e.reference.is_empty() { "the row".to_string() } else { e.reference.clone() },
                    e.part_of.unwrap_or_default()
                ),
            });
        }
        w.finish()?;
        let Rows { errors, bad, tally, .. } = rows;
        if bad > 0 {
            let more = (bad as usize).saturating_sub(errors.len());
            outcome = Some(Err(bad_rows_error(&file_name, bad, &errors, more)));
            return Ok(false);
        }
        if !a.dry_run && tally.added + tally.updated > 0 {
            let summary = tally.summary(&file_name);
            r.record_import(Entity::Engagement, &file_name, summary)?;
        }
        outcome = Some(Ok(tally));
        // A file that changes nothing commits nothing (on the bulk path, not even the
        // indexes it rebuilt).
        Ok(!a.dry_run && tally.added + tally.updated > 0)
    })?;
    let Some(outcome) = outcome else {
        return Err(Error::registry("the import wrote nothing and said nothing"));
    };
    let t = outcome?;
    say_done(&file_name, a.dry_run, || t.say(a.dry_run))
}
