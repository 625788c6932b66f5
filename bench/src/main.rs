//! `mou-bench`: measures `mou` against the `sqlite3` shell on a synthetic registry.
//!
//! ```text
//! cargo build --release
//! cargo run --release -p mou-bench -- [--rows N] [--dir DIR] [--runs K] [--only import,export,report,eight,xlsx,html,serve,writers] [--serve-secs S] [--db postgres://...]
//! ```
//!
//! It generates a deterministic partners/agreements data set into DIR (once per row count), then
//! times, as medians of K paired runs with a warm page cache:
//!
//! * figure A: `mou import agreements` against the sqlite3 shell's `.import` into a typed table,
//!   with mou's peak RSS at N and at N/10 rows (memory should stay flat);
//! * figure B: `mou export agreements` against `sqlite3 -csv 'SELECT * FROM agreement'`;
//! * figure C: `mou report` and `mou report quarterly 2026Q3` against one naive GROUP BY in the
//!   sqlite3 shell on the same registry file;
//! * figure F: the reports on the same registry with N engagements loaded beside the
//!   agreements, against one naive GROUP BY over both tables; `mou report dormant` beside
//!   `mou report`;
//! * figure D: on a file of the eight columns a user's spreadsheet has (ref, kind, title,
//!   parties, signed_on, expires_on, sdgs, notes), `mou import` against sqlite3 importing it
//!   into an untyped table, `mou export` against `sqlite3 -csv` of that table, and
//!   `mou report quarterly` against a bare GROUP BY of the quarter of signing on it;
//! * figure E: `mou export agreements -o FILE.xlsx` beside mou's own CSV export;
//! * figure G: `mou report quarterly 2026Q3 --format html` beside the same report as JSON;
//! * figure W: 8 concurrent writers x 50 `mou add partner` on a fresh registry: adds per second,
//!   then the partners counted and the history chain verified.
//!
//! With `--db postgres://...` the figures A, B, C and W run on that database (mou's registry in
//! its schema `mou`, dropped and made afresh) against the psql client on the same database:
//! `\copy` into a typed table, `\copy (SELECT ...) TO STDOUT CSV`, the same naive GROUP BY;
//! figure W runs on a file and on PostgreSQL, side by side.
//!
//! It prints figures and ratios (mou / sqlite3, lower is better) and asserts nothing. The mou
//! binary is `$MOU_BIN`, else `target/release/mou`; without it only the sqlite3 side runs.
//!
//! Modules: `args` the options, `data` the generated files (with `rng`), `tools` the commands
//! of both sides (`psql` the PostgreSQL baseline), `measure` time and memory of a child process, `figures` one file per figure,
//! `table` the final table.

mod args;
mod data;
mod error;
mod figures;
mod measure;
mod psql;
mod rng;
mod table;
mod tools;

use std::fs;
use std::process::ExitCode;

use clap::Parser;

use args::{Figure, Opts};
use error::{Context, Res};
use figures::Bench;
use table::{print_table, Row};
use tools::Tools;

fn main() -> ExitCode {
    let opts = Opts::parse();
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mou-bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(opts: &Opts) -> Res<()> {
    println!(
        "mou-bench: {} agreements, {} partners, {} runs, data in {}",
        opts.rows,
        data::PARTNERS,
        opts.runs,
        opts.dir.display()
    );
    let files = data::generate(&opts.dir, opts.rows)?;
    let tools = Tools::find(opts.db.as_deref())?;
    let run_dir = opts.dir.join("run");
    fs::create_dir_all(&run_dir).ctx(|| format!("cannot create {}", run_dir.display()))?;
    let bench = Bench {
        opts,
        tools: &tools,
        files: &files,
        run_dir: &run_dir,
    };
    let rows = measure_figures(&bench)?;
    print_table(&rows, tools.base());
    print_footer(&tools);
    Ok(())
}

/// The figures asked for, in order A, B, C, E, F, G, H, D, W.
fn measure_figures(bench: &Bench) -> Res<Vec<Row>> {
    let opts = bench.opts;
    let mut rows = Vec::new();
    let import = opts.wants(Figure::Import);
    if import {
        rows.extend(figures::import(bench)?);
    }
    let (export, report) = (opts.wants(Figure::Export), opts.wants(Figure::Report));
    let xlsx = opts.wants(Figure::Xlsx);
    let engagements = opts.wants(Figure::Engagements);
    let html = opts.wants(Figure::Html);
    let serve = opts.wants(Figure::Serve);
    if export || report || xlsx || engagements || html || serve {
        match figures::prepare_registry(bench, import)? {
            Some(reg) => {
                if export {
                    rows.push(figures::export(bench, &reg)?);
                }
                if report {
                    rows.extend(figures::report(bench, &reg)?);
                }
                // The figures below read a file (wants() refuses them with --db).
                if let tools::Db::File(db) = &reg {
                    file_figures(bench, db, &mut rows)?;
                }
            }
            None => println!("\nneither mou nor sqlite3 available: export and reports skipped"),
        }
    }
    if opts.wants(Figure::Eight) {
        rows.extend(figures::eight(bench)?);
    }
    if opts.wants(Figure::Writers) {
        figures::writers(bench)?;
    }
    Ok(rows)
}

/// The figures E, F, G and H, on the registry file `db`.
fn file_figures(bench: &Bench, db: &std::path::Path, rows: &mut Vec<Row>) -> Res<()> {
    let opts = bench.opts;
    if opts.wants(Figure::Xlsx) {
        rows.push(figures::xlsx(bench, db)?);
    }
    if opts.wants(Figure::Engagements) {
        rows.extend(figures::engagements(bench, db)?);
    }
    if opts.wants(Figure::Html) {
        rows.push(figures::html(bench, db)?);
    }
    if opts.wants(Figure::Serve) {
        figures::serve(bench, db)?;
    }
    Ok(())
}

fn print_footer(tools: &Tools) {
    if let Some(mou) = &tools.mou {
        println!("mou binary: {}", mou.display());
    } else {
        println!(
            "mou binary not found: build it with `cargo build --release` (or set MOU_BIN) \
             for the mou side and the ratios."
        );
    }
    if !tools.sqlite {
        println!("sqlite3 not found: install it with `apt-get install sqlite3` for the ratios.");
    }
}
