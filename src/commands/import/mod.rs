//! `mou import partners|agreements FILE`: one pass, one transaction. One thread reads and
//! checks rows ([`read`], [`parse`]); the other writes them ([`apply`]), so the registry
//! itself catches duplicates within the file without holding rows in memory. If any row is
//! bad, everything is rolled back and every bad row is reported.

mod apply;
mod contacts;
mod engagements;
mod parse;
mod read;
mod records;
mod stream;

use std::path::Path;
use std::sync::mpsc::sync_channel;

use super::Ctx;
use crate::cli::{Entity, ImportArgs};
use crate::error::{Error, Result};
use crate::store::{self, Access, ImportPlan};
use apply::{Job, RowResult};
use parse::{AgreementColumns, ParseResult, PartnerColumns, Row};
use read::{Item, Source};

/// The message of a failed import: each bad row with its line and column.
fn bad_rows_error(file_name: &str, bad_rows: u64, errors: &[RowError], more: usize) -> Error {
    let mut msg = format!("{file_name}: {bad_rows} bad row(s); nothing was imported");
    for e in errors {
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
    Error::input(msg).with_hint("fix the rows listed and import the file again")
}

/// How many bad rows are listed before the rest are only counted.
const MAX_REPORTED: usize = 50;

/// Batches in flight between the reading and the writing thread.
const BATCHES_IN_FLIGHT: usize = 4;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Tally {
    /// What the history row of an import of `file_name` says.
    pub fn summary(&self, file_name: &str) -> serde_json::Value {
        serde_json::json!({
            "file": file_name,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
        })
    }

    /// The line an import ends with on stderr.
    pub fn say(&self, dry_run: bool) -> Result<()> {
        super::say(format_args!(
            "{}{} added, {} updated, {} unchanged",
            if dry_run {
                "dry run, nothing written: "
            } else {
                ""
            },
            self.added,
            self.updated,
            self.unchanged
        ))
    }
}

/// Prints what an import did: at once after a dry run, else as words after its commit.
pub fn say_done(file_name: &str, dry_run: bool, print: impl FnOnce() -> Result<()>) -> Result<()> {
    if dry_run {
        return print();
    }
    super::after_commit(&format!("the import of {file_name}"), print)
}

/// A problem with one row (or the file), with the line it starts on.
#[derive(Default)]
pub struct RowError {
    line: u64,
    column: Option<String>,
    reason: String,
}

pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    if a.entity == Entity::Contacts {
        return contacts::run(ctx, a);
    }
    if a.entity == Entity::Engagements {
        return engagements::run(ctx, a);
    }
    if a.entity == Entity::Partners && a.date_format.is_some() {
        return Err(Error::input(
            "--date-format reads the date columns of agreements; a partners file has none",
        )
        .with_hint("leave out --date-format"));
    }
    let source = Source::open(a)?;
    let bar = source.bar.clone();
    let places = source.places.clone();
    let mut store = ctx.open(Access::Write)?;
    let file_name = read::input_name(&a.file);
    // Only a regular file of agreements can take the store's bulk path: the lines of refs
    // repeated in the file are found by reading it again.
    let plan = ImportPlan {
        agreements_file_bytes: source.size.filter(|_| a.entity == Entity::Agreements),
        dry_run: a.dry_run,
    };
    let now = ctx.now();
    let mut source = Some(source);
    let mut outcome = None;
    store.import(&plan, &mut |s, writer| {
        let Some(mut source) = source.take() else {
            return Err(Error::registry("the import's rows were read already"));
        };
        let bulk = writer.bulk();
        let origin = if bulk { source.take_origin() } else { None };
        let ref_column = source.index.get("ref").copied();
        let mut job = Job::new(ctx, a, s, writer, &now)?;
        match a.entity {
            Entity::Partners => {
                let cols = PartnerColumns::new(&source.index);
                pipeline(
                    source,
                    |row| parse::partner(&cols, row, &now),
                    &mut job,
                    Job::partner,
                )?;
            }
            Entity::Contacts | Entity::Engagements => {
                return Err(Error::registry(
                    "this kind of record has an import of its own",
                ))
            }
            Entity::Agreements => {
                let cols = AgreementColumns::new(&source.index, a.date_format.clone());
                pipeline(
                    source,
                    |row| parse::agreement(&cols, row, &now),
                    &mut job,
                    Job::agreement,
                )?;
            }
        }
        let repeated = job.finish()?;
        if !repeated.is_empty() {
            let mut lines = read::repeated_refs(origin, ref_column, &repeated)?;
            // Never commit without the unique ref index, even when no line is found.
            if lines.is_empty() {
                lines = repeated.into_iter().map(|r| (0, r)).collect();
            }
            for (line, r) in lines {
                job.fail(RowError {
                    line,
                    column: Some("ref".into()),
                    reason: format!("{r} appears more than once in the file"),
                });
            }
        }
        if a.entity == Entity::Agreements {
            for (r, renews) in s.new_dangling_renewals(job.max_ids.1, bulk)? {
                job.fail(RowError {
                    line: 0,
                    column: Some("renews".into()),
                    reason: format!(
                        "{r} renews '{renews}', which is neither in the registry nor in the file"
                    ),
                });
            }
            for p in s.renewal_problems(job.max_ids.1, bulk)? {
                job.fail(RowError {
                    line: 0,
                    column: Some("renews".into()),
                    reason: p.to_string(),
                });
            }
        }
        let Job {
            errors,
            more_errors,
            bad_rows,
            tally,
            ..
        } = job;
        if bad_rows > 0 {
            outcome = Some(Err((errors, more_errors, bad_rows)));
            return Ok(false);
        }
        if !a.dry_run && tally.added > 0 {
            let entity = match a.entity {
                Entity::Partners => store::Entity::Partner,
                Entity::Agreements => store::Entity::Agreement,
                Entity::Contacts => store::Entity::Contact,
                Entity::Engagements => store::Entity::Engagement,
            };
            let summary = tally.summary(&file_name);
            ctx.registry(s).record_import(entity, &file_name, summary)?;
        }
        outcome = Some(Ok(tally));
        Ok(!a.dry_run)
    })?;
    let Some(outcome) = outcome else {
        return Err(Error::registry("the import wrote nothing and said nothing"));
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match outcome {
        Ok(t) => say_done(&file_name, a.dry_run, || t.say(a.dry_run)),
        Err((errors, more, bad_rows)) => {
            let mut msg = format!("{file_name}: {bad_rows} bad row(s); nothing was imported");
            for e in &errors {
                let place = places.describe(e.line, e.column.as_deref());
                msg.push_str(&format!("\n  {place}: {}", e.reason));
            }
            if more > 0 {
                msg.push_str(&format!("\n  ... and {more} more"));
            }
            Err(Error::input(msg).with_hint("fix the rows listed and import the file again"))
        }
    }
}

/// Rows are read and parsed on a second thread while this one writes them, in file order.
/// Memory stays bounded: at most [`BATCHES_IN_FLIGHT`] batches wait between the two.
/// Written batches go back to the reading thread, which frees their rows and reuses them:
/// memory is then freed by the thread that allocated it, which is cheaper.
fn pipeline<'j, T: Send>(
    source: Source,
    parse: impl Fn(&Row) -> ParseResult<T> + Send,
    job: &mut Job<'j>,
    apply: fn(&mut Job<'j>, &mut T) -> RowResult<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel(BATCHES_IN_FLIGHT);
        let (back, returned) = sync_channel(BATCHES_IN_FLIGHT);
        scope.spawn(move || source.parse_into(parse, tx, returned));
        for mut batch in rx {
            for item in &mut batch {
                match item {
                    Item::Row(line, row) => {
                        let r = apply(job, row);
                        job.settle(*line, r)?;
                    }
                    Item::Bad(e) => job.fail_row(std::mem::take(e)),
                }
            }
            // Never waits: when the reader has enough batches, this one is freed here.
            let _ = back.try_send(batch);
        }
        Ok(())
    })
}

/// Loads a sample or exported registry folder (partners.csv, agreements.csv, then
/// contacts.csv when there is one).
pub fn import_dir(ctx: &Ctx, dir: &Path) -> Result<()> {
    for (entity, file) in [
        (Entity::Partners, "partners.csv"),
        (Entity::Agreements, "agreements.csv"),
        (Entity::Contacts, "contacts.csv"),
        (Entity::Engagements, "engagements.csv"),
    ] {
        // A folder without contacts or engagements (an older sample, an export) loads as
        // before.
        if matches!(entity, Entity::Contacts | Entity::Engagements) && !dir.join(file).exists() {
            continue;
        }
        run(
            ctx,
            &ImportArgs {
                entity,
                file: dir.join(file),
                dry_run: false,
                update: false,
                force: false,
                create_partners: false,
                delimiter: None,
                date_format: None,
                ignore_columns: Vec::new(),
                sheet: None,
            },
        )?;
    }
    Ok(())
}
