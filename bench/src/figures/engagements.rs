//! Figure F: the reports on a registry of N agreements and N engagements. `mou report` and
//! `mou report quarterly 2026Q3` against one naive GROUP BY over both tables in the sqlite3
//! shell (target 0.5), and `mou report dormant` against `mou report` (target 2). The
//! engagements are loaded by `mou import engagements` into a copy of mou's registry of the
//! agreements, timed against sqlite3's `.import` of the same file into a typed table (target
//! 1.0, as for the agreements), with mou's peak memory.

use std::path::{Path, PathBuf};

use super::report::{QUARTER, SQLITE_GROUP_BY};
use super::{fmt_run, paired, time_pair, Bench};
use crate::error::Res;
use crate::measure::{Out, Series};
use crate::table::{fmt_rss, Row};
use crate::tools::{dot_path, remove_db};

/// The engagements' side of the naive GROUP BY: partner category, kind and quarter of start
/// over the engagement-partner-partner join.
const SQLITE_ENGAGEMENT_GROUP_BY: &str = "SELECT p.category, e.kind, \
strftime('%Y', e.starts_on) || 'Q' || ((CAST(strftime('%m', e.starts_on) AS INTEGER) + 2) / 3), \
count(*) FROM engagement e JOIN engagement_partner ep ON ep.engagement_id = e.id \
JOIN partner p ON p.id = ep.partner_id GROUP BY 1, 2, 3;";

/// The typed table sqlite3 imports the engagements file into (the generated file's columns).
fn engagement_raw_table() -> String {
    let cols: Vec<String> = crate::data::engagements::header()
        .iter()
        .map(|c| {
            let ty = if *c == "participants" {
                "INTEGER"
            } else {
                "TEXT"
            };
            format!("{c} {ty}")
        })
        .collect();
    format!("CREATE TABLE engagement_raw({});", cols.join(", "))
}

/// Times `mou import engagements` of `csv` into a copy of `db` (the copy untimed) against
/// sqlite3's `.import` into a typed table; returns the copy, which then holds both.
fn import(bench: &Bench, db: &Path, csv: &Path) -> Res<(PathBuf, Vec<Row>)> {
    let (opts, tools) = (bench.opts, bench.tools);
    let out = bench.run_dir.join("mou-engagements.db");
    let raw = bench.run_dir.join("raw-engagements.db");
    let table = engagement_raw_table();
    println!(
        "\n== F. import engagements ({} runs) into a copy of {}",
        opts.runs,
        db.display()
    );
    let (mou, sqlite) = time_pair(
        opts.runs,
        &format!("{} rows, ", opts.rows),
        ("mou", "sqlite3"),
        &mut || {
            remove_db(&out)?;
            tools.sqlite_script(db, &format!(".backup {}\n", dot_path(&out)?))?;
            tools.mou(
                &out,
                ["import".as_ref(), "engagements".as_ref(), csv.as_os_str()],
            )
        },
        &mut || tools.sqlite_import(&raw, &table, "engagement_raw", csv),
    )?;
    let row = Row::new(
        "import engagements",
        opts.rows,
        (&mou, &sqlite),
        tools,
        Some(1.0),
    );
    if let Some(rss) = row.rss_kib {
        println!("  mou peak RSS: {}", fmt_rss(rss));
    }
    remove_db(&raw)?;
    Ok((out, vec![row]))
}

pub fn figure(bench: &Bench, db: &Path) -> Res<Vec<Row>> {
    let (opts, tools) = (bench.opts, bench.tools);
    if !tools.sqlite {
        println!("\nsqlite3 not found: the engagement figures need it to load the engagements");
        return Ok(vec![]);
    }
    let csv = crate::data::engagements::generate(&opts.dir, opts.rows)?;
    let (db, mut rows) = import(bench, db, &csv)?;
    println!(
        "\n== F. reports with {} engagements ({} runs) from {}",
        opts.rows,
        opts.runs,
        db.display()
    );
    let both = format!("{SQLITE_GROUP_BY}\n{SQLITE_ENGAGEMENT_GROUP_BY}");
    let mut s = [(); 4].map(|_| Series::default());
    for run in 1..=opts.runs {
        let mou_side = || -> Res<[Option<crate::measure::Measure>; 3]> {
            Ok([
                tools.mou(&db, ["report"])?,
                tools.mou(&db, ["report", "quarterly", QUARTER])?,
                tools.mou(&db, ["report", "dormant"])?,
            ])
        };
        let sqlite_side = || tools.sqlite_query(&db, false, &both, Out::Null);
        let (m, q) = paired(run, mou_side, sqlite_side)?;
        println!(
            "  run {run}:{}{}{}{}",
            fmt_run("mou report", &m[0]),
            fmt_run("quarterly", &m[1]),
            fmt_run("dormant", &m[2]),
            fmt_run("sqlite3 GROUP BY both", &q)
        );
        for (series, m) in s.iter_mut().zip(m.iter().chain([&q])) {
            if let Some(m) = m {
                series.add(m);
            }
        }
    }
    let n = opts.rows;
    rows.extend([
        Row::new(
            "report, engagements too",
            n,
            (&s[0], &s[3]),
            tools,
            Some(0.5),
        ),
        Row::new(
            "quarterly, engagements too",
            n,
            (&s[1], &s[3]),
            tools,
            Some(0.5),
        ),
        Row::new("dormant / mou report", n, (&s[2], &s[0]), tools, Some(2.0)),
    ]);
    Ok(rows)
}
