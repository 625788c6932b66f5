//! Figure A: `mou import agreements` against the sqlite3 shell's `.import` into a typed table
//! (with `--db`: against psql's `\copy` into a typed table of the same database), at N/10 and
//! N rows (mou's peak RSS should stay flat).

use super::{time_pair, Bench};
use crate::error::Res;
use crate::table::{fmt_rss, Row};

/// The typed table sqlite3 imports the agreements file into.
pub(super) const AGREEMENT_RAW_TABLE: &str = "CREATE TABLE agreement_raw(ref TEXT, kind TEXT, \
title TEXT, parties TEXT, signed_on TEXT, effective_on TEXT, expires_on TEXT, \
terminated_on TEXT, termination_reason TEXT, notice_days INTEGER, renews TEXT, sdgs TEXT, \
tags TEXT, notes TEXT, document TEXT);";

/// The typed table psql copies the agreements file into: the same columns, dates as DATE.
const PG_AGREEMENT_RAW_TABLE: &str = "CREATE TABLE agreement_raw(ref TEXT, kind TEXT, \
title TEXT, parties TEXT, signed_on DATE, effective_on DATE, expires_on DATE, \
terminated_on DATE, termination_reason TEXT, notice_days INTEGER, renews TEXT, sdgs TEXT, \
tags TEXT, notes TEXT, document TEXT);";

pub fn figure(bench: &Bench) -> Res<Vec<Row>> {
    let (opts, files, run_dir) = (bench.opts, bench.files, bench.run_dir);
    println!("\n== A. import agreements ({} runs)", opts.runs);
    let mut rows = Vec::new();
    for (label, agreements, n, mou_db, raw_db) in [
        (
            "import agreements (N/10)",
            &files.small,
            files.small_rows,
            run_dir.join("mou-small.db"),
            run_dir.join("raw-small.db"),
        ),
        (
            "import agreements",
            &files.agreements,
            opts.rows,
            run_dir.join("mou.db"),
            run_dir.join("raw.db"),
        ),
    ] {
        let tools = bench.tools;
        let mou_db = bench.registry(mou_db);
        let (mou, sqlite) = time_pair(
            opts.runs,
            &format!("{n} rows, "),
            ("mou", tools.base()),
            &mut || tools.mou_import(&mou_db, &files.partners, agreements),
            &mut || match &tools.psql {
                Some(psql) => psql
                    .import(PG_AGREEMENT_RAW_TABLE, "agreement_raw", agreements)
                    .map(Some),
                None => {
                    tools.sqlite_import(&raw_db, AGREEMENT_RAW_TABLE, "agreement_raw", agreements)
                }
            },
        )?;
        // The N/10 import is there for the memory comparison; its ratio is shown, untargeted.
        // The goal on a file is 0.8 of sqlite3's `.import` (issue 12); on PostgreSQL, 1.0 of
        // psql's `\copy` (issue 14).
        let goal = if tools.psql.is_some() { 1.0 } else { 0.8 };
        let target = (n == opts.rows).then_some(goal);
        rows.push(Row::new(label, n, (&mou, &sqlite), tools, target));
    }
    print_memory(&rows);
    if let Some(psql) = &bench.tools.psql {
        psql.command("DROP TABLE agreement_raw", crate::measure::Out::Null)?;
    }
    Ok(rows)
}

/// mou's peak RSS at N/10 and N rows.
fn print_memory(rows: &[Row]) {
    let [small, big] = rows else { return };
    if let (Some(a), Some(b)) = (small.rss_kib, big.rss_kib) {
        println!(
            "  mou peak RSS: {} at {} rows, {} at {} rows ({:.2}x for 10x the rows; flat is ~1x)",
            fmt_rss(a),
            small.rows,
            fmt_rss(b),
            big.rows,
            b as f64 / a.max(1) as f64
        );
    }
}
