//! Figure W: concurrent writers. 8 writers, each running 50 `mou add partner` one after the
//! other, all at once on a fresh registry file and (with `--db`) on a fresh PostgreSQL registry:
//! adds per second and the adds that gave up, then a check that the registry holds exactly one
//! partner per add that succeeded and that `mou history --verify` passes.

use std::thread;
use std::time::Instant;

use super::Bench;
use crate::error::Res;
use crate::measure::Series;
use crate::table::fmt_secs;
use crate::tools::Db;

/// Writers running at once.
pub const WRITERS: usize = 8;
/// `mou add partner` per writer.
pub const ADDS: usize = 50;

/// What one registry gave.
struct Outcome {
    secs: f64,
    added: usize,
    failures: Vec<String>,
    /// Each add's time.
    adds: Series,
}

pub fn figure(bench: &Bench) -> Res<()> {
    let tools = bench.tools;
    println!("\n== W. {WRITERS} concurrent writers x {ADDS} `mou add partner` on a fresh registry");
    if tools.mou.is_none() {
        println!("  {}", tools.missing_mou());
        return Ok(());
    }
    let mut registries = vec![("file", Db::File(bench.run_dir.join("writers.db")))];
    if let Some(url) = &bench.opts.db {
        registries.push(("PostgreSQL", Db::Pg(url.clone())));
    }
    for (name, db) in &registries {
        tools.fresh_registry(db)?;
        if let Db::File(_) = db {
            tools.mou(db.arg(), ["init"])?;
        }
        let o = run_writers(bench, db);
        let per_add = o.adds.median().map_or("-".to_string(), fmt_secs);
        println!(
            "  {name:<10} {} adds in {}: {:.1} adds/s, {} gave up; median add {per_add}",
            o.added,
            fmt_secs(o.secs),
            o.added as f64 / o.secs,
            o.failures.len(),
        );
        if let Some(first) = o.failures.first() {
            println!("    first failure: {}", first.lines().last().unwrap_or(""));
        }
        check(bench, name, db, o.added)?;
    }
    Ok(())
}

/// Runs the writers at once, each its adds in turn; a failed add is counted, not fatal.
fn run_writers(bench: &Bench, db: &Db) -> Outcome {
    let tools = bench.tools;
    let start = Instant::now();
    let results: Vec<Vec<Result<_, String>>> = thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                s.spawn(move || {
                    (0..ADDS)
                        .map(|i| {
                            let name = format!("Concurrent Writer {w} Partner {i}");
                            tools
                                .mou(db.arg(), ["add", "partner", &name, "--category", "ngo"])
                                .map_err(|e| e.to_string())
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("writer panicked".into())])
            })
            .collect()
    });
    let secs = start.elapsed().as_secs_f64();
    let mut o = Outcome {
        secs,
        added: 0,
        failures: Vec::new(),
        adds: Series::default(),
    };
    for r in results.into_iter().flatten() {
        match r {
            Ok(Some(m)) => {
                o.added += 1;
                o.adds.add(&m);
            }
            Ok(None) => {}
            Err(e) => o.failures.push(e),
        }
    }
    o
}

/// The registry holds exactly `added` partners and its history chain verifies.
fn check(bench: &Bench, name: &str, db: &Db, added: usize) -> Res<()> {
    let tools = bench.tools;
    let csv = tools.mou_output(db.arg(), ["list", "partners", "--format", "csv"])?;
    let rows = csv.lines().count().saturating_sub(1);
    tools
        .mou_output(db.arg(), ["history", "--verify"])
        .map_err(|e| format!("{name}: the history chain does not verify: {e}"))?;
    let verdict = if rows == added {
        "as many"
    } else {
        "NOT as many"
    };
    println!(
        "    check: {rows} partners, {verdict} as adds that succeeded ({added} of {}); \
         `mou history --verify` passes",
        WRITERS * ADDS
    );
    if rows != added {
        return Err(format!("{name}: {rows} partners after {added} adds").into());
    }
    Ok(())
}
